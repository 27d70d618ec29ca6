package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// TestLogsNeverHoldTokens checks the request log line: it names the route and the role,
// and never the bearer token (nor the Authorization header).
func TestLogsNeverHoldTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var buf bytes.Buffer
	f.h = New(f.store, Options{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	tok := f.tok["supervisor:A"]
	f.do("GET", "/api/v1/shops?limit=1", tok, nil)
	f.do("GET", "/api/v1/shops", tok+"x", nil)
	out := buf.String()
	if strings.Contains(out, tok) || strings.Contains(out, "Bearer") || strings.Contains(out, "gst_") {
		t.Fatalf("a token reached the logs:\n%s", out)
	}
	for _, want := range []string{`"route":"/api/v1/shops"`, `"role":"supervisor"`, `"status":200`, `"status":401`, `"request_id":`} {
		if !strings.Contains(out, want) {
			t.Fatalf("log lacks %s:\n%s", want, out)
		}
	}
}

// TestPanicRecovery: a panicking handler answers a 500 problem and logs the panic.
func TestPanicRecovery(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s := &server{log: slog.New(slog.NewJSONHandler(&buf, nil)), metrics: newMetrics()}
	h := withRequestID(s.withRecovery(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 500 || p.Type != ProblemBase+KindInternal || p.RequestID == "" {
		t.Fatalf("panic answered %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Fatal("the panic value reached the client")
	}
	if !strings.Contains(buf.String(), "boom") {
		t.Fatalf("panic not logged: %s", buf.String())
	}
}

// TestRequestIDEcho: a sane client request id is kept (phones correlate retries), an
// unsafe one is replaced.
func TestRequestIDEcho(t *testing.T) {
	t.Parallel()
	h := withRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, tc := range []struct{ in, want string }{{"phone-42.retry_1", "phone-42.retry_1"}, {"bad id\n", ""}, {strings.Repeat("a", 65), ""}} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("X-Request-ID", tc.in)
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-ID")
		if tc.want != "" && got != tc.want || tc.want == "" && (got == tc.in || len(got) != 16) {
			t.Fatalf("request id %q became %q", tc.in, got)
		}
	}
}
