package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/fieldwork"
)

// openStoreFlag opens the database named by --db (or DATABASE_URL).
func openStoreFlag(ctx context.Context, db string) (*data.Store, error) {
	if db == "" {
		return nil, usageErrorf("set DATABASE_URL or --db")
	}
	return data.Open(ctx, db)
}

// runLedger handles "gridsweep ledger summary|export": the shop ledger from the terminal.
func runLedger(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "gridsweep ledger summary --area AREA [--at TIME] [--step-days N]\n" +
		"       gridsweep ledger export --area AREA [--status S] [--category C] [--need TAG] [-o FILE]"
	if len(args) == 0 || (args[0] != "summary" && args[0] != "export") {
		return usageErrorf("%s", usage)
	}
	fs := newFlags("ledger "+args[0], stderr)
	areaFlag := fs.String("area", "", "area id, source id or name")
	dbFlag := databaseFlag(fs)
	atFlag := fs.String("at", "", "summary: RFC 3339 time to report at (default now)")
	stepFlag := fs.Float64("step-days", 7, "summary: compare with this many days earlier")
	statusFlag := fs.String("status", "", "export: only shops with this status")
	catFlag := fs.String("category", "", "export: only shops of this category")
	needFlag := fs.String("need", "", "export: only shops with this need tag")
	outFlag := fs.String("o", "", "export: write the CSV here instead of standard output")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if *areaFlag == "" {
		return usageErrorf("--area is required")
	}
	if *statusFlag != "" && !slices.Contains(data.ShopStatuses(), *statusFlag) {
		return usageErrorf("--status must be one of %v", data.ShopStatuses())
	}
	if *needFlag != "" && !slices.Contains(data.NeedTags(), *needFlag) {
		return usageErrorf("--need must be one of %v", data.NeedTags())
	}
	if *stepFlag <= 0 {
		return usageErrorf("--step-days must be positive")
	}
	at := time.Now()
	if *atFlag != "" {
		if at, err = time.Parse(time.RFC3339, *atFlag); err != nil {
			return usageErrorf("--at must be an RFC 3339 time")
		}
	}
	store, err := openStoreFlag(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer store.Close()
	area, err := store.AreaIDByRef(ctx, *areaFlag)
	if err != nil {
		return err
	}
	if args[0] == "summary" {
		sum, err := store.SummarizeLedger(ctx, area, at, time.Duration(*stepFlag*24*float64(time.Hour)), 2)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, summaryLine(sum))
		n := sum.Now
		fmt.Fprintf(stdout, "open %d, preparing %d, closed %d, moved %d, unknown %d\n", n.Open, n.Preparing, n.Closed, n.Moved, n.Unknown)
		return nil
	}
	entries, err := store.ListAllLedger(ctx, data.LedgerFilter{Area: area, Status: *statusFlag, Category: *catFlag, Need: *needFlag})
	if err != nil {
		return err
	}
	w := stdout
	if *outFlag != "" {
		f, err := os.Create(*outFlag)
		if err != nil {
			return fmt.Errorf("ledger export: %w", err)
		}
		defer f.Close()
		bw := bufio.NewWriter(f)
		if err := fieldwork.WriteLedgerCSV(bw, entries); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("ledger export: %w", err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("ledger export: %w", err)
		}
		fmt.Fprintf(stderr, "%d shops written to %s\n", len(entries), *outFlag)
		return nil
	}
	return fieldwork.WriteLedgerCSV(w, entries)
}

// summaryLine says the reopening progress in one sentence: "41 of 63 shops open, up 9 in
// the last 7 days".
func summaryLine(s data.LedgerSummary) string {
	change := "no change"
	switch {
	case s.OpenChange > 0:
		change = fmt.Sprintf("up %d", s.OpenChange)
	case s.OpenChange < 0:
		change = fmt.Sprintf("down %d", -s.OpenChange)
	}
	return fmt.Sprintf("%d of %d shops open, %s in the last %g days", s.Now.Open, s.Shops, change, s.StepDays)
}
