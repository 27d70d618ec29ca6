package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/api"
	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/planning"
)

// TestPlanSameThroughCLIAndAPI plans the same area with the same workers and seed once with
// `gridsweep plan --area` and once through POST /api/v1/plans (a river job): both go
// through the planning package, so the stored routes are the same, block for block.
func TestPlanSameThroughCLIAndAPI(t *testing.T) {
	ctx := context.Background()
	sa := newSameArea(t)
	store, area, blocks := sa.store, sa.area, sa.blocks

	// Through the command line.
	cliPlan := sa.planCLI(t, "--area", "Same", "--workers", "3", "--seconds", "2", "--seed", "11")

	// Through the API and the job queue.
	planAPI := sa.planAPI(t)
	apiPlan := planAPI(fmt.Sprintf(`{"area_id":%d,"seconds":2,"seed":11}`, area.ID))

	// The same routes: per worker, the same line and the same steps (streets, blocks by
	// id, shops) in the same order.
	workers, err := store.PlanWorkers(ctx, area.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	served := 0
	for _, w := range workers {
		ok, a := sa.sameRoute(t, cliPlan, apiPlan, w.ID)
		if !ok {
			t.Errorf("worker %d: the CLI's route differs from the API's", w.ID)
		}
		var steps []struct {
			Kind     string  `json:"kind"`
			BlockIDs []int64 `json:"block_ids"`
		}
		if err := json.Unmarshal(a.Steps, &steps); err != nil {
			t.Fatal(err)
		}
		for _, s := range steps {
			if s.Kind == "serve" {
				served += len(s.BlockIDs)
			}
		}
	}
	as, err := store.PlanAssignments(ctx, cliPlan)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := store.PlanAssignments(ctx, apiPlan)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != len(blocks) || fmt.Sprint(as) != fmt.Sprint(bs) || served != len(blocks) {
		t.Fatalf("assignments: CLI %d, API %d, %d blocks served in steps, want %d", len(as), len(bs), served, len(blocks))
	}

	// The comparison can tell plans apart: without the first worker the other two share
	// their blocks, and their routes change.
	fewer := planAPI(fmt.Sprintf(`{"area_id":%d,"seconds":2,"seed":11,"workers":[%d,%d]}`, area.ID, workers[1].ID, workers[2].ID))
	differ := 0
	for _, w := range workers[1:] {
		if ok, _ := sa.sameRoute(t, cliPlan, fewer, w.ID); !ok {
			differ++
		}
	}
	if differ == 0 {
		t.Error("a plan with one worker fewer has the same routes")
	}
}

// sameArea is a 5×5-node street grid with two shops, 0.001° apart, in area "Same", with
// three workers: two start at their own corners, which the planner must respect, one in
// the middle.
type sameArea struct {
	url    string
	store  *data.Store
	area   data.AreaRecord
	blocks []geo.Block
}

func newSameArea(t *testing.T) *sameArea {
	t.Helper()
	ctx := context.Background()
	url := datatest.NewDatabase(t)
	store, err := data.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const n, step = 5, 0.001
	pt := func(i, j int) orb.Point { return orb.Point{10.0005 + float64(j)*step, 50.0005 + float64(i)*step} }
	node := func(i, j int) int64 { return int64(100 + i*n + j) }
	var blocks []geo.Block
	for i := range n {
		for j := range n {
			if j+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("e%d%d", i, j), WayID: int64(10 + i), From: node(i, j), To: node(i, j+1),
					Geometry: orb.LineString{pt(i, j), pt(i, j+1)}, Highway: "residential", Name: fmt.Sprintf("Row %d", i)})
			}
			if i+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("n%d%d", i, j), WayID: int64(20 + j), From: node(i, j), To: node(i+1, j),
					Geometry: orb.LineString{pt(i, j), pt(i+1, j)}, Highway: "residential", Name: fmt.Sprintf("Column %d", j)})
			}
		}
	}
	for i := range blocks {
		blocks[i].LengthM = geo.LengthM(blocks[i].Geometry)
	}
	shops := []geo.Shop{
		{SourceID: "s1", Name: "Corner Shop", Category: geo.CategoryRestaurant, Point: orb.Point{10.001, 50.00052}},
		{SourceID: "s2", Name: "Barber", Category: geo.CategoryRestaurant, Point: orb.Point{10.00252, 50.003}},
	}
	if _, err := store.ImportOSM(ctx, &geo.Extract{Blocks: blocks, Shops: shops}); err != nil {
		t.Fatal(err)
	}
	ring := orb.Ring{{10, 50}, {10.006, 50}, {10.006, 50.006}, {10, 50.006}, {10, 50}}
	if _, err := store.ImportAreas(ctx, []geo.Area{{SourceID: "test:same", Name: "Same", Geometry: orb.MultiPolygon{{ring}}}}); err != nil {
		t.Fatal(err)
	}
	area, err := store.AreaByName(ctx, "Same")
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range []orb.Point{pt(0, 0), pt(n-1, n-1), pt(2, 2)} {
		name := fmt.Sprintf("Sweeper %d", k+1)
		start := json.RawMessage(fmt.Sprintf(`{"type":"Point","coordinates":[%v,%v]}`, p[0], p[1]))
		shift := 120 + 60*k
		if _, err := store.CreateWorker(ctx, data.WorkerInput{AreaID: &area.ID, Name: &name, Start: start, ShiftMinutes: &shift}); err != nil {
			t.Fatal(err)
		}
	}

	return &sameArea{url: url, store: store, area: area, blocks: blocks}
}

// planAPI starts a queue and an API server over sa's store and returns a function that
// posts a plan request and waits until the plan is done.
func (sa *sameArea) planAPI(t *testing.T) func(body string) int64 {
	t.Helper()
	ctx, store, area := context.Background(), sa.store, sa.area
	q, err := planning.NewQueue(ctx, store, planning.QueueOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	tok, _, err := store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleSupervisor, AreaID: area.ID, Label: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(store, api.Options{Jobs: q}))
	t.Cleanup(srv.Close)
	call := func(method, path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(res.Body).Decode(&v); err != nil || res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %v %v", method, path, res.StatusCode, v, err)
		}
		return v
	}
	planAPI := func(body string) int64 {
		t.Helper()
		created := call("POST", "/api/v1/plans", body)
		id := int64(created["id"].(float64))
		deadline := time.Now().Add(90 * time.Second)
		for {
			p := call("GET", fmt.Sprintf("/api/v1/plans/%d", id), "")
			if p["status"] == "done" {
				return id
			}
			if p["status"] != "queued" && p["status"] != "running" || time.Now().After(deadline) {
				t.Fatalf("API plan %v: %v", p["status"], p["error"])
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return planAPI
}

// sameRoute compares a worker's stored routes in two plans: the same line and the same
// steps (streets, blocks by id, shops) in the same order.
func (sa *sameArea) sameRoute(t *testing.T, plan1, plan2 int64, w int64) (bool, data.PlanRouteRow) {
	t.Helper()
	ctx := context.Background()
	a, err := sa.store.PlanRoutes(ctx, plan1, w)
	if err != nil {
		t.Fatal(err)
	}
	b, err := sa.store.PlanRoutes(ctx, plan2, w)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("worker %d: %d routes in plan %d, %d in plan %d", w, len(a), plan1, len(b), plan2)
	}
	if !bytes.Equal(a[0].Geometry, b[0].Geometry) || !bytes.Equal(a[0].Steps, b[0].Steps) || a[0].DurationS != b[0].DurationS {
		t.Logf("worker %d\nplan %d: %s\n    %s\nplan %d: %s\n    %s", w, plan1, a[0].Geometry, a[0].Steps, plan2, b[0].Geometry, b[0].Steps)
		return false, a[0]
	}
	return true, a[0]
}

// planCLI runs gridsweep plan with args and returns the stored plan's id.
func (sa *sameArea) planCLI(t *testing.T, args ...string) int64 {
	t.Helper()
	t.Setenv("DATABASE_URL", sa.url)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"plan"}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("plan %v: exit %d: %s", args, code, stderr.String())
	}
	m := regexp.MustCompile(`plan (\d+) stored`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no stored plan in %q", stdout.String())
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}
