package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
)

// TestPlanGridsFromStore plans a community by its two grids from PostGIS, once with
// `gridsweep plan --area` and once through the API's plan job: each worker serves only
// blocks whose midpoint is in their own grid, a worker's open end is kept, the report
// names the grids, and both ways store the same routes. A worker left in the community
// itself is then an error naming them.
func TestPlanGridsFromStore(t *testing.T) {
	ctx := context.Background()
	sa := newSameArea(t)
	store, area := sa.store, sa.area
	// West takes the columns at lon 10.0005–10.0025 (and the row blocks up to 10.002),
	// East the rest: no block midpoint lies on the boundary at lon 10.0027.
	west := orb.Ring{{10, 50}, {10.0027, 50}, {10.0027, 50.006}, {10, 50.006}, {10, 50}}
	east := orb.Ring{{10.0027, 50}, {10.006, 50}, {10.006, 50.006}, {10.0027, 50.006}, {10.0027, 50}}
	if _, err := store.ImportAreas(ctx, []geo.Area{
		{SourceID: "test:same:west", Name: "West", ParentSourceID: "test:same", Geometry: orb.MultiPolygon{{west}}},
		{SourceID: "test:same:east", Name: "East", ParentSourceID: "test:same", Geometry: orb.MultiPolygon{{east}}},
	}); err != nil {
		t.Fatal(err)
	}
	grids, err := store.ListGrids(ctx, area.ID)
	if err != nil || len(grids) != 2 {
		t.Fatalf("grids %v (%v)", grids, err)
	}
	workers, err := store.PlanWorkers(ctx, area.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	// Sweeper 1 (the south-west corner) and 3 (the middle, lon 10.0025) work West, 2 (the
	// north-east corner) East; 3 ends after their last block.
	for i, g := range []int64{grids[0].ID, grids[1].ID, grids[0].ID} {
		in := data.WorkerInput{AreaID: &g}
		if i == 2 {
			in.End = &data.WorkerEnd{Open: true}
		}
		if _, err := store.UpdateWorker(ctx, workers[i].ID, in); err != nil {
			t.Fatal(err)
		}
	}

	cliPlan := sa.planCLI(t, "--area", "Same", "--seconds", "2", "--seed", "5")
	apiPlan := sa.planAPI(t)(fmt.Sprintf(`{"area_id":%d,"seconds":2,"seed":5}`, area.ID))
	for _, w := range workers {
		if ok, _ := sa.sameRoute(t, cliPlan, apiPlan, w.ID); !ok {
			t.Errorf("worker %d: the CLI's route differs from the API's", w.ID)
		}
	}

	conn := datatest.Connect(t, sa.url)
	for _, plan := range []int64{cliPlan, apiPlan} {
		var assigned, outside int
		var stats []byte
		if err := conn.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM plan_assignments WHERE plan_id = $1),
			(SELECT count(*) FROM plan_assignments pa JOIN workers w ON w.id = pa.worker_id JOIN areas g ON g.id = w.area_id
				JOIN blocks b ON b.id = pa.block_id
				WHERE pa.plan_id = $1 AND NOT ST_Covers(g.geom, ST_LineInterpolatePoint(b.geom, 0.5))),
			(SELECT stats::text FROM plans WHERE id = $1)`, plan).Scan(&assigned, &outside, &stats); err != nil {
			t.Fatal(err)
		}
		var r struct {
			Grids []struct {
				Name           string
				Workers        int
				BlocksRequired int `json:"blocks_required"`
				BlocksCovered  int `json:"blocks_covered"`
			}
			PerWorker []struct {
				Grid    string `json:"grid"`
				EndRule string `json:"end_rule"`
			} `json:"per_worker"`
			WorkerIDs   []int64 `json:"worker_ids"`
			GridAreaIDs []int64 `json:"grid_area_ids"`
		}
		if err := json.Unmarshal(stats, &r); err != nil {
			t.Fatal(err)
		}
		if assigned != len(sa.blocks) || outside != 0 {
			t.Errorf("plan %d: %d of %d blocks assigned, %d served outside their worker's grid", plan, assigned, len(sa.blocks), outside)
		}
		if len(r.Grids) != 2 || r.Grids[0].Name != "West" || r.Grids[0].Workers != 2 || r.Grids[1].Name != "East" || r.Grids[1].Workers != 1 ||
			r.Grids[0].BlocksCovered != r.Grids[0].BlocksRequired || r.Grids[1].BlocksCovered != r.Grids[1].BlocksRequired ||
			fmt.Sprint(r.GridAreaIDs) != fmt.Sprint([]int64{grids[0].ID, grids[1].ID}) || len(r.WorkerIDs) != 3 {
			t.Errorf("plan %d: grids %+v, grid areas %v, workers %v", plan, r.Grids, r.GridAreaIDs, r.WorkerIDs)
		}
		if len(r.PerWorker) != 3 || r.PerWorker[0].Grid != "West" || r.PerWorker[1].Grid != "East" || r.PerWorker[2].Grid != "West" ||
			r.PerWorker[2].EndRule != "open" || r.PerWorker[0].EndRule != "start" {
			t.Errorf("plan %d: per worker %+v", plan, r.PerWorker)
		}
	}

	// A worker of the community itself, in no grid, cannot be planned by grids.
	if _, err := store.UpdateWorker(ctx, workers[1].ID, data.WorkerInput{AreaID: &area.ID}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", sa.url)
	code, _, stderr := gridsweep("plan", "--area", "Same", "--seconds", "1")
	if code != 1 || !strings.Contains(stderr, `"Sweeper 2"`) || !strings.Contains(stderr, "in none of them") {
		t.Errorf("a worker in no grid: exit %d, %q", code, stderr)
	}
}
