// Command loadcheckins is a bounded load generator for a gridsweep server on the loopback
// interface: it posts check-ins through the API at rising rates, then counts through the
// store what reached PostgreSQL, to find acknowledged check-ins that were lost or stored
// twice (make load, make faults; docs/reliability.md). It is a measuring tool kept out of
// the gridsweep binary, which users run.
//
//	loadcheckins --url http://127.0.0.1:PORT [--db URL] [--rates 100,200,...] [--seconds S] [--retry]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run returns the exit code: 0 on success, 2 for a usage error, 1 for any other failure
// (one line on stderr).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := runLoadCheckins(ctx, args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	fmt.Fprintf(stderr, "loadcheckins: %v\n", err)
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// errUsage marks errors in how the command was called (exit 2).
var errUsage = errors.New("usage")

func usageErrorf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// databaseFlag registers --database-url, and --db as its short form, defaulting to
// $DATABASE_URL, as gridsweep's commands do.
func databaseFlag(fs *flag.FlagSet) *string {
	v := new(string)
	fs.StringVar(v, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL (env DATABASE_URL)")
	fs.StringVar(v, "db", os.Getenv("DATABASE_URL"), "short for --database-url")
	return v
}

// parseFlags parses args and returns the positional ones (there should be none).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	return fs.Args(), nil
}
