package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// runSynth writes synthetic check-ins for the tile benchmark (docs/benchmarks.md, Tiles):
// repeatable by seed, replacing an earlier run of the same seed.
func runSynth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("synth", stderr)
	seed := fs.Uint64("seed", 1, "random seed: the same seed on the same map gives the same check-ins")
	n := fs.Int("checkins", 1_000_000, "number of check-ins")
	days := fs.Int("days", 90, "spread the check-ins over this many days before 2026-11-01")
	workers := fs.Int("workers", 50, "synthetic workers sharing the blocks")
	area := fs.Int64("area", 0, "area id of the workers (default: the largest top-level area)")
	dbURL := databaseFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageErrorf("synth takes no arguments, got %q", pos)
	}
	if *n < 0 || *days < 1 || *workers < 1 {
		return usageErrorf("--checkins must be >= 0, --days and --workers >= 1")
	}
	url, err := databaseURL(*dbURL)
	if err != nil {
		return err
	}
	store, err := data.Open(ctx, url)
	if err != nil {
		return oneLine(err)
	}
	defer store.Close()
	start := time.Now()
	sum, err := store.SynthesizeCheckIns(ctx, data.SynthOptions{
		Seed: *seed, CheckIns: *n, Days: *days, Workers: *workers, AreaID: *area,
		Progress: func(done int) {
			fmt.Fprintf(stderr, "synth: %d/%d check-ins (%.0fs)\n", done, *n, time.Since(start).Seconds())
		},
	})
	if err != nil {
		return oneLine(err)
	}
	fmt.Fprintf(stdout, "synth: seed %d: %d check-ins on %d blocks by %d workers of area %d in %.1fs (%d replaced)\n",
		*seed, sum.CheckIns, sum.Blocks, sum.Workers, sum.AreaID, time.Since(start).Seconds(), sum.Replaced)
	return nil
}
