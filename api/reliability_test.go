package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data/datatest"
)

// TestDatabaseOutageAnswers503 cuts the test's database off the way a PostgreSQL shutdown
// does (its sessions are terminated with 57P01 and new ones are refused), checks that the
// API answers 503 problems instead of 500s while it is gone, and that the same handler,
// with the same pool, serves again once the database is back — no restart.
func TestDatabaseOutageAnswers503(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	check := func() response {
		return f.do("POST", "/api/v1/visits", f.tok["worker:A"],
			map[string]any{"client_key": "outage-" + time.Now().Format(time.RFC3339Nano), "block_id": f.blockA, "visited_at": time.Now().UTC()})
	}
	if res := check(); res.status != http.StatusOK {
		t.Fatalf("check-in before the outage: %v", res)
	}

	datatest.SetConnectable(t, f.dbURL, false)
	requests := []struct{ method, path string }{
		{"GET", "/readyz"},
		{"GET", "/api/v1/me"},
		{"GET", "/api/v1/areas/" + itoa(f.areaA)},
		{"GET", "/tiles/coverage/14/8647/5584.mvt"},
	}
	// Each request twice: the first may meet a pooled connection the server just killed,
	// the second needs a new connection, which is refused.
	for range 2 {
		for _, rq := range requests {
			wantProblem(t, f.do(rq.method, rq.path, f.tok["supervisor:A"], nil), http.StatusServiceUnavailable, KindUnavailable)
		}
		wantProblem(t, check(), http.StatusServiceUnavailable, KindUnavailable)
	}

	datatest.SetConnectable(t, f.dbURL, true)
	if res := f.do("GET", "/readyz", "", nil); res.status != http.StatusOK {
		t.Fatalf("readyz after the outage: %v", res)
	}
	if res := check(); res.status != http.StatusOK || num(res.json["created"]) != 1 {
		t.Fatalf("check-in after the outage: %v", res)
	}
}
