package api

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// The plan coverage layer through the API against PostGIS: a check-in on one of the plan's
// blocks drops its cached tile through the tile-change notification, the event stream
// announces the layer, and the refetched tile shows the block done.
func TestPlanCoverageTilesFollowCheckIns(t *testing.T) {
	t.Parallel()
	c := newTileTestCity(t)
	ctx := context.Background()
	srv := httptest.NewServer(c.h)
	defer srv.Close()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, _ := http.NewRequestWithContext(sctx, http.MethodGet, srv.URL+"/tiles/events", nil)
	req.Header.Set("Authorization", "Bearer "+c.viewerA)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := bufio.NewReader(res.Body)
	if _, err := events.ReadString('\n'); err != nil {
		t.Fatal(err)
	}

	// next returns the layers of the next event, checking its box is Main's (or Main's and
	// Cross's, which share their extent's west edge).
	next := func() []string {
		t.Helper()
		for {
			line, err := events.ReadString('\n')
			if err != nil {
				t.Fatalf("event stream: %v", err)
			}
			if body, ok := strings.CutPrefix(line, "data: "); ok {
				var ev tileChangeEvent
				if err := json.Unmarshal([]byte(body), &ev); err != nil {
					t.Fatal(err)
				}
				if len(ev.Boxes) == 0 || ev.Boxes[0][0] > 1.5205 {
					t.Errorf("event %+v, want Main's or Cross's box", ev)
				}
				return ev.Layers
			}
		}
	}

	var plan int64
	if err := c.store.Pool().QueryRow(ctx, `INSERT INTO plans (area_id, mode, status, created_at)
		VALUES ($1, 'patrol', 'done', '2026-11-01T08:00:00Z') RETURNING id`, c.areaA).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if _, err := c.store.Pool().Exec(ctx, `INSERT INTO plan_assignments (plan_id, block_id, worker_id)
		VALUES ($1, $2, $4), ($1, $3, $4)`, plan, c.main, c.cross, c.worker); err != nil {
		t.Fatal(err)
	}
	// The assignments are announced too; once they are, nothing stale is pending.
	if a, b := next(), next(); !slices.Equal(a, []string{data.LayerCoverage}) || !slices.Equal(b, []string{data.LayerPlanCoverage}) {
		t.Fatalf("new assignments announced as %v then %v", a, b)
	}
	q := "plan=" + strconv.FormatInt(plan, 10)
	path := tilePath("plan-coverage", c.mainZ14, ".mvt?"+q)
	doneOf := func(body []byte) map[int64]bool {
		t.Helper()
		out := map[int64]bool{}
		for id, f := range mvtFeatures(t, body, "plan-coverage") {
			d, ok := f.Properties["done"].(bool)
			if !ok {
				t.Fatalf("block %d: done %v", id, f.Properties["done"])
			}
			out[id] = d
		}
		return out
	}
	before := c.get(t, c.viewerA, path)
	if before.status != 200 || before.header.Get("Cache-Control") != cacheControlLive {
		t.Fatalf("plan coverage: %d %q %s", before.status, before.header.Get("Cache-Control"), before.body)
	}
	if got := doneOf(before.body); len(got) != 2 || got[c.main] || got[c.cross] {
		t.Fatalf("fresh plan: %v, want Main and Cross not done", got)
	}
	key := newTileKey("plan-coverage", "mvt", c.mainZ14, q)
	if _, ok := c.cache.Get(key); !ok {
		t.Fatal("the plan coverage tile was not cached")
	}

	start := time.Now()
	c.checkIn(t, c.main, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), "plan-main")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, ok := c.cache.Get(key); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the check-in did not invalidate the plan coverage tile within 10 s")
		}
	}
	t.Logf("plan coverage tile dropped %v after the check-in", time.Since(start).Round(time.Millisecond))
	if a, b := next(), next(); !slices.Equal(a, []string{data.LayerCoverage, data.LayerHeat}) || !slices.Equal(b, []string{data.LayerPlanCoverage}) {
		t.Errorf("the check-in was announced as %v then %v, want [coverage heat] then [plan-coverage]", a, b)
	}

	after := c.get(t, c.viewerA, path)
	if got := doneOf(after.body); !got[c.main] || got[c.cross] {
		t.Errorf("after the check-in: %v, want Main done and Cross not", got)
	}
	if after.header.Get("ETag") == before.header.Get("ETag") {
		t.Error("the ETag did not change")
	}

	// TileJSON: the filter is carried, the bounds are the plan's area's streets.
	r := c.get(t, c.viewerA, "/tiles/plan-coverage.json?"+q)
	var doc TileJSON
	if err := json.Unmarshal(r.body, &doc); err != nil || r.status != 200 {
		t.Fatalf("plan-coverage.json: %d %s", r.status, r.body)
	}
	if !strings.HasSuffix(doc.Tiles[0], "/tiles/plan-coverage/{z}/{x}/{y}.mvt?"+q) || doc.Bounds[0] != 1.52 || doc.Bounds[2] != 1.521 ||
		len(doc.VectorLayers) != 1 || doc.VectorLayers[0].Fields["done"] == "" {
		t.Errorf("plan-coverage.json: %+v", doc)
	}

	for _, tc := range []struct {
		token, path string
		status      int
	}{
		{c.viewerA, tilePath("plan-coverage", c.mainZ14, ".mvt"), 400},
		{c.viewerA, tilePath("plan-coverage", c.mainZ14, ".mvt?"+q+"&days=1"), 400},
		{c.viewerA, tilePath("plan-coverage", c.mainZ14, ".mvt?plan=999999"), 404},
		{c.viewerB, path, 403},
		{c.viewerA, "/tiles/plan-coverage.json", 400},
	} {
		if r := c.get(t, tc.token, tc.path); r.status != tc.status || r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s, want a %d problem", tc.path, r.status, r.body, tc.status)
		}
	}
}
