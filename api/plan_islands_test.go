package api

import (
	"context"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// A plan run by the API job joins a street island that lies within routing.DefaultBridgeM
// of the rest, as the command line does: its blocks are covered, not reported unreachable.
func TestPlanJobJoinsIslands(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	// Two blocks east of the grid, inside grid A1: the nearest grid node (10.0035, 50.0025)
	// is about 57 m from the island's west end.
	island := []geo.Block{
		{SourceID: "isl-0", WayID: 900, From: 2000, To: 2001, Highway: "residential", Name: "Island Road",
			Geometry: orb.LineString{{10.0043, 50.0025}, {10.0046, 50.0025}}},
		{SourceID: "isl-1", WayID: 900, From: 2001, To: 2002, Highway: "residential", Name: "Island Road",
			Geometry: orb.LineString{{10.0046, 50.0025}, {10.0049, 50.0025}}},
	}
	for i := range island {
		island[i].LengthM = geo.LengthM(island[i].Geometry)
	}
	if _, err := f.store.ImportOSM(context.Background(), &geo.Extract{Blocks: island}); err != nil {
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
	if num(stats["blocks_required"]) != 26 || num(stats["blocks_covered"]) != 26 {
		t.Errorf("covered %v of %v blocks, want 26 of 26", stats["blocks_covered"], stats["blocks_required"])
	}
	if un, _ := stats["unreachable"].([]any); len(un) != 0 {
		t.Errorf("unreachable blocks %v", un)
	}
	if num(stats["bridges"]) < 1 {
		t.Errorf("bridges %v, want the island joined by at least one", stats["bridges"])
	}
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d?assignments=true", num(plan["id"])), sup, nil)
	if as, _ := res.json["assignments"].([]any); len(as) != 26 {
		t.Errorf("%d assignments, want 26", len(as))
	}
}
