package routing

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// twoGrids is a 4×6 lattice (100 m) split into West and East along the line through the
// midpoints of the blocks between columns 2 and 3 (three blocks lie on that boundary);
// both grids stop a quarter of the way from row 2 to row 3, so the six blocks of row 3 and
// the six blocks from row 2 up to row 3 lie in no grid.
type twoGrids struct {
	net            *geo.Network
	west, east     orb.Polygon
	boundaryBlocks []int
	midX, topY     float64
}

func newTwoGrids(t *testing.T) *twoGrids {
	t.Helper()
	net := gridNetwork(t, 4, 6, 100)
	tg := &twoGrids{net: net}
	var x0, x1, y0, y1, row2, row3 float64
	for b, bl := range net.Blocks {
		a, c := bl.Geometry[0], bl.Geometry[1]
		if b == 0 {
			x0, x1, y0, y1 = a[0], a[0], a[1], a[1]
		}
		for _, p := range []orb.Point{a, c} {
			x0, x1, y0, y1 = min(x0, p[0]), max(x1, p[0]), min(y0, p[1]), max(y1, p[1])
		}
	}
	// Rows and columns from the lattice: gridBlocks names them.
	for _, bl := range net.Blocks {
		switch bl.Name {
		case "Row 2":
			row2 = bl.Geometry[0][1]
		case "Row 3":
			row3 = bl.Geometry[0][1]
		}
	}
	for b, bl := range net.Blocks {
		a, c := bl.Geometry[0], bl.Geometry[1]
		if a[1] == c[1] && a[1] <= row2 && ((a[0] < c[0] && isColumn(net, a[0], 2) && isColumn(net, c[0], 3)) || (c[0] < a[0] && isColumn(net, c[0], 2) && isColumn(net, a[0], 3))) {
			tg.boundaryBlocks = append(tg.boundaryBlocks, b)
			tg.midX = a[0] + 0.5*(c[0]-a[0])
		}
	}
	if len(tg.boundaryBlocks) != 3 {
		t.Fatalf("%d boundary blocks, want 3", len(tg.boundaryBlocks))
	}
	tg.topY = row2 + (row3-row2)/4
	m := 0.001
	tg.west = orb.Polygon{{{x0 - m, y0 - m}, {tg.midX, y0 - m}, {tg.midX, tg.topY}, {x0 - m, tg.topY}, {x0 - m, y0 - m}}}
	tg.east = orb.Polygon{{{tg.midX, y0 - m}, {x1 + m, y0 - m}, {x1 + m, tg.topY}, {tg.midX, tg.topY}, {tg.midX, y0 - m}}}
	return tg
}

// isColumn reports whether lon is the longitude of lattice column c.
func isColumn(net *geo.Network, lon float64, c int) bool {
	for _, bl := range net.Blocks {
		if bl.Name == "Column "+string(rune('0'+c)) {
			return bl.Geometry[0][0] == lon
		}
	}
	return false
}

// expectedGrid is the grid a block belongs to by the rule, computed on rectangles: -1
// outside, else the first grid (in order) whose rectangle holds its midpoint.
func (tg *twoGrids) expectedGrid(b int, order []string) int {
	a, c := tg.net.Blocks[b].Geometry[0], tg.net.Blocks[b].Geometry[1]
	x, y := a[0]+0.5*(c[0]-a[0]), a[1]+0.5*(c[1]-a[1])
	if y > tg.topY {
		return -1
	}
	for i, name := range order {
		if (name == "West" && x <= tg.midX) || (name == "East" && x >= tg.midX) {
			return i
		}
	}
	return -1
}

// checkGridPlan checks every route: a connected walk from its start that ends as asked,
// serving only blocks of its own grid, each block of a grid served exactly once.
func checkGridPlan(t *testing.T, pl *Plan, gridOf func(b int) int) {
	t.Helper()
	net := pl.Network()
	served := make([]int, len(net.Blocks))
	for _, r := range pl.Routes {
		at := r.StartNode
		for i, m := range r.Walk {
			e := net.Edges[m.Link]
			a, b := e.From, e.To
			if m.Reverse {
				a, b = b, a
			}
			if a != at {
				t.Fatalf("worker %d move %d starts at node %d, walker is at %d", r.Worker, i, a, at)
			}
			at = b
			if m.Serve {
				served[e.Block]++
				if g := gridOf(e.Block); g != r.Grid {
					t.Errorf("worker %d of grid %d serves block %d of grid %d", r.Worker, r.Grid, e.Block, g)
				}
			}
		}
		if at != r.EndNode {
			t.Errorf("worker %d: walk ends at %d, route says %d", r.Worker, at, r.EndNode)
		}
		switch r.End {
		case EndAtStart:
			if at != r.StartNode {
				t.Errorf("worker %d ends at node %d, not at its start %d", r.Worker, at, r.StartNode)
			}
		case EndOpen:
			if n := len(r.Walk); n > 0 && !r.Walk[n-1].Serve {
				t.Errorf("worker %d has an open end but walks on after its last block", r.Worker)
			}
		}
	}
	for b, n := range served {
		want := 1
		if gridOf(b) < 0 {
			want = 0
		}
		if n != want {
			t.Errorf("block %d (grid %d) served %d times, want %d", b, gridOf(b), n, want)
		}
	}
}

func TestPlanGridMembership(t *testing.T) {
	tg := newTwoGrids(t)
	for _, order := range [][]string{{"West", "East"}, {"East", "West"}} {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			area := map[string]orb.Polygon{"West": tg.west, "East": tg.east}
			var grids []Grid
			for _, n := range order {
				grids = append(grids, Grid{Name: n, Area: area[n]})
			}
			west := 0
			if order[0] != "West" {
				west = 1
			}
			pw := []WorkerParams{{Grid: west}, {Grid: west}, {Grid: 1 - west}}
			pl, err := PlanRoutes(context.Background(), PlanInput{Network: tg.net}, PlanOptions{Workers: 3, Seconds: 1, Seed: 1, Grids: grids, PerWorker: pw})
			if err != nil {
				t.Fatal(err)
			}
			gridOf := func(b int) int { return tg.expectedGrid(b, order) }
			checkGridPlan(t, pl, gridOf)
			if pl.OutsideGrids != 11 {
				t.Errorf("%d blocks outside the grids, want 11", pl.OutsideGrids)
			}
			if pl.BlocksRequired != len(tg.net.Blocks)-11 || pl.BlocksCovered != pl.BlocksRequired {
				t.Errorf("required %d covered %d, want %d both", pl.BlocksRequired, pl.BlocksCovered, len(tg.net.Blocks)-11)
			}
			// The boundary blocks belong to the first grid in the order given.
			for _, b := range tg.boundaryBlocks {
				if g := pl.Routes[pl.Owner(b)].Grid; g != 0 {
					t.Errorf("boundary block %d is served in grid %d, want the first grid", b, g)
				}
			}
			rep := pl.Report(0)
			if len(rep.Grids) != 2 || rep.Grids[0].Name != order[0] || rep.OutsideGrids != 11 {
				t.Fatalf("report grids %+v outside %d", rep.Grids, rep.OutsideGrids)
			}
			for _, w := range rep.PerWorker {
				if want := order[pw[w.Worker-1].Grid]; w.Grid != want || w.StartRule != StartRuleGridCentre || w.EndRule != EndAtStart {
					t.Errorf("worker %d: grid %q start rule %q end %q, want %q, %q, start", w.Worker, w.Grid, w.StartRule, w.EndRule, want, StartRuleGridCentre)
				}
			}
			for _, f := range pl.GeoJSON().Features {
				w := f.Properties["worker"].(int)
				if f.Properties["grid"] != order[pw[w-1].Grid] {
					t.Errorf("feature of worker %d has grid %v", w, f.Properties["grid"])
				}
			}
			// Each grid's workers start inside it: on a node of its blocks.
			for _, r := range pl.Routes {
				inside := false
				for _, b := range tg.net.Adj[r.StartNode] {
					if b < len(tg.net.Blocks) && gridOf(b) == r.Grid {
						inside = true
					}
				}
				if !inside {
					t.Errorf("worker %d starts at node %d, not on a block of grid %d", r.Worker, r.StartNode, r.Grid)
				}
			}
		})
	}
}

func TestPlanGridErrors(t *testing.T) {
	tg := newTwoGrids(t)
	north := orb.Polygon{{{24.0, tg.topY}, {26.0, tg.topY}, {26.0, 61}, {24.0, 61}, {24.0, tg.topY}}}
	lake := orb.Polygon{{{20, 50}, {20.1, 50}, {20.1, 50.1}, {20, 50.1}, {20, 50}}}
	for _, tc := range []struct {
		name  string
		grids []Grid
		pw    []WorkerParams
		want  string
		// placed: only placing the workers finds it, which CheckStaffing does not do.
		placed bool
	}{
		{"grid with blocks and no workers", []Grid{{"West", tg.west}, {"East", tg.east}, {"North", north}},
			[]WorkerParams{{Grid: 0}, {Grid: 1}}, `grid "North"`, false},
		{"worker in an empty grid", []Grid{{"West", tg.west}, {"East", tg.east}, {"Lake", lake}},
			[]WorkerParams{{Grid: 0}, {Grid: 1}, {Grid: 2, Name: "Wang Fang"}}, `worker "Wang Fang"`, false},
		{"grid out of range", []Grid{{"West", tg.west}}, []WorkerParams{{Grid: 3}}, "worker 1", false},
		{"duplicate name", []Grid{{"West", tg.west}, {"West", tg.east}}, []WorkerParams{{}}, `"West" is used twice`, false},
		{"no area", []Grid{{"West", orb.LineString{{0, 0}, {1, 1}}}}, []WorkerParams{{}}, "Polygon or MultiPolygon", false},
		{"no per-worker grid", []Grid{{"West", tg.west}}, nil, "needs their grid", false},
		{"end far away", []Grid{{"West", tg.west}, {"East", tg.east}},
			[]WorkerParams{{Grid: 0, End: RouteEnd{Kind: EndAtPoint, Point: orb.Point{20, 50}}}, {Grid: 1}}, "end point", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := max(1, len(tc.pw))
			opt := PlanOptions{Workers: k, Seconds: 1, Grids: tc.grids, PerWorker: tc.pw}
			_, err := PlanRoutes(context.Background(), PlanInput{Network: tg.net}, opt)
			if !errors.Is(err, ErrBadPlanInput) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrBadPlanInput naming %s", err, tc.want)
			}
			checked := CheckStaffing(PlanInput{Network: tg.net}, opt)
			if tc.placed {
				if checked != nil {
					t.Fatalf("CheckStaffing: %v, want nil (placing workers is not its job)", checked)
				}
				return
			}
			if checked == nil || checked.Error() != err.Error() {
				t.Fatalf("CheckStaffing: %v, want the plan's error %v", checked, err)
			}
		})
	}
}

// A grid with blocks and no workers is an *UnstaffedGridError (callers reword it); a
// staffed plan passes CheckStaffing.
func TestUnstaffedGridError(t *testing.T) {
	tg := newTwoGrids(t)
	grids := []Grid{{"West", tg.west}, {"East", tg.east}}
	err := CheckStaffing(PlanInput{Network: tg.net}, PlanOptions{Workers: 1, Grids: grids, PerWorker: []WorkerParams{{Grid: 0}}})
	var ug *UnstaffedGridError
	if !errors.As(err, &ug) || ug.Grid != "East" || ug.Blocks == 0 || !errors.Is(err, ErrBadPlanInput) {
		t.Fatalf("err = %v, want an UnstaffedGridError for East", err)
	}
	if err := CheckStaffing(PlanInput{Network: tg.net}, PlanOptions{Workers: 2, Grids: grids, PerWorker: []WorkerParams{{Grid: 1}, {Grid: 0}}}); err != nil {
		t.Fatalf("a staffed plan: %v", err)
	}
}

// Sweeper mode plans each grid for its own workers too.
func TestSweeperGrids(t *testing.T) {
	tg := newTwoGrids(t)
	grids := []Grid{{"West", tg.west}, {"East", tg.east}}
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: tg.net}, PlanOptions{Mode: ModeSweeper, Capacity: 400, Workers: 3, Seconds: 1,
		Grids: grids, PerWorker: []WorkerParams{{Grid: 1}, {Grid: 0}, {Grid: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	checkGridPlan(t, pl, func(b int) int { return tg.expectedGrid(b, []string{"West", "East"}) })
	if pl.LowerBound <= 0 || pl.LowerBound > pl.Makespan {
		t.Errorf("lower bound %v, makespan %v", pl.LowerBound, pl.Makespan)
	}
	_, err = PlanRoutes(context.Background(), PlanInput{Network: tg.net}, PlanOptions{Mode: ModeSweeper, Workers: 2, Seconds: 1,
		Grids: grids, PerWorker: []WorkerParams{{Grid: 0, End: RouteEnd{Kind: EndOpen}}, {Grid: 1}}})
	if !errors.Is(err, ErrBadPlanInput) {
		t.Errorf("an open sweeper route: %v, want ErrBadPlanInput", err)
	}
}

// Given starts are kept; an open end stops after the last served block; an end point
// is where the walk ends.
func TestPlanStartsAndEnds(t *testing.T) {
	tg := newTwoGrids(t)
	net := tg.net
	grids := []Grid{{"West", tg.west}, {"East", tg.east}}
	start := net.Nodes[0].Point
	endAt := net.Nodes[len(net.Nodes)-1].Point
	pw := []WorkerParams{
		{Grid: 0, Start: &start},
		{Grid: 0, End: RouteEnd{Kind: EndOpen}},
		{Grid: 1, End: RouteEnd{Kind: EndAtPoint, Point: endAt}},
	}
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 3, Seconds: 1, Seed: 2, Grids: grids, PerWorker: pw})
	if err != nil {
		t.Fatal(err)
	}
	checkGridPlan(t, pl, func(b int) int { return tg.expectedGrid(b, []string{"West", "East"}) })
	r0, r1, r2 := pl.Routes[0], pl.Routes[1], pl.Routes[2]
	if r0.StartPoint != start || r0.StartRule != StartRuleGiven {
		t.Errorf("worker 1 starts at %v (%s), want the given %v", r0.StartPoint, r0.StartRule, start)
	}
	if r1.End != EndOpen || len(r1.Blocks) == 0 || !r1.Walk[len(r1.Walk)-1].Serve {
		t.Errorf("worker 2: end %q, %d blocks, want an open route ending on a served block", r1.End, len(r1.Blocks))
	}
	if r2.End != EndAtPoint || r2.EndPoint != endAt {
		t.Errorf("worker 3 ends at %v (%s), want %v", r2.EndPoint, r2.End, endAt)
	}
	rep := pl.Report(0)
	if rep.PerWorker[1].EndRule != EndOpen || rep.PerWorker[2].End != [2]float64{endAt[0], endAt[1]} || rep.PerWorker[0].StartRule != "given" {
		t.Errorf("report per worker %+v", rep.PerWorker)
	}
	if rep.LowerBoundS <= 0 || rep.LowerBoundS > rep.MakespanS {
		t.Errorf("lower bound %v s, makespan %v s", rep.LowerBoundS, rep.MakespanS)
	}
}

// A 2 h and an 8 h worker in one grid get work near 1 : 4.
func TestPlanBalanceByHours(t *testing.T) {
	net := gridNetwork(t, 8, 8, 100)
	for _, shared := range []bool{true, false} {
		opt := PlanOptions{Workers: 2, Seconds: 2, Seed: 1, PerWorker: []WorkerParams{{ShiftLimit: 2 * time.Hour}, {ShiftLimit: 8 * time.Hour}}}
		if !shared {
			opt.Starts = []orb.Point{net.Nodes[0].Point, net.Nodes[len(net.Nodes)-1].Point}
		}
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkComplete(t, pl)
		ratio := pl.Routes[0].Cost.Seconds() / pl.Routes[1].Cost.Seconds()
		t.Logf("shared start %v: routes %v and %v, ratio %.3f", shared, pl.Routes[0].Cost, pl.Routes[1].Cost, ratio)
		if ratio < 0.2 || ratio > 0.3 {
			t.Errorf("shared start %v: the 2 h worker's route is %.3f of the 8 h worker's, want about 0.25", shared, ratio)
		}
	}
}

// The lower bound is never above the plan, per grid and overall, whatever the starts,
// ends, speeds and shifts; on one closed worker with few odd nodes it is near the plan.
func TestPlanLowerBoundBelowPlan(t *testing.T) {
	tg := newTwoGrids(t)
	grids := []Grid{{"West", tg.west}, {"East", tg.east}}
	endAt := tg.net.Nodes[3].Point
	cases := []PlanOptions{
		{Workers: 1},
		{Workers: 3},
		{Workers: 3, Grids: grids, PerWorker: []WorkerParams{{Grid: 0}, {Grid: 1, End: RouteEnd{Kind: EndOpen}}, {Grid: 1, WalkKmh: 6, ServeKmh: 5}}},
		{Workers: 2, Grids: grids, PerWorker: []WorkerParams{{Grid: 0, End: RouteEnd{Kind: EndAtPoint, Point: endAt}}, {Grid: 1, ShiftLimit: time.Hour}}},
		{Workers: 4, Mode: ModeSweeper, Capacity: 500},
		// One open walk: the bound is the exact open postman path, so near the plan.
		{Workers: 1, PerWorker: []WorkerParams{{End: RouteEnd{Kind: EndOpen}}}},
		{Workers: 5, Grids: grids, PerWorker: []WorkerParams{{Grid: 0, End: RouteEnd{Kind: EndOpen}}, {Grid: 0, End: RouteEnd{Kind: EndOpen}},
			{Grid: 1, End: RouteEnd{Kind: EndOpen}}, {Grid: 1, End: RouteEnd{Kind: EndOpen}}, {Grid: 1, End: RouteEnd{Kind: EndAtPoint, Point: endAt}}}},
	}
	for i, opt := range cases {
		opt.Seconds, opt.Seed = 1, int64(i)
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: tg.net}, opt)
		if err != nil {
			t.Fatal(err)
		}
		if pl.LowerBound <= 0 || pl.LowerBound > pl.Makespan {
			t.Errorf("case %d: lower bound %v, makespan %v", i, pl.LowerBound, pl.Makespan)
		}
		for _, g := range pl.Grids {
			if g.LowerBound <= 0 || g.LowerBound > g.Makespan {
				t.Errorf("case %d grid %s: lower bound %v, makespan %v", i, g.Name, g.LowerBound, g.Makespan)
			}
		}
		if (i == 0 || i == 5) && float64(pl.LowerBound) < 0.97*float64(pl.Makespan) {
			t.Errorf("case %d, one worker: lower bound %v is far below the postman walk %v", i, pl.LowerBound, pl.Makespan)
		}
	}
}

// The advice names the cause: too much work (with a workers figure that is never 0) or a
// block too far for the shift.
func TestPlanShiftAdviceCause(t *testing.T) {
	net := gridNetwork(t, 12, 12, 80)
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 1, Seconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Shift == nil || !strings.Contains(pl.Shift.Message, "too much work") {
		t.Fatalf("advice %+v, want too much work", pl.Shift)
	}
	if need := int(pl.Makespan/DefaultShiftLimit) + 1; pl.Shift.WorkersNeeded < need {
		t.Errorf("workers needed %d, want at least %d for a %v route", pl.Shift.WorkersNeeded, need, pl.Makespan)
	}
	small := gridNetwork(t, 5, 5, 100)
	pl, err = PlanRoutes(context.Background(), PlanInput{Network: small}, PlanOptions{Workers: 2, Seconds: 1, ShiftLimit: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Shift == nil || !strings.Contains(pl.Shift.Message, "too far") {
		t.Fatalf("advice %+v, want a block too far", pl.Shift)
	}
}

// A re-plan with grids gives a removed worker's blocks to workers of the same grid only.
func TestReplanKeepsGrids(t *testing.T) {
	tg := newTwoGrids(t)
	grids := []Grid{{"West", tg.west}, {"East", tg.east}}
	opt := PlanOptions{Workers: 4, Seconds: 1, Grids: grids, PerWorker: []WorkerParams{{Grid: 0}, {Grid: 0}, {Grid: 1}, {Grid: 1}}}
	first, err := PlanRoutes(context.Background(), PlanInput{Network: tg.net}, opt)
	if err != nil {
		t.Fatal(err)
	}
	pl, st, err := Replan(context.Background(), PlanInput{Network: tg.net}, opt, ReplanInput{Previous: first.Assignment(), Removed: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	checkGridPlan(t, pl, func(b int) int { return tg.expectedGrid(b, []string{"West", "East"}) })
	if len(pl.Routes[0].Blocks) != 0 || st.Reassigned != len(first.Routes[0].Blocks) {
		t.Errorf("removed worker serves %d blocks; reassigned %d, want %d", len(pl.Routes[0].Blocks), st.Reassigned, len(first.Routes[0].Blocks))
	}
	if pl.LowerBound > pl.Makespan {
		t.Errorf("lower bound %v above the makespan %v", pl.LowerBound, pl.Makespan)
	}
}

// A plan of a selection of blocks (a campaign's stops) that leaves one grid without any
// required block: that grid's workers are idle, the other grid is planned as usual.
func TestPlanGridWithNothingRequired(t *testing.T) {
	tg := newTwoGrids(t)
	grids := []Grid{{"West", tg.west}, {"East", tg.east}}
	westOnly := func(b int) bool { return tg.expectedGrid(b, []string{"West", "East"}) == 0 }
	pw := []WorkerParams{{Grid: 0}, {Grid: 1, Name: "Idle"}}
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: tg.net, Required: westOnly},
		PlanOptions{Workers: 2, Seconds: 1, Seed: 1, Grids: grids, PerWorker: pw})
	if err != nil {
		t.Fatal(err)
	}
	if pl.BlocksCovered != pl.BlocksRequired || pl.BlocksRequired == 0 {
		t.Errorf("covered %d of %d required blocks", pl.BlocksCovered, pl.BlocksRequired)
	}
	for _, r := range pl.Routes {
		switch {
		case r.Worker == 1 && len(r.Blocks) != 0:
			t.Errorf("the East worker serves %d blocks; East has none required", len(r.Blocks))
		case r.Worker == 0 && len(r.Blocks) != pl.BlocksRequired:
			t.Errorf("the West worker serves %d of %d blocks", len(r.Blocks), pl.BlocksRequired)
		}
	}
	rep := pl.Report(0)
	if len(rep.Grids) != 2 || rep.Grids[1].BlocksRequired != 0 || rep.Grids[1].LowerBoundS != 0 || rep.LowerBoundS > rep.MakespanS {
		t.Errorf("report grids %+v, lower bound %v, makespan %v", rep.Grids, rep.LowerBoundS, rep.MakespanS)
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Errorf("report: %v", err)
	}
	// A grid with no streets at all is still a mistake that names the worker.
	lake := orb.Polygon{{{20, 50}, {20.1, 50}, {20.1, 50.1}, {20, 50.1}, {20, 50}}}
	_, err = PlanRoutes(context.Background(), PlanInput{Network: tg.net, Required: westOnly},
		PlanOptions{Workers: 2, Seconds: 1, Grids: []Grid{grids[0], {"Lake", lake}}, PerWorker: []WorkerParams{{Grid: 0}, {Grid: 1, Name: "Wang Fang"}}})
	if !errors.Is(err, ErrBadPlanInput) || !strings.Contains(err.Error(), `worker "Wang Fang"`) {
		t.Errorf("err = %v, want one naming the worker in the empty grid", err)
	}
}
