package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gridsweep/gridsweep/routing/carp"
	"github.com/gridsweep/gridsweep/routing/carp/bench"
	"github.com/gridsweep/gridsweep/routing/carp/check"
)

// runCarp solves or benchmarks arc-routing instances:
//
//	gridsweep carp solve FILE [--seconds S] [--seed N] [--threads T] [--progress]
//	gridsweep carp bench DIR [--bks FILE.csv] [--seconds S] [--seed N] [--threads T] [--csv]
func runCarp(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErrorf("give a subcommand: carp solve FILE | carp bench DIR")
	}
	switch args[0] {
	case "solve":
		return runCarpSolve(ctx, args[1:], stdout, stderr)
	case "bench":
		return runCarpBench(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, "usage: gridsweep carp solve FILE [--seconds S] [--seed N] [--threads T] [--progress]")
		fmt.Fprintln(stderr, "       gridsweep carp bench DIR [--bks FILE.csv] [--seconds S] [--seed N] [--threads T] [--csv]")
		return nil
	default:
		return usageErrorf("unknown subcommand %q: want solve or bench", args[0])
	}
}

// solveFlags are the search settings shared by solve and bench.
type solveFlags struct {
	seconds *float64
	seed    *int64
	threads *int
}

func addSolveFlags(fs *flag.FlagSet, defaultSeconds float64) solveFlags {
	return solveFlags{
		seconds: fs.Float64("seconds", defaultSeconds, "time limit per instance, in seconds"),
		seed:    fs.Int64("seed", 1, "random seed (same seed and threads, same search)"),
		threads: fs.Int("threads", runtime.NumCPU(), "parallel searches"),
	}
}

func (f solveFlags) check() error {
	switch {
	case !(*f.seconds > 0):
		return usageErrorf("--seconds must be positive (got %v)", *f.seconds)
	case *f.threads < 1:
		return usageErrorf("--threads must be at least 1 (got %d)", *f.threads)
	}
	return nil
}

func runCarpSolve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("carp solve", stderr)
	sf := addSolveFlags(fs, carp.DefaultSeconds)
	progress := fs.Bool("progress", false, "print each improvement of the best cost on stderr")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("carp solve takes one instance FILE (got %d arguments)", len(pos))
	}
	if err := sf.check(); err != nil {
		return err
	}
	in, err := readInstanceFile(pos[0])
	if err != nil {
		return err
	}
	opt := carp.Options{Seconds: *sf.seconds, Seed: *sf.seed, Threads: *sf.threads}
	if *progress {
		opt.Progress = func(best int64, elapsed time.Duration) {
			fmt.Fprintf(stderr, "best %d at %.2f s\n", best, elapsed.Seconds())
		}
	}
	printInstance(stdout, in)
	start := time.Now()
	sol, err := carp.Solve(ctx, in, opt)
	elapsed := time.Since(start)
	if err != nil {
		return err
	}
	walks := sol.Walks(in)
	report, checkErr := check.Check(in, walks, sol.Cost)
	for t, w := range walks {
		fmt.Fprintf(stdout, "trip %d: load %d, cost %d, serves", t+1, report.TripLoads[t], report.TripCosts[t])
		for _, mv := range w {
			if !mv.Serve || mv.Link < 0 || mv.Link >= len(in.Links) {
				continue
			}
			l := in.Links[mv.Link]
			from, to := l.From, l.To
			if mv.Reverse {
				from, to = to, from
			}
			fmt.Fprintf(stdout, " (%d,%d)", from+1, to+1)
		}
		fmt.Fprintln(stdout)
	}
	stopped := ""
	if ctx.Err() != nil {
		stopped = ", interrupted: best so far"
	}
	fmt.Fprintf(stdout, "total cost %d (service %d, deadheading %d), %d trips, %.2f s%s\n",
		sol.Cost, report.ServiceCost, report.DeadheadCost, len(walks), elapsed.Seconds(), stopped)
	if checkErr != nil {
		fmt.Fprintln(stdout, "checker: invalid")
		return checkErr
	}
	fmt.Fprintf(stdout, "checker: valid (%d of %d required links served once, cost recomputed %d)\n", report.Served, report.Required, report.Cost)
	return nil
}

func readInstanceFile(path string) (*carp.Instance, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in, err := carp.ReadInstance(f, bench.InstanceName(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

func printInstance(w io.Writer, in *carp.Instance) {
	var edges, arcs, deadhead int
	for _, l := range in.Links {
		switch {
		case !l.Required:
			deadhead++
		case l.Directed:
			arcs++
		default:
			edges++
		}
	}
	capacity := "unlimited"
	if in.Capacity > 0 {
		capacity = fmt.Sprint(in.Capacity)
	}
	fmt.Fprintf(w, "instance %s: %d vertices, %d required edges, %d required arcs, %d deadhead-only links, capacity %s, depot %d\n",
		in.Name, in.Vertices, edges, arcs, deadhead, capacity, in.Depot+1)
}

func runCarpBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("carp bench", stderr)
	sf := addSolveFlags(fs, carp.DefaultSeconds)
	bksFile := fs.String("bks", "", "CSV of best-known values (columns set,instance,bks,…); default: bks.csv in DIR or its parent, if present")
	asCSV := fs.Bool("csv", false, "print CSV with a header line instead of an aligned table")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("carp bench takes one instance DIR (got %d arguments)", len(pos))
	}
	if err := sf.check(); err != nil {
		return err
	}
	dir := pos[0]
	names, err := bench.ListInstances(dir)
	if err != nil {
		return err
	}
	if *bksFile == "" {
		*bksFile = findBKS(dir)
		if *bksFile != "" {
			fmt.Fprintf(stderr, "best-known values from %s\n", *bksFile)
		}
	}
	var bks map[string]int64
	if *bksFile != "" {
		if bks, err = bench.ReadBKSFile(*bksFile); err != nil {
			return err
		}
	}
	for i, n := range names {
		names[i] = bench.InstanceName(n)
	}
	p := bench.NewPrinter(stdout, *asCSV, names)
	if err := p.Header(); err != nil {
		return err
	}
	var printErr error
	cfg := bench.Config{Dir: dir, BKS: bks, Seconds: *sf.seconds, Seed: *sf.seed, Threads: *sf.threads}
	rows, runErr := bench.Run(ctx, cfg, func(r bench.Row) {
		if err := p.Row(r); err != nil && printErr == nil {
			printErr = err
		}
		if r.Err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", r.Instance, r.Err)
		}
	})
	if printErr != nil {
		return printErr
	}
	s := bench.Summarise(rows)
	if err := p.Summary(s); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	if s.Valid < s.Rows {
		return fmt.Errorf("%d of %d instances without a valid solution", s.Rows-s.Valid, s.Rows)
	}
	return nil
}

// findBKS returns bks.csv from dir or its parent (the layout of shared/data/carp), or "".
func findBKS(dir string) string {
	for _, d := range []string{dir, filepath.Dir(filepath.Clean(dir))} {
		p := filepath.Join(d, "bks.csv")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}
