package api

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// TestPlanCancelContract pins DELETE /api/v1/plans/{id}: a queued plan and its job are
// cancelled together, cancelling again or cancelling a finished plan changes nothing,
// errors are problems, and a server without a job queue still marks the plan.
func TestPlanCancelContract(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	// An insert-only queue: plans stay queued, so the test sees the queued case for sure.
	jobs := f.startJobs(0, nil)
	ctx := context.Background()
	sup := f.tok["supervisor:A"]
	cancel := func(id int64, token string) response {
		t.Helper()
		return f.do("DELETE", fmt.Sprintf("/api/v1/plans/%d", id), token, nil)
	}
	wantPlan := func(res response, status string, version int64) {
		t.Helper()
		if res.status != 200 || res.header.Get("Content-Type") != "application/json" {
			t.Fatalf("cancel: %d %s: %s", res.status, res.header.Get("Content-Type"), res.body)
		}
		if res.json["status"] != status || num(res.json["version"]) != version || res.json["finished_at"] == nil {
			t.Fatalf("cancel answered %s v%d, want %s v%d: %s", res.json["status"], num(res.json["version"]), status, version, res.body)
		}
		if got, want := res.header.Get("ETag"), fmt.Sprintf(`"%d"`, version); got != want {
			t.Fatalf("ETag %s, want %s", got, want)
		}
	}
	jobState := func(job int64) string {
		t.Helper()
		state, _, err := jobs.JobState(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		return state
	}
	queue := func() (id, version, job int64) {
		t.Helper()
		res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 1})
		if res.status != 202 || res.json["status"] != "queued" {
			t.Fatalf("create plan: %v", res)
		}
		return num(res.json["id"]), num(res.json["version"]), num(res.json["job_id"])
	}

	// A queued plan: it and its job are cancelled, its version moves on.
	id, v, job := queue()
	wantPlan(cancel(id, sup), "cancelled", v+1)
	if s := jobState(job); s != "cancelled" {
		t.Fatalf("job of the cancelled plan is %s", s)
	}
	// Cancelling again returns the plan as it is.
	wantPlan(cancel(id, sup), "cancelled", v+1)

	// A finished plan is returned exactly as GET shows it.
	done := f.addDonePlan(f.areaA, f.workerA, f.blockA)
	before := f.do("GET", fmt.Sprintf("/api/v1/plans/%d", done), sup, nil)
	res := cancel(done, sup)
	wantPlan(res, "done", num(before.json["version"]))
	if !bytes.Equal(res.body, before.body) {
		t.Fatalf("cancelling a finished plan changed it:\n%s\nwas\n%s", res.body, before.body)
	}
	if after := f.do("GET", fmt.Sprintf("/api/v1/plans/%d", done), sup, nil); !bytes.Equal(after.body, before.body) {
		t.Fatalf("finished plan after cancel:\n%s\nwas\n%s", after.body, before.body)
	}

	// Errors are problems, and leave the plan alone.
	other, v, job := queue()
	wantProblem(t, cancel(999999, sup), 404, KindNotFound)
	wantProblem(t, cancel(other, f.tok["supervisor:B"]), 403, KindForbidden)
	wantProblem(t, cancel(other, f.tok["worker:A"]), 403, KindForbidden)
	wantProblem(t, cancel(other, ""), 401, KindUnauthorized)
	if res := f.do("GET", fmt.Sprintf("/api/v1/plans/%d", other), sup, nil); res.json["status"] != "queued" || num(res.json["version"]) != v {
		t.Fatalf("plan after refused cancels: %s", res.body)
	}

	// A server without a job queue marks the plan; its job, when it starts, finds it
	// cancelled.
	f.h = New(f.store, Options{})
	wantPlan(cancel(other, sup), "cancelled", v+1)
	if s := jobState(job); s != "available" {
		t.Fatalf("job of a plan cancelled without a queue is %s, want available", s)
	}
}
