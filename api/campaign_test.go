package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// coalStoveCampaign creates a campaign over grid A1 as supervisor A and returns its id.
func (f *fixture) coalStoveCampaign() int64 {
	f.t.Helper()
	res := f.do("POST", "/api/v1/campaigns", f.tok["supervisor:A"], map[string]any{
		"name": "Coal stove ban", "starts_on": "2026-03-01", "ends_on": "2026-03-31", "areas": []int64{f.gridA1},
		"questions": []map[string]any{
			{"id": "stove", "text": "Coal stove found?", "kind": "choice", "options": []string{"checked", "registered", "warned"}, "required": true},
			{"id": "extinguisher", "text": "Extinguisher present?", "kind": "yesno"},
			{"id": "remarks", "text": "Remarks", "kind": "text"},
		},
	})
	if res.status != 201 || res.json["time_zone"] != "Asia/Shanghai" || res.header.Get("Location") == "" {
		f.t.Fatalf("create campaign: %v", res)
	}
	return num(res.json["id"])
}

func TestCampaignAnswersAndUnvisited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	id := f.coalStoveCampaign()
	wk := f.tok["worker:A"]

	wantProblem(t, f.do("POST", "/api/v1/campaigns", f.tok["supervisor:A"], map[string]any{
		"name": "x", "starts_on": "2026-03-02", "ends_on": "2026-03-01", "areas": []int64{f.gridA1},
		"questions": []map[string]any{{"id": "Q!", "text": "", "kind": "essay"}},
	}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/campaigns", f.tok["supervisor:A"], map[string]any{
		"name": "x", "starts_on": "2026-03-01", "ends_on": "2026-03-02", "areas": []int64{f.areaB},
		"questions": []map[string]any{{"id": "q", "text": "q", "kind": "text"}},
	}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/campaigns", wk, map[string]any{}), 403, KindForbidden)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/campaigns/%d", id), f.tok["worker:B"], nil), 403, KindForbidden)
	if res := f.do("GET", fmt.Sprintf("/api/v1/campaigns/%d", id), wk, nil); res.status != 200 || len(res.json["questions"].([]any)) != 3 {
		t.Fatalf("worker reads the checklist: %v", res)
	}

	unvisited := func() string {
		t.Helper()
		res := f.do("GET", fmt.Sprintf("/api/v1/campaigns/%d/unvisited", id), f.tok["supervisor:A"], nil)
		if res.status != 200 {
			t.Fatalf("unvisited: %v", res)
		}
		var names []string
		for _, it := range res.json["items"].([]any) {
			u := it.(map[string]any)
			if u["block_id"] == nil {
				t.Fatalf("shop %v has no block", u)
			}
			names = append(names, u["name"].(string))
		}
		return strings.Join(names, ",")
	}
	if got := unvisited(); got != "A Market,Grid Cafe" {
		t.Fatalf("unvisited before answers: %s", got)
	}

	inPeriod := time.Date(2026, 3, 31, 15, 30, 0, 0, time.UTC) // 23:30 on the 31st in Shanghai
	after := time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC)    // 00:30 on April 1st there
	answer := func(key string, at time.Time, answers map[string]any) map[string]any {
		return map[string]any{"client_key": key, "shop_id": f.shopA, "visited_at": at, "answers": answers}
	}
	for name, body := range map[string]map[string]any{
		"required missing": answer("a", inPeriod, map[string]any{"extinguisher": true}),
		"not an option":    answer("a", inPeriod, map[string]any{"stove": "ignored"}),
		"wrong type":       answer("a", inPeriod, map[string]any{"stove": "checked", "extinguisher": "yes"}),
		"unknown question": answer("a", inPeriod, map[string]any{"stove": "checked", "colour": "red"}),
		"after the period": answer("a", after, map[string]any{"stove": "checked"}),
	} {
		res := f.do("POST", fmt.Sprintf("/api/v1/campaigns/%d/answers", id), wk, body)
		if res.status != 422 {
			t.Errorf("%s: %v", name, res)
		}
	}
	wantProblem(t, f.do("POST", fmt.Sprintf("/api/v1/campaigns/%d/answers", id), f.tok["viewer:A"],
		answer("a", inPeriod, map[string]any{"stove": "checked"})), http.StatusForbidden, KindForbidden)
	good := answer("a", inPeriod, map[string]any{"stove": "warned", "extinguisher": false, "remarks": "told to register"})
	if res := f.do("POST", fmt.Sprintf("/api/v1/campaigns/%d/answers", id), wk, good); res.status != 200 || num(res.json["created"]) != 1 {
		t.Fatalf("answer: %v", res)
	}
	if res := f.do("POST", fmt.Sprintf("/api/v1/campaigns/%d/answers", id), wk, good); res.status != 200 || num(res.json["duplicates"]) != 1 {
		t.Fatalf("replayed answer: %v", res)
	}
	if got := unvisited(); got != "Grid Cafe" {
		t.Fatalf("unvisited after an answer: %s", got)
	}
	res := f.do("GET", fmt.Sprintf("/api/v1/campaigns/%d/answers", id), f.tok["supervisor:A"], nil)
	if items := res.json["items"].([]any); res.status != 200 || len(items) != 1 ||
		items[0].(map[string]any)["answers"].(map[string]any)["stove"] != "warned" {
		t.Fatalf("answers: %v", res)
	}
	if n, err := f.store.CountVisits(context.Background(), f.workerA); err != nil || n != 1 {
		t.Fatalf("the inspection counts as one visit: %d %v", n, err)
	}
}

// TestCampaignUnvisitedShopsEnterNextPlan: a plan made for a campaign requires exactly the
// blocks of its unvisited shops, and a shop answered since drops out of the next plan.
func TestCampaignUnvisitedShopsEnterNextPlan(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	jobs := f.startJobs(1, nil)
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	id := f.coalStoveCampaign()
	sup := f.tok["supervisor:A"]

	runPlan := func() (map[string]any, int64) {
		t.Helper()
		res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 0.5, "seed": 3, "campaign_id": id})
		if res.status != 202 {
			t.Fatalf("create plan: %v", res)
		}
		pid := num(res.json["id"])
		plan := f.waitPlan(pid, func(s string) bool { return s != "queued" && s != "running" })
		if plan["status"] != "done" {
			t.Fatalf("plan ended %v: %v", plan["status"], plan["error"])
		}
		return plan["stats"].(map[string]any), pid
	}
	routesMention := func(pid int64, shop string) bool {
		t.Helper()
		ws, err := f.store.PlanAssignments(context.Background(), pid)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, a := range ws {
			if seen[a.WorkerID] {
				continue
			}
			seen[a.WorkerID] = true
			res := f.do("GET", fmt.Sprintf("/api/v1/plans/%d/routes/%d", pid, a.WorkerID), sup, nil)
			if res.status != 200 {
				t.Fatalf("route: %v", res)
			}
			if strings.Contains(string(res.body), shop) {
				return true
			}
		}
		return false
	}

	// The grid has 24 blocks; the two unvisited shops lie on two of them.
	stats, pid := runPlan()
	if num(stats["blocks_required"]) != 2 || num(stats["blocks_covered"]) != 2 {
		t.Fatalf("first plan stats %v", stats)
	}
	if !routesMention(pid, "Grid Cafe") || !routesMention(pid, "A Market") {
		t.Fatal("the first plan's routes do not stop at both unvisited shops")
	}

	res := f.do("POST", fmt.Sprintf("/api/v1/campaigns/%d/answers", id), f.tok["worker:A"], map[string]any{
		"client_key": "insp-1", "shop_id": f.shopA, "visited_at": time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC),
		"answers": map[string]any{"stove": "checked"}})
	if res.status != 200 || num(res.json["created"]) != 1 {
		t.Fatalf("answer: %v", res)
	}
	stats, pid = runPlan()
	if num(stats["blocks_required"]) != 1 || num(stats["blocks_covered"]) != 1 {
		t.Fatalf("next plan stats %v", stats)
	}
	if !routesMention(pid, "Grid Cafe") || routesMention(pid, "A Market") {
		t.Fatal("the next plan should stop at Grid Cafe only")
	}

	// Once every shop is answered, a campaign plan fails with the reason.
	us, err := f.store.CampaignUnvisited(context.Background(), id, f.gridA1, 30)
	if err != nil || len(us) != 1 {
		t.Fatalf("unvisited: %v %v", us, err)
	}
	res = f.do("POST", fmt.Sprintf("/api/v1/campaigns/%d/answers", id), f.tok["worker:A"], map[string]any{
		"client_key": "insp-2", "shop_id": us[0].ShopID, "visited_at": time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC),
		"answers": map[string]any{"stove": "registered"}})
	if res.status != 200 || num(res.json["created"]) != 1 {
		t.Fatalf("answer: %v", res)
	}
	res = f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 0.5, "campaign_id": id})
	if res.status != 202 {
		t.Fatalf("create plan: %v", res)
	}
	plan := f.waitPlan(num(res.json["id"]), func(s string) bool { return s != "queued" && s != "running" })
	if plan["status"] != "failed" || !strings.Contains(fmt.Sprint(plan["error"]), "no unvisited shops") {
		t.Fatalf("plan with nothing to inspect: %v %v", plan["status"], plan["error"])
	}
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "campaign_id": 999999}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/plans", f.tok["supervisor:B"], map[string]any{"area_id": f.areaB, "campaign_id": id}), 403, KindForbidden)
}
