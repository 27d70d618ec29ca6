package api

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// ledgerPost posts one ledger check-in and returns the decoded answer.
func (f *fixture) ledgerPost(token string, body map[string]any) response {
	f.t.Helper()
	return f.do("POST", "/api/v1/ledger/checkins", token, body)
}

func TestLedgerHistoryKeptOnEveryChange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	wk := f.tok["worker:A"]
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	steps := []map[string]any{
		{"client_key": "l1", "shop_id": f.shopA, "observed_at": t0, "status": "closed", "note": "shutters down"},
		{"client_key": "l2", "shop_id": f.shopA, "observed_at": t0.Add(24 * time.Hour), "status": "preparing",
			"need_tags": []string{"masks", "staff", "masks"}, "needs": "two cashiers"},
		{"client_key": "l3", "shop_id": f.shopA, "observed_at": t0.Add(48 * time.Hour), "status": "open",
			"documents": []string{"health certificate: Li"}},
		{"client_key": "l4", "shop_id": f.shopA, "observed_at": t0.Add(72 * time.Hour), "need_tags": []string{},
			"documents": []string{"health certificate: Wang", "health certificate: Li"}},
	}
	for _, s := range steps {
		if res := f.ledgerPost(wk, s); res.status != 200 || num(res.json["created"]) != 1 {
			t.Fatalf("check-in %v: %v", s["client_key"], res)
		}
	}
	// The phone replays its queue: nothing new is stored.
	if res := f.ledgerPost(wk, steps[0]); res.status != 200 || num(res.json["duplicates"]) != 1 || num(res.json["created"]) != 0 {
		t.Fatalf("replay: %v", res)
	}
	// A check-in observed before the latest one arrives late: history only.
	late := map[string]any{"client_key": "l0", "shop_id": f.shopA, "observed_at": t0.Add(-time.Hour), "status": "moved"}
	if res := f.ledgerPost(wk, late); res.status != 200 || num(res.json["created"]) != 1 {
		t.Fatalf("late check-in: %v", res)
	}

	res := f.do("GET", fmt.Sprintf("/api/v1/shops/%d/ledger", f.shopA), wk, nil)
	if res.status != 200 {
		t.Fatalf("shop ledger: %v", res)
	}
	cur := res.json["current"].(map[string]any)
	if cur["status"] != "open" || num(cur["events"]) != 5 || cur["note"] != "shutters down" || cur["needs"] != "two cashiers" {
		t.Fatalf("current %v", cur)
	}
	if tags := cur["need_tags"].([]any); len(tags) != 0 {
		t.Fatalf("need tags cleared by the last check-in, got %v", tags)
	}
	if docs := fmt.Sprint(cur["documents"]); docs != "[health certificate: Li health certificate: Wang]" {
		t.Fatalf("documents %s", docs)
	}
	hist := res.json["history"].([]any)
	if len(hist) != 5 {
		t.Fatalf("history has %d events, want 5: %s", len(hist), res.body)
	}
	var chain []string
	for _, h := range hist {
		e := h.(map[string]any)
		chain = append(chain, fmt.Sprintf("%v<-%v", e["status"], e["prev_status"]))
	}
	// Oldest observation first; prev_status is the state when each event arrived.
	want := []string{"moved<-open", "closed<-unknown", "preparing<-closed", "open<-preparing", "<nil><-open"}
	if !slices.Equal(chain, want) {
		t.Fatalf("history chain %v, want %v", chain, want)
	}
	if tags := fmt.Sprint(hist[2].(map[string]any)["need_tags"]); tags != "[masks staff]" {
		t.Fatalf("need tags deduplicated: %s", tags)
	}

	// The history cannot be rewritten, even by SQL.
	if err := f.sql().Exec(context.Background(), `UPDATE ledger_events SET status = 'open'`); err == nil ||
		!strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update of ledger_events: %v", err)
	}
	// Each new worker check-in also counts as a visit of the shop (the replay does not).
	if n, err := f.store.CountVisits(context.Background(), f.workerA); err != nil || n != 5 {
		t.Fatalf("visits of worker A: %d %v", n, err)
	}
}

func TestLedgerRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	body := func(key string, shop int64) map[string]any {
		return map[string]any{"client_key": key, "shop_id": shop, "observed_at": at, "status": "open"}
	}
	// Workers check in only at shops of their area, and only for themselves.
	wantProblem(t, f.ledgerPost(f.tok["worker:A"], body("r1", f.shopB)), http.StatusForbidden, KindForbidden)
	b := body("r2", f.shopA)
	b["worker_id"] = f.workerB
	wantProblem(t, f.ledgerPost(f.tok["worker:A"], b), http.StatusForbidden, KindForbidden)
	wantProblem(t, f.ledgerPost(f.tok["viewer:A"], body("r3", f.shopA)), http.StatusForbidden, KindForbidden)
	wantProblem(t, f.ledgerPost(f.tok["supervisor:B"], body("r4", f.shopA)), http.StatusForbidden, KindForbidden)
	wantProblem(t, f.ledgerPost(f.tok["worker:A"], body("r5", 999999)), http.StatusNotFound, KindNotFound)

	if res := f.ledgerPost(f.tok["worker:A"], body("k", f.shopA)); res.status != 200 || num(res.json["created"]) != 1 {
		t.Fatalf("worker A: %v", res)
	}
	// Another worker reusing the key stores nothing.
	if res := f.ledgerPost(f.tok["worker:B"], body("k", f.shopB)); res.status != 200 || num(res.json["key_taken"]) != 1 {
		t.Fatalf("worker B with A's key: %v", res)
	}
	// A supervisor may record an office entry (no worker) in their area.
	if res := f.ledgerPost(f.tok["supervisor:B"], body("s1", f.shopB)); res.status != 200 || num(res.json["created"]) != 1 {
		t.Fatalf("supervisor B: %v", res)
	}

	// Reading: the per-shop ledger is for supervisors and workers of the area; lists and
	// CSV for supervisors; viewers get the aggregate summary only.
	for _, c := range []struct {
		path, token string
		status      int
	}{
		{"/api/v1/ledger", "supervisor:A", 200},
		{"/api/v1/ledger", "worker:A", 403},
		{"/api/v1/ledger", "viewer:A", 403},
		{fmt.Sprintf("/api/v1/ledger?area=%d", f.areaA), "supervisor:B", 403},
		{"/api/v1/ledger.csv", "viewer:A", 403},
		{"/api/v1/ledger.csv", "worker:A", 403},
		{"/api/v1/ledger/summary", "viewer:A", 200},
		{"/api/v1/ledger/summary", "worker:B", 200},
		{fmt.Sprintf("/api/v1/ledger/summary?area=%d", f.areaB), "viewer:A", 403},
		{fmt.Sprintf("/api/v1/shops/%d/ledger", f.shopA), "worker:A", 200},
		{fmt.Sprintf("/api/v1/shops/%d/ledger", f.shopB), "worker:A", 403},
		{fmt.Sprintf("/api/v1/shops/%d/ledger", f.shopA), "viewer:A", 403},
		{"/api/v1/ledger", "", 401},
	} {
		res := f.do("GET", c.path, f.tok[c.token], nil)
		if res.status != c.status {
			t.Errorf("%s as %s: %v, want %d", c.path, c.token, res, c.status)
		}
		if c.status >= 400 {
			kind := map[int]string{401: KindUnauthorized, 403: KindForbidden}[c.status]
			wantProblem(t, res, c.status, kind)
		}
	}
}

func TestLedgerValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for name, body := range map[string]any{
		"bad status":     map[string]any{"client_key": "v", "shop_id": f.shopA, "observed_at": at, "status": "reopened"},
		"bad tag":        map[string]any{"client_key": "v", "shop_id": f.shopA, "observed_at": at, "need_tags": []string{"gold"}},
		"nothing to say": map[string]any{"client_key": "v", "shop_id": f.shopA, "observed_at": at},
		"no time":        map[string]any{"client_key": "v", "shop_id": f.shopA, "status": "open"},
		"no key":         map[string]any{"shop_id": f.shopA, "observed_at": at, "status": "open"},
		"empty document": map[string]any{"client_key": "v", "shop_id": f.shopA, "observed_at": at, "documents": []string{""}},
		"one bad of two": []any{
			map[string]any{"client_key": "v1", "shop_id": f.shopA, "observed_at": at, "status": "open"},
			map[string]any{"client_key": "v2", "shop_id": f.shopA, "observed_at": at, "status": "nope"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, f.do("POST", "/api/v1/ledger/checkins", f.tok["worker:A"], body), 422, KindValidation)
		})
	}
	wantProblem(t, f.do("POST", "/api/v1/ledger/checkins", f.tok["worker:A"], `{"client_key":"x","bogus":1}`), 400, KindMalformedJSON)
	wantProblem(t, f.do("GET", "/api/v1/ledger?status=reopened", f.tok["supervisor:A"], nil), 422, KindValidation)
	wantProblem(t, f.do("GET", "/api/v1/ledger/summary?points=0", f.tok["supervisor:A"], nil), 422, KindValidation)
	// Nothing of the refused batch landed.
	res := f.do("GET", fmt.Sprintf("/api/v1/shops/%d/ledger", f.shopA), f.tok["supervisor:A"], nil)
	if n := len(res.json["history"].([]any)); n != 0 {
		t.Fatalf("history after refused batches: %d events", n)
	}
}

// addShops creates shops in community A through the API and returns their ids.
func (f *fixture) addShops(names ...string) []int64 {
	f.t.Helper()
	var ids []int64
	for i, n := range names {
		res := f.do("POST", "/api/v1/shops", f.tok["supervisor:A"], map[string]any{
			"source_id": fmt.Sprintf("x%d", i), "name": n, "category": "restaurant",
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{10.006 + float64(i)*0.0005, 50.006}},
		})
		if res.status != 201 {
			f.t.Fatalf("create shop %q: %v", n, res)
		}
		ids = append(ids, num(res.json["id"]))
	}
	return ids
}

func TestLedgerFiltersCSVAndSummary(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.addShops(`Noodles, "Best" in town`, "=HYPERLINK(\"x\")", "Tea\nhouse")
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	batch := []map[string]any{
		// Open since long before last week.
		{"client_key": "a", "shop_id": f.shopA, "observed_at": now.Add(-20 * day), "status": "open"},
		// Closed then, reopened this week, needs masks.
		{"client_key": "b1", "shop_id": ids[0], "observed_at": now.Add(-20 * day), "status": "closed"},
		{"client_key": "b2", "shop_id": ids[0], "observed_at": now.Add(-3 * day), "status": "open",
			"need_tags": []string{"masks"}, "note": "-2 staff short, ok"},
		// First seen this week, preparing, needs loans and masks.
		{"client_key": "c", "shop_id": ids[1], "observed_at": now.Add(-2 * day), "status": "preparing",
			"need_tags": []string{"loans", "masks"}},
		// ids[2] never checked: unknown.
	}
	if res := f.do("POST", "/api/v1/ledger/checkins", f.tok["worker:A"], batch); res.status != 200 || num(res.json["created"]) != 4 {
		t.Fatalf("batch: %v", res)
	}

	list := func(q string) []int64 {
		t.Helper()
		res := f.do("GET", "/api/v1/ledger"+q, f.tok["supervisor:A"], nil)
		if res.status != 200 {
			t.Fatalf("ledger%s: %v", q, res)
		}
		var out []int64
		for _, it := range res.json["items"].([]any) {
			out = append(out, num(it.(map[string]any)["shop_id"]))
		}
		return out
	}
	for q, want := range map[string][]int64{
		"":                                      {f.shopA, ids[0], ids[1], ids[2]},
		"?status=open":                          {f.shopA, ids[0]},
		"?status=unknown":                       {ids[2]},
		"?need=masks":                           {ids[0], ids[1]},
		"?need=loans&status=preparing":          {ids[1]},
		"?category=supermarket":                 {f.shopA},
		"?need=permits":                         nil,
		"?limit=1&after=" + fmt.Sprint(f.shopA): {ids[0]},
	} {
		if got := list(q); !slices.Equal(got, want) {
			t.Errorf("ledger%s: %v, want %v", q, got, want)
		}
	}

	res := f.do("GET", "/api/v1/ledger.csv", f.tok["supervisor:A"], nil)
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", res.status, res.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(string(res.body))).ReadAll()
	if err != nil {
		t.Fatalf("csv does not parse: %v\n%s", err, res.body)
	}
	if len(rows) != 5 || strings.Join(rows[0], ",") != "shop_id,name,category,address,status,need_tags,needs,documents,note,observed_at,events" {
		t.Fatalf("csv rows %q", rows)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		if len(r) != 11 {
			t.Fatalf("row of %d fields: %q", len(r), r)
		}
		byID[r[0]] = r
	}
	r0 := byID[fmt.Sprint(ids[0])]
	if r0[1] != `Noodles, "Best" in town` || r0[4] != "open" || r0[5] != "masks" || r0[8] != "'-2 staff short, ok" || r0[10] != "2" {
		t.Fatalf("row of shop %d: %q", ids[0], r0)
	}
	if r := byID[fmt.Sprint(ids[1])]; r[1] != `'=HYPERLINK("x")` || r[5] != "loans;masks" {
		t.Fatalf("formula cell not neutralised or tags wrong: %q", r)
	}
	if r := byID[fmt.Sprint(ids[2])]; r[1] != "Tea\nhouse" || r[4] != "unknown" || r[9] != "" || r[10] != "0" {
		t.Fatalf("row of unchecked shop: %q", r)
	}
	if r := list("?status=open"); len(r) != 2 {
		t.Fatal(r)
	}

	res = f.do("GET", "/api/v1/ledger/summary?step_days=7&points=3&at="+now.Format(time.RFC3339), f.tok["viewer:A"], nil)
	if res.status != 200 {
		t.Fatalf("summary: %v", res)
	}
	if num(res.json["shops"]) != 4 || num(res.json["open_change"]) != 1 {
		t.Fatalf("summary %s", res.body)
	}
	series := res.json["series"].([]any)
	got := ""
	for _, p := range series {
		c := p.(map[string]any)
		got += fmt.Sprintf("[%v o%d c%d p%d u%d]", c["at"], num(c["open"]), num(c["closed"]), num(c["preparing"]), num(c["unknown"]))
	}
	want := "[2026-03-06T12:00:00Z o1 c1 p0 u2][2026-03-13T12:00:00Z o1 c1 p0 u2][2026-03-20T12:00:00Z o2 c0 p1 u1]"
	if got != want {
		t.Fatalf("series\n got %s\nwant %s", got, want)
	}
}
