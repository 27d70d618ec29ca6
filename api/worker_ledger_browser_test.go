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

// TestWorkerLedgerFormInBrowser records a shop's state from the worker's phone page in
// headless Chromium: the form opens from the shop in the step list, starts from the
// shop's known need tags, is used from the keyboard on a 360 px screen, queues the entry
// while offline and sends it once back online; a replay of the same entry (an answer lost
// on the way) stores nothing new.
func TestWorkerLedgerFormInBrowser(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	ctx := context.Background()
	// The one-block route's step names the shop "A Market" (f.shopA).
	plan := f.addDonePlan(f.areaA, f.workerA, f.blockA)
	closed := data.ShopClosed
	if _, err := f.store.RecordLedger(ctx, []data.LedgerInput{{ClientKey: "office-1", ShopID: f.shopA, TokenID: 1,
		ObservedAt: time.Now().Add(-48 * time.Hour), Status: &closed, NeedTags: []string{"masks"}}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	events := func(where string, args ...any) int {
		t.Helper()
		var n int
		if err := f.sql().QueryRow(ctx, `SELECT count(*) FROM ledger_events WHERE shop_id = $1 `+where,
			append([]any{f.shopA}, args...)...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	b.do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	b.do("open route", chromedp.Navigate(fmt.Sprintf("%s/worker?token=%s&plan=%d", srv.URL, f.tok["worker:A"], plan)))
	b.wait("shop in the step list", `window.gridsweep && window.gridsweep.ready && document.querySelector('.ledger-open:not([disabled])')`, 30*time.Second)
	if l := evalJS[string](b, `document.querySelector('.ledger-open').getAttribute('aria-label')`); l != "Record the state of shop A Market" {
		t.Errorf("state button's label %q", l)
	}

	// Online, the form learns the shop's current need tags; Escape closes it unsaved.
	b.do("open the form online", chromedp.Click(chromedp.CSS(`.ledger-open`)))
	b.wait("form open", `document.getElementById('ledgerdlg').open && document.activeElement.id === 'lg-status'`, 10*time.Second)
	if s := evalJS[string](b, `document.getElementById('lg-status').options[0].textContent`); s != "Unchanged (Closed)" {
		t.Errorf("status select starts as %q", s)
	}
	b.do("close with Escape", chromedp.KeyEvent("\x1b"))
	b.wait("form closed, focus back on the shop", `!document.getElementById('ledgerdlg').open && document.activeElement.classList.contains('ledger-open')`, 5*time.Second)
	if n := evalJS[int](b, `JSON.parse(localStorage.getItem('gridsweep.ledgerqueue') || '[]').length`); n != 0 {
		t.Fatalf("closing the form queued %d entries", n)
	}

	b.do("go offline", b.offline(true))
	b.wait("page sees offline", `navigator.onLine === false && !document.getElementById('offline').hidden`, 5*time.Second)
	b.do("open the form offline", chromedp.Focus(chromedp.CSS(`.ledger-open`)), chromedp.KeyEvent("\r"))
	b.wait("form open", `document.getElementById('ledgerdlg').open && document.activeElement.id === 'lg-status'`, 10*time.Second)
	if u := b.unnamedControls(); u != "" {
		t.Errorf("controls without a name:\n%s", u)
	}
	if !evalJS[bool](b, `document.querySelector('#lg-needtags input[value=masks]').checked`) {
		t.Error("offline, the form forgot the shop's need tag seen online")
	}
	if w := evalJS[float64](b, `document.getElementById('ledgerdlg').getBoundingClientRect().right`); w > 360 {
		t.Errorf("the form reaches %v px on a 360 px screen", w)
	}
	if w := evalJS[int](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the page is %d px wide on a 360 px screen", w)
	}
	b.do("fill the form from the keyboard",
		chromedp.SetValue(chromedp.CSS(`#lg-status`), "preparing"),
		chromedp.Focus(chromedp.CSS(`#lg-needtags input[value=staff]`)), chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.CSS(`#lg-needs`)), chromedp.SendKeys(chromedp.CSS(`#lg-needs`), "two cashiers"),
		chromedp.Focus(chromedp.CSS(`#lg-note`)), chromedp.SendKeys(chromedp.CSS(`#lg-note`), "opens Monday"),
	)
	b.screenshot("worker-ledger-form")
	b.do("save from the keyboard", chromedp.Focus(chromedp.CSS(`#lg-save`)), chromedp.KeyEvent("\r"))
	b.wait("form saved", `!document.getElementById('ledgerdlg').open`, 5*time.Second)
	b.do("scroll to the steps", chromedp.ScrollIntoView(chromedp.CSS(`#steps`)))
	b.screenshot("worker-ledger-offline")
	raw := evalJS[string](b, `localStorage.getItem('gridsweep.ledgerqueue')`)
	queued := evalJS[[]map[string]any](b, `JSON.parse(localStorage.getItem('gridsweep.ledgerqueue'))`)
	if len(queued) != 1 {
		t.Fatalf("offline ledger queue holds %d entries, want 1: %v", len(queued), queued)
	}
	key, _ := queued[0]["client_key"].(string)
	if key == "" || num(queued[0]["shop_id"]) != f.shopA {
		t.Fatalf("queued entry %v", queued[0])
	}
	if n := events(""); n != 1 {
		t.Fatalf("%d ledger events while offline, want only the office's 1", n)
	}
	if s := evalJS[string](b, `document.getElementById('queue').textContent`); s != "Waiting to be sent: 1 check-in(s)" {
		t.Errorf("queue line %q", s)
	}

	b.do("go online", b.offline(false))
	b.wait("ledger queue sent", `JSON.parse(localStorage.getItem('gridsweep.ledgerqueue')).length === 0`, 30*time.Second)
	if n := events(`AND client_key = $2 AND worker_id = $3 AND status = 'preparing' AND prev_status = 'closed'
		AND need_tags = ARRAY['masks', 'staff'] AND needs = 'two cashiers' AND note = 'opens Monday'`, key, f.workerA); n != 1 {
		t.Fatalf("%d ledger events with the form's values, want 1", n)
	}
	if s := evalJS[string](b, `document.querySelector('.ledger-open').textContent`); s != "Preparing to reopen" {
		t.Errorf("the shop's button reads %q after the save", s)
	}

	// The answer was lost on the way: the same entry goes again and is not stored twice.
	b.do("replay", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`localStorage.setItem('gridsweep.ledgerqueue', %q); window.dispatchEvent(new Event('online'))`, raw)))
	b.wait("replay sent", `JSON.parse(localStorage.getItem('gridsweep.ledgerqueue')).length === 0`, 30*time.Second)
	if n := events(""); n != 2 {
		t.Fatalf("%d ledger events after the replay, want 2 (office, phone)", n)
	}
	if s := evalJS[string](b, `document.getElementById('status').textContent`); s != "" {
		t.Errorf("the page shows an error after the replay: %q", s)
	}
	b.do("desktop viewport", chromedp.ResetViewport())
}

// TestSupervisorShopColoursInBrowser opens the supervisor console and finds the shops
// drawn from the vector tiles in the colour of their ledger status, with a legend; a
// worker's ledger check-in recolours the shop on the open console, at the tiles' own zoom
// and at street zoom beyond it (where MapLibre draws shops cut from a zoom-16 tile, which
// a reload of the same source left stale).
func TestSupervisorShopColoursInBrowser(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	preparing := data.ShopPreparing
	if _, err := f.store.RecordLedger(ctx, []data.LedgerInput{{ClientKey: "p1", ShopID: f.shopA, TokenID: 1,
		ObservedAt: time.Now().Add(-time.Hour), Status: &preparing}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	// After the server: cleanups run last first, so the browser, whose page holds the tile
	// event stream open, is gone before the server waits for its connections to end.
	b := newBrowser(t)
	b.do("open console", chromedp.Navigate(fmt.Sprintf("%s/supervisor?token=%s&area=%d", srv.URL, f.tok["supervisor:A"], f.areaA)))
	b.wait("console ready", `window.gridsweep && window.gridsweep.ready === true`, 30*time.Second)
	b.do("zoom to the shop", chromedp.Evaluate[chromedp.Void](`void window.gridsweep.map.jumpTo({center: [10.0015, 50.0012], zoom: 16})`))
	b.wait("shop drawn", `window.gridsweep.map.queryRenderedFeatures({layers: ['shops']}).some(f => f.id === `+fmt.Sprint(f.shopA)+`)`, 20*time.Second)
	// The shop's status and colour as drawn: ["", ""] while it is not on the map.
	drawn := fmt.Sprintf(`(() => { const f = window.gridsweep.map.queryRenderedFeatures({layers: ['shops']}).find(f => f.id === %d);
		if (!f) return ['', '']; const c = f.layer.paint['circle-color'];
		return [f.properties.status, '#' + [c.r, c.g, c.b].map(x => Math.round(x * 255).toString(16).padStart(2, '0')).join('')]; })()`, f.shopA)
	if got := evalJS[[]string](b, drawn); got[0] != "preparing" || got[1] != "#d4a000" {
		t.Errorf("shop A drawn as %v, want preparing in #d4a000", got)
	}
	// Shop tiles change with every ledger check-in, so browsers must revalidate them.
	if cc := f.do("GET", "/tiles/shops/0/0/0.mvt", f.tok["supervisor:A"], nil).header.Get("Cache-Control"); cc != cacheControlLive {
		t.Errorf("shop tiles are served with Cache-Control %q, want %q", cc, cacheControlLive)
	}
	tilesLoaded := `window.gridsweep.map.isSourceLoaded(window.gridsweep.map.getLayer('shops').source) && window.gridsweep.map.areTilesLoaded()`
	defer func() {
		if t.Failed() {
			b.screenshot("supervisor-shop-status-failed")
		}
	}()
	// A worker reports the shop's state: the console's map follows without a page reload,
	// at zoom 16 (the shop tiles' maxzoom) and then at street zoom.
	for i, c := range []struct{ zoom, status, color string }{
		{"16", "open", "#1d8a3a"},
		{"17.5", "closed", "#c0392b"},
	} {
		if c.zoom != "16" {
			b.do("zoom to street level", chromedp.Evaluate[chromedp.Void](`void window.gridsweep.map.jumpTo({center: [10.0015, 50.0012], zoom: `+c.zoom+`})`))
		}
		// Drawn from this zoom's own tiles, not from a parent tile kept on screen meanwhile.
		b.wait("shop drawn at zoom "+c.zoom, drawn+`[0] !== '' && `+tilesLoaded, 20*time.Second)
		loads := evalJS[int](b, `window.gridsweep.shopReloads || 0`)
		start := time.Now()
		res := f.do("POST", "/api/v1/ledger/checkins", f.tok["worker:A"], map[string]any{
			"client_key": fmt.Sprintf("w%d", i+1), "shop_id": f.shopA, "observed_at": time.Now().UTC(), "status": c.status})
		if res.status != 200 {
			t.Fatalf("check-in: %v", res)
		}
		if err := chromedp.Do(b.ctx, chromedp.Poll[chromedp.Void](drawn+`[0] === '`+c.status+`' && `+tilesLoaded,
			chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			t.Fatalf("zoom %s: the shop is not redrawn %s: %v (drawn %v; shop layer loads %d → %d, tile events %d)", c.zoom, c.status, err,
				evalJS[[]string](b, drawn), loads, evalJS[int](b, `window.gridsweep.shopReloads || 0`), evalJS[int](b, `window.gridsweep.tileEvents || 0`))
		}
		t.Logf("zoom %s: check-in to %s on the console map: %v", c.zoom, c.status, time.Since(start).Round(time.Millisecond))
		// It stays so: a stale reload of the same source showed the new status for a frame
		// or two and then the old one again.
		for end := time.Now().Add(600 * time.Millisecond); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
			if got := evalJS[[]string](b, drawn); got[0] != c.status || got[1] != c.color {
				t.Fatalf("zoom %s: shop A drawn as %v %v after the check-in, want %s in %s", c.zoom, got, time.Since(start).Round(time.Millisecond), c.status, c.color)
			}
		}
	}
	// Each reload replaces the source before: the style keeps one.
	if n := evalJS[int](b, `Object.values(window.gridsweep.map.getStyle().sources).filter(s => (s.tiles || []).some(u => u.includes('/tiles/shops/'))).length`); n != 1 {
		t.Errorf("%d shop tile sources in the map's style, want 1", n)
	}
	if v := evalJS[string](b, `window.gridsweep.map.getLayoutProperty('shops', 'visibility') || 'visible'`); v != "visible" {
		t.Errorf("the reloaded shop layer is %s", v)
	}
	if s := evalJS[string](b, `document.querySelector('#shoplegend [data-status=preparing]').textContent`); s != "Preparing to reopen" {
		t.Errorf("legend entry %q", s)
	}
	if u := b.unnamedControls(); u != "" {
		t.Errorf("controls without a name:\n%s", u)
	}
	b.screenshot("supervisor-shop-status")
}
