package api

// Hostile-input tests against the full handler and a real database: SQL injection in
// every text field and query parameter, path traversal on the static files, oversize and
// deeply nested JSON, impossible coordinates, tile addresses outside the grid, and tokens
// that must never reach the logs. The authorisation matrix is auth_test.go's.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// injections are classic SQL-injection payloads; a NUL byte and an invalid UTF-8 sequence
// are there because PostgreSQL refuses both in text, which must be a 4xx, not a 500.
var injections = []string{
	`'; DROP TABLE areas; --`,
	`' OR '1'='1`,
	`1 OR 1=1`,
	`1; SELECT pg_sleep(10)--`,
	`1) UNION SELECT hash, role FROM api_tokens --`,
	`$1`,
	`\'; TRUNCATE visits; --`,
	"nul\x00byte",
	"bad\xffutf8",
}

// tableCounts is the row count of the tables an injection would most like to reach.
func tableCounts(t *testing.T, f *fixture) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, tbl := range []string{"areas", "blocks", "shops", "stations", "workers", "api_tokens", "visits"} {
		var n int64
		if err := f.sql().QueryRow(context.Background(), `SELECT count(*) FROM `+tbl).Scan(&n); err != nil {
			t.Fatalf("count %s after injections: %v", tbl, err)
		}
		out[tbl] = n
	}
	return out
}

func TestSQLInjectionInQueryParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	before := tableCounts(t, f)
	paths := []string{
		"/api/v1/areas?%s", "/api/v1/blocks?%s", "/api/v1/shops?%s", "/api/v1/stations?%s",
		"/api/v1/workers?%s", "/api/v1/plans/1?%s",
		"/tiles/coverage/14/8647/5584.mvt?%s", "/tiles/heat/14/8647/5584.png?%s", "/tiles/coverage.json?%s",
	}
	params := []string{"area", "bbox", "limit", "after", "category", "assignments", "plan", "worker", "days", "since", "until"}
	for _, p := range paths {
		for _, name := range params {
			for _, inj := range injections {
				target := fmt.Sprintf(p, url.Values{name: {inj}}.Encode())
				res := f.do("GET", target, sup, nil)
				// A parameter an endpoint ignores may leave a 200 (assignments=... is not
				// "true"), or a 404 (plan 1 does not exist); any 5xx, or a 200 from a
				// parameter the endpoint reads, means the payload got further than parsing.
				if res.status >= 500 {
					t.Fatalf("GET %s: %v", target, res)
				}
				if res.status == http.StatusOK && name != "assignments" && !ignores(p, name) {
					t.Fatalf("GET %s accepted the payload: %v", target, res)
				}
			}
		}
	}
	if after := tableCounts(t, f); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("row counts changed: %v -> %v", before, after)
	}
}

// ignores reports whether the endpoint of path pattern p does not read parameter name.
// The list endpoints read only their own filters; unknown parameters are ignored there
// (the tile routes refuse them instead).
func ignores(p, name string) bool {
	reads := map[string][]string{
		"/api/v1/areas?%s":    {"limit", "after"},
		"/api/v1/blocks?%s":   {"area", "bbox", "limit", "after"},
		"/api/v1/shops?%s":    {"area", "bbox", "limit", "after", "category"},
		"/api/v1/stations?%s": {"area", "bbox", "limit", "after"},
		"/api/v1/workers?%s":  {"area", "limit", "after"},
		"/api/v1/plans/1?%s":  {},
	}
	r, ok := reads[p]
	if !ok {
		return false // tile routes: every unknown or malformed parameter is a 400
	}
	for _, n := range r {
		if n == name {
			return false
		}
	}
	return true
}

func TestSQLInjectionInTextFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup, worker := f.tok["supervisor:A"], f.tok["worker:A"]
	point := map[string]any{"type": "Point", "coordinates": []float64{10.004, 50.004}}
	before := tableCounts(t, f)
	created := 0
	for i, inj := range injections {
		type req struct {
			method, path, token, field string
			body                       map[string]any
		}
		reqs := []req{
			{"POST", "/api/v1/shops", sup, "name", map[string]any{"name": inj, "category": "other", "geometry": point}},
			{"POST", "/api/v1/shops", sup, "address", map[string]any{"name": "s", "address": inj, "category": "other", "geometry": point}},
			{"POST", "/api/v1/shops", sup, "source_id", map[string]any{"source_id": inj, "category": "other", "geometry": point}},
			{"POST", "/api/v1/shops", sup, "category", map[string]any{"category": inj, "geometry": point}},
			{"POST", "/api/v1/stations", sup, "kind", map[string]any{"kind": inj, "geometry": point}},
			{"POST", "/api/v1/workers", sup, "name", map[string]any{"area_id": f.areaA, "name": inj}},
			{"PATCH", "/api/v1/areas/" + itoa(f.gridA1), sup, "name", map[string]any{"name": inj}},
			{"POST", "/api/v1/plans", sup, "mode", map[string]any{"area_id": f.areaA, "mode": inj}},
			{"POST", "/api/v1/visits", worker, "client_key", map[string]any{"client_key": fmt.Sprintf("%s-%d", inj, i), "block_id": f.blockA, "visited_at": time.Now().UTC()}},
		}
		for _, rq := range reqs {
			res := f.do(rq.method, rq.path, rq.token, rq.body)
			switch {
			case res.status >= 500 && !(rq.path == "/api/v1/plans" && res.status == http.StatusServiceUnavailable):
				// The fixture runs no plan jobs, so POST /plans may answer 503 by design.
				t.Fatalf("%s %s with %s=%q: %v", rq.method, rq.path, rq.field, inj, res)
			case res.status == http.StatusOK || res.status == http.StatusCreated:
				created++
				// Stored verbatim: the payload is data, not SQL. Read it back.
				got := res.json[rq.field]
				if props, ok := res.json["properties"].(map[string]any); ok {
					got = props[rq.field]
				}
				if rq.path == "/api/v1/visits" {
					results, _ := res.json["results"].([]any)
					if len(results) == 1 {
						got = results[0].(map[string]any)["client_key"]
					}
					if num(res.json["created"]) != 1 {
						t.Fatalf("visit with key %q: %v", inj, res)
					}
				}
				// The JSON encoder sent invalid UTF-8 as U+FFFD; that is what arrived.
				want := strings.ToValidUTF8(rq.body[rq.field].(string), "\uFFFD")
				if got != want {
					t.Fatalf("%s %s stored %s=%q as %v: %v", rq.method, rq.path, rq.field, want, got, res)
				}
			}
		}
	}
	if created == 0 {
		t.Fatal("no payload was stored verbatim; the test did not reach the database")
	}
	after := tableCounts(t, f)
	for _, tbl := range []string{"areas", "blocks", "api_tokens"} {
		if after[tbl] != before[tbl] {
			t.Fatalf("%s changed from %d to %d rows", tbl, before[tbl], after[tbl])
		}
	}
}

func TestStaticPathTraversal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, p := range []string{
		"/static/../go.mod",
		"/static/../../go.mod",
		"/static/..%2f..%2fgo.mod",
		"/static/%2e%2e/%2e%2e/go.mod",
		"/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/static/js/../../web.go",
		"/static/vendor/..%5c..%5cweb.go",
		"/static//etc/passwd",
		"/static/....//....//etc/passwd",
		"/static/%252e%252e/%252e%252e/go.mod",
		"/static/%00../web.go",
		"/static/../../../../../../etc/passwd",
		"/embed/../../etc/passwd",
	} {
		res := f.do("GET", p, "", nil)
		body := string(res.body)
		for _, leak := range []string{"module github.com", "package web", "root:", "go:embed"} {
			if strings.Contains(body, leak) {
				t.Fatalf("GET %s leaked a file outside static (%q): %d %.200s", p, leak, res.status, body)
			}
		}
		if res.status == http.StatusOK {
			t.Fatalf("GET %s: 200 %.200s", p, body)
		}
	}
	// The checks above would pass on a server that serves nothing at all.
	if res := f.do("GET", "/static/sw.js", "", nil); res.status != http.StatusOK {
		t.Fatalf("the static files are not served at all: %v", res)
	}
}

func TestOversizeAndNestedJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t) // MaxBodyBytes 64 KiB
	sup, worker := f.tok["supervisor:A"], f.tok["worker:A"]
	deep := func(n int, open, close string) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	nestedGeom := `{"name":"x","category":"other","geometry":{"type":"Point","coordinates":` + deep(5000, "[", "]") + `}}`
	visits := make([]map[string]any, 2001)
	for i := range visits {
		visits[i] = map[string]any{"client_key": fmt.Sprintf("k%d", i), "block_id": f.blockA, "visited_at": "2026-01-01T00:00:00Z"}
	}
	tests := []struct {
		name, method, path, token string
		body                      any
		headers                   []string
		status                    int
		kind                      string
	}{
		{"10 MB body", "POST", "/api/v1/shops", sup, strings.Repeat(" ", 10<<20), nil, 413, KindTooLarge},
		{"10 MB body, no length", "POST", "/api/v1/visits", worker, "[" + strings.Repeat(`{},`, 3<<20) + "{}]", []string{"Content-Length", ""}, 413, KindTooLarge},
		{"arrays nested 20000 deep", "POST", "/api/v1/visits", worker, deep(20000, "[", "]"), nil, 400, KindMalformedJSON},
		{"objects nested 10001 deep", "POST", "/api/v1/areas", sup, deep(10001, `{"":`, "}"), nil, 400, KindMalformedJSON},
		{"nested coordinates", "POST", "/api/v1/shops", sup, nestedGeom, nil, 422, KindInvalidGeoJSON},
		{"visit batch over the cap", "POST", "/api/v1/visits", worker, visits, nil, 0, ""},
	}
	for _, tt := range tests {
		res := f.do(tt.method, tt.path, tt.token, tt.body, tt.headers...)
		if tt.status == 0 {
			// 2001 small check-ins exceed the 64 KiB cap before the batch cap: either is right.
			if res.status != 413 && res.status != 422 {
				t.Fatalf("%s: %v", tt.name, res)
			}
			continue
		}
		t.Run(tt.name, func(t *testing.T) { wantProblem(t, res, tt.status, tt.kind) })
	}
}

func TestImpossibleCoordinates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup, worker := f.tok["supervisor:A"], f.tok["worker:A"]
	pt := func(c string) string { return `{"type":"Point","coordinates":` + c + `}` }
	bad := []string{`[NaN,50]`, `["NaN",50]`, `[Infinity,50]`, `[1e309,50]`, `[-1e309,50]`, `[180.000001,50]`,
		`[10,90.5]`, `[-181,0]`, `[10,-91]`, `[10]`, `[10,50,0,0]`, `[null,50]`, `[]`}
	for _, c := range bad {
		for _, rq := range []struct{ method, path, token, body string }{
			{"POST", "/api/v1/shops", sup, `{"name":"x","category":"other","geometry":` + pt(c) + `}`},
			{"POST", "/api/v1/stations", sup, `{"kind":"x","geometry":` + pt(c) + `}`},
			{"POST", "/api/v1/workers", sup, `{"area_id":` + itoa(f.areaA) + `,"name":"x","start":` + pt(c) + `}`},
			{"POST", "/api/v1/visits", worker, `{"client_key":"c","block_id":` + itoa(f.blockA) + `,"visited_at":"2026-01-01T00:00:00Z","position":` + pt(c) + `}`},
			{"POST", "/api/v1/areas", sup, `{"kind":"grid","parent_id":` + itoa(f.areaA) + `,"geometry":{"type":"Polygon","coordinates":[[` + c + `,[10,50],[10.001,50.001],` + c + `]]}}`},
		} {
			res := f.do(rq.method, rq.path, rq.token, rq.body)
			if res.status != 400 && res.status != 422 {
				t.Fatalf("%s %s with %s: %v", rq.method, rq.path, c, res)
			}
		}
		lonlat := strings.TrimSuffix(strings.TrimPrefix(c, "["), "]")
		if lon, lat, ok := strings.Cut(lonlat, ","); ok {
			res := f.do("POST", "/api/v1/gps", worker, `{"points":[{"t":"2026-01-01T00:00:00Z","lon":`+lon+`,"lat":`+lat+`}]}`)
			if res.status != 400 && res.status != 422 {
				t.Fatalf("gps %s: %v", c, res)
			}
		}
	}
	for _, b := range []string{"NaN,0,1,1", "0,0,Inf,1", "-Inf,0,1,1", "0,0,181,1", "0,-91,1,1", "1,1,0,0", "0,0,1", "1e400,0,1,1"} {
		wantProblem(t, f.do("GET", "/api/v1/blocks?bbox="+url.QueryEscape(b), sup, nil), 422, KindValidation)
	}
	if n := tableCounts(t, f)["visits"]; n != 0 {
		t.Fatalf("%d visits stored from impossible positions", n)
	}
}

func TestTileAddressesOutOfRange(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := f.tok["viewer:A"]
	for _, zxy := range []string{
		"23/0/0", "99/0/0", "4294967296/0/0", "1/2/0", "1/0/2", "0/1/0", "22/4194304/0", "22/0/4194304",
		"-1/0/0", "1/-1/0", "01/0/0", "1/00/0", "0x1/0/0", "1/+1/0", "1.5/0/0", "1/0/1e0", "%20/0/0",
		"99999999999999999999/0/0", "1/99999999999999999999/0",
	} {
		for _, p := range []string{"/tiles/streets/" + zxy + ".mvt", "/tiles/coverage/" + zxy + ".mvt", "/tiles/heat/" + zxy + ".png", "/tiles/heat/" + zxy + "@2x.png"} {
			res := f.do("GET", p, v, nil)
			if res.status != http.StatusBadRequest && res.status != http.StatusNotFound {
				t.Fatalf("GET %s: %v", p, res)
			}
		}
	}
	for _, p := range []string{"/tiles/heat/1/0/0@3x.png", "/tiles/heat/1/0/0@2x@2x.png"} {
		if res := f.do("GET", p, v, nil); res.status != http.StatusBadRequest && res.status != http.StatusNotFound {
			t.Fatalf("GET %s: %v", p, res)
		}
	}
	// The edges of the grid are tiles, and do render.
	for _, p := range []string{"/tiles/streets/0/0/0.mvt", "/tiles/streets/22/4194303/4194303.mvt", "/tiles/heat/22/0/0@2x.png"} {
		if res := f.do("GET", p, v, nil); res.status != http.StatusOK && res.status != http.StatusNoContent {
			t.Fatalf("GET %s: %v", p, res)
		}
	}
}

// lockedBuffer is an io.Writer safe for the handler's concurrent log lines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTokensNeverLogged sends every token in every way a client might (header, query,
// wrong scheme, revoked, during a database outage that logs errors) through a handler
// logging at debug level, and looks for the secrets in the log.
func TestTokensNeverLogged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var logs lockedBuffer
	f.h = New(f.store, Options{Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	secrets := []string{}
	for _, s := range f.tok {
		secrets = append(secrets, s)
	}
	// A well-formed token that was never issued must not be logged either.
	unknown := "gst_" + strings.Repeat("Zq9", 14) + "x"
	secrets = append(secrets, unknown)
	for _, s := range secrets {
		for _, p := range []string{"/api/v1/me", "/api/v1/shops?area=" + itoa(f.areaA), "/tiles/streets/14/8647/5584.mvt", "/api/v1/nothing"} {
			f.do("GET", p, s, nil)
			f.do("GET", p+"?token="+s, "", nil)
			f.do("GET", p, "", nil, "Authorization", "Basic "+s)
			f.do("GET", p, "", nil, "Authorization", "Bearer "+s+" extra")
		}
		f.do("GET", "/embed?layer=coverage&token="+s, "", nil)
		f.do("POST", "/api/v1/visits", s, `{"client_key":"`+s+`x"`)
	}
	// Errors are logged with their cause: close the pool so every request fails.
	f.store.Close()
	for _, s := range secrets {
		f.do("GET", "/api/v1/me", s, nil)
	}
	out := logs.String()
	if !strings.Contains(out, `"status":500`) && !strings.Contains(out, `"status":503`) {
		t.Fatalf("the outage produced no error log; the test would not see a leak there:\n%.2000s", out)
	}
	if !strings.Contains(out, `"role":"supervisor"`) {
		t.Fatalf("no authenticated request was logged:\n%.2000s", out)
	}
	for _, s := range secrets {
		// The random part alone, so a token logged in pieces or escaped is caught too.
		if i := strings.Index(out, s[4:24]); i >= 0 {
			t.Fatalf("token %s… in the logs: %.300s", s[:8], out[max(0, i-200):])
		}
	}
}

// TestSQLInjectionInLedgerAndCampaigns covers the shop ledger and campaign routes. Their
// filters and texts are newer than the table above, so beyond "no 5xx and nothing else
// changed" it checks only that a free-text note is stored verbatim when accepted.
func TestSQLInjectionInLedgerAndCampaigns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup, worker := f.tok["supervisor:A"], f.tok["worker:A"]
	before := tableCounts(t, f)
	queries := map[string][]string{
		"/api/v1/ledger":                             {"area", "status", "category", "need"},
		"/api/v1/ledger.csv":                         {"area", "status", "category", "need"},
		"/api/v1/ledger/summary":                     {"area", "step_days", "points", "at"},
		"/api/v1/shops/" + itoa(f.shopA) + "/ledger": {"limit", "after"},
		"/api/v1/campaigns":                          {"area", "limit", "after"},
	}
	for p, params := range queries {
		for _, name := range params {
			for _, inj := range injections {
				target := p + "?" + url.Values{name: {inj}}.Encode()
				if res := f.do("GET", target, sup, nil); res.status >= 500 {
					t.Fatalf("GET %s: %v", target, res)
				}
			}
		}
	}
	stored := 0
	for i, inj := range injections {
		res := f.do("POST", "/api/v1/ledger/checkins", worker, map[string]any{
			"client_key": fmt.Sprintf("ledger-%d", i), "shop_id": f.shopA, "observed_at": time.Now().UTC(),
			"note": inj, "needs": inj, "documents": []string{inj},
		})
		if res.status >= 500 {
			t.Fatalf("ledger check-in with %q: %v", inj, res)
		}
		if res.status == http.StatusOK {
			stored++
			want, _ := json.Marshal(strings.ToValidUTF8(inj, "\uFFFD"))
			if got := f.do("GET", "/api/v1/shops/"+itoa(f.shopA)+"/ledger", sup, nil); !bytes.Contains(got.body, want) {
				t.Fatalf("ledger note %s not read back verbatim: %v", want, got)
			}
		}
		for _, body := range []map[string]any{
			{"name": inj, "starts_on": "2026-12-01", "ends_on": "2026-12-31", "time_zone": "UTC", "areas": []int64{f.areaA}},
			{"name": "c", "starts_on": inj, "ends_on": "2026-12-31", "time_zone": inj, "areas": []int64{f.areaA}},
		} {
			if res := f.do("POST", "/api/v1/campaigns", sup, body); res.status >= 500 {
				t.Fatalf("campaign %v: %v", body, res)
			}
		}
	}
	if stored == 0 {
		t.Fatal("no ledger note was stored; the test did not reach the database")
	}
	after := tableCounts(t, f)
	// A ledger check-in is also a visit, so visits may grow; the rest must not.
	for _, tbl := range []string{"areas", "blocks", "shops", "api_tokens"} {
		if after[tbl] != before[tbl] {
			t.Fatalf("%s changed from %d to %d rows", tbl, before[tbl], after[tbl])
		}
	}
}
