package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/gridsweep/gridsweep/data"
)

// chromiumPath is Debian's chromium, which scripts/browser-deps installs.
const chromiumPath = "/usr/bin/chromium"

// browser is one headless Chromium tab for the page tests, with the page's console kept
// for failure reports.
type browser struct {
	t       *testing.T
	ctx     context.Context
	mu      sync.Mutex
	console []string
	shots   string
}

// newBrowser starts headless Chromium with a fresh profile. Without chromium the test is
// skipped, except under CI=true, where it fails: a CI run that silently skipped the
// browser tests would prove nothing about the pages.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	need := func(ok bool, what string) {
		if ok {
			return
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests need %s (CI=true)", what)
		}
		t.Skipf("browser tests skipped: %s missing", what)
	}
	_, err := os.Stat(chromiumPath)
	need(err == nil, chromiumPath+" (run scripts/browser-deps)")

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// WebGL without a GPU: MapLibre draws through SwiftShader.
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 150*time.Second)
	b := &browser{t: t, ctx: ctx, shots: screenshotDir(t)}
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, fmt.Sprintf("%s: %s", m.Type, m.Text))
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			b.mu.Lock()
			defer b.mu.Unlock()
			t.Logf("browser console:\n%s", strings.Join(b.console, "\n"))
		}
	})
	return b
}

// screenshotDir is /screenshots at the repository root (git-ignored).
func screenshotDir(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
	out := filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		status, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[role=status],[role=alert]')].map(e => e.textContent).join(' | ')`))
		b.t.Fatalf("%s: %v (page says: %s)", what, err, status)
	}
}

// wait polls a JavaScript expression until it is truthy.
func (b *browser) wait(what, expr string, timeout time.Duration) {
	b.t.Helper()
	b.do(what, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(100*time.Millisecond)))
}

func evalJS[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// unnamedControls lists the page's form controls that have no accessible name (no label,
// aria-label or text), which a screen reader would read as just "button" or "edit".
func (b *browser) unnamedControls() string {
	b.t.Helper()
	return evalJS[string](b, `[...document.querySelectorAll('input, select, textarea, button')]
		.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !e.textContent.trim())
		.map(e => e.outerHTML.slice(0, 80)).join('\n')`)
}

// offline switches the page's network (and navigator.onLine) off or on.
func (b *browser) offline(off bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
			Offline: off, DownloadThroughput: -1, UploadThroughput: -1,
		})
		return err
	})
}

// at grants the page geolocation and puts the device at lon, lat.
func (b *browser) at(lon, lat float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted,
		})
		if err != nil {
			return err
		}
		acc := 5.0
		_, err = chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
			Latitude: &lat, Longitude: &lon, Accuracy: &acc,
		})
		return err
	})
}

// TestWebPagesInBrowser opens every page in headless Chromium against the real API and
// database: the supervisor runs a plan and sees the routes drawn and moves a block, the
// worker ticks a step offline and the check-in lands once back online, the embed draws
// coverage tiles, and the snippet page writes the iframe.
func TestWebPagesInBrowser(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	f.addStreetGrid()
	// Plans pause once running until the test has seen the running state in the page
	// (a 24-block plan may otherwise finish between two polls of the event stream).
	release := make(chan struct{})
	var releaseOnce sync.Once
	t.Cleanup(func() { releaseOnce.Do(func() { close(release) }) })
	jobs := f.startJobs(1, func(ctx context.Context) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	ctx := context.Background()

	// Ada works in grid A1; her token is made here (the fixture's worker tokens are Ann's
	// and Bob's, who work outside the grid).
	adaToken, _, err := f.store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleWorker, AreaID: f.gridA1, WorkerID: f.workerA2})
	if err != nil {
		t.Fatal(err)
	}

	var planID int64
	t.Run("supervisor", func(t *testing.T) {
		b.t = t
		b.do("open console", chromedp.Navigate(fmt.Sprintf("%s/supervisor?token=%s&area=%d", srv.URL, f.tok["supervisor:A"], f.gridA1)))
		b.wait("console ready", `window.gridsweep && window.gridsweep.ready === true`, 30*time.Second)
		if n := evalJS[int](b, `document.querySelectorAll('#workers tbody tr').length`); n != 2 {
			t.Fatalf("workers table has %d rows, want 2 (Ada, Abe)", n)
		}
		if n := evalJS[int](b, `window.gridsweep.state.blocks.length`); n != 24 {
			t.Fatalf("console loaded %d blocks of grid A1, want 24", n)
		}
		if u := b.unnamedControls(); u != "" {
			t.Errorf("controls without a name:\n%s", u)
		}
		if strings.Contains(evalJS[string](b, `location.href`), "token=") {
			t.Fatal("the token stayed in the address bar")
		}
		b.do("run a plan",
			chromedp.SetValue(chromedp.CSS(`#seconds`), "1"),
			chromedp.Click(chromedp.CSS(`#run`)),
		)
		b.wait("plan running in the page", `window.gridsweep.events.includes('running') && document.getElementById('planstatus').textContent.includes('running') && !document.getElementById('cancel').disabled`, 30*time.Second)
		releaseOnce.Do(func() { close(release) })
		b.wait("plan done and routes drawn", `window.gridsweep.planDone > 0 && window.gridsweep.routesDrawn > 0`, 60*time.Second)
		planID = int64(evalJS[float64](b, `window.gridsweep.planDone`))
		if ev := evalJS[[]string](b, `window.gridsweep.events`); !slices.Contains(ev, "running") || ev[len(ev)-1] != "done" {
			t.Errorf("progress events seen: %v", ev)
		}
		if v := evalJS[float64](b, `document.getElementById('progress').value`); v != 100 {
			t.Fatalf("progress bar at %v after the plan finished", v)
		}
		// The routes are on the map, one colour per worker.
		workers := evalJS[int](b, `new Set(window.gridsweep.map.queryRenderedFeatures({layers: ['routes']}).map(f => f.properties.worker_id)).size`)
		if workers != 2 {
			t.Fatalf("rendered routes of %d workers, want 2", workers)
		}
		if s := evalJS[string](b, `document.querySelector('#workers tbody tr td:nth-of-type(3)').textContent`); !strings.Contains(s, "km") {
			t.Fatalf("route length cell %q", s)
		}
		b.screenshot("supervisor")

		// Box select: drag a box over the whole map, which selects every block.
		box := evalJS[[]float64](b, `(() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.left + 10, r.top + 10, r.right - 10, r.bottom - 40]; })()`)
		b.do("box select", chromedp.Click(chromedp.CSS(`#boxsel`)), chromedp.DragAndDropXY(box[0], box[1], box[2], box[3], 5))
		if n := evalJS[int](b, `window.gridsweep.state.selected.size`); n != 24 {
			t.Fatalf("box selected %d blocks, want all 24", n)
		}
		b.do("leave box mode", chromedp.Click(chromedp.CSS(`#clearsel`)), chromedp.Click(chromedp.CSS(`#boxsel`)))
		if n := evalJS[int](b, `window.gridsweep.state.selected.size`); n != 0 {
			t.Fatalf("%d blocks still selected after Clear", n)
		}

		// Click a block of Abe's on the map and move it to Ada.
		pt := evalJS[[]float64](b, `(() => {
			const s = window.gridsweep.state;
			const abe = s.workers.find(w => w.name === 'Abe').id;
			const a = [...s.assignments.values()].find(a => a.worker_id === abe);
			const blk = s.blocks.find(x => x.id === a.block_id);
			const [p, q] = blk.geometry.coordinates;
			const xy = window.gridsweep.map.project([(p[0] + q[0]) / 2, (p[1] + q[1]) / 2]);
			const r = document.getElementById('map').getBoundingClientRect();
			window.gridsweepTestBlock = blk.id;
			return [xy.x + r.left, xy.y + r.top];
		})()`)
		b.do("click a block", chromedp.MouseClickXY(pt[0], pt[1]))
		b.wait("block selected", `window.gridsweep.state.selected.has(window.gridsweepTestBlock)`, 5*time.Second)
		block := int64(evalJS[float64](b, `window.gridsweepTestBlock`))
		b.do("move to Ada",
			chromedp.SetValue(chromedp.CSS(`#moveto`), fmt.Sprint(f.workerA2)),
			chromedp.Click(chromedp.CSS(`#move`)),
		)
		b.wait("edit saved", `document.getElementById('editstatus').dataset.kind === 'ok'`, 10*time.Second)
		as, err := f.store.PlanAssignments(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		moved := false
		for _, a := range as {
			if a.BlockID == block {
				moved = a.WorkerID == f.workerA2
			}
		}
		if !moved {
			t.Fatalf("block %d is not Ada's after the move: %+v", block, as)
		}
		// From the keyboard: select all of Abe's blocks with the worker picker and lock them.
		abe := evalJS[float64](b, `window.gridsweep.state.workers.find(w => w.name === 'Abe').id`)
		b.do("select Abe's blocks by keyboard",
			chromedp.SetValue(chromedp.CSS(`#selof`), fmt.Sprint(abe)),
			chromedp.Focus(chromedp.CSS(`#selworker`)),
			chromedp.KeyEvent("\r"),
		)
		want := evalJS[int](b, `[...window.gridsweep.state.assignments.values()].filter(a => a.worker_id === `+fmt.Sprint(abe)+`).length`)
		if got := evalJS[int](b, `window.gridsweep.state.selected.size`); got != want || want == 0 {
			t.Fatalf("keyboard selection has %d blocks, Abe has %d", got, want)
		}
		b.do("lock them", chromedp.Focus(chromedp.CSS(`#lock`)), chromedp.KeyEvent("\r"))
		b.wait("lock saved", `document.getElementById('editstatus').dataset.kind === 'ok' && window.gridsweep.state.selected.size === 0`, 10*time.Second)
		as, err = f.store.PlanAssignments(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		locked := 0
		for _, a := range as {
			if a.Locked {
				if a.WorkerID != int64(abe) {
					t.Fatalf("a block of worker %d got locked: %+v", a.WorkerID, a)
				}
				locked++
			}
		}
		if locked != want {
			t.Fatalf("%d blocks locked, want %d", locked, want)
		}

		// Coverage with the time slider: the tiles are asked for the chosen window.
		b.do("show coverage of the last 7 days",
			chromedp.Click(chromedp.CSS(`#coverage`)),
			chromedp.SetValue(chromedp.CSS(`#days`), "7"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('days').dispatchEvent(new Event('input'))`),
		)
		b.wait("coverage drawn", `window.gridsweep.map.getSource(window.gridsweep.map.getLayer('coverage').source).tiles?.[0].includes('days=7') && window.gridsweep.map.queryRenderedFeatures({layers: ['coverage']}).length > 0`, 15*time.Second)
		if s := evalJS[string](b, `document.getElementById('dayslabel').textContent`); !strings.Contains(s, "7") {
			t.Errorf("slider label %q", s)
		}
		b.screenshot("supervisor-coverage")

		// The language switch turns the console into Chinese.
		b.do("switch to Chinese", chromedp.SetValue(chromedp.CSS(`#lang`), "zh-CN"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('lang').dispatchEvent(new Event('change'))`))
		if h := evalJS[string](b, `document.querySelector('h1').textContent`); h != "主管控制台" {
			t.Fatalf("heading in Chinese is %q", h)
		}
		b.screenshot("supervisor-zh")
		b.do("back to English", chromedp.Evaluate[chromedp.Void](`localStorage.setItem('gridsweep.lang', 'en')`))
	})
	if planID == 0 {
		t.Fatal("no plan to open as a worker")
	}

	t.Run("worker offline check-in", func(t *testing.T) {
		b.t = t
		b.do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
		b.do("open route", chromedp.Navigate(fmt.Sprintf("%s/worker?token=%s&plan=%d", srv.URL, adaToken, planID)))
		b.wait("route drawn", `window.gridsweep && window.gridsweep.ready && window.gridsweep.routeDrawn > 0`, 30*time.Second)
		if u := b.unnamedControls(); u != "" {
			t.Errorf("controls without a name:\n%s", u)
		}
		if w := evalJS[int](b, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("the worker page is %d px wide on a 360 px screen", w)
		}
		arrows := evalJS[int](b, `window.gridsweep.map.queryRenderedFeatures({layers: ['route-arrows']}).length`)
		if arrows == 0 {
			t.Error("no direction arrows drawn along the route")
		}
		blocks := evalJS[int](b, `(() => { const s = window.gridsweep.state.route.features.flatMap(f => f.properties.steps).find(s => s.block_ids.length); return s.block_ids.length; })()`)
		// Tapping a step's street shows that stretch on the map.
		b.do("show step 2", chromedp.Click(chromedp.CSS(`#steps li:nth-child(2) button.street`)))
		b.wait("step drawn", `window.gridsweep.map.queryRenderedFeatures({layers: ['step']}).length > 0`, 10*time.Second)

		// The phone's position is drawn and goes with the check-ins.
		b.do("locate", b.at(10.0015, 50.0005), chromedp.Click(chromedp.CSS(`#locate`)))
		b.wait("position drawn", `window.gridsweep.state.position && window.gridsweep.map.queryRenderedFeatures({layers: ['me']}).length > 0`, 10*time.Second)
		before, err := f.store.CountVisits(ctx, f.workerA2)
		if err != nil {
			t.Fatal(err)
		}
		b.do("go offline", b.offline(true))
		b.wait("page sees offline", `navigator.onLine === false && !document.getElementById('offline').hidden`, 5*time.Second)
		b.do("tick the first step", chromedp.Click(chromedp.CSS(`.step-tick`)))
		if q := evalJS[int](b, `JSON.parse(localStorage.getItem('gridsweep.queue')).length`); q != blocks {
			t.Fatalf("offline queue holds %d check-ins, want %d (one per block of the step)", q, blocks)
		}
		if n, _ := f.store.CountVisits(ctx, f.workerA2); n != before {
			t.Fatalf("a check-in reached the server while offline: %d → %d", before, n)
		}
		b.screenshot("worker-offline")
		b.do("go online", b.offline(false))
		b.wait("queue sent", `JSON.parse(localStorage.getItem('gridsweep.queue')).length === 0`, 30*time.Second)
		after, err := f.store.CountVisits(ctx, f.workerA2)
		if err != nil {
			t.Fatal(err)
		}
		if after-before != blocks {
			t.Fatalf("stored %d check-ins, want %d", after-before, blocks)
		}
		var placed int
		if err := f.sql().QueryRow(ctx, `SELECT count(*) FROM visits WHERE worker_id = $1 AND plan_id = $2
			AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(10.0015, 50.0005), 4326)::geography, 1)`, f.workerA2, planID).Scan(&placed); err != nil {
			t.Fatal(err)
		}
		if placed != blocks {
			t.Fatalf("%d of %d check-ins carry the phone's position and the plan", placed, blocks)
		}
		// A reload keeps the tick and does not send it again.
		b.do("reload", chromedp.Reload())
		b.wait("route again", `window.gridsweep && window.gridsweep.ready && document.querySelector('.step-tick')`, 30*time.Second)
		if !evalJS[bool](b, `document.querySelector('.step-tick').checked && document.querySelector('.step-tick').disabled`) {
			t.Error("the ticked step is not shown done after a reload")
		}
		if n, _ := f.store.CountVisits(ctx, f.workerA2); n != after {
			t.Errorf("the reload sent check-ins again: %d → %d", after, n)
		}
		b.screenshot("worker")
		b.do("desktop viewport", chromedp.ResetViewport())
	})

	t.Run("embed coverage", func(t *testing.T) {
		b.t = t
		b.do("open embed", chromedp.Navigate(fmt.Sprintf("%s/embed?layer=coverage&area=%d&token=%s", srv.URL, f.gridA1, f.tok["viewer:A"])))
		b.wait("tiles drawn", `window.gridsweep && (window.gridsweep.ready || window.gridsweep.error)`, 30*time.Second)
		if e := evalJS[string](b, `window.gridsweep.error || ''`); e != "" {
			t.Fatalf("embed failed: %s", e)
		}
		total := evalJS[int](b, `window.gridsweep.map.queryRenderedFeatures({layers: ['coverage']}).length`)
		swept := evalJS[int](b, `window.gridsweep.map.queryRenderedFeatures({layers: ['coverage']}).filter(f => f.properties.sweeps > 0).length`)
		if total == 0 || swept == 0 {
			t.Fatalf("coverage tiles drew %d block pieces, %d swept; want both > 0", total, swept)
		}
		if evalJS[int](b, `document.querySelectorAll('header, nav, aside').length`) != 0 {
			t.Error("the embed has page chrome")
		}
		b.screenshot("embed")
	})

	t.Run("snippet", func(t *testing.T) {
		b.t = t
		b.do("open snippet", chromedp.Navigate(fmt.Sprintf("%s/embed/snippet?area=%d&days=7", srv.URL, f.gridA1)))
		b.wait("snippet written", `document.getElementById('snippet').value.includes('<iframe')`, 10*time.Second)
		snippet := evalJS[string](b, `document.getElementById('snippet').value`)
		want := fmt.Sprintf("%s/embed?layer=coverage&amp;area=%d&amp;days=7", srv.URL, f.gridA1)
		if !strings.Contains(snippet, want) {
			t.Fatalf("snippet %q lacks %q", snippet, want)
		}
		if u := b.unnamedControls(); u != "" {
			t.Errorf("controls without a name:\n%s", u)
		}
		tiles := evalJS[string](b, `document.getElementById('tiles').value`)
		if !strings.Contains(tiles, fmt.Sprintf("%s/tiles/coverage/{z}/{x}/{y}.mvt?area=%d&days=7", srv.URL, f.gridA1)) {
			t.Fatalf("tile URLs: %q", tiles)
		}
		b.screenshot("snippet")
	})

	// Last, because it stops the server: the worker's page opens with no server at all,
	// from the service worker's cache and the route kept in localStorage.
	t.Run("worker page offline", func(t *testing.T) {
		b.t = t
		b.do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
		b.do("open route", chromedp.Navigate(fmt.Sprintf("%s/worker?plan=%d", srv.URL, planID)))
		b.wait("service worker in control", `window.gridsweep && window.gridsweep.ready && navigator.serviceWorker.controller !== null && window.gridsweep.routeDrawn > 0`, 30*time.Second)
		srv.Close()
		b.do("reload without a server", chromedp.Reload())
		b.wait("route from the cache", `window.gridsweep && window.gridsweep.ready && document.querySelectorAll('#steps li').length > 0`, 30*time.Second)
		if !evalJS[bool](b, `document.querySelector('.step-tick').checked`) {
			t.Error("the step ticked earlier is not shown done offline")
		}
		b.wait("map drawn from the cache", `window.gridsweep.routeDrawn > 0 && window.gridsweep.map.queryRenderedFeatures({layers: ['streets']}).length > 0`, 20*time.Second)
		b.screenshot("worker-no-server")
	})
}
