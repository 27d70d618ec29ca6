package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gridsweep/gridsweep/data"
)

// runDemo brings a fresh database up to date and imports a sample city into it. The
// Makefile's demo target starts the private PostGIS and passes the Andorra extract that
// the github.com/paulmach/osm module ships.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return oneLine(demo(ctx, args, stdout, stderr))
}

func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	osmFile := fs.String("osm", "", "OpenStreetMap extract to import (.osm.pbf, .osm, .osm.bz2)")
	dbURL := fs.String("database-url", "", "PostgreSQL connection URL (default $DATABASE_URL)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageErrorf("demo takes no arguments, got %q", pos)
	}
	if *osmFile == "" {
		return usageErrorf("--osm FILE is required (make demo passes the Andorra extract)")
	}
	url, err := databaseURL(*dbURL)
	if err != nil {
		return err
	}
	f, err := os.Open(*osmFile)
	if err != nil {
		return err
	}
	defer f.Close()
	store, err := data.Open(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close()

	fmt.Fprintf(stdout, "gridsweep demo: importing %s (data © OpenStreetMap contributors, ODbL)\n", filepath.Base(*osmFile))
	r, done := withProgress(f, stderr, "reading "+filepath.Base(*osmFile))
	sum, err := store.ImportOSMFile(ctx, *osmFile, r)
	done()
	if err != nil {
		return err
	}
	return sum.Print(stdout)
}
