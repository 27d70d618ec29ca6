package api

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/planning"
)

// addStreetGrid imports a 4x4-node street grid inside grid A1 (24 blocks) and a second
// worker there, so plans have something to split.
func (f *fixture) addStreetGrid() {
	f.t.Helper()
	const n, step = 4, 0.001
	lon0, lat0 := 10.0005, 50.0005
	node := func(i, j int) int64 { return int64(1000 + i*n + j) }
	pt := func(i, j int) orb.Point { return orb.Point{lon0 + float64(j)*step, lat0 + float64(i)*step} }
	var blocks []geo.Block
	for i := range n {
		for j := range n {
			if j+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("g%d-%d-e", i, j), WayID: int64(100 + i), From: node(i, j), To: node(i, j+1),
					Geometry: orb.LineString{pt(i, j), pt(i, j+1)}, Highway: "residential", Name: fmt.Sprintf("Row %d", i)})
			}
			if i+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("g%d-%d-n", i, j), WayID: int64(200 + j), From: node(i, j), To: node(i+1, j),
					Geometry: orb.LineString{pt(i, j), pt(i+1, j)}, Highway: "residential", Name: fmt.Sprintf("Column %d", j)})
			}
		}
	}
	for i := range blocks {
		blocks[i].LengthM = geo.LengthM(blocks[i].Geometry)
	}
	shops := []geo.Shop{{SourceID: "n500", Name: "Grid Cafe", Category: geo.CategoryRestaurant, Point: orb.Point{10.001, 50.00052}}}
	if _, err := f.store.ImportOSM(context.Background(), &geo.Extract{Blocks: blocks, Shops: shops}); err != nil {
		f.t.Fatal(err)
	}
	name := "Abe"
	if _, err := f.store.CreateWorker(context.Background(), data.WorkerInput{AreaID: &f.gridA1, Name: &name}); err != nil {
		f.t.Fatal(err)
	}
}

// addDonePlan stores a finished plan of area with a one-block route for worker, without
// running the planner (for tests about access, not planning).
func (f *fixture) addDonePlan(area, worker, block int64) int64 {
	f.t.Helper()
	ctx := context.Background()
	id, err := f.store.StartDirectPlan(ctx, area, "patrol", []byte(`{"seconds":1}`))
	if err != nil {
		f.t.Fatal(err)
	}
	route := data.PlanRoute{WorkerID: worker, Geometry: orb.MultiLineString{{{10.001, 50.001}, {10.002, 50.001}}},
		LengthM: 71.5, DurationS: 86, Steps: []byte(`[{"seq":1,"kind":"serve","street":"A Street","shops":["A Market"]}]`), BlockIDs: []int64{block}}
	if ok, err := f.store.SavePlanResult(ctx, id, []data.PlanRoute{route}, map[string]int{"workers": 1}); err != nil || !ok {
		f.t.Fatalf("save plan: %v %v", ok, err)
	}
	return id
}

// startJobs starts a job runner and serves the API with it. hold, when set, pauses every
// plan once it runs (see planning.QueueOptions.BeforeRun).
func (f *fixture) startJobs(workers int, hold func(context.Context) error) *planning.Queue {
	f.t.Helper()
	j, err := planning.NewQueue(context.Background(), f.store, planning.QueueOptions{Workers: workers,
		ProgressEvery: 20 * time.Millisecond, BeforeRun: hold})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := j.Start(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	f.h = New(f.store, Options{Jobs: j})
	return j
}

// waitPlan polls a plan until cond holds; the deadline only stops a hung test.
func (f *fixture) waitPlan(id int64, cond func(status string) bool) map[string]any {
	f.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		res := f.do("GET", fmt.Sprintf("/api/v1/plans/%d", id), f.tok["supervisor:A"], nil)
		if res.status != 200 {
			f.t.Fatalf("get plan: %v", res)
		}
		if cond(res.json["status"].(string)) {
			return res.json
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("plan %d stuck: %s", id, res.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPlanJobLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	jobs := f.startJobs(1, nil)
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	sup := f.tok["supervisor:A"]

	res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 1, "seed": 7})
	if res.status != 202 || res.json["status"] != "queued" || res.header.Get("Location") == "" {
		t.Fatalf("create plan: %v", res)
	}
	id := num(res.json["id"])

	// Follow the job over SSE from a real server until it is done.
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/plans/%d/events", srv.URL, id), nil)
	req.Header.Set("Authorization", "Bearer "+sup)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("events content type %q", ct)
	}
	var events []string
	var lastData string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if e, ok := strings.CutPrefix(line, "event: "); ok {
			events = append(events, e)
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok {
			lastData = d
		}
		if len(events) > 0 && events[len(events)-1] == "done" && lastData != "" && strings.HasPrefix(line, "data: ") {
			break
		}
	}
	if len(events) < 2 || events[0] != "progress" || events[len(events)-1] != "done" {
		t.Fatalf("events %v", events)
	}
	if !strings.Contains(lastData, `"status":"done"`) || !strings.Contains(lastData, `"makespan_s"`) {
		t.Fatalf("done event data %s", lastData)
	}
	sawMakespan := false
	for _, e := range events {
		sawMakespan = sawMakespan || e == "progress"
	}
	if !sawMakespan {
		t.Fatal("no progress events")
	}

	plan := f.waitPlan(id, func(s string) bool { return s != "queued" && s != "running" })
	if plan["status"] != "done" {
		t.Fatalf("plan ended %v: %v", plan["status"], plan["error"])
	}
	stats := plan["stats"].(map[string]any)
	if num(stats["blocks_required"]) != 24 || num(stats["blocks_covered"]) != 24 || num(stats["workers"]) != 2 {
		t.Fatalf("stats %v", stats)
	}
	if prog := plan["progress"].(map[string]any); prog["best_makespan_s"] == nil {
		t.Fatalf("no best makespan in progress %v", prog)
	}

	// Routes: every block assigned once, the worker's route as GeoJSON and GPX.
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d?assignments=true", id), sup, nil)
	as := res.json["assignments"].([]any)
	if len(as) != 24 {
		t.Fatalf("%d assignments, want 24", len(as))
	}
	worker := num(as[0].(map[string]any)["worker_id"])
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d/routes/%d", id, worker), sup, nil)
	if res.status != 200 || res.header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("route: %v", res)
	}
	feat := res.json["features"].([]any)[0].(map[string]any)
	props := feat["properties"].(map[string]any)
	if feat["geometry"].(map[string]any)["type"] != "MultiLineString" || len(props["steps"].([]any)) == 0 || props["length_m"].(float64) <= 0 {
		t.Fatalf("route feature %v", feat)
	}
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d/routes/%d.gpx", id, worker), sup, nil)
	if res.status != 200 || res.header.Get("Content-Type") != "application/gpx+xml" {
		t.Fatalf("gpx: %v", res)
	}
	var gpx struct {
		Tracks []struct {
			Segments []struct {
				Points []struct {
					Lat float64 `xml:"lat,attr"`
					Lon float64 `xml:"lon,attr"`
				} `xml:"trkpt"`
			} `xml:"trkseg"`
		} `xml:"trk"`
	}
	if err := xml.Unmarshal(res.body, &gpx); err != nil || len(gpx.Tracks) != 1 || len(gpx.Tracks[0].Segments) == 0 {
		t.Fatalf("gpx does not parse as one track: %v %.300s", err, res.body)
	}
	p0 := gpx.Tracks[0].Segments[0].Points[0]
	if p0.Lon < 10 || p0.Lon > 10.005 || p0.Lat < 50 || p0.Lat > 50.005 {
		t.Fatalf("gpx point %v outside grid A1", p0)
	}
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/plans/%d/routes/%d", id, f.workerA), sup, nil), 404, KindNotFound)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/plans/%d/routes/%d", id, worker), f.tok["worker:A"], nil), 403, KindForbidden)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/plans/%d", id), f.tok["supervisor:B"], nil), 403, KindForbidden)

	// Versioned edits: the current version succeeds once; replaying it is stale (409).
	version := num(plan["version"])
	block := num(as[0].(map[string]any)["block_id"])
	edit := map[string]any{"assignments": []map[string]any{{"block_id": block, "worker_id": f.workerA2, "locked": true}}}
	wantProblem(t, f.do("PATCH", fmt.Sprintf("/api/v1/plans/%d", id), sup, edit), 428, KindPrecondition)
	res = f.do("PATCH", fmt.Sprintf("/api/v1/plans/%d", id), sup, edit, "If-Match", fmt.Sprintf(`"%d"`, version))
	if res.status != 200 || num(res.json["version"]) != version+1 || res.header.Get("ETag") != fmt.Sprintf(`"%d"`, version+1) {
		t.Fatalf("edit: %v", res)
	}
	edit["assignments"] = []map[string]any{{"block_id": block, "worker_id": worker, "locked": false}}
	wantProblem(t, f.do("PATCH", fmt.Sprintf("/api/v1/plans/%d", id), sup, edit, "If-Match", fmt.Sprintf(`"%d"`, version)), 409, KindConflict)
	edit["version"] = version
	wantProblem(t, f.do("PATCH", fmt.Sprintf("/api/v1/plans/%d", id), sup, edit), 409, KindConflict)
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d?assignments=true", id), sup, nil)
	for _, a := range res.json["assignments"].([]any) {
		m := a.(map[string]any)
		if num(m["block_id"]) == block && (num(m["worker_id"]) != f.workerA2 || m["locked"] != true) {
			t.Fatalf("stale edit overwrote the first one: %v", m)
		}
	}

	// Re-plan from this plan: the block locked by the edit stays with its worker, and the
	// stats say how much moved.
	res = f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 1, "replan_of": id})
	if res.status != 202 {
		t.Fatalf("re-plan: %v", res)
	}
	replanned := f.waitPlan(num(res.json["id"]), func(s string) bool { return s != "queued" && s != "running" })
	if replanned["status"] != "done" {
		t.Fatalf("re-plan ended %v: %v", replanned["status"], replanned["error"])
	}
	rs := replanned["stats"].(map[string]any)["replan"].(map[string]any)
	if num(rs["kept"])+num(rs["moved"])+num(rs["reassigned"]) != 24 {
		t.Fatalf("re-plan stats %v do not add up to 24 blocks", rs)
	}
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d?assignments=true", num(replanned["id"])), sup, nil)
	found := false
	for _, a := range res.json["assignments"].([]any) {
		m := a.(map[string]any)
		if num(m["block_id"]) == block {
			found = true
			if num(m["worker_id"]) != f.workerA2 {
				t.Fatalf("locked block %d moved to worker %d", block, num(m["worker_id"]))
			}
		}
	}
	if !found {
		t.Fatalf("locked block %d not assigned in the re-plan", block)
	}
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "replan_of": id, "locks": []int64{f.blockB}}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "replan_of": id, "mode": "sweeper"}), 422, KindValidation)

	// Cancelling a finished plan changes nothing.
	res = f.do("DELETE", fmt.Sprintf("/api/v1/plans/%d", id), sup, nil)
	if res.status != 200 || res.json["status"] != "done" {
		t.Fatalf("cancel finished plan: %v", res)
	}

	// Invalid requests.
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "mode": "drone"}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 10000}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "locks": []int{1}}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.areaB}), 403, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "workers": []int64{f.workerB}}), 422, KindValidation)
	wantProblem(t, f.do("GET", "/api/v1/plans/999999", sup, nil), 404, KindNotFound)
}

func TestPlanJobCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	// The plan waits until it is cancelled.
	jobs := f.startJobs(1, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	sup := f.tok["supervisor:A"]
	res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 5})
	id := num(res.json["id"])
	f.waitPlan(id, func(s string) bool { return s == "running" })
	res = f.do("DELETE", fmt.Sprintf("/api/v1/plans/%d", id), sup, nil)
	if res.status != 200 || res.json["status"] != "cancelled" {
		t.Fatalf("cancel: %v", res)
	}
	// The job stops: river records it cancelled, and no routes are stored.
	jobID := num(res.json["job_id"])
	deadline := time.Now().Add(60 * time.Second)
	for {
		state, final, err := jobs.JobState(context.Background(), jobID)
		if err != nil {
			t.Fatal(err)
		}
		if final {
			if state != "cancelled" {
				t.Fatalf("job state %s", state)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job still %s after cancel", state)
		}
		time.Sleep(50 * time.Millisecond)
	}
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d?assignments=true", id), sup, nil)
	if res.json["status"] != "cancelled" || len(res.json["assignments"].([]any)) != 0 {
		t.Fatalf("cancelled plan: %v", res)
	}
}

// TestPlanJobSurvivesRestart interrupts a running plan by stopping its server's job
// runner (as a deploy would), then starts a new one: the plan completes there.
func TestPlanJobSurvivesRestart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addStreetGrid()
	// The first runner holds the plan until it is shut down.
	first := f.startJobs(1, func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	sup := f.tok["supervisor:A"]
	res := f.do("POST", "/api/v1/plans", sup, map[string]any{"area_id": f.gridA1, "seconds": 2})
	if res.status != 202 {
		t.Fatalf("create plan: %v", res)
	}
	id := num(res.json["id"])
	f.waitPlan(id, func(s string) bool { return s == "running" })
	// A shutdown whose grace period ends at once cancels the running job.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := first.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if st := f.waitPlan(id, func(string) bool { return true })["status"]; st != "running" && st != "queued" {
		t.Fatalf("after the first runner stopped the plan is %v", st)
	}
	// Shorten the retry: the next attempt would anyway come within seconds.
	second := f.startJobs(1, nil)
	t.Cleanup(func() { _ = second.Stop(context.Background()) })
	if err := second.RetryJob(context.Background(), num(res.json["job_id"])); err != nil {
		t.Fatal(err)
	}
	plan := f.waitPlan(id, func(s string) bool { return s != "queued" && s != "running" })
	if plan["status"] != "done" {
		t.Fatalf("plan after restart: %v %v", plan["status"], plan["error"])
	}
	if stats := plan["stats"].(map[string]any); num(stats["blocks_covered"]) != 24 {
		t.Fatalf("stats after restart %v", stats)
	}
}
