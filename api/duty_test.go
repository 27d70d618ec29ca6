package api

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

func TestDutyMissedWindowReportedAndOutsideNotCounted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	for _, w := range [][2]string{{"07:00", "09:00"}, {"18:00", "20:00"}} {
		res := f.do("POST", "/api/v1/duty/windows", sup, map[string]any{"station_id": f.stationA, "starts": w[0], "ends": w[1]})
		if res.status != 201 || res.json["time_zone"] != "Asia/Shanghai" || len(res.json["weekdays"].([]any)) != 7 {
			t.Fatalf("create window %v: %v", w, res)
		}
	}
	wantProblem(t, f.do("POST", "/api/v1/duty/windows", sup, map[string]any{"station_id": f.stationA, "starts": "09:00", "ends": "07:00"}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/duty/windows", sup, map[string]any{"station_id": f.stationA, "starts": "7", "ends": "9:00"}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/duty/windows", sup, map[string]any{"station_id": f.stationA, "starts": "07:00", "ends": "09:00", "time_zone": "Mars/Base"}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/duty/windows", sup, map[string]any{"station_id": f.stationB, "starts": "07:00", "ends": "09:00"}), 403, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/duty/windows", f.tok["worker:A"], map[string]any{"station_id": f.stationA, "starts": "07:00", "ends": "09:00"}), 403, KindForbidden)

	// Two days, Monday and Tuesday; Ada is off on Mondays.
	res := f.do("POST", "/api/v1/duty/roster", sup, map[string]any{"first": "2026-03-02", "last": "2026-03-03",
		"staff": []map[string]any{{"worker_id": f.workerA}, {"worker_id": f.workerA2, "days_off": []int{1}}}})
	if res.status != 200 || len(res.json["unfilled"].([]any)) != 0 {
		t.Fatalf("roster: %v", res)
	}
	roster := fmt.Sprint(res.json["slots"])
	want := fmt.Sprintf("[map[day:2026-03-02 station_id:%d worker_id:%d] map[day:2026-03-03 station_id:%d worker_id:%d]]", f.stationA, f.workerA, f.stationA, f.workerA2)
	if roster != want {
		t.Fatalf("roster %s, want %s", roster, want)
	}
	wantProblem(t, f.do("POST", "/api/v1/duty/roster", sup, map[string]any{"first": "2026-03-02", "last": "2026-03-03",
		"staff": []map[string]any{{"worker_id": f.workerB}}}), 403, KindForbidden)

	wk := f.tok["worker:A"]
	checkin := func(key string, at time.Time) map[string]any {
		return map[string]any{"client_key": key, "station_id": f.stationA, "at": at}
	}
	// 07:30 on Monday in Shanghai is 23:30 UTC on Sunday: it counts for Monday's window.
	onTime := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC)
	// 10:00 on Tuesday in Shanghai: after the morning window, before the evening one.
	late := time.Date(2026, 3, 3, 2, 0, 0, 0, time.UTC)
	res = f.do("POST", "/api/v1/duty/checkins", wk, []any{checkin("d1", onTime), checkin("d2", late)})
	if res.status != 200 {
		t.Fatalf("check-ins: %v", res)
	}
	results := res.json["results"].([]any)
	r0, r1 := results[0].(map[string]any), results[1].(map[string]any)
	if r0["status"] != "created" || r0["counted"] != true || r0["day"] != "2026-03-02" {
		t.Fatalf("on-time check-in %v", r0)
	}
	if r1["status"] != "created" || r1["counted"] != false {
		t.Fatalf("late check-in %v", r1)
	}
	if res := f.do("POST", "/api/v1/duty/checkins", wk, checkin("d1", onTime)); res.status != 200 ||
		res.json["results"].([]any)[0].(map[string]any)["status"] != "duplicate" {
		t.Fatalf("replay: %v", res)
	}
	wantProblem(t, f.do("POST", "/api/v1/duty/checkins", wk, map[string]any{"client_key": "d3", "station_id": f.stationB, "at": onTime}),
		http.StatusForbidden, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/duty/checkins", f.tok["viewer:A"], checkin("d4", onTime)), http.StatusForbidden, KindForbidden)

	// Tuesday 21:00 in Shanghai: all four windows are over.
	at := time.Date(2026, 3, 3, 13, 0, 0, 0, time.UTC).Format(time.RFC3339)
	res = f.do("GET", "/api/v1/duty/report?first=2026-03-02&last=2026-03-03&at="+at, f.tok["viewer:A"], nil)
	if res.status != 200 {
		t.Fatalf("report: %v", res)
	}
	counts := res.json["counts"].(map[string]any)
	if num(counts["met"]) != 1 || num(counts["missed"]) != 3 || num(counts["open"]) != 0 || num(counts["upcoming"]) != 0 {
		t.Fatalf("counts %v", counts)
	}
	var got []string
	for _, m := range res.json["windows"].([]any) {
		o := m.(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v by %v (%d)", o["day"], o["starts"], o["status"], num(o["rostered_worker_id"]), len(o["checkins"].([]any))))
	}
	wantWindows := []string{
		fmt.Sprintf("2026-03-02 2026-03-01T23:00:00Z met by %d (1)", f.workerA),
		fmt.Sprintf("2026-03-02 2026-03-02T10:00:00Z missed by %d (0)", f.workerA),
		fmt.Sprintf("2026-03-03 2026-03-02T23:00:00Z missed by %d (0)", f.workerA2),
		fmt.Sprintf("2026-03-03 2026-03-03T10:00:00Z missed by %d (0)", f.workerA2),
	}
	if strings.Join(got, "\n") != strings.Join(wantWindows, "\n") {
		t.Fatalf("windows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantWindows, "\n"))
	}
	nc := res.json["not_counted"].([]any)
	if len(nc) != 1 || nc[0].(map[string]any)["at"] != "2026-03-03T02:00:00Z" {
		t.Fatalf("not counted %v", nc)
	}
	// Midway through Tuesday evening's window it is open, not missed.
	res = f.do("GET", "/api/v1/duty/report?first=2026-03-03&last=2026-03-03&at=2026-03-03T11:00:00Z", sup, nil)
	if c := res.json["counts"].(map[string]any); res.status != 200 || num(c["open"]) != 1 || num(c["missed"]) != 1 {
		t.Fatalf("report mid-window: %v", res)
	}
	wantProblem(t, f.do("GET", "/api/v1/duty/report?first=2026-03-03&last=2026-03-02", sup, nil), 422, KindValidation)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/duty/report?first=2026-03-02&last=2026-03-03&area=%d", f.areaA), f.tok["viewer:B"], nil), 403, KindForbidden)
}

// TestDutyRouteBetweenStations: a supervisor rostered to two stations on a day gets the
// shortest walk between them on the street grid, in the order of their windows.
func TestDutyRouteBetweenStations(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	sup := f.tok["supervisor:A"]
	// A second station at the grid's far corner node (3,3); stationA lies by node (1,1).
	res := f.do("POST", "/api/v1/stations", sup, map[string]any{"source_id": "far", "kind": "recycling",
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{10.0035, 50.0035}}})
	if res.status != 201 {
		t.Fatalf("station: %v", res)
	}
	far := num(res.json["id"])
	for _, w := range []struct {
		station      int64
		starts, ends string
	}{{far, "07:30", "09:30"}, {f.stationA, "07:00", "09:00"}} {
		if res := f.do("POST", "/api/v1/duty/windows", sup, map[string]any{"station_id": w.station, "starts": w.starts, "ends": w.ends}); res.status != 201 {
			t.Fatalf("window: %v", res)
		}
	}
	if res := f.do("POST", "/api/v1/duty/roster", sup, map[string]any{"area_id": f.gridA1, "first": "2026-03-02", "last": "2026-03-02",
		"staff": []map[string]any{{"worker_id": f.workerA2}}}); res.status != 200 || len(res.json["slots"].([]any)) != 2 {
		t.Fatalf("roster: %v", res)
	}
	res = f.do("GET", fmt.Sprintf("/api/v1/duty/route?area=%d&worker=%d&day=2026-03-02", f.gridA1, f.workerA2), sup, nil)
	if res.status != 200 {
		t.Fatalf("route: %v", res)
	}
	stops := res.json["stops"].([]any)
	if len(stops) != 2 || num(stops[0].(map[string]any)["station_id"]) != f.stationA || num(stops[1].(map[string]any)["station_id"]) != far {
		t.Fatalf("stops %v, want station A (07:00) then the far one (07:30)", stops)
	}
	// Node (1,1) to node (3,3): two blocks east and two north, whichever way round.
	east := geo.LengthM(orb.LineString{{10.0005, 50.0005}, {10.0015, 50.0005}})
	north := geo.LengthM(orb.LineString{{10.0005, 50.0005}, {10.0005, 50.0015}})
	want := 2*east + 2*north
	if got := res.json["length_m"].(float64); math.Abs(got-want) > 1 {
		t.Fatalf("route length %.1f m, want %.1f", got, want)
	}
	g := res.json["geometry"].(map[string]any)
	line := g["coordinates"].([]any)[0].([]any)
	start, end := line[0].([]any), line[len(line)-1].([]any)
	if math.Abs(start[0].(float64)-10.0015) > 1e-6 || math.Abs(end[0].(float64)-10.0035) > 1e-6 || len(line) != 5 {
		t.Fatalf("walked line %v", line)
	}
	// Nobody rostered: an empty route; another worker's route is not a worker token's business.
	res = f.do("GET", fmt.Sprintf("/api/v1/duty/route?area=%d&worker=%d&day=2026-03-02", f.gridA1, f.workerA), sup, nil)
	if res.status != 200 || len(res.json["stops"].([]any)) != 0 || res.json["geometry"] != nil {
		t.Fatalf("route of someone not on duty: %v", res)
	}
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/duty/route?day=2026-03-02&worker=%d", f.workerA2), f.tok["worker:A"], nil), 403, KindForbidden)
}
