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
	url := datatest.NewDatabase(t)
	store, err := data.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// A 5x5-node street grid with two shops, 0.001° apart, and three workers: two start
	// at their own corners, which the planner must respect, one in the middle.
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

	// Through the command line.
	t.Setenv("DATABASE_URL", url)
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"plan", "--area", "Same", "--workers", "3", "--seconds", "2", "--seed", "11"}, &stdout, &stderr); code != 0 {
		t.Fatalf("plan --area: exit %d: %s", code, stderr.String())
	}
	m := regexp.MustCompile(`plan (\d+) stored`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no stored plan in %q", stdout.String())
	}
	cliPlan, _ := strconv.ParseInt(m[1], 10, 64)

	// Through the API and the job queue.
	q, err := planning.NewQueue(ctx, store, planning.QueueOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(context.Background())
	tok, _, err := store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleSupervisor, AreaID: area.ID, Label: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(store, api.Options{Jobs: q}))
	defer srv.Close()
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
	apiPlan := planAPI(fmt.Sprintf(`{"area_id":%d,"seconds":2,"seed":11}`, area.ID))

	// The same routes: per worker, the same line and the same steps (streets, blocks by
	// id, shops) in the same order.
	workers, err := store.PlanWorkers(ctx, area.ID, 3)
	if err != nil {
		t.Fatal(err)
	}
	same := func(plan1, plan2 int64, w int64) (bool, data.PlanRouteRow) {
		t.Helper()
		a, err := store.PlanRoutes(ctx, plan1, w)
		if err != nil {
			t.Fatal(err)
		}
		b, err := store.PlanRoutes(ctx, plan2, w)
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
	served := 0
	for _, w := range workers {
		ok, a := same(cliPlan, apiPlan, w.ID)
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

	// The comparison can tell plans apart: the same workers listed in another order start
	// from each other's corners, and the routes change.
	swapped := planAPI(fmt.Sprintf(`{"area_id":%d,"seconds":2,"seed":11,"workers":[%d,%d,%d]}`, area.ID, workers[2].ID, workers[1].ID, workers[0].ID))
	differ := 0
	for _, w := range workers {
		if ok, _ := same(cliPlan, swapped, w.ID); !ok {
			differ++
		}
	}
	if differ == 0 {
		t.Error("a plan with the workers in another order has the same routes")
	}
}
