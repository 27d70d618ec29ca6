package carp

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/geo/fixture"
)

func loadBKS(t testing.TB, dir string) map[string]int64 {
	f, err := os.Open(filepath.Join(dir, "bks.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	bks := map[string]int64{}
	for _, r := range rows[1:] {
		if v, err := strconv.ParseInt(r[2], 10, 64); err == nil {
			bks[r[1]] = v
		}
	}
	return bks
}

func readInstanceFile(t testing.TB, path string) *Instance {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	in, err := ReadInstance(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestCARPSweep measures the gap to the best-known values on the benchmark sets. It is
// a measurement, not a check, so it runs only with GRIDSWEEP_CARP_SWEEP set to a
// comma-separated list of sets (gdb,val,mval); GRIDSWEEP_CARP_SECONDS sets the time
// limit per instance, GRIDSWEEP_CARP_THREADS the threads, GRIDSWEEP_CARP_ONLY a
// substring filter on instance names.
func TestCARPSweep(t *testing.T) {
	sets := os.Getenv("GRIDSWEEP_CARP_SWEEP")
	if sets == "" {
		t.Skip("set GRIDSWEEP_CARP_SWEEP=gdb,val,mval to run")
	}
	secs, _ := strconv.ParseFloat(os.Getenv("GRIDSWEEP_CARP_SECONDS"), 64)
	if secs <= 0 {
		secs = 1
	}
	threads, _ := strconv.Atoi(os.Getenv("GRIDSWEEP_CARP_THREADS"))
	only := os.Getenv("GRIDSWEEP_CARP_ONLY")
	// GRIDSWEEP_CARP_ITERS caps educations instead of time: machine-independent numbers
	// for comparing variants on a busy machine.
	iters, _ := strconv.Atoi(os.Getenv("GRIDSWEEP_CARP_ITERS"))
	seed, _ := strconv.ParseInt(os.Getenv("GRIDSWEEP_CARP_SEED"), 10, 64)
	if iters > 0 {
		secs = 3600
	}
	dir := fixture.SharedData(t, "carp")
	bks := loadBKS(t, dir)
	for _, set := range strings.Split(sets, ",") {
		files, _ := filepath.Glob(filepath.Join(dir, set, "*"))
		sort.Strings(files)
		var gaps []float64
		atBKS := 0
		for _, f := range files {
			if only != "" && !slices.ContainsFunc(strings.Split(only, ","), func(o string) bool {
				return strings.Contains(filepath.Base(f), o)
			}) {
				continue
			}
			in := readInstanceFile(t, f)
			name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
			var firstAt time.Duration
			b, hasBKS := bks[name]
			start := time.Now()
			sol, err := Solve(context.Background(), in, Options{Seconds: secs, Threads: threads, Seed: seed, MaxIterations: iters,
				Progress: func(best int64, el time.Duration) {
					if hasBKS && best <= b && firstAt == 0 {
						firstAt = el
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			if c := Cost(in, sol); c != sol.Cost {
				t.Errorf("%s: solver cost %d, recomputed %d", name, sol.Cost, c)
			}
			if !hasBKS {
				fmt.Printf("%-8s %6d   (no bks) %.1fs\n", name, sol.Cost, el.Seconds())
				continue
			}
			gap := 100 * float64(sol.Cost-b) / float64(b)
			gaps = append(gaps, gap)
			if sol.Cost <= b {
				atBKS++
			}
			fmt.Printf("%-8s %6d %6d %6.2f%% trips=%d hit=%.2fs\n", name, sol.Cost, b, gap, len(sol.Trips), firstAt.Seconds())
		}
		mean := 0.0
		for _, g := range gaps {
			mean += g
		}
		if len(gaps) > 0 {
			mean /= float64(len(gaps))
		}
		fmt.Printf("== %s: mean gap %.3f%% over %d, %d at bks (%.1fs, %d threads)\n", set, mean, len(gaps), atBKS, secs, threads)
	}
}
