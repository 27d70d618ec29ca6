package api

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/fieldwork"
)

// fieldWorkAuthCases are the auth matrix rows (auth_test.go) of the ledger, campaign,
// duty and team routes: for each, a request on community A's resources (own) and on B's.
func fieldWorkAuthCases(t *testing.T, f *fixture, planA, planB int64) []matrixCase {
	ctx := context.Background()
	S, W, V := data.RoleSupervisor, data.RoleWorker, data.RoleViewer
	want := func(s, w, v int) map[string]int { return map[string]int{S: s, W: w, V: v} }
	pick := func(own bool, a, b int64) int64 {
		if own {
			return a
		}
		return b
	}
	key := func() string { return fmt.Sprintf("fw%d", keySeq.Add(1)) }
	at := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

	campaign := func(owner int64) int64 {
		c, err := f.store.CreateCampaign(ctx, data.CampaignInput{OwnerArea: owner, Name: "c", StartsOn: "2020-01-01", EndsOn: "2099-12-31",
			TimeZone: DefaultTimeZone, Questions: []fieldwork.Question{{ID: "q", Text: "q", Kind: "yesno"}}, Areas: []int64{owner}})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	campA, campB := campaign(f.areaA), campaign(f.areaB)
	window := func(station int64) int64 {
		w, err := f.store.CreateDutyWindow(ctx, fieldwork.DutyWindow{StationID: station, Starts: "07:00", Ends: "09:00", TimeZone: DefaultTimeZone, Weekdays: []int{1, 2, 3, 4, 5, 6, 7}})
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	window(f.stationA)
	window(f.stationB)
	team := func(area, lead int64) int64 {
		tm, err := f.store.CreateTeam(ctx, area, "t", lead, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tm.ID
	}
	teamA, teamB := team(f.areaA, f.workerA), team(f.areaB, f.workerB)
	if err := f.store.AssignTeamRoute(ctx, teamA, planA, f.workerA); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AssignTeamRoute(ctx, teamB, planB, f.workerB); err != nil {
		t.Fatal(err)
	}
	areaQ := func(path string) func(*fixture, bool) (string, any) {
		return func(f *fixture, own bool) (string, any) {
			sep := "?"
			for _, c := range path {
				if c == '?' {
					sep = "&"
				}
			}
			return fmt.Sprintf("%s%sarea=%d", path, sep, pick(own, f.areaA, f.areaB)), nil
		}
	}
	return []matrixCase{
		{method: "POST", route: "/api/v1/ledger/checkins", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/ledger/checkins", map[string]any{"client_key": key(), "shop_id": pick(own, f.shopA, f.shopB), "observed_at": at, "status": "open"}
			}},
		{method: "GET", route: "/api/v1/ledger", want: want(200, 403, 403), target: areaQ("/api/v1/ledger")},
		{method: "GET", route: "/api/v1/ledger.csv", want: want(200, 403, 403), target: areaQ("/api/v1/ledger.csv")},
		{method: "GET", route: "/api/v1/ledger/summary", want: want(200, 200, 200), target: areaQ("/api/v1/ledger/summary")},
		{method: "GET", route: "/api/v1/shops/{id:[0-9]+}/ledger", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/shops/%d/ledger", pick(own, f.shopA, f.shopB)), nil
			}},
		{method: "GET", route: "/api/v1/campaigns", want: want(200, 403, 403), target: areaQ("/api/v1/campaigns")},
		{method: "POST", route: "/api/v1/campaigns", want: want(201, 403, 403),
			target: func(f *fixture, own bool) (string, any) {
				area := pick(own, f.areaA, f.areaB)
				return "/api/v1/campaigns", map[string]any{"owner_area": area, "areas": []int64{area}, "name": "n", "starts_on": "2026-01-01",
					"ends_on": "2026-12-31", "questions": []map[string]any{{"id": "q", "text": "q", "kind": "text"}}}
			}},
		{method: "GET", route: "/api/v1/campaigns/{id:[0-9]+}", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/campaigns/%d", pick(own, campA, campB)), nil
			}},
		{method: "POST", route: "/api/v1/campaigns/{id:[0-9]+}/answers", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/campaigns/%d/answers", pick(own, campA, campB)),
					map[string]any{"client_key": key(), "shop_id": pick(own, f.shopA, f.shopB), "visited_at": at, "answers": map[string]any{"q": true}}
			}},
		{method: "GET", route: "/api/v1/campaigns/{id:[0-9]+}/answers", want: want(200, 403, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/campaigns/%d/answers", pick(own, campA, campB)), nil
			}},
		{method: "GET", route: "/api/v1/campaigns/{id:[0-9]+}/unvisited", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/campaigns/%d/unvisited", pick(own, campA, campB)), nil
			}},
		{method: "GET", route: "/api/v1/duty/windows", want: want(200, 200, 200), target: areaQ("/api/v1/duty/windows")},
		{method: "POST", route: "/api/v1/duty/windows", want: want(201, 403, 403),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/duty/windows", map[string]any{"station_id": pick(own, f.stationA, f.stationB), "starts": "18:00", "ends": "20:00"}
			}},
		{method: "DELETE", route: "/api/v1/duty/windows/{id:[0-9]+}", want: want(204, 403, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/duty/windows/%d", window(pick(own, f.stationA, f.stationB))), nil
			}},
		{method: "GET", route: "/api/v1/duty/roster", want: want(200, 200, 403), target: areaQ("/api/v1/duty/roster?first=2026-03-02&last=2026-03-03")},
		{method: "POST", route: "/api/v1/duty/roster", want: want(200, 403, 403),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/duty/roster", map[string]any{"area_id": pick(own, f.areaA, f.areaB), "first": "2026-03-02", "last": "2026-03-03",
					"staff": []map[string]any{{"worker_id": pick(own, f.workerA, f.workerB)}}}
			}},
		{method: "POST", route: "/api/v1/duty/checkins", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/duty/checkins", map[string]any{"client_key": key(), "station_id": pick(own, f.stationA, f.stationB),
					"worker_id": pick(own, f.workerA, f.workerB), "at": at}
			}},
		{method: "GET", route: "/api/v1/duty/report", want: want(200, 200, 200), target: areaQ("/api/v1/duty/report?first=2026-03-02&last=2026-03-03")},
		{method: "GET", route: "/api/v1/duty/route", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/duty/route?day=2026-03-02&worker=%d&area=%d", pick(own, f.workerA, f.workerB), pick(own, f.areaA, f.areaB)), nil
			}},
		{method: "GET", route: "/api/v1/teams", want: want(200, 403, 403), target: areaQ("/api/v1/teams")},
		{method: "POST", route: "/api/v1/teams", want: want(201, 403, 403),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/teams", map[string]any{"area_id": pick(own, f.areaA, f.areaB), "name": "n", "lead_worker_id": pick(own, f.workerA, f.workerB)}
			}},
		{method: "GET", route: "/api/v1/teams/{id:[0-9]+}", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/teams/%d", pick(own, teamA, teamB)), nil
			}},
		{method: "POST", route: "/api/v1/teams/{id:[0-9]+}/routes", want: want(200, 403, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/teams/%d/routes", pick(own, teamA, teamB)),
					map[string]any{"plan_id": pick(own, planA, planB), "worker_id": pick(own, f.workerA, f.workerB)}
			}},
		{method: "GET", route: "/api/v1/teams/{id:[0-9]+}/progress", want: want(200, 200, 403),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/teams/%d/progress?plan=%d", pick(own, teamA, teamB), pick(own, planA, planB)), nil
			}},
	}
}
