package api

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleCoverageReloadInBrowser follows a plan on the console with the sweep-history
// layer shown: each check-in turns its block from not swept (red) to swept, at the tiles'
// own zoom 16 and at street zoom 17.5 beyond it, where MapLibre draws blocks cut from a
// zoom-16 tile and a reload of the same source drew the old sweeps again. The layer keeps
// its place under the plan's blocks, its visibility and the slider's window.
func TestConsoleCoverageReloadInBrowser(t *testing.T) {
	p := newProgressFixture(t)
	srv := httptest.NewServer(p.h)
	t.Cleanup(srv.Close)
	// After the server: the page's event streams close before the server waits for them.
	b := newBrowser(t)
	b.do("open console", chromedp.Navigate(fmt.Sprintf("%s/supervisor?token=%s&area=%d", srv.URL, p.sup, p.areaA)))
	b.wait("console ready, plan listed", fmt.Sprintf(`window.gridsweep && window.gridsweep.ready === true && !!document.querySelector('#planlist option[value="%d"]')`, p.plan), 30*time.Second)
	b.do("open the plan", chromedp.SetValue(chromedp.CSS(`#planlist`), fmt.Sprint(p.plan)), chromedp.Click(chromedp.CSS(`#openlisted`)))
	b.wait("progress followed", fmt.Sprintf(`window.gridsweep.state.plan && window.gridsweep.state.plan.id === %d && window.gridsweep.live.lastDone === 0`, p.plan), 30*time.Second)
	b.do("show coverage of the last 30 days", chromedp.Click(chromedp.CSS(`#coverage`)),
		chromedp.SetValue(chromedp.CSS(`#days`), "30"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('days').dispatchEvent(new Event('input'))`))
	defer func() {
		if t.Failed() {
			b.screenshot("console-coverage-reload-failed")
		}
	}()
	order := `window.gridsweep.map.getLayersOrder().join(' ')`
	before := evalJS[string](b, order)
	tilesLoaded := `window.gridsweep.map.isSourceLoaded(window.gridsweep.map.getLayer('coverage').source) && window.gridsweep.map.areTilesLoaded()`
	for i, zoom := range []string{"16", "17.5"} {
		block := p.ada[i]
		// The block as drawn: its pieces' fewest sweeps and their colours ([-1] while it
		// is not on the map).
		drawn := fmt.Sprintf(`(() => { const fs = window.gridsweep.map.queryRenderedFeatures({layers: ['coverage']}).filter(f => f.id === %d);
			if (!fs.length) return [-1, ''];
			const hex = (c) => '#' + [c.r, c.g, c.b].map(x => Math.round(x * 255).toString(16).padStart(2, '0')).join('');
			return [Math.min(...fs.map(f => f.properties.sweeps || 0)), [...new Set(fs.map(f => hex(f.layer.paint['line-color'])))].join(' ')]; })()`, block)
		b.do("zoom to the row", chromedp.Evaluate[chromedp.Void](`void window.gridsweep.map.jumpTo({center: [10.002, 50.0005], zoom: `+zoom+`})`))
		// Drawn from this zoom's own tiles, not from a parent tile kept on screen meanwhile.
		b.wait("block drawn at zoom "+zoom, drawn+`[0] === 0 && `+tilesLoaded, 20*time.Second)
		if got := evalJS[[]any](b, drawn); got[1] != "#c0392b" {
			t.Errorf("zoom %s: block %d not swept yet is drawn in %v, want #c0392b", zoom, block, got[1])
		}
		reloads := evalJS[int](b, `window.gridsweep.coverageReloads || 0`)
		start := time.Now()
		p.checkIn(block, 10.001, 50.0005)
		if err := chromedp.Do(b.ctx, chromedp.Poll[chromedp.Void](drawn+`[0] > 0 && `+tilesLoaded,
			chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			t.Fatalf("zoom %s: block %d is not redrawn swept: %v (drawn %v; coverage reloads %d → %d)", zoom, block, err,
				evalJS[[]any](b, drawn), reloads, evalJS[int](b, `window.gridsweep.coverageReloads || 0`))
		}
		t.Logf("zoom %s: check-in to swept on the console map: %v", zoom, time.Since(start).Round(time.Millisecond))
		// It stays so: a stale reload of the same source showed the new sweeps for a frame
		// or two and then the old ones again.
		for end := time.Now().Add(600 * time.Millisecond); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			if got := evalJS[[]any](b, drawn); got[0] != 1.0 || got[1] == "#c0392b" || got[1] == "" {
				t.Fatalf("zoom %s: block %d drawn with %v sweeps in %v %v after the check-in, want 1 in green", zoom, block, got[0], got[1],
					time.Since(start).Round(time.Millisecond))
			}
		}
	}
	if after := evalJS[string](b, order); after != before {
		t.Errorf("layer order after the reloads:\n%s\nwant\n%s", after, before)
	}
	if l := evalJS[[]string](b, `window.gridsweep.map.getLayersOrder()`); slices.Index(l, "coverage") < 0 || slices.Index(l, "coverage") > slices.Index(l, "blocks") {
		t.Errorf("the coverage layer is not under the plan's blocks: %v", l)
	}
	// Each reload replaces the source before: the style keeps one, asked for the slider's window.
	if tiles := evalJS[[]string](b, `Object.values(window.gridsweep.map.getStyle().sources).flatMap(s => s.tiles || []).filter(u => u.includes('/tiles/coverage/'))`); len(tiles) != 1 ||
		tiles[0] != fmt.Sprintf("%s/tiles/coverage/{z}/{x}/{y}.mvt?area=%d&days=30", srv.URL, p.areaA) {
		t.Errorf("coverage tile sources in the map's style: %v", tiles)
	}
	if v := evalJS[string](b, `window.gridsweep.map.getLayoutProperty('coverage', 'visibility') || 'visible'`); v != "visible" {
		t.Errorf("the reloaded coverage layer is %s", v)
	}
	b.do("hide coverage", chromedp.Click(chromedp.CSS(`#coverage`)))
	if v := evalJS[string](b, `window.gridsweep.map.getLayoutProperty('coverage', 'visibility')`); v != "none" {
		t.Errorf("the coverage switch left the reloaded layer %s", v)
	}
	b.screenshot("console-coverage-reload")
}
