package api

import (
	"context"
	"math"
	"testing"

	"github.com/gridsweep/gridsweep/data"
)

// A plan run by the API job uses each worker's own shift and speeds from the workers
// table: a worker with a 2 h shift gets work in proportion (and is not late while
// the 8 h worker takes the rest), and a slow walker's route time is their walk at their
// own speeds.
func TestPlanJobUsesWorkerSettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	shift, walk, serve := 120, 2.0, 1.5
	if _, err := f.store.UpdateWorker(context.Background(), f.workerA2,
		data.WorkerInput{ShiftMinutes: &shift, WalkSpeedKmh: &walk, ServiceSpeedKmh: &serve}); err != nil {
		t.Fatal(err)
	}
	jobs := f.startJobs(1, nil)
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	sup := f.tok["supervisor:A"]

	res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 1, "seed": 3})
	if res.status != 202 {
		t.Fatalf("create plan: %v", res)
	}
	plan := f.waitPlan(num(res.json["id"]), func(s string) bool { return s != "queued" && s != "running" })
	if plan["status"] != "done" {
		t.Fatalf("plan ended %v: %v", plan["status"], plan["error"])
	}
	stats := plan["stats"].(map[string]any)
	if stats["feasible"] != true || num(stats["shift_limit_s"]) != 7200 {
		t.Fatalf("feasible %v, plan-wide shift limit %v s; want feasible, the shortest shift 7200 s", stats["feasible"], stats["shift_limit_s"])
	}
	per := stats["per_worker"].([]any)
	if len(per) != 2 {
		t.Fatalf("%d routes, want 2", len(per))
	}
	var short, normal map[string]any
	for _, p := range per {
		w := p.(map[string]any)
		switch w["shift_limit_s"].(float64) {
		case 7200:
			short = w
		case 480 * 60:
			normal = w
		}
	}
	if short == nil || normal == nil {
		t.Fatalf("per-worker shift limits %v, want one of 7200 s (Ada) and one of 8 h (the table's default)", per)
	}
	if s := short["route_s"].(float64); s <= 0 || s > 7200 || short["over_shift_s"].(float64) != 0 || normal["over_shift_s"].(float64) != 0 {
		t.Errorf("the 2 h worker's route %v s, want some work within the shift: %v and %v", s, short, normal)
	}
	// Route time is the walk at the worker's speeds plus 3 minutes per shop.
	for _, tc := range []struct {
		w           map[string]any
		walk, serve float64
	}{{short, walk, serve}, {normal, 4.5, 3}} {
		dist, dead := tc.w["distance_m"].(float64), tc.w["deadhead_m"].(float64)
		want := dead/(tc.walk/3.6) + (dist-dead)/(tc.serve/3.6) + 180*tc.w["shops"].(float64)
		if got := tc.w["route_s"].(float64); math.Abs(got-want) > 0.01*want+1 {
			t.Errorf("worker %v: route %.1f s, want %.1f s at %v/%v km/h", tc.w["worker"], got, want, tc.walk, tc.serve)
		}
	}
}
