package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gridsweep/gridsweep/data"
)

// TestConsoleStreetNamesAndLivePlanCoverage opens the supervisor console on a plan in
// headless Chromium against the real API and database: street names are drawn from the
// street tiles (a Chinese one through the browser's local CJK font, with no glyph server),
// and a check-in turns its block from not done to done on the map through the tile cache,
// its change notification and /tiles/events.
func TestConsoleStreetNamesAndLivePlanCoverage(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	f.addStreetGrid()
	ctx := context.Background()
	pool := f.store.Pool()
	if _, err := pool.Exec(ctx, `UPDATE blocks SET name = '芙蓉中路' WHERE name = 'Row 1'`); err != nil {
		t.Fatal(err)
	}
	// A finished plan giving every block of grid A1 to Ada, made an hour ago.
	var plan, target int64
	if err := pool.QueryRow(ctx, `INSERT INTO plans (area_id, mode, status, created_at)
		VALUES ($1, 'patrol', 'done', now() - interval '1 hour') RETURNING id`, f.gridA1).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO plan_assignments (plan_id, block_id, worker_id)
		SELECT $1, b.id, $3 FROM blocks b, areas a WHERE a.id = $2 AND ST_Intersects(b.geom, a.geom)`, plan, f.gridA1, f.workerA2); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT id FROM blocks WHERE source_id = 'g2-1-n'`).Scan(&target); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.h)
	// The console's event stream stays open: cut it, or Close waits for the browser.
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })

	b.do("open console", chromedp.Navigate(fmt.Sprintf("%s/supervisor?token=%s&area=%d&plan=%d", srv.URL, f.tok["supervisor:A"], f.gridA1, plan)))
	b.wait("console ready with the plan", fmt.Sprintf(`window.gridsweep && window.gridsweep.ready === true && window.gridsweep.state.plan && window.gridsweep.state.plan.id === %d`, plan), 30*time.Second)
	b.do("zoom in on the grid", chromedp.Evaluate[chromedp.Void](`void window.gridsweep.map.jumpTo({center: [10.002, 50.002], zoom: 17.5})`))

	labels := `window.gridsweep.map.queryRenderedFeatures({layers: ['street-labels']}).map(f => f.properties.name)`
	b.wait("street names drawn", labels+`.includes('芙蓉中路') && `+labels+`.some(n => n.startsWith('Column'))`, 30*time.Second)
	if g := evalJS[string](b, `window.gridsweep.map.getStyle().glyphs || ''`); g != "" {
		t.Errorf("the style names a glyph server %q", g)
	}
	if f := evalJS[string](b, `window.gridsweep.map._localIdeographFontFamily || ''`); f == "" {
		t.Error("no local font family for CJK labels")
	}

	done := func(id int64) string {
		return fmt.Sprintf(`(() => { const fs = window.gridsweep.map.queryRenderedFeatures({layers: ['plan-coverage']}).filter(f => f.id === %d);
			return fs.length === 0 ? 'absent' : String(fs.every(f => f.properties.done === true)); })()`, id)
	}
	b.wait("plan coverage drawn, nothing done", done(target)+` === 'false' && window.gridsweep.map.queryRenderedFeatures({layers: ['plan-coverage']}).every(f => f.properties.done === false)`, 30*time.Second)
	b.screenshot("supervisor-plan-coverage-before")

	// Ada checks the block in; the console shows it done without a reload.
	start := time.Now()
	if _, err := f.store.InsertVisits(ctx, []data.VisitInput{{ClientKey: "browser-plan-1", WorkerID: f.workerA2, PlanID: &plan,
		BlockID: &target, VisitedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	reloads := evalJS[int](b, `window.gridsweep.planCoverageReloads`)
	defer func() {
		if t.Failed() {
			b.screenshot("supervisor-plan-coverage-failed")
		}
	}()
	if err := chromedp.Do(b.ctx, chromedp.Poll[chromedp.Void](done(target)+` === 'true'`,
		chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatalf("the checked-in block is not shown done: %v (plan layer loads %d → %d, tile events %d)", err,
			reloads, evalJS[int](b, `window.gridsweep.planCoverageReloads`), evalJS[int](b, `window.gridsweep.tileEvents || 0`))
	}
	elapsed := time.Since(start)
	t.Logf("check-in to done on the console map: %v", elapsed.Round(time.Millisecond))
	if elapsed > 2*time.Second {
		t.Errorf("the console showed the check-in after %v, want under 2 s", elapsed)
	}
	if n := evalJS[int](b, `window.gridsweep.map.queryRenderedFeatures({layers: ['plan-coverage']}).filter(f => f.properties.done).length`); n == 0 {
		t.Error("no done block drawn")
	}
	if other := evalJS[int](b, fmt.Sprintf(`window.gridsweep.map.queryRenderedFeatures({layers: ['plan-coverage']}).filter(f => f.properties.done && f.id !== %d).length`, target)); other != 0 {
		t.Errorf("%d other blocks shown done", other)
	}
	b.screenshot("supervisor-plan-coverage-after")
}
