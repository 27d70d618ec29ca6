package api

import (
	"net/http"
	"strings"
	"testing"
)

func TestHealthReadyMetrics(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if res := f.do("GET", "/healthz", "", nil); res.status != 200 || res.json["status"] != "ok" {
		t.Fatalf("healthz: %v", res)
	}
	if res := f.do("GET", "/readyz", "", nil); res.status != 200 || res.json["status"] != "ready" {
		t.Fatalf("readyz: %v", res)
	}
	f.do("GET", "/api/v1/shops/"+itoa(f.shopA), f.tok["viewer:A"], nil)
	res := f.do("GET", "/metrics", "", nil)
	if res.status != 200 {
		t.Fatalf("metrics: %v", res)
	}
	want := `gridsweep_http_requests_total{code="200",method="GET",route="/api/v1/shops/{id:[0-9]+}"} 1`
	if !strings.Contains(string(res.body), want) {
		t.Fatalf("metrics lack %s:\n%s", want, res.body)
	}
}

func TestReadyzDatabaseDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.store.Close()
	wantProblem(t, f.do("GET", "/readyz", "", nil), http.StatusServiceUnavailable, KindUnavailable)
	// Liveness does not depend on the database: restarting the process would not help.
	if res := f.do("GET", "/healthz", "", nil); res.status != 200 {
		t.Fatalf("healthz with database down: %v", res)
	}
}
