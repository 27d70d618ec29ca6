package api

import (
	"context"
	"fmt"
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
