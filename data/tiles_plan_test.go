package data

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"
)

// The plan layer draws the plan's blocks only, done once a sweep that counts for the plan
// happened: a check-in naming it, or the assignee's check-in or GPS pass since it was made.
func TestPlanCoverageTile(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx := context.Background()
	get := func(flt CoverageFilter) map[int64]*geojson.Feature {
		t.Helper()
		b, err := f.s.VectorTile(ctx, LayerPlanCoverage, f.tile, flt)
		if err != nil {
			t.Fatal(err)
		}
		return byID(decodeLayer(t, b, LayerPlanCoverage))
	}
	done := func(fs map[int64]*geojson.Feature, block int64) bool {
		t.Helper()
		ft, ok := fs[block]
		if !ok {
			t.Fatalf("block %d is not in the plan layer: %v", block, fs)
		}
		d, ok := ft.Properties["done"].(bool)
		if !ok {
			t.Fatalf("block %d: done is %T", block, ft.Properties["done"])
		}
		_, hasAt := ft.Properties["done_at"]
		if d != hasAt {
			t.Errorf("block %d: done %v but done_at present %v", block, d, hasAt)
		}
		return d
	}

	fs := get(CoverageFilter{PlanID: f.plan})
	if len(fs) != 2 || done(fs, f.main) || done(fs, f.cross) || num(t, fs[f.main], "worker_id") != float64(f.worker) {
		t.Fatalf("fresh plan: %v", fs)
	}
	if fs[f.main].Properties["name"] != "Main" {
		t.Errorf("Main's name %v", fs[f.main].Properties["name"])
	}

	// Sweeps that do not count: before the plan was made, and by another worker without
	// naming the plan.
	f.visit(t, f.worker, &f.main, nil, f.planCreated.Add(-time.Hour), nil)
	f.visit(t, f.worker2, &f.main, nil, f.t0, nil)
	if fs := get(CoverageFilter{PlanID: f.plan}); done(fs, f.main) {
		t.Error("Main is done from sweeps that do not count for the plan")
	}
	// The assignee's check-in counts, once, at the first one.
	f.visit(t, f.worker, &f.main, nil, f.t0.Add(2*time.Hour), nil)
	f.visit(t, f.worker, &f.main, nil, f.t0.Add(time.Hour), nil)
	fs = get(CoverageFilter{PlanID: f.plan})
	if !done(fs, f.main) || int64(num(t, fs[f.main], "done_at")) != f.t0.Add(time.Hour).Unix() || done(fs, f.cross) {
		t.Errorf("after Ana's check-ins: Main %v, Cross %v", fs[f.main].Properties, fs[f.cross].Properties)
	}
	// A GPS pass by Bo, whose block Cross is.
	if _, err := f.s.pool.Exec(ctx, `INSERT INTO gps_sweeps (worker_id, block_id, swept_at, fraction) VALUES ($1, $2, $3, 0.9)`,
		f.worker2, f.cross, f.t0); err != nil {
		t.Fatal(err)
	}
	if fs := get(CoverageFilter{PlanID: f.plan}); !done(fs, f.cross) {
		t.Error("Cross is not done after Bo's GPS pass")
	}
	// One worker's blocks only; another plan's blocks are not drawn.
	if fs := get(CoverageFilter{PlanID: f.plan, WorkerID: f.worker2}); len(fs) != 1 || fs[f.cross] == nil {
		t.Errorf("Bo's blocks: %v", fs)
	}
	var other int64
	if err := f.s.pool.QueryRow(ctx, `INSERT INTO plans (area_id, mode, status) VALUES ($1, 'patrol', 'done') RETURNING id`, f.area).Scan(&other); err != nil {
		t.Fatal(err)
	}
	if fs := get(CoverageFilter{PlanID: other}); len(fs) != 0 {
		t.Errorf("a plan without assignments draws %v", fs)
	}
}
