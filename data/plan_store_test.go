package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
)

func TestPlanStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, datatest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A 4×4 lattice of 100 m streets and an area around it.
	const lon0, lat0 = 116.31, 39.99
	dLat := 100 / 111195.0
	dLon := dLat / 0.766
	pt := func(r, c int) orb.Point { return orb.Point{lon0 + float64(c)*dLon, lat0 + float64(r)*dLat} }
	var blocks []geo.Block
	for r := 0; r < 4; r++ {
		for c := 0; c < 4; c++ {
			for _, d := range [][2]int{{0, 1}, {1, 0}} {
				r2, c2 := r+d[0], c+d[1]
				if r2 < 4 && c2 < 4 {
					n := len(blocks) + 1
					blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("w%d:0", n), WayID: int64(n),
						From: int64(r*4 + c + 1), To: int64(r2*4 + c2 + 1), Geometry: orb.LineString{pt(r, c), pt(r2, c2)},
						LengthM: 100, Highway: "residential", Name: fmt.Sprintf("Street %d", n)})
				}
			}
		}
	}
	if _, err := s.ImportOSM(ctx, &geo.Extract{Blocks: blocks}); err != nil {
		t.Fatal(err)
	}
	ring := orb.Ring{{lon0 - 0.001, lat0 - 0.001}, {lon0 + 0.01, lat0 - 0.001}, {lon0 + 0.01, lat0 + 0.01}, {lon0 - 0.001, lat0 + 0.01}, {lon0 - 0.001, lat0 - 0.001}}
	if _, err := s.ImportAreas(ctx, []geo.Area{{SourceID: "test:grid", Name: "Test Grid", Geometry: orb.MultiPolygon{{ring}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AreaByName(ctx, "Nowhere"); !errors.Is(err, ErrRecordNotFound) {
		t.Errorf("unknown area: %v", err)
	}
	a, err := s.AreaByName(ctx, "Test Grid")
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.LoadPlanData(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Blocks) != len(blocks) {
		t.Fatalf("area holds %d blocks, want %d", len(d.Blocks), len(blocks))
	}
	ws, err := s.PlanWorkers(ctx, a.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.PlanWorkers(ctx, a.ID, 2)
	if err != nil || len(ws) != 3 || len(again) != 2 || again[0].ID != ws[0].ID || again[1].ID != ws[1].ID {
		t.Fatalf("workers %v then %v (%v): the second call must reuse the first ones", ws, again, err)
	}
	net, err := geo.BuildNetwork(d.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := routing.PlanRoutes(ctx, routing.PlanInput{Network: net}, routing.PlanOptions{Workers: 3, Seconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.StartDirectPlan(ctx, a.ID, "patrol", json.RawMessage(`{"source":"test"}`))
	if err != nil {
		t.Fatal(err)
	}
	routes, err := RoutesOfPlan(plan, []int64{ws[0].ID, ws[1].ID, ws[2].ID}, d.BlockIDs)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.SavePlanResult(ctx, id, routes, plan.Report(0)); err != nil || !ok {
		t.Fatalf("save: %v %v", ok, err)
	}
	got, err := s.GetPlan(ctx, id)
	if err != nil || got.Status != PlanDone {
		t.Fatalf("plan %+v (%v)", got, err)
	}
	as, err := s.PlanAssignments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != len(blocks) {
		t.Errorf("%d assignments for %d blocks", len(as), len(blocks))
	}
	for _, asg := range as {
		b := -1
		for i, bid := range d.BlockIDs {
			if bid == asg.BlockID {
				b = i
			}
		}
		if w := plan.Owner(b); b < 0 || ws[w].ID != asg.WorkerID {
			t.Errorf("block %d stored with worker %d, plan says %d", asg.BlockID, asg.WorkerID, w)
		}
	}
	for _, w := range ws {
		rows, err := s.PlanRoutes(ctx, id, w.ID)
		if err != nil || len(rows) != 1 || rows[0].LengthM <= 0 || len(rows[0].Steps) < 3 {
			t.Errorf("worker %d routes %v (%v)", w.ID, rows, err)
		}
	}
	if _, err := RoutesOfPlan(plan, []int64{ws[0].ID}, d.BlockIDs); err == nil {
		t.Error("routes of plan with too few worker ids")
	}
}
