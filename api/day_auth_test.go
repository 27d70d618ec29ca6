package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// dayAuthCases are the auth matrix rows of the day of the sweep: plan lists and
// publishing, the worker's route of the day, sign-in codes, progress, the report and tokens.
func dayAuthCases(t *testing.T, f *fixture, planA, planB int64) []matrixCase {
	S, W, V := data.RoleSupervisor, data.RoleWorker, data.RoleViewer
	pick := func(own bool, a, b int64) int64 {
		if own {
			return a
		}
		return b
	}
	planPath := func(own bool, suffix string) string {
		return fmt.Sprintf("/api/v1/plans/%d%s", pick(own, planA, planB), suffix)
	}
	return []matrixCase{
		{method: "GET", route: "/api/v1/plans", want: map[string]int{S: 200, W: 200, V: 200},
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/plans?area=%d", pick(own, f.areaA, f.areaB)), nil
			}},
		{method: "POST", route: "/api/v1/plans/{id:[0-9]+}/publish", want: map[string]int{S: 200, W: 403, V: 403},
			target: func(f *fixture, own bool) (string, any) { return planPath(own, "/publish"), map[string]any{} }},
		{method: "GET", route: "/api/v1/plans/{id:[0-9]+}/progress", want: map[string]int{S: 200, W: 403, V: 200},
			target: func(f *fixture, own bool) (string, any) { return planPath(own, "/progress"), nil }},
		{method: "GET", route: "/api/v1/plans/{id:[0-9]+}/progress/events", stream: true, want: map[string]int{S: 200, W: 403, V: 200},
			target: func(f *fixture, own bool) (string, any) { return planPath(own, "/progress/events"), nil }},
		{method: "GET", route: "/api/v1/plans/{id:[0-9]+}/report", want: map[string]int{S: 200, W: 403, V: 200},
			target: func(f *fixture, own bool) (string, any) { return planPath(own, "/report"), nil }},
		{method: "GET", route: "/api/v1/plans/{id:[0-9]+}/report.csv", want: map[string]int{S: 200, W: 403, V: 200},
			target: func(f *fixture, own bool) (string, any) { return planPath(own, "/report.csv"), nil }},
		{method: "GET", route: "/api/v1/me/route", noForeign: true, want: map[string]int{S: 403, W: 200, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				if _, err := f.store.PublishPlan(context.Background(), data.PublishInput{PlanID: planA, AreaID: f.areaA,
					Date: time.Now().In(mustZone(t, DefaultTimeZone)), TimeZone: DefaultTimeZone}); err != nil {
					t.Fatal(err)
				}
				return "/api/v1/me/route", nil
			}},
		{method: "POST", route: "/api/v1/workers/{id:[0-9]+}/signin-codes", want: map[string]int{S: 201, W: 403, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/workers/%d/signin-codes", pick(own, f.workerA, f.workerB)), nil
			}},
		{method: "GET", route: "/api/v1/tokens", want: map[string]int{S: 200, W: 403, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/tokens?area=%d", pick(own, f.areaA, f.areaB)), nil
			}},
		{method: "POST", route: "/api/v1/tokens", want: map[string]int{S: 201, W: 403, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/tokens", map[string]any{"role": "viewer", "area_id": pick(own, f.areaA, f.areaB)}
			}},
		{method: "DELETE", route: "/api/v1/tokens/{id:[0-9]+}", want: map[string]int{S: 204, W: 403, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				_, tok, err := f.store.CreateToken(context.Background(), data.NewTokenParams{Role: data.RoleViewer, AreaID: pick(own, f.areaA, f.areaB)})
				if err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("/api/v1/tokens/%d", tok.ID), nil
			}},
	}
}

// doStream is do for an event stream: the request is cancelled after half a second, and
// the answer is what was sent until then.
func (f *fixture) doStream(method, path, token string, body any, headers ...string) response {
	f.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	ctx, cancel := context.WithTimeout(req.Context(), 500*time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req.WithContext(ctx))
	res := response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if strings.Contains(rec.Header().Get("Content-Type"), "json") {
		_ = json.Unmarshal(res.body, &res.json)
	}
	return res
}
