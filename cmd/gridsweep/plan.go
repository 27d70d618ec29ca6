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
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
	"github.com/paulmach/orb"
	"golang.org/x/term"
)

// runPlan splits a network's streets among workers and writes routes and a report:
// gridsweep plan --osm FILE --workers N [--start LON,LAT] --out routes.geojson --report report.json
func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plan", stderr)
	osmFile := fs.String("osm", "", "OSM file (.osm.pbf, .osm, .osm.bz2) to plan without a database")
	area := fs.String("area", "", "area name in PostGIS (DATABASE_URL) to plan")
	workers := fs.Int("workers", 0, "number of workers (required)")
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
	case *workers <= 0:
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

	began := time.Now()
	var src planSource
	if *area != "" {
		src, err = loadArea(ctx, *area, *workers, starts == nil)
	} else {
		src, err = loadOSM(ctx, *osmFile)
	}
	if err != nil {
		return err
	}
	if src.store != nil {
		defer src.store.Close()
	}
	if starts == nil {
		starts = src.starts
	}
	net, err := routing.PlanNetwork(src.blocks, *bridgeM)
	if err != nil {
		return fmt.Errorf("plan %s: %w", src.name, err)
	}

	opt := routing.PlanOptions{
		Mode: routing.Mode(*mode), Workers: *workers, Starts: starts,
		WalkKmh: *walkKmh, ServeKmh: *serveKmh,
		ShopService:    time.Duration(*shopMin * float64(time.Minute)),
		ShiftLimit:     time.Duration(*shiftH * float64(time.Hour)),
		SnapToleranceM: *snapM, Capacity: *capacity,
		Seconds: *seconds, Seed: *seed, Threads: *threads,
	}
	if src.perWorker != nil {
		// --area: every worker's own shift and speeds from the workers table, except where
		// a flag given on the command line sets them for all.
		opt.PerWorker = src.perWorker
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		for i := range opt.PerWorker {
			if given["walk-kmh"] {
				opt.PerWorker[i].WalkKmh = 0
			}
			if given["serve-kmh"] {
				opt.PerWorker[i].ServeKmh = 0
			}
			if given["shift-h"] {
				opt.PerWorker[i].ShiftLimit = 0
			}
		}
		if !given["shift-h"] {
			opt.ShiftLimit = 0 // the shortest of the workers' shifts
		}
	}
	// The budget covers the whole command: what reading the file took is not left to the
	// planner.
	if left := *seconds - time.Since(began).Seconds(); *seconds > 0 {
		opt.Seconds = max(left, 0.5)
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		opt.Progress = func(makespan, elapsed time.Duration) {
			fmt.Fprintf(stderr, "\rbest makespan %v after %.1f s   ", makespan.Round(time.Second), elapsed.Seconds())
		}
	}
	input := routing.PlanInput{Network: net, Shops: src.shops, Stations: src.stations}
	var plan *routing.Plan
	var moves *routing.ReplanStats
	if *replan != 0 {
		prev, perr := previousAssignment(ctx, src, *replan, *offIDs)
		if perr != nil {
			return perr
		}
		var st routing.ReplanStats
		plan, st, err = routing.Replan(ctx, input, opt, prev)
		moves = &st
	} else {
		plan, err = routing.PlanRoutes(ctx, input, opt)
	}
	if opt.Progress != nil {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return fmt.Errorf("plan %s: %w", src.name, err)
	}
	elapsed := time.Since(began)
	rep := planReport{Report: plan.Report(elapsed), Replan: moves}
	if src.store != nil {
		// An interrupted plan is the best found so far: store it all the same, with a
		// context that the interrupt no longer cancels.
		id, err := savePlan(context.WithoutCancel(ctx), src, plan, *mode, rep)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "plan %d stored for area %s\n", id, src.name)
	}
	if moves != nil {
		fmt.Fprintf(stdout, "re-plan of plan %d: %d blocks kept, %d moved between workers on duty, %d reassigned\n",
			*replan, moves.Kept, moves.Moved, moves.Reassigned)
	}

	if *out != "" {
		if err := writeFile(*out, plan.WriteGeoJSON); err != nil {
			return err
		}
	}
	if *gpxDir != "" {
		if err := os.MkdirAll(*gpxDir, 0o755); err != nil {
			return fmt.Errorf("plan gpx: %w", err)
		}
		for i, r := range plan.Routes {
			name := filepath.Join(*gpxDir, fmt.Sprintf("worker-%02d.gpx", r.Worker+1))
			if err := writeFile(name, func(w io.Writer) error { return plan.WriteGPX(w, i) }); err != nil {
				return err
			}
		}
	}
	if *report != "" {
		if err := writeFile(*report, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%d workers, %d/%d blocks covered, makespan %v, mean %v (ratio %.3f), %.1f km walked, %.1f%% deadhead, pieces %v, %.1f s\n",
		rep.Workers, rep.BlocksCovered, rep.BlocksRequired, plan.Makespan.Round(time.Second), plan.MeanRoute.Round(time.Second),
		rep.MakespanOverMean, rep.TotalM/1000, rep.DeadheadShare*100, rep.TerritoryPieces, rep.Seconds)
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

// planSource is what a plan covers, read from a file or from PostGIS.
type planSource struct {
	name     string
	blocks   []geo.Block
	shops    []geo.Shop
	stations []geo.Station
	starts   []orb.Point
	// perWorker are the workers' own shifts and speeds (--area only).
	perWorker []routing.WorkerParams
	// For --area: the store, the area, the workers' and blocks' row ids.
	store     *data.Store
	areaID    int64
	workerIDs []int64
	blockIDs  []int64
}

func loadOSM(ctx context.Context, name string) (planSource, error) {
	f, err := os.Open(name)
	if err != nil {
		return planSource{}, fmt.Errorf("plan: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(geo.FormatHeadSize)
	format, err := geo.FormatOf(name, head)
	if err != nil {
		return planSource{}, fmt.Errorf("plan %s: %w", name, err)
	}
	ex, err := geo.ReadOSM(ctx, br, format)
	if err != nil {
		return planSource{}, fmt.Errorf("plan %s: %w", name, err)
	}
	return planSource{name: name, blocks: ex.Blocks, shops: ex.Shops, stations: ex.Stations}, nil
}

// loadArea reads an area's streets, shops, stations and n workers (created when the area
// has fewer) from PostGIS; the workers' start points are used when every one has one.
func loadArea(ctx context.Context, name string, n int, wantStarts bool) (planSource, error) {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return planSource{}, errors.New("plan --area needs DATABASE_URL")
	}
	store, err := data.Open(ctx, url)
	if err != nil {
		return planSource{}, fmt.Errorf("plan: %w", err)
	}
	src, err := loadAreaFrom(ctx, store, name, n, wantStarts)
	if err != nil {
		store.Close()
		return planSource{}, err
	}
	return src, nil
}

func loadAreaFrom(ctx context.Context, store *data.Store, name string, n int, wantStarts bool) (planSource, error) {
	a, err := store.AreaByName(ctx, name)
	if err != nil {
		return planSource{}, fmt.Errorf("plan: %w", err)
	}
	d, err := store.LoadPlanData(ctx, a.ID)
	if err != nil {
		return planSource{}, fmt.Errorf("plan: %w", err)
	}
	ws, err := store.PlanWorkers(ctx, a.ID, n)
	if err != nil {
		return planSource{}, fmt.Errorf("plan: %w", err)
	}
	src := planSource{name: name, blocks: d.Blocks, shops: d.Shops, stations: d.Stations,
		store: store, areaID: a.ID, blockIDs: d.BlockIDs, perWorker: data.PlanWorkerParams(ws)}
	for _, w := range ws {
		src.workerIDs = append(src.workerIDs, w.ID)
		var g struct{ Coordinates []float64 }
		if wantStarts && json.Unmarshal(w.Start, &g) == nil && len(g.Coordinates) == 2 {
			src.starts = append(src.starts, orb.Point{g.Coordinates[0], g.Coordinates[1]})
		}
	}
	if len(src.starts) != len(ws) {
		src.starts = nil // some worker has no start: the planner picks one for all
	}
	return src, nil
}

// planReport is the report file and the stored plan stats: the plan's report and, for a
// re-plan, how many assignments changed.
type planReport struct {
	routing.Report
	Replan *routing.ReplanStats `json:"replan,omitempty"`
}

// previousAssignment reads a stored plan's assignments as a re-plan's starting point:
// blocks and workers by index in this plan, locked blocks, and the workers off duty (ids
// in off, comma-separated).
func previousAssignment(ctx context.Context, src planSource, planID int64, off string) (routing.ReplanInput, error) {
	var in routing.ReplanInput
	as, err := src.store.PlanAssignments(ctx, planID)
	if err != nil {
		return in, fmt.Errorf("plan: %w", err)
	}
	if len(as) == 0 {
		return in, fmt.Errorf("plan %d has no assignments to re-plan from", planID)
	}
	blockAt := make(map[int64]int, len(src.blockIDs))
	for i, id := range src.blockIDs {
		blockAt[id] = i
	}
	workerAt := make(map[int64]int, len(src.workerIDs))
	for i, id := range src.workerIDs {
		workerAt[id] = i
	}
	in.Previous = make(map[int]int, len(as))
	for _, a := range as {
		b, okB := blockAt[a.BlockID]
		w, okW := workerAt[a.WorkerID]
		if !okB || !okW {
			continue // the block left the area or the worker is not in this plan: assign afresh
		}
		in.Previous[b] = w
		if a.Locked {
			in.LockedBlocks = append(in.LockedBlocks, b)
		}
	}
	for _, f := range strings.Split(off, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return in, usageErrorf("--off: %q is not a worker id", f)
		}
		w, ok := workerAt[id]
		if !ok {
			return in, usageErrorf("--off: worker %d is not one of this plan's workers %v", id, src.workerIDs)
		}
		in.Removed = append(in.Removed, w)
	}
	return in, nil
}

// savePlan stores a plan computed here with its routes, block assignments and report.
func savePlan(ctx context.Context, src planSource, plan *routing.Plan, mode string, rep planReport) (int64, error) {
	params, _ := json.Marshal(map[string]any{"workers": len(src.workerIDs), "source": "cli"})
	id, err := src.store.StartDirectPlan(ctx, src.areaID, mode, params)
	if err != nil {
		return 0, fmt.Errorf("plan: %w", err)
	}
	routes, err := data.RoutesOfPlan(plan, src.workerIDs, src.blockIDs)
	if err != nil {
		return 0, fmt.Errorf("plan %d: %w", id, err)
	}
	if _, err := src.store.SavePlanResult(ctx, id, routes, rep); err != nil {
		return 0, fmt.Errorf("plan: %w", err)
	}
	return id, nil
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
