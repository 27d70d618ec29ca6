package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gridsweep/gridsweep/fieldwork"
)

// runDuty handles "gridsweep duty report --area AREA --first DAY --last DAY [--at TIME]":
// the station duty windows missed in those days (missing on-post check-ins).
func runDuty(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "report" {
		return usageErrorf("gridsweep duty report --area AREA --first YYYY-MM-DD --last YYYY-MM-DD [--at TIME]")
	}
	fs := newFlags("duty report", stderr)
	areaFlag := fs.String("area", "", "area id, source id or name")
	firstFlag := fs.String("first", "", "first local day (YYYY-MM-DD)")
	lastFlag := fs.String("last", "", "last local day (YYYY-MM-DD, default --first)")
	atFlag := fs.String("at", "", "judge as of this RFC 3339 time (default now)")
	dbFlag := databaseFlag(fs)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if *lastFlag == "" {
		*lastFlag = *firstFlag
	}
	first, err1 := time.Parse(time.DateOnly, *firstFlag)
	last, err2 := time.Parse(time.DateOnly, *lastFlag)
	if *areaFlag == "" || err1 != nil || err2 != nil || last.Before(first) || last.Sub(first) > 366*24*time.Hour {
		return usageErrorf("--area and --first (YYYY-MM-DD) are required; --last is not before --first and at most a year later")
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
	rep, err := fieldwork.StationReport(ctx, store, area, *firstFlag, *lastFlag, at)
	if err != nil {
		return err
	}
	for _, o := range rep.Missed {
		who := "nobody rostered"
		if o.Rostered != nil {
			who = fmt.Sprintf("worker %d", *o.Rostered)
		}
		fmt.Fprintf(stdout, "missed\t%s\tstation %d\t%s-%s UTC\t%s\n", o.Day, o.StationID,
			o.Starts.Format("15:04"), o.Ends.Format("15:04"), who)
	}
	fmt.Fprintf(stdout, "met %d, missed %d, open %d, upcoming %d; %d check-ins outside every window\n",
		rep.Counts["met"], rep.Counts["missed"], rep.Counts["open"], rep.Counts["upcoming"], len(rep.NotCounted))
	return nil
}
