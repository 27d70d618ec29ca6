package api

import (
	"context"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// TestTeamPlanByGrids plans community A by its grids for teams: A1 (the 24 street-grid
// blocks, where Ada and Abe work) and A2 (A Street, where Al works). A plan whose teams
// leave A2 without a lead is refused at once (422) naming the grid; with a team led from
// each grid, each grid's blocks go to its own lead only.
func TestTeamPlanByGrids(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	ctx := context.Background()
	if _, err := f.store.ImportAreas(ctx, []geo.Area{{SourceID: "A2", Name: "Grid A2", ParentSourceID: "A", Geometry: square(10.006, 50.006, 0.003)}}); err != nil {
		t.Fatal(err)
	}
	gridA2, err := f.store.AreaIDByRef(ctx, "A2")
	if err != nil {
		t.Fatal(err)
	}
	name := "Al"
	al, err := f.store.CreateWorker(ctx, data.WorkerInput{AreaID: &gridA2, Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	jobs := f.startJobs(1, nil)
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	sup := f.tok["supervisor:A"]
	team := func(name string, lead int64, members ...int64) int64 {
		res := f.do("POST", "/api/v1/teams", sup, map[string]any{"area_id": f.areaA, "name": name, "lead_worker_id": lead, "member_ids": members})
		if res.status != 201 {
			t.Fatalf("team %s: %v", name, res)
		}
		return num(res.json["id"])
	}
	// Ann (community A itself, in no grid) helps Ada: only leads need a grid.
	adas, als := team("Ada's", f.workerA2, f.workerA), team("Al's", al.ID)

	res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.areaA, "seconds": 0.5, "teams": []int64{adas}})
	wantProblem(t, res, 422, KindValidation)
	if d, _ := res.json["detail"].(string); !strings.Contains(d, `grid "Grid A2" has 1 required blocks and no team lead`) {
		t.Fatalf("detail %q does not name the grid without a lead", d)
	}
	if res := f.do("GET", "/api/v1/plans", sup, nil); res.status != 200 || len(res.json["items"].([]any)) != 0 {
		t.Fatalf("the refused plan was stored: %v", res)
	}

	res = f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.areaA, "seconds": 0.5, "seed": 1, "teams": []int64{adas, als}})
	if res.status != 202 {
		t.Fatalf("plan: %v", res)
	}
	plan := num(res.json["id"])
	if p := f.waitPlan(plan, func(s string) bool { return s != "queued" && s != "running" }); p["status"] != "done" {
		t.Fatalf("plan %v: %v %v", p["status"], p["error"], p["stats"])
	}
	as, err := f.store.PlanAssignments(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	perLead := map[int64]int{}
	for _, a := range as {
		perLead[a.WorkerID]++
		if want := f.workerA2; a.BlockID == f.blockA && a.WorkerID != al.ID || a.BlockID != f.blockA && a.WorkerID != want {
			t.Errorf("block %d served by worker %d (A Street %d is Al's %d, the rest Ada's %d)", a.BlockID, a.WorkerID, f.blockA, al.ID, want)
		}
	}
	if len(as) != 25 || perLead[al.ID] != 1 || perLead[f.workerA2] != 24 {
		t.Fatalf("%d assignments, per lead %v", len(as), perLead)
	}
}
