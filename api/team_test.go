package api

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

func TestTeamCheckinsCountOncePerStop(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	ctx := context.Background()
	sup := f.tok["supervisor:A"]
	blocks, err := f.store.ListBlocks(ctx, f.gridA1, nil, data.ListPage{Limit: 3})
	if err != nil || len(blocks) != 3 {
		t.Fatalf("grid blocks: %v %v", blocks, err)
	}
	b1, b2, b3 := blocks[0].ID, blocks[1].ID, blocks[2].ID
	// A finished plan whose route for Ann (the team's planning unit) has three stops.
	plan := f.addDonePlan(f.areaA, f.workerA, b1)
	if _, err := f.store.EditPlanAssignments(ctx, plan, 2, []data.Assignment{{BlockID: b2, WorkerID: f.workerA}, {BlockID: b3, WorkerID: f.workerA}}); err != nil {
		t.Fatalf("add stops: %v", err)
	}
	zed := "Zed"
	outsider, err := f.store.CreateWorker(ctx, data.WorkerInput{AreaID: &f.areaA, Name: &zed})
	if err != nil {
		t.Fatal(err)
	}

	wantProblem(t, f.do("POST", "/api/v1/teams", sup, map[string]any{"name": "T", "lead_worker_id": f.workerB}), 403, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/teams", sup, map[string]any{"name": ""}), 422, KindValidation)
	res := f.do("POST", "/api/v1/teams", sup, map[string]any{"name": "Morning crew", "lead_worker_id": f.workerA, "member_ids": []int64{f.workerA2}})
	if res.status != 201 || fmt.Sprint(res.json["member_ids"]) != fmt.Sprint([]float64{float64(f.workerA), float64(f.workerA2)}) {
		t.Fatalf("create team: %v", res)
	}
	team := num(res.json["id"])
	for range 2 { // assigning twice is harmless
		if res := f.do("POST", fmt.Sprintf("/api/v1/teams/%d/routes", team), sup, map[string]any{"plan_id": plan, "worker_id": f.workerA}); res.status != 200 {
			t.Fatalf("assign route: %v", res)
		}
	}
	wantProblem(t, f.do("POST", fmt.Sprintf("/api/v1/teams/%d/routes", team), sup, map[string]any{"plan_id": plan, "worker_id": f.workerA2}), 404, KindNotFound)

	at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	visit := func(key string, worker, block int64, withPlan bool) map[string]any {
		v := map[string]any{"client_key": key, "worker_id": worker, "block_id": block, "visited_at": at}
		if withPlan {
			v["plan_id"] = plan
		}
		return v
	}
	res = f.do("POST", "/api/v1/visits", sup, []any{
		visit("t1", f.workerA, b1, true),       // the lead at stop 1
		visit("t2", f.workerA2, b1, true),      // a member at stop 1 as well: still one stop
		visit("t3", f.workerA2, b2, true),      // a member at stop 2
		visit("t4", outsider.ID, b3, true),     // not a member: does not count
		visit("t5", f.workerA2, b3, false),     // a member, but not on this plan
		visit("t6", f.workerA, f.blockA, true), // not a stop of the route
	})
	if res.status != 200 || num(res.json["created"]) != 6 {
		t.Fatalf("visits: %v", res)
	}
	res = f.do("GET", fmt.Sprintf("/api/v1/teams/%d/progress?plan=%d", team, plan), f.tok["worker:A"], nil)
	if res.status != 200 {
		t.Fatalf("progress: %v", res)
	}
	if num(res.json["stops"]) != 3 || num(res.json["done"]) != 2 {
		t.Fatalf("progress %s", res.body)
	}
	stops := res.json["blocks"].([]any)
	s1 := stops[0].(map[string]any)
	if num(s1["block_id"]) != b1 || num(s1["check_ins"]) != 2 || s1["done"] != true {
		t.Fatalf("stop 1 %v", s1)
	}
	if s3 := stops[2].(map[string]any); s3["done"] != false || num(s3["check_ins"]) != 0 {
		t.Fatalf("stop 3 %v", s3)
	}

	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/teams/%d/progress?plan=%d", team, plan), f.tok["worker:B"], nil), 403, KindForbidden)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/teams/%d", team), f.tok["viewer:A"], nil), 403, KindForbidden)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/teams/%d", team), f.tok["supervisor:B"], nil), 403, KindForbidden)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/teams/%d/progress", team), sup, nil), 422, KindValidation)
	if res := f.do("GET", "/api/v1/teams", sup, nil); res.status != 200 || len(res.json["items"].([]any)) != 1 {
		t.Fatalf("list teams: %v", res)
	}
}

// TestPlanForTeams: a plan made for two teams gives each team its lead's route, and a
// helper's check-in counts for the team.
func TestPlanForTeams(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	jobs := f.startJobs(1, nil)
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	ctx := context.Background()
	sup := f.tok["supervisor:A"]
	ws, err := f.store.ListWorkers(ctx, f.gridA1, data.ListPage{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var abe int64
	for _, w := range ws {
		if w.Name == "Abe" {
			abe = w.ID
		}
	}
	team := func(name string, lead int64, members ...int64) int64 {
		res := f.do("POST", "/api/v1/teams", sup, map[string]any{"name": name, "lead_worker_id": lead, "member_ids": members})
		if res.status != 201 {
			t.Fatalf("team %s: %v", name, res)
		}
		return num(res.json["id"])
	}
	// Ann works in community A, outside the grid: she helps Ada's team.
	t1, t2 := team("Ada's", f.workerA2, f.workerA), team("Abe's", abe)
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "teams": []int64{t1}, "workers": []int64{abe}}), 422, KindValidation)
	res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 0.5, "seed": 1, "teams": []int64{t1, t2}})
	if res.status != 202 {
		t.Fatalf("plan: %v", res)
	}
	plan := num(res.json["id"])
	if p := f.waitPlan(plan, func(s string) bool { return s != "queued" && s != "running" }); p["status"] != "done" ||
		num(p["stats"].(map[string]any)["workers"]) != 2 {
		t.Fatalf("plan %v: %v", p["status"], p["stats"])
	}
	as, err := f.store.PlanAssignments(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	var adaBlock int64
	perLead := map[int64]int{}
	for _, a := range as {
		perLead[a.WorkerID]++
		if a.WorkerID == f.workerA2 {
			adaBlock = a.BlockID
		}
	}
	progress := func(team int64) map[string]any {
		t.Helper()
		res := f.do("GET", fmt.Sprintf("/api/v1/teams/%d/progress?plan=%d", team, plan), sup, nil)
		if res.status != 200 {
			t.Fatalf("progress: %v", res)
		}
		return res.json
	}
	p1, p2 := progress(t1), progress(t2)
	if num(p1["stops"]) != int64(perLead[f.workerA2]) || num(p2["stops"]) != int64(perLead[abe]) || num(p1["stops"])+num(p2["stops"]) != 24 {
		t.Fatalf("stops %v + %v, assignments %v", p1["stops"], p2["stops"], perLead)
	}
	res = f.do("POST", "/api/v1/visits", f.tok["worker:A"], map[string]any{"client_key": "help-1", "block_id": adaBlock, "plan_id": plan,
		"visited_at": time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)})
	if res.status != 200 {
		t.Fatalf("helper's visit: %v", res)
	}
	if p1 = progress(t1); num(p1["done"]) != 1 {
		t.Fatalf("team progress after the helper's check-in: %v", p1)
	}
	if p2 = progress(t2); num(p2["done"]) != 0 {
		t.Fatalf("the other team's progress moved: %v", p2)
	}
}
