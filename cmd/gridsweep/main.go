// Command gridsweep plans sweep routes for city grid workers: it imports streets, shops and
// waste stations into PostGIS, splits a grid's streets among its workers, solves arc-routing
// benchmark instances and serves the map API. This file only wires subcommands together.
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

// command is one subcommand: its name, a one-line summary and the function that runs it
// with the remaining arguments.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "local PostGIS + sample city + plan + serve, prints URLs", runDemo},
		{"serve", "serve the map API and web pages", runServe},
		{"import", "import osm|geojson|csv data into PostGIS", runImport},
		{"plan", "split streets among workers and route each one", runPlan},
		{"carp", "solve or benchmark arc-routing (CARP/MCARP) instances", runCarp},
		{"token", "create API tokens", runToken},
		{"synth", "write synthetic check-ins for the tile benchmark (repeatable by seed)", runSynth},
		{"ledger", "shop ledger: reopening summary, CSV export", runLedger},
		{"campaign", "inspection campaigns: unvisited shops", runCampaign},
		{"duty", "station duty: missed windows", runDuty},
	}
}

// errUsage marks an error caused by the command line itself; main exits 2 for it.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "gridsweep %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "gridsweep %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "gridsweep: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: gridsweep COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}

// usageErrorf reports a command-line mistake.
func usageErrorf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// newFlags returns a flag set that reports errors instead of exiting, so run decides the
// exit code and the user sees one line.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gridsweep "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// databaseFlag registers --database-url, and --db as its short form, defaulting to
// $DATABASE_URL, so every command that needs PostgreSQL takes it the same way.
func databaseFlag(fs *flag.FlagSet) *string {
	v := new(string)
	fs.StringVar(v, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL (env DATABASE_URL)")
	fs.StringVar(v, "db", os.Getenv("DATABASE_URL"), "short for --database-url")
	return v
}

// parseFlags parses args, allowing flags after positional arguments
// (gridsweep carp solve FILE --seconds 5), and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
