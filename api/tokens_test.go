package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

func TestTokenManagement(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	sup := f.tok["supervisor:A"]
	// A second replica: its own pool and router on the same database.
	store2, err := data.Open(ctx, f.store.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store2.Close)
	replica := &fixture{t: t, store: store2, h: New(store2, Options{})}

	res := f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "worker", "worker_id": f.workerA, "expires": "30d", "label": "Ann's phone"})
	if res.status != 201 || !strings.HasPrefix(res.json["token"].(string), "gst_") || res.json["status"] != "active" || num(res.json["area_id"]) != f.areaA {
		t.Fatalf("create worker token: %s", res)
	}
	exp, err := time.Parse(time.RFC3339, res.json["expires_at"].(string))
	if err != nil || time.Until(exp) < 29*24*time.Hour || time.Until(exp) > 30*24*time.Hour {
		t.Fatalf("expires_at %v (%v), want in 30 days", res.json["expires_at"], err)
	}
	workerTok, workerTokID := res.json["token"].(string), num(res.json["id"])
	if me := replica.do("GET", "/api/v1/me", workerTok, nil); me.status != 200 || num(me.json["worker_id"]) != f.workerA {
		t.Fatalf("new token on the other replica: %s", me)
	}
	// Worker tokens expire after 90 days unless told otherwise; viewers never by default.
	res = f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "worker", "worker_id": f.workerA2})
	if exp, err := time.Parse(time.RFC3339, res.json["expires_at"].(string)); res.status != 201 || err != nil || time.Until(exp) < 89*24*time.Hour {
		t.Fatalf("default worker expiry: %s", res)
	}
	res = f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "viewer", "area_id": f.gridA1})
	if res.status != 201 || num(res.json["area_id"]) != f.gridA1 || res.json["expires_at"] != nil {
		t.Fatalf("viewer token below the own area: %s", res)
	}
	viewerID := num(res.json["id"])

	// Never a supervisor token, never one for another area or its worker.
	wantProblem(t, f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "supervisor"}), 403, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "supervisor", "area_id": f.gridA1}), 403, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "viewer", "area_id": f.areaB}), 403, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "worker", "worker_id": f.workerB}), 403, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "worker", "worker_id": f.workerA, "area_id": f.gridA1}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "worker"}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "viewer", "expires": "soon"}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/tokens", sup, map[string]any{"role": "admin"}), 422, KindValidation)

	// The list shows scope and state, never a secret.
	res = f.do("GET", "/api/v1/tokens", sup, nil)
	if res.status != 200 || strings.Contains(string(res.body), "gst_") || strings.Contains(string(res.body), `"hash"`) {
		t.Fatalf("list: %s", res)
	}
	items := res.json["items"].([]any)
	if num(items[0].(map[string]any)["id"]) != viewerID {
		t.Fatalf("list is not newest first: %s", res)
	}
	for _, it := range items {
		if a := num(it.(map[string]any)["area_id"]); a != f.areaA && a != f.gridA1 {
			t.Fatalf("token of area %d listed for area A: %s", a, res)
		}
	}

	// Revoked: refused at once, on every replica (nothing caches tokens).
	if res := f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", workerTokID), sup, nil); res.status != 204 {
		t.Fatalf("revoke: %s", res)
	}
	start := time.Now()
	wantProblem(t, replica.do("GET", "/api/v1/me", workerTok, nil), 401, KindUnauthorized)
	wantProblem(t, f.do("GET", "/api/v1/me", workerTok, nil), 401, KindUnauthorized)
	if d := time.Since(start); d > time.Second {
		t.Fatalf("refusing a revoked token took %v", d)
	}
	if res := f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", workerTokID), sup, nil); res.status != 204 {
		t.Fatalf("revoke twice: %s", res)
	}
	rec, err := f.store.GetToken(ctx, workerTokID)
	if err != nil || rec.Status != "revoked" {
		t.Fatalf("revoked token record %+v %v", rec, err)
	}

	// Another area's token, another supervisor's token: no.
	supB, err := f.store.ListTokens(ctx, data.TokenFilter{Root: f.areaB}, data.ListPage{Limit: 10})
	if err != nil || len(supB) == 0 {
		t.Fatal(supB, err)
	}
	wantProblem(t, f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", supB[0].ID), sup, nil), 403, KindForbidden)
	_, peer, err := f.store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleSupervisor, AreaID: f.areaA})
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", peer.ID), sup, nil), 403, KindForbidden)
	wantProblem(t, f.do("DELETE", "/api/v1/tokens/999999", sup, nil), 404, KindNotFound)
	// A supervisor may sign out: revoke their own token.
	me := f.do("GET", "/api/v1/me", sup, nil)
	if res := f.do("DELETE", fmt.Sprintf("/api/v1/tokens/%d", num(me.json["token_id"])), sup, nil); res.status != 204 {
		t.Fatalf("revoke own: %s", res)
	}
	wantProblem(t, f.do("GET", "/api/v1/me", sup, nil), 401, KindUnauthorized)
}

// TestExpiredTokenRefused: a token past its expiry answers 401 like a revoked one.
func TestExpiredTokenRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	at := time.Now().Add(1500 * time.Millisecond)
	res := f.do("POST", "/api/v1/tokens", f.tok["supervisor:A"], map[string]any{"role": "viewer", "expires": at.Format(time.RFC3339Nano)})
	if res.status != 201 {
		t.Fatalf("create: %s", res)
	}
	tok := res.json["token"].(string)
	if me := f.do("GET", "/api/v1/me", tok, nil); me.status != 200 {
		t.Fatalf("before expiry: %s", me)
	}
	time.Sleep(time.Until(at) + 100*time.Millisecond)
	wantProblem(t, f.do("GET", "/api/v1/me", tok, nil), 401, KindUnauthorized)
	rec, err := f.store.GetToken(context.Background(), num(res.json["id"]))
	if err != nil || rec.Status != "expired" {
		t.Fatalf("expired token record %+v %v", rec, err)
	}
	wantProblem(t, f.do("POST", "/api/v1/tokens", f.tok["supervisor:A"], map[string]any{"role": "viewer", "expires": "2001-01-01T00:00:00Z"}), 422, KindValidation)
}
