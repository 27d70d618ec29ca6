package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
)

// addRoutePlan stores a finished plan of area in which each worker serves the given
// blocks (one route per worker, without running the planner).
func (f *fixture) addRoutePlan(area int64, routes map[int64][]int64) int64 {
	f.t.Helper()
	ctx := context.Background()
	plan, err := f.store.StartDirectPlan(ctx, area, "patrol", []byte(`{"seconds":1}`))
	if err != nil {
		f.t.Fatal(err)
	}
	var rs []data.PlanRoute
	for w, blocks := range routes {
		rs = append(rs, data.PlanRoute{WorkerID: w, Geometry: orb.MultiLineString{{{10.001, 50.001}, {10.002, 50.001}}},
			LengthM: 71.5, DurationS: 86, Steps: []byte(`[]`), BlockIDs: blocks})
	}
	if ok, err := f.store.SavePlanResult(ctx, plan, rs, map[string]int{"workers": len(rs)}); err != nil || !ok {
		f.t.Fatalf("save plan: %v %v", ok, err)
	}
	return plan
}

// progressFixture: the street grid of A1 split between Ada (worker A2: four blocks of row
// 0, with the Grid Cafe on the first) and Ann (worker A: four blocks of row 1), published
// for today.
type progressFixture struct {
	*fixture
	plan        int64
	ada, ann    []int64 // block ids
	adaLenM     []float64
	adaTok, sup string
}

func newProgressFixture(t *testing.T) *progressFixture {
	f := newFixture(t)
	f.addStreetGrid()
	ctx := context.Background()
	bs, err := f.store.ListBlocks(ctx, f.gridA1, nil, data.ListPage{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	p := &progressFixture{fixture: f, adaTok: f.workerToken(f.workerA2, f.gridA1), sup: f.tok["supervisor:A"]}
	for _, b := range bs {
		switch {
		case strings.HasPrefix(b.SourceID, "g0-") && strings.HasSuffix(b.SourceID, "-e"), b.SourceID == "g0-0-n":
			p.ada = append(p.ada, b.ID)
			p.adaLenM = append(p.adaLenM, b.LengthM)
		case strings.HasPrefix(b.SourceID, "g1-") && strings.HasSuffix(b.SourceID, "-e"), b.SourceID == "g1-0-n":
			p.ann = append(p.ann, b.ID)
		}
	}
	if len(p.ada) != 4 || len(p.ann) != 4 {
		t.Fatalf("blocks: ada %v ann %v", p.ada, p.ann)
	}
	p.plan = f.addRoutePlan(f.areaA, map[int64][]int64{f.workerA2: p.ada, f.workerA: p.ann})
	if res := f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", p.plan), p.sup, map[string]any{}); res.status != 200 {
		t.Fatalf("publish: %s", res)
	}
	return p
}

func (p *progressFixture) checkIn(block int64, lon, lat float64) {
	p.t.Helper()
	res := p.do("POST", "/api/v1/visits", p.adaTok, map[string]any{"client_key": fmt.Sprintf("k%d", keySeq.Add(1)),
		"plan_id": p.plan, "block_id": block, "visited_at": time.Now().UTC().Format(time.RFC3339Nano),
		"position": map[string]any{"type": "Point", "coordinates": []float64{lon, lat}}})
	if res.status != 200 {
		p.t.Fatalf("check-in: %s", res)
	}
}

func workerRow(t *testing.T, res response, worker int64) map[string]any {
	t.Helper()
	if res.status != 200 {
		t.Fatalf("progress: %s", res)
	}
	for _, w := range res.json["workers"].([]any) {
		if m := w.(map[string]any); num(m["worker"]) == worker {
			return m
		}
	}
	t.Fatalf("worker %d not in %s", worker, res)
	return nil
}

// TestPlanProgress: half a route checked in is 50 %, each block counted once, the shop on
// the route visited, the last position the latest check-in or fix.
func TestPlanProgress(t *testing.T) {
	t.Parallel()
	p := newProgressFixture(t)
	path := fmt.Sprintf("/api/v1/plans/%d/progress", p.plan)
	viewer := p.tok["viewer:A"]
	res := p.do("GET", path, viewer, nil)
	ada := workerRow(t, res, p.workerA2)
	if num(ada["blocks_total"]) != 4 || num(ada["blocks_done"]) != 0 || num(ada["shops_total"]) != 1 ||
		ada["last_position"] != nil || ada["status"] != "not_started" || res.json["published"] != true {
		t.Fatalf("before: %v", ada)
	}
	if num(workerRow(t, res, p.workerA)["shops_total"]) != 0 {
		t.Fatalf("Ann has no shop: %s", res)
	}

	p.checkIn(p.ada[0], 10.0010, 50.0005)
	p.checkIn(p.ada[1], 10.0020, 50.0005)
	p.checkIn(p.ada[1], 10.0021, 50.0005) // the same block again: counted once
	shop := p.do("POST", "/api/v1/visits", p.adaTok, map[string]any{"client_key": fmt.Sprintf("k%d", keySeq.Add(1)),
		"shop_id": p.gridCafe(), "visited_at": time.Now().UTC().Format(time.RFC3339Nano)})
	if shop.status != 200 {
		t.Fatalf("shop check-in: %s", shop)
	}
	res = p.do("GET", path, p.sup, nil)
	ada = workerRow(t, res, p.workerA2)
	wantM := p.adaLenM[0] + p.adaLenM[1]
	if num(ada["blocks_done"]) != 2 || ada["done_pct"] != 50.0 || num(ada["shops_visited"]) != 1 ||
		fmt.Sprintf("%.1f", ada["distance_done_m"]) != fmt.Sprintf("%.1f", wantM) {
		t.Fatalf("half done: %v (want %.1f m)", ada, wantM)
	}
	if pos := ada["last_position"].(map[string]any); pos["lon"] != 10.0021 || pos["lat"] != 50.0005 {
		t.Fatalf("last position %v", pos)
	}
	tot := res.json["totals"].(map[string]any)
	if num(tot["blocks_total"]) != 8 || num(tot["blocks_done"]) != 2 || tot["done_pct"] != 25.0 || num(tot["workers"]) != 2 ||
		num(tot["statuses"].(map[string]any)["not_started"]) != 1 {
		t.Fatalf("totals %v", tot)
	}
	// A later GPS fix moves the last position.
	fix := time.Now().Add(time.Second).UTC()
	if res := p.do("POST", "/api/v1/gps", p.adaTok, map[string]any{"points": []map[string]any{{"t": fix.Format(time.RFC3339Nano), "lon": 10.0030, "lat": 50.0006}}}); res.status != 200 {
		t.Fatalf("gps: %s", res)
	}
	pos := workerRow(t, p.do("GET", path, p.sup, nil), p.workerA2)["last_position"].(map[string]any)
	if pos["lon"] != 10.003 || pos["lat"] != 50.0006 {
		t.Fatalf("last position after a fix %v", pos)
	}

	wantProblem(t, p.do("GET", path, p.adaTok, nil), 403, KindForbidden)
	wantProblem(t, p.do("GET", path, p.tok["supervisor:B"], nil), 403, KindForbidden)
}

func (p *progressFixture) gridCafe() int64 {
	p.t.Helper()
	ps, err := p.store.ListPoints(context.Background(), data.ShopsTable, data.PointFilter{Area: p.gridA1}, data.ListPage{Limit: 10})
	if err != nil {
		p.t.Fatal(err)
	}
	for _, s := range ps {
		if s.Name == "Grid Cafe" {
			return s.ID
		}
	}
	p.t.Fatal("no Grid Cafe")
	return 0
}

// TestPlanProgressEvents: a check-in through one replica reaches a progress stream served
// by another within two seconds.
func TestPlanProgressEvents(t *testing.T) {
	t.Parallel()
	p := newProgressFixture(t)
	store2, err := data.Open(context.Background(), p.store.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store2.Close)
	srv := httptest.NewServer(New(store2, Options{}))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/plans/%d/progress/events", srv.URL, p.plan), nil)
	req.Header.Set("Authorization", "Bearer "+p.sup)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %v", resp.StatusCode, resp.Header)
	}
	events := make(chan map[string]any, 8)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var m map[string]any
				if json.Unmarshal([]byte(d), &m) == nil {
					events <- m
				}
			}
		}
		close(events)
	}()
	next := func() map[string]any {
		t.Helper()
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatal("stream ended")
			}
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no progress event")
		}
		return nil
	}
	if first := next(); num(first["totals"].(map[string]any)["blocks_done"]) != 0 {
		t.Fatalf("first event %v", first)
	}
	// The stream listens before its first event: nothing to wait for.
	start := time.Now()
	p.checkIn(p.ada[0], 10.001, 50.0005)
	e := next()
	if took := time.Since(start); took > 2*time.Second || num(e["totals"].(map[string]any)["blocks_done"]) != 1 {
		t.Fatalf("after a check-in (%v): %v", took, e["totals"])
	}
}
