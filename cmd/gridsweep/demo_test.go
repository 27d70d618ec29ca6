package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo/fixture"
)

// TestDemoCommand runs the demo without serving on the Haidian extract: it must import the
// city, lay out the community and its grids, plan every block among the workers, and print
// tokens and page links that point at the stored area and plan.
func TestDemoCommand(t *testing.T) {
	t.Parallel()
	url := datatest.NewDatabase(t)
	args := []string{"demo", "--database-url", url, "--osm", fixture.SharedData(t, "osm/beijing-haidian/map.osm"),
		"--workers", "6", "--seconds", "3", "--half-side-m", "400", "--time-zone", "Asia/Shanghai", "--no-serve"}
	code, stdout, stderr := gridsweep(args...)
	if code != 0 {
		t.Fatalf("demo: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"OpenStreetMap contributors", "inserted", "demo community", "supervisor console", "published plan", "/worker?token=", "/embed?area="} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	m := regexp.MustCompile(`plan (\d+): 6 workers, (\d+)/(\d+) blocks covered`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no plan line in:\n%s", stdout)
	}
	if m[2] != m[3] || m[2] == "0" {
		t.Errorf("demo plan covered %s of %s blocks", m[2], m[3])
	}

	ctx := context.Background()
	conn := datatest.Connect(t, url)
	var grids, workers, inGrid, assigned, tokens, statsGrids, published int
	var status string
	if err := conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM areas a JOIN areas p ON p.id = a.parent_id WHERE p.source_id = 'demo:community' AND a.kind = 'grid'),
		(SELECT count(*) FROM workers w JOIN areas a ON a.id = w.area_id LEFT JOIN areas p ON p.id = a.parent_id
			WHERE w.active AND (a.source_id = 'demo:community' OR p.source_id = 'demo:community')),
		(SELECT count(*) FROM workers w JOIN areas g ON g.id = w.area_id JOIN areas p ON p.id = g.parent_id
			WHERE w.active AND p.source_id = 'demo:community' AND g.kind = 'grid' AND EXISTS (
				-- a street corner of the worker's own grid: an end of a block whose midpoint
				-- lies in the grid (at the grid's edge that corner may sit across the line)
				SELECT 1 FROM blocks b WHERE ST_Covers(g.geom, ST_LineInterpolatePoint(b.geom, 0.5))
					AND ST_DWithin(w.start_geom::geography, b.geom::geography, 1))),
		(SELECT count(*) FROM plan_assignments WHERE plan_id = $1),
		(SELECT status FROM plans WHERE id = $1),
		(SELECT count(*) FROM api_tokens),
		(SELECT jsonb_array_length(stats->'grids') FROM plans WHERE id = $1),
		(SELECT count(*) FROM plan_publications WHERE plan_id = $1 AND time_zone = 'Asia/Shanghai'
			AND day = (now() AT TIME ZONE 'Asia/Shanghai')::date)`, m[1]).Scan(&grids, &workers, &inGrid, &assigned, &status, &tokens, &statsGrids, &published); err != nil {
		t.Fatal(err)
	}
	if grids != 4 || workers != 6 || inGrid != 6 || status != "done" || tokens != 3 || m[2] != strconv.Itoa(assigned) || statsGrids != 4 {
		t.Errorf("stored: %d grids, %d workers (%d starting on a street of their grid), %d assignments (covered %s), plan %s, %d tokens, %d grids planned; want 4, 6 (6), all, done, 3, 4",
			grids, workers, inGrid, assigned, m[2], status, tokens, statsGrids)
	}
	var openEnds int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM workers WHERE active AND end_open`).Scan(&openEnds); err != nil || openEnds != 6 {
		t.Errorf("%d demo workers end open (%v), want all 6 (they finish where their last street ends)", openEnds, err)
	}
	if published != 1 {
		t.Errorf("the demo plan is published for today %d times, want once (the worker page opens it without a plan number)", published)
	}
	if strings.Contains(stdout, "/worker?plan=") {
		t.Errorf("the worker URL names a plan; it should open today's published route")
	}
	for _, want := range []string{"deadhead", "longest/mean", "lower bound"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}

	// A second run reuses the demo areas and workers instead of adding more.
	if code, _, stderr := gridsweep(args...); code != 0 {
		t.Fatalf("demo again: exit %d: %s", code, stderr)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM areas WHERE source_id LIKE 'demo:%'`).Scan(&grids); err != nil || grids != 5 {
		t.Errorf("after a second run: %d demo areas (%v), want 5", grids, err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM workers`).Scan(&workers); err != nil || workers != 6 {
		t.Errorf("after a second run: %d workers (%v), want the same 6", workers, err)
	}
	if code, _, _ := gridsweep("demo", "--database-url", url); code != 2 {
		t.Errorf("demo without --osm: exit %d, want 2", code)
	}
}
