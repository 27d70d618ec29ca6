package api

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// TestMyRoute: a worker opens today's published route without knowing the plan's id; a
// newer publication replaces it; another day's publication does not count.
func TestMyRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup, wk := f.tok["supervisor:A"], f.tok["worker:A"]
	res := f.do("GET", "/api/v1/me/route", wk, nil)
	wantProblem(t, res, 404, KindNotFound)
	if !strings.Contains(res.json["detail"].(string), "published for today") {
		t.Fatalf("detail: %s", res)
	}
	wantProblem(t, f.do("GET", "/api/v1/me/route", sup, nil), 403, KindForbidden)

	plan := f.addDonePlan(f.areaA, f.workerA, f.blockA)
	// Published for another day only: still nothing today.
	if res := f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", plan), sup, map[string]any{"date": "2031-05-01"}); res.status != 200 {
		t.Fatalf("publish: %s", res)
	}
	wantProblem(t, f.do("GET", "/api/v1/me/route", wk, nil), 404, KindNotFound)

	if res := f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", plan), sup, map[string]any{}); res.status != 200 {
		t.Fatalf("publish: %s", res)
	}
	mine := f.do("GET", "/api/v1/me/route", wk, nil)
	byID := f.do("GET", fmt.Sprintf("/api/v1/plans/%d/routes/%d", plan, f.workerA), wk, nil)
	if mine.status != 200 || !bytes.Equal(mine.body, byID.body) || mine.header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("me/route %s\nwant the plan's route %s", mine, byID)
	}
	if mine.header.Get("X-Plan-Id") != fmt.Sprint(plan) {
		t.Fatalf("X-Plan-Id %q, want %d", mine.header.Get("X-Plan-Id"), plan)
	}
	// A newer plan for the same day replaces it.
	newer := f.addDonePlan(f.areaA, f.workerA, f.blockA)
	if res := f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", newer), sup, nil); res.status != 200 {
		t.Fatalf("publish newer: %s", res)
	}
	if res := f.do("GET", "/api/v1/me/route", wk, nil); res.status != 200 || res.header.Get("X-Plan-Id") != fmt.Sprint(newer) {
		t.Fatalf("after the newer publication: %s %v", res, res.header)
	}
	// Worker A2 (grid A1, inside A) has no route in it.
	wantProblem(t, f.do("GET", "/api/v1/me/route", f.workerToken(f.workerA2, f.gridA1), nil), 404, KindNotFound)
}

// TestSigninCode: a supervisor's one-time code signs the worker in once, and not twice.
func TestSigninCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	res := f.do("POST", fmt.Sprintf("/api/v1/workers/%d/signin-codes", f.workerA), sup, nil)
	if res.status != 201 {
		t.Fatalf("create code: %s", res)
	}
	code := res.json["code"].(string)
	if res.json["url"] != "/worker?code="+code || num(res.json["worker_id"]) != f.workerA {
		t.Fatalf("code answer: %s", res)
	}
	if exp, err := time.Parse(time.RFC3339, res.json["expires_at"].(string)); err != nil || time.Until(exp) > SigninCodeTTL || time.Until(exp) < SigninCodeTTL-time.Minute {
		t.Fatalf("expires_at %v: %v", res.json["expires_at"], err)
	}
	// Two phones race with the same code: exactly one gets a token.
	var wg sync.WaitGroup
	results := make([]response, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f.do("POST", "/api/v1/signin", "", map[string]any{"code": code})
		}()
	}
	wg.Wait()
	var token string
	for _, r := range results {
		switch r.status {
		case 200:
			if token != "" {
				t.Fatalf("a code signed in twice: %s", r)
			}
			token = r.json["token"].(string)
			if exp, err := time.Parse(time.RFC3339, r.json["expires_at"].(string)); err != nil || time.Until(exp) < 89*24*time.Hour {
				t.Fatalf("worker token expiry %v (%v), want about 90 days", r.json["expires_at"], err)
			}
		default:
			wantProblem(t, r, 401, KindUnauthorized)
		}
	}
	if token == "" {
		t.Fatal("no exchange succeeded")
	}
	me := f.do("GET", "/api/v1/me", token, nil)
	if me.status != 200 || me.json["role"] != "worker" || num(me.json["worker_id"]) != f.workerA || num(me.json["area_id"]) != f.areaA {
		t.Fatalf("me with the exchanged token: %s", me)
	}
	wantProblem(t, f.do("POST", "/api/v1/signin", "", map[string]any{"code": code}), 401, KindUnauthorized)
	wantProblem(t, f.do("POST", "/api/v1/signin", "", map[string]any{"code": "gsc_nothing"}), 401, KindUnauthorized)
	// A code past its ten minutes is refused too.
	old, err := f.store.CreateSigninCode(context.Background(), f.workerA, 0, -time.Second)
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, f.do("POST", "/api/v1/signin", "", map[string]any{"code": old.Code}), 401, KindUnauthorized)
	wantProblem(t, f.do("POST", "/api/v1/signin", "", map[string]any{}), 422, KindValidation)
	// Not for a worker of another area, nor by a worker or viewer.
	wantProblem(t, f.do("POST", fmt.Sprintf("/api/v1/workers/%d/signin-codes", f.workerB), sup, nil), 403, KindForbidden)
	wantProblem(t, f.do("POST", fmt.Sprintf("/api/v1/workers/%d/signin-codes", f.workerA), f.tok["worker:A"], nil), 403, KindForbidden)
}

// workerToken mints a token for a worker of area.
func (f *fixture) workerToken(worker, area int64) string {
	f.t.Helper()
	secret, _, err := f.store.CreateToken(context.Background(), data.NewTokenParams{Role: data.RoleWorker, AreaID: area, WorkerID: worker})
	if err != nil {
		f.t.Fatal(err)
	}
	return secret
}
