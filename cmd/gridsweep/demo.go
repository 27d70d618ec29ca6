package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/gridsweep/gridsweep/api"
	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/importing"
	"github.com/gridsweep/gridsweep/planning"
	"github.com/gridsweep/gridsweep/routing"
)

// runDemo brings a fresh database up to date, imports a sample city, lays out a demo
// community with its grids and workers, plans their sweeps, makes tokens and serves the
// pages. The Makefile's demo target starts the private PostGIS and passes the Andorra
// extract that the github.com/paulmach/osm module ships.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return oneLine(demo(ctx, args, stdout, stderr))
}

func demo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	osmFile := fs.String("osm", "", "OpenStreetMap extract to import (.osm.pbf, .osm, .osm.bz2)")
	dbURL := databaseFlag(fs)
	addr := fs.String("addr", envOr("GRIDSWEEP_ADDR", "127.0.0.1:8080"), "listen address (env GRIDSWEEP_ADDR)")
	workers := fs.Int("workers", 53, "grid workers of the demo community")
	halfSide := fs.Float64("half-side-m", 1000, "the demo community is a square this many metres either side of the densest streets")
	seconds := fs.Float64("seconds", 20, "time budget of the demo plan")
	noServe := fs.Bool("no-serve", false, "stop after planning (do not serve)")
	timeZone := fs.String("time-zone", envOr("GRIDSWEEP_TIME_ZONE", api.DefaultTimeZone), "IANA zone of the demo community: the day its plan is published for (env GRIDSWEEP_TIME_ZONE)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 0:
		return usageErrorf("demo takes no arguments, got %q", pos)
	case *osmFile == "":
		return usageErrorf("--osm FILE is required (make demo passes the Andorra extract)")
	case *workers <= 0:
		return usageErrorf("--workers must be at least 1 (got %d)", *workers)
	case *halfSide <= 0:
		return usageErrorf("--half-side-m must be positive (got %v)", *halfSide)
	}
	loc, err := time.LoadLocation(*timeZone)
	if err != nil || *timeZone == "" {
		return usageErrorf("--time-zone %q is not an IANA zone name such as Europe/Andorra", *timeZone)
	}
	if !*noServe {
		// Fail before the minute of importing and planning, not after it.
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return fmt.Errorf("listen %s: %w (another server runs there? give --addr)", *addr, err)
		}
		ln.Close()
	}
	dsn, err := databaseURL(*dbURL)
	if err != nil {
		return err
	}
	f, err := os.Open(*osmFile)
	if err != nil {
		return err
	}
	defer f.Close()
	store, err := data.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()

	fmt.Fprintf(stdout, "gridsweep demo: importing %s (data © OpenStreetMap contributors, ODbL)\n", filepath.Base(*osmFile))
	r, done := withProgress(f, stderr, "reading "+filepath.Base(*osmFile))
	sum, err := importing.OSMFile(ctx, store, *osmFile, r)
	done()
	if err != nil {
		return err
	}
	if err := printImportSummary(stdout, sum); err != nil {
		return err
	}

	centre, err := store.StreetCentre(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	const community = "Demo community"
	if _, err := store.ImportAreas(ctx, data.DemoAreas(centre, *halfSide, community)); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	ws, err := planning.NewRunner(store).LayOutDemoCrew(ctx, "demo:community", *workers)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\ndemo community: %.0f m square around %.5f,%.5f (the densest streets), 4 grids, %d workers\n",
		2**halfSide, centre[0], centre[1], len(ws))
	fmt.Fprintln(stdout, "workers per grid in proportion to its workload (streets, shops, least deadhead), each starting where their part of it begins and finishing where their last street ends")

	ids := make([]int64, len(ws))
	for i, w := range ws {
		ids[i] = w.ID
	}
	res, err := demoPlan(ctx, store, community, ids, *seconds, stdout)
	if err != nil {
		return err
	}
	areaID := res.Source.AreaID
	// Published for today in the community's zone, so the worker's page opens the route
	// without a plan number (as a street office would do each morning).
	tz := loc.String()
	if err := store.SetAreaTimeZone(ctx, areaID, &tz); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	pub, err := store.PublishPlan(ctx, data.PublishInput{PlanID: res.PlanID, AreaID: areaID, Date: time.Now().In(loc), TimeZone: tz})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintf(stdout, "published plan %d for %s (%s)\n", res.PlanID, pub.Date, tz)

	tokens := map[string]string{}
	for _, p := range []data.NewTokenParams{
		{Role: "supervisor", AreaID: areaID, Label: "demo supervisor"},
		{Role: "worker", AreaID: ws[0].AreaID, WorkerID: ws[0].ID, Label: "demo worker 1"},
		{Role: "viewer", AreaID: areaID, Label: "demo dashboard"},
	} {
		secret, _, err := store.CreateToken(ctx, p)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		tokens[p.Role] = secret
	}
	base := "http://" + *addr
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	area := fmt.Sprint(areaID)
	plan := fmt.Sprint(res.PlanID)
	fmt.Fprintf(stdout, "\ntokens (shown once; stored hashed):\n  supervisor %s\n  worker 1   %s\n  viewer     %s\n",
		tokens["supervisor"], tokens["worker"], tokens["viewer"])
	fmt.Fprintf(stdout, "\npages:\n")
	fmt.Fprintf(stdout, "  supervisor console  %s/supervisor?%s\n", base, q("token", tokens["supervisor"], "area", area, "plan", plan))
	fmt.Fprintf(stdout, "  worker route        %s/worker?%s  (today's published route)\n", base, q("token", tokens["worker"]))
	fmt.Fprintf(stdout, "  dashboard embed     %s/embed?%s\n", base, q("layer", "coverage", "area", area, "token", tokens["viewer"]))
	fmt.Fprintf(stdout, "  embed snippet       %s/embed/snippet\n", base)
	fmt.Fprintf(stdout, "  API                 %s/api/v1/openapi.json  (Authorization: Bearer TOKEN)\n", base)
	if *noServe {
		return nil
	}
	fmt.Fprintln(stdout, "\nCtrl-C stops the server.")
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return serveStore(ctx, store, serveConfig{Addr: *addr, PlanWorkers: 1, Options: api.Options{Logger: log, TimeZone: tz}}, stdout)
}

// demoPlan plans the demo community's streets among its workers, each in their own grid,
// the way `gridsweep plan --area` does, stores the plan and prints its summary: the
// deadhead share, longest route over the mean in each grid and the gap to the lower
// bound.
func demoPlan(ctx context.Context, store *data.Store, area string, workers []int64, seconds float64, stdout io.Writer) (*planning.Result, error) {
	res, err := planning.NewRunner(store).Run(ctx, planning.Request{Area: area, WorkerIDs: workers, Options: routing.PlanOptions{
		Mode:    routing.ModePatrol,
		WalkKmh: routing.DefaultWalkKmh, ServeKmh: routing.DefaultServeKmh,
		ShopService: routing.DefaultShopService, ShiftLimit: routing.DefaultShiftLimit,
		SnapToleranceM: routing.DefaultSnapToleranceM, Seconds: seconds, Seed: 1, Threads: 2,
	}})
	if err != nil {
		return nil, fmt.Errorf("demo %w", err)
	}
	plan, rep := res.Plan, res.Report
	fmt.Fprintf(stdout, "plan %d: %d workers, %d/%d blocks covered, longest route %v, mean %v (ratio %.3f), %.1f km walked, %.1f s\n",
		res.PlanID, rep.Workers, rep.BlocksCovered, rep.BlocksRequired, plan.Makespan.Round(time.Second),
		plan.MeanRoute.Round(time.Second), rep.MakespanOverMean, rep.TotalM/1000, rep.Seconds)
	fmt.Fprintf(stdout, "deadhead %.1f%% of the walking (%.1f of %.1f km); lower bound %v, longest route %.3f × it\n",
		rep.DeadheadShare*100, rep.DeadheadM/1000, rep.TotalM/1000, time.Duration(rep.LowerBoundS*float64(time.Second)).Round(time.Second), rep.MakespanOverBound)
	for _, g := range rep.Grids {
		ratio := 0.0
		if g.MeanRouteS > 0 {
			ratio = g.MakespanS / g.MeanRouteS
		}
		fmt.Fprintf(stdout, "  %s: %d workers, %d/%d blocks, longest %v, longest/mean %.3f, deadhead %.1f%%, %.3f × its lower bound\n",
			g.Name, g.Workers, g.BlocksCovered, g.BlocksRequired, time.Duration(g.MakespanS*float64(time.Second)).Round(time.Second),
			ratio, 100*g.DeadheadM/max(g.TotalM, 1), g.MakespanOverBound)
	}
	if rep.OutsideGrids > 0 {
		fmt.Fprintf(stdout, "  %d blocks of the community lie in no grid (not planned)\n", rep.OutsideGrids)
	}
	if plan.Shift != nil {
		fmt.Fprintf(stdout, "does not fit the shift: %s\n", plan.Shift.Message)
	}
	return res, nil
}
