package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/importing"
)

const importUsage = `usage:
  gridsweep import osm FILE                        .osm.pbf, .osm or .osm.bz2
  gridsweep import geojson --kind shops|stations|areas [--crs wgs84|gcj02|bd09] FILE
  gridsweep import csv --kind shops [--crs wgs84|gcj02|bd09] FILE
flags (all forms): --database-url URL (default $DATABASE_URL)`

// runImport imports one file into PostGIS in one transaction and prints the summary.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return oneLine(importFile(ctx, args, stdout, stderr))
}

func importFile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, importUsage)
		if len(args) == 0 {
			return usageErrorf("which import? osm, geojson or csv")
		}
		return nil
	}
	format := args[0]
	fs := newFlags("import "+format, stderr)
	dbURL := databaseFlag(fs)
	var kind, crsName *string
	switch format {
	case "osm":
	case "geojson":
		kind = fs.String("kind", "", "what the features are: shops, stations or areas")
		crsName = fs.String("crs", "wgs84", "coordinate system of the file: wgs84, gcj02 (AMap, Tencent) or bd09 (Baidu)")
	case "csv":
		kind = fs.String("kind", "shops", "what the rows are: shops")
		crsName = fs.String("crs", "wgs84", "coordinate system of the file: wgs84, gcj02 (AMap, Tencent) or bd09 (Baidu)")
	default:
		return usageErrorf("unknown import %q: want osm, geojson or csv", format)
	}
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf("import %s takes exactly one FILE, got %d arguments", format, len(pos))
	}
	path := pos[0]
	var crs geo.CRS
	if crsName != nil {
		if crs, err = geo.ParseCRS(*crsName); err != nil {
			return usageErrorf("--crs: %v", err)
		}
	}
	var what importing.FeatureKind
	if kind != nil {
		if what, err = importing.ParseFeatureKind(*kind); err != nil {
			return usageErrorf("--kind: %v", err)
		}
		if format == "csv" && what != importing.KindShops {
			return usageErrorf("--kind: csv imports shop registers only")
		}
	}
	url, err := databaseURL(*dbURL)
	if err != nil {
		return err
	}

	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	store, err := data.Open(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close()

	r, done := withProgress(f, stderr, "reading "+filepath.Base(path))
	var sum data.ImportSummary
	switch format {
	case "osm":
		sum, err = importing.OSMFile(ctx, store, path, r)
	case "geojson":
		sum, err = importing.GeoJSONFile(ctx, store, path, what, r, crs)
	case "csv":
		sum, err = importing.ShopsCSVFile(ctx, store, path, r, crs)
	}
	done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s into PostGIS\n", path)
	return printImportSummary(stdout, sum)
}

// databaseURL is the --database-url flag, else $DATABASE_URL.
func databaseURL(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u, nil
	}
	return "", errors.New("no database: set DATABASE_URL (scripts/postgis start prints one) or pass --database-url")
}

// withProgress shows a progress bar over the bytes read from f when stderr is a terminal,
// and nothing otherwise (logs and pipes get only the summary). done clears the bar.
func withProgress(f *os.File, stderr io.Writer, label string) (r io.Reader, done func()) {
	out, ok := stderr.(*os.File)
	info, err := f.Stat()
	if !ok || err != nil || !term.IsTerminal(int(out.Fd())) {
		return f, func() {}
	}
	bar := progressbar.NewOptions64(info.Size(),
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish())
	pr := progressbar.NewReader(f, bar)
	return &pr, func() { _ = bar.Finish() }
}

// oneLine keeps an error on one line of the terminal: database and parser messages can
// carry newlines (pgx lists every address it tried, PostgreSQL adds a DETAIL). The
// original stays reachable with errors.Is and errors.As.
func oneLine(err error) error {
	if err == nil || !strings.ContainsAny(err.Error(), "\r\n") {
		return err
	}
	return flatError{err}
}

type flatError struct{ err error }

func (e flatError) Error() string { return strings.Join(strings.Fields(e.err.Error()), " ") }
func (e flatError) Unwrap() error { return e.err }
