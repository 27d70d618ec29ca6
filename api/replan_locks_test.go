package api

import (
	"context"
	"fmt"
	"testing"
)

// TestReplanAroundLocks re-plans through POST /api/v1/plans with replan_of and locks: a
// block locked by PATCH and a block named in locks keep their workers, stay locked in the
// new plan, and so survive a further re-plan that names no locks.
func TestReplanAroundLocks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	jobs := f.startJobs(1, nil)
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	sup := f.tok["supervisor:A"]
	ctx := context.Background()

	plan := func(body map[string]any) int64 {
		t.Helper()
		res := f.do("POST", "/api/v1/plans", sup, body)
		if res.status != 202 {
			t.Fatalf("create plan %v: %v", body, res)
		}
		id := num(res.json["id"])
		if st := f.waitPlan(id, func(s string) bool { return s != "queued" && s != "running" }); st["status"] != "done" {
			t.Fatalf("plan %d: %v", id, st)
		}
		return id
	}
	first := plan(map[string]any{"area_id": f.gridA1, "seconds": 1, "seed": 3})
	as, err := f.store.PlanAssignments(ctx, first)
	if err != nil || len(as) != 24 {
		t.Fatalf("first plan: %d assignments, %v", len(as), err)
	}
	// Lock one block of each worker: the first by PATCH, the other in the request.
	var patched, named struct{ block, worker int64 }
	for _, a := range as {
		switch {
		case patched.block == 0:
			patched.block, patched.worker = a.BlockID, a.WorkerID
		case named.block == 0 && a.WorkerID != patched.worker:
			named.block, named.worker = a.BlockID, a.WorkerID
		}
	}
	if named.block == 0 {
		t.Fatalf("the first plan gave every block to worker %d", patched.worker)
	}
	res := f.do("PATCH", fmt.Sprintf("/api/v1/plans/%d", first), sup, map[string]any{
		"assignments": []map[string]any{{"block_id": patched.block, "worker_id": patched.worker, "locked": true}},
	}, "If-Match", f.do("GET", fmt.Sprintf("/api/v1/plans/%d", first), sup, nil).header.Get("ETag"))
	if res.status != 200 {
		t.Fatalf("lock by PATCH: %v", res)
	}
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "locks": []int64{named.block}}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "replan_of": first, "locks": []int64{f.blockB}}), 422, KindValidation)

	second := plan(map[string]any{"area_id": f.gridA1, "seconds": 1, "seed": 4, "replan_of": first, "locks": []int64{named.block}})
	third := plan(map[string]any{"area_id": f.gridA1, "seconds": 1, "seed": 5, "replan_of": second})
	for _, id := range []int64{second, third} {
		as, err := f.store.PlanAssignments(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		locked := 0
		for _, a := range as {
			for _, want := range []struct{ block, worker int64 }{patched, named} {
				if a.BlockID == want.block && (a.WorkerID != want.worker || !a.Locked) {
					t.Errorf("plan %d: block %d is worker %d's (locked %v), want worker %d's, locked", id, a.BlockID, a.WorkerID, a.Locked, want.worker)
				}
			}
			if a.Locked {
				locked++
			}
		}
		if len(as) != 24 || locked != 2 {
			t.Errorf("plan %d: %d assignments, %d locked; want 24 and 2", id, len(as), locked)
		}
	}
}
