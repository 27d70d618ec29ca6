package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/planning"
	"github.com/gridsweep/gridsweep/routing"
	"github.com/paulmach/orb"
	"golang.org/x/term"
)

// runPlan splits a network's streets among workers and writes routes and a report:
// gridsweep plan --osm FILE --workers N [--start LON,LAT] --out routes.geojson --report report.json
// gridsweep plan --osm FILE --grids GRIDS.geojson --out routes.geojson --report report.json
// gridsweep plan --area NAME [--workers N]
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plan", stderr)
	osmFile := fs.String("osm", "", "OSM file (.osm.pbf, .osm, .osm.bz2) to plan without a database")
	area := fs.String("area", "", "area name in PostGIS (DATABASE_URL) to plan")
	grids := fs.String("grids", "", "with --osm: GeoJSON FeatureCollection of grid polygons (properties name, workers, optional starts and ends); each grid's blocks are served by its own workers")
	workers := fs.Int("workers", 0, "number of workers (required with --osm unless --grids; with --area default every active worker)")
	start := fs.String("start", "", "start point LON,LAT shared by all workers, or one per worker separated by ';' (default: a central node)")
	seconds := fs.Float64("seconds", 10, "time budget in seconds")
	seed := fs.Int64("seed", 1, "random seed (same seed, same plan)")
	threads := fs.Int("threads", 2, "parallel searches")
	mode := fs.String("mode", "patrol", "patrol (on foot) or sweeper (carts, one-way streets, stations)")
	capacity := fs.Float64("capacity", 0, "sweeper: metres of street a cart sweeps before it must empty (0: unlimited)")
	walkKmh := fs.Float64("walk-kmh", routing.DefaultWalkKmh, "walking speed when not serving, km/h")
	serveKmh := fs.Float64("serve-kmh", routing.DefaultServeKmh, "speed while serving a block, km/h")
	shopMin := fs.Float64("shop-min", routing.DefaultShopService.Minutes(), "minutes spent at each shop on a served block")
	shiftH := fs.Float64("shift-h", routing.DefaultShiftLimit.Hours(), "shift limit in hours")
	snapM := fs.Float64("snap-m", routing.DefaultSnapToleranceM, "how far a shop or station may be from its block, metres")
	bridgeM := fs.Float64("bridge-m", routing.DefaultBridgeM, "join street islands to the network by a straight walk when within this many metres (0: never)")
	out := fs.String("out", "", "write the routes as GeoJSON here")
	report := fs.String("report", "", "write the plan report as JSON here")
	gpxDir := fs.String("gpx", "", "write one GPX track per worker into this directory")
	replan := fs.Int64("replan", 0, "with --area: re-plan from this stored plan, keeping its locked blocks and as many assignments as possible")
	offIDs := fs.String("off", "", "with --replan: comma-separated ids of workers off duty (their blocks go to the others)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *osmFile == "" && *area == "":
		return usageErrorf("give --osm FILE (or --area NAME with a database)")
	case *osmFile != "" && *area != "":
		return usageErrorf("give --osm or --area, not both")
	case *grids != "" && *area != "":
		return usageErrorf("--grids goes with --osm; an area plans by its own grid areas")
	case *grids != "" && (*workers != 0 || *start != ""):
		return usageErrorf("--grids gives the workers and their starts: leave out --workers and --start")
	case *workers < 0 || (*workers == 0 && *osmFile != "" && *grids == ""):
		return usageErrorf("--workers must be at least 1 (got %d)", *workers)
	case *replan != 0 && *area == "":
		return usageErrorf("--replan needs --area (the previous plan is in the database)")
	case *offIDs != "" && *replan == 0:
		return usageErrorf("--off needs --replan")
	case *osmFile != "" && *out == "" && *report == "" && *gpxDir == "":
		return usageErrorf("nothing to write: give --out, --report or --gpx")
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"walk-kmh", *walkKmh}, {"serve-kmh", *serveKmh}, {"shop-min", *shopMin}, {"shift-h", *shiftH}, {"snap-m", *snapM}, {"bridge-m", *bridgeM}, {"capacity", *capacity}, {"seconds", *seconds}} {
		if c.v < 0 {
			return usageErrorf("--%s must not be negative (got %v)", c.name, c.v)
		}
	}
	starts, err := parseStarts(*start)
	if err != nil {
		return usageErrorf("--start: %v", err)
	}

	opt := routing.PlanOptions{
		Mode: routing.Mode(*mode), ShopService: time.Duration(*shopMin * float64(time.Minute)),
		SnapToleranceM: *snapM, Capacity: *capacity, Seconds: *seconds, Seed: *seed, Threads: *threads,
	}
	// With --area every worker keeps their own shift and speeds unless a flag given on the
	// command line sets them for all; from a file, the flags (or their defaults) hold.
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	setAll := func(name string, v float64, def float64) float64 {
		switch {
		case *area != "" && !given[name]:
			return 0
		case v == 0:
			return def // an explicit 0 is the default, as the planner reads it
		}
		return v
	}
	opt.WalkKmh = setAll("walk-kmh", *walkKmh, routing.DefaultWalkKmh)
	opt.ServeKmh = setAll("serve-kmh", *serveKmh, routing.DefaultServeKmh)
	opt.ShiftLimit = time.Duration(setAll("shift-h", *shiftH, routing.DefaultShiftLimit.Hours()) * float64(time.Hour))
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opt.Progress = func(makespan, elapsed time.Duration) {
			fmt.Fprintf(stderr, "\rbest makespan %v after %.1f s   ", makespan.Round(time.Second), elapsed.Seconds())
		}
	}
	req := planning.Request{OSMFile: *osmFile, GridsFile: *grids, Area: *area, Workers: *workers, Starts: starts, Options: opt, BridgeM: *bridgeM}
	if *bridgeM == 0 {
		req.BridgeM = -1 // --bridge-m 0: never join islands
	}
	if *replan != 0 {
		off, err := parseIDs(*offIDs)
		if err != nil {
			return usageErrorf("--off: %v", err)
		}
		req.Replan = &planning.Replan{Of: *replan, Off: off}
	}
	var store *data.Store
	if *area != "" {
		if store, err = openPlanStore(ctx); err != nil {
			return err
		}
		defer store.Close()
	}
	res, err := planning.NewRunner(store).Run(ctx, req)
	if opt.Progress != nil {
		fmt.Fprintln(stderr)
	}
	if errors.Is(err, planning.ErrUnknownWorker) {
		return usageErrorf("--off: %v", err)
	}
	if err != nil {
		return err
	}
	plan, rep, moves := res.Plan, res.Report, res.Report.Replan
	if res.PlanID != 0 {
		fmt.Fprintf(stdout, "plan %d stored for area %s\n", res.PlanID, *area)
	}
	if moves != nil {
		fmt.Fprintf(stdout, "re-plan of plan %d: %d blocks kept, %d moved between workers on duty, %d reassigned\n",
			*replan, moves.Kept, moves.Moved, moves.Reassigned)
	}

	if err := writePlanFiles(plan, rep, *out, *gpxDir, *report); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d workers, %d/%d blocks covered, makespan %v, mean %v (ratio %.3f), %.1f km walked, %.1f%% deadhead, pieces %v, %.1f s\n",
		rep.Workers, rep.BlocksCovered, rep.BlocksRequired, plan.Makespan.Round(time.Second), plan.MeanRoute.Round(time.Second),
		rep.MakespanOverMean, rep.TotalM/1000, rep.DeadheadShare*100, rep.TerritoryPieces, rep.Seconds)
	if len(rep.Grids) > 1 || rep.OutsideGrids > 0 {
		fmt.Fprintf(stdout, "%d grids, %d blocks outside every grid, lower bound %.0f s (makespan %.3f × it)\n",
			len(rep.Grids), rep.OutsideGrids, rep.LowerBoundS, rep.MakespanOverBound)
	}
	if n := len(rep.Unreachable); n > 0 {
		fmt.Fprintf(stdout, "%d blocks unreachable from the start (listed in the report)\n", n)
	}
	if plan.Shift != nil {
		fmt.Fprintf(stdout, "does not fit the shift: %s\n", plan.Shift.Message)
	}
	if plan.Interrupted {
		fmt.Fprintln(stdout, "interrupted: this is the best plan found so far")
	}
	return nil
}

// openPlanStore opens DATABASE_URL for plan --area.
func openPlanStore(ctx context.Context) (*data.Store, error) {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return nil, errors.New("plan --area needs DATABASE_URL")
	}
	store, err := data.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	return store, nil
}

// writePlanFiles writes what the command line asked for: the routes as GeoJSON (out), one
// GPX track per worker (gpxDir) and the report (report); an empty name writes nothing.
func writePlanFiles(plan *routing.Plan, rep planning.Report, out, gpxDir, report string) error {
	if out != "" {
		if err := writeFile(out, plan.WriteGeoJSON); err != nil {
			return err
		}
	}
	if gpxDir != "" {
		if err := os.MkdirAll(gpxDir, 0o755); err != nil {
			return fmt.Errorf("plan gpx: %w", err)
		}
		for i, r := range plan.Routes {
			name := filepath.Join(gpxDir, fmt.Sprintf("worker-%02d.gpx", r.Worker+1))
			if err := writeFile(name, func(w io.Writer) error { return plan.WriteGPX(w, i) }); err != nil {
				return err
			}
		}
	}
	if report != "" {
		if err := writeFile(report, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}); err != nil {
			return err
		}
	}
	return nil
}

// parseStarts reads "LON,LAT" or "LON,LAT;LON,LAT;...".
func parseStarts(s string) ([]orb.Point, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var pts []orb.Point
	for _, part := range strings.Split(s, ";") {
		xy := strings.Split(strings.TrimSpace(part), ",")
		if len(xy) != 2 {
			return nil, fmt.Errorf("%q is not LON,LAT", part)
		}
		lon, err1 := strconv.ParseFloat(strings.TrimSpace(xy[0]), 64)
		lat, err2 := strconv.ParseFloat(strings.TrimSpace(xy[1]), 64)
		if err1 != nil || err2 != nil || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
			return nil, fmt.Errorf("%q is not LON,LAT in degrees", part)
		}
		pts = append(pts, orb.Point{lon, lat})
	}
	return pts, nil
}

// parseIDs reads comma-separated row ids.
func parseIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a worker id", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// writeFile creates name and lets write fill it, reporting close errors too.
func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return fmt.Errorf("plan %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("plan %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("plan %s: %w", name, err)
	}
	return nil
}
