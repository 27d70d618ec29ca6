package api

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/planning"
)

func TestPublishAndListPlans(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	// Andorra's day, not the server default's (Asia/Shanghai): the area says which.
	res := f.do("PATCH", fmt.Sprintf("/api/v1/areas/%d", f.areaA), sup, map[string]any{"time_zone": "Europe/Andorra"})
	if res.status != 200 || res.json["properties"].(map[string]any)["time_zone"] != "Europe/Andorra" {
		t.Fatalf("set zone: %s", res)
	}
	wantProblem(t, f.do("PATCH", fmt.Sprintf("/api/v1/areas/%d", f.areaA), sup, map[string]any{"time_zone": "Mars/Base"}), 422, KindValidation)

	first := f.addDonePlan(f.areaA, f.workerA, f.blockA)
	second := f.addDonePlan(f.areaA, f.workerA, f.blockA)
	today := time.Now().In(mustZone(t, "Europe/Andorra")).Format("2006-01-02")

	res = f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", first), sup, map[string]any{})
	if res.status != 200 || res.json["date"] != today || res.json["time_zone"] != "Europe/Andorra" || res.json["replaced_plan_id"] != nil {
		t.Fatalf("publish first: %s (today %s)", res, today)
	}
	// No body at all means {} too.
	res = f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", second), sup, nil)
	if res.status != 200 || res.json["date"] != today || num(res.json["replaced_plan_id"]) != first {
		t.Fatalf("publish second: %s", res)
	}
	res = f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", first), sup, map[string]any{"date": "2030-01-02", "shift_start": "07:30"})
	if res.status != 200 || res.json["date"] != "2030-01-02" || res.json["shift_start"] != "07:30" {
		t.Fatalf("publish for a date: %s", res)
	}
	for _, bad := range []map[string]any{{"date": "2030-13-01"}, {"date": "tomorrow"}, {"shift_start": "25:00"}} {
		wantProblem(t, f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", first), sup, bad), 422, KindValidation)
	}
	wantProblem(t, f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", first), sup, map[string]any{"day": "2030-01-02"}), 400, KindMalformedJSON)
	// A plan that has not finished cannot be published.
	running, err := f.store.StartDirectPlan(context.Background(), f.areaA, "patrol", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", running), sup, map[string]any{}), 422, KindValidation)

	ids := func(res response) []int64 {
		t.Helper()
		if res.status != 200 {
			t.Fatalf("list: %s", res)
		}
		var out []int64
		for _, it := range res.json["items"].([]any) {
			out = append(out, num(it.(map[string]any)["id"]))
		}
		return out
	}
	eq := func(got, want []int64) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("plans %v, want %v", got, want)
		}
	}
	eq(ids(f.do("GET", "/api/v1/plans", sup, nil)), []int64{running, second, first})
	eq(ids(f.do("GET", "/api/v1/plans?status=done", sup, nil)), []int64{second, first})
	eq(ids(f.do("GET", "/api/v1/plans?published=true", sup, nil)), []int64{second, first})
	eq(ids(f.do("GET", "/api/v1/plans?published="+today, sup, nil)), []int64{second})
	eq(ids(f.do("GET", "/api/v1/plans?published=2030-01-02", sup, nil)), []int64{first})
	eq(ids(f.do("GET", "/api/v1/plans?published=false", sup, nil)), []int64{running})
	eq(ids(f.do("GET", "/api/v1/plans?area="+fmt.Sprint(f.gridA1), sup, nil)), nil)
	eq(ids(f.do("GET", "/api/v1/plans", f.tok["supervisor:B"], nil)), nil)
	// Paging: newest first, after = the last id seen.
	res = f.do("GET", "/api/v1/plans?limit=2", sup, nil)
	eq(ids(res), []int64{running, second})
	eq(ids(f.do("GET", res.json["next"].(string), sup, nil)), []int64{first})
	wantProblem(t, f.do("GET", "/api/v1/plans?status=finished", sup, nil), 422, KindValidation)
	wantProblem(t, f.do("GET", "/api/v1/plans?published=maybe", sup, nil), 422, KindValidation)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/plans?area=%d", f.areaB), sup, nil), 403, KindForbidden)
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestPlanWithoutWorkersRefused: a plan that could only fail in the queue is refused at
// once with a 422, and nothing is queued.
func TestPlanWithoutWorkersRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	jobs, err := planning.NewQueue(ctx, f.store, planning.QueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.h = New(f.store, Options{Jobs: jobs})
	sup := f.tok["supervisor:B"]
	off := false
	if _, err := f.store.UpdateWorker(ctx, f.workerB, data.WorkerInput{Active: &off}); err != nil {
		t.Fatal(err)
	}
	res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.areaB, "seconds": 1})
	wantProblem(t, res, 422, KindValidation)
	if d := res.json["detail"].(string); d != fmt.Sprintf("the plan cannot start: area %d has no active workers", f.areaB) {
		t.Fatalf("detail %q", d)
	}
	res = f.do("POST", "/api/v1/plans", f.tok["supervisor:A"], map[string]any{"area_id": f.areaA, "seconds": 1, "workers": []int64{f.workerA}})
	if res.status != 202 {
		t.Fatalf("plan with an active worker: %s", res)
	}
	if _, err := f.store.UpdateWorker(ctx, f.workerA, data.WorkerInput{Active: &off}); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, f.do("POST", "/api/v1/plans", f.tok["supervisor:A"], map[string]any{"area_id": f.areaA, "seconds": 1, "workers": []int64{f.workerA}}), 422, KindValidation)
	plans, err := f.store.ListPlans(ctx, data.PlanFilter{Root: f.areaB}, data.ListPage{Limit: 10})
	if err != nil || len(plans) != 0 {
		t.Fatalf("plans of B: %v %v", plans, err)
	}
}
