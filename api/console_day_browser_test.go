package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
)

// addDayPlan saves a finished plan of area in which each worker sweeps the given blocks of
// the street grid, one step a block, the way the planner stores routes.
func (f *fixture) addDayPlan(area int64, routes map[int64][]int64) int64 {
	f.t.Helper()
	ctx := context.Background()
	res := f.do("GET", fmt.Sprintf("/api/v1/blocks?area=%d&limit=1000", area), f.tok["supervisor:A"], nil)
	if res.status != 200 {
		f.t.Fatalf("blocks: %s", res)
	}
	lines := map[int64]orb.LineString{}
	names := map[int64]string{}
	for _, it := range res.json["features"].([]any) {
		ft := it.(map[string]any)
		var ls orb.LineString
		for _, c := range ft["geometry"].(map[string]any)["coordinates"].([]any) {
			p := c.([]any)
			ls = append(ls, orb.Point{p[0].(float64), p[1].(float64)})
		}
		lines[num(ft["id"])] = ls
		names[num(ft["id"])], _ = ft["properties"].(map[string]any)["name"].(string)
	}
	planID, err := f.store.StartDirectPlan(ctx, area, "patrol", []byte(`{"seconds":1}`))
	if err != nil {
		f.t.Fatal(err)
	}
	var out []data.PlanRoute
	for worker, blocks := range routes {
		var geom orb.MultiLineString
		var steps []map[string]any
		for i, b := range blocks {
			if lines[b] == nil {
				f.t.Fatalf("block %d is not in area %d", b, area)
			}
			geom = append(geom, lines[b])
			steps = append(steps, map[string]any{"seq": i + 1, "kind": "serve", "street": names[b], "block_ids": []int64{b},
				"distance_m": 100, "duration_s": 120})
		}
		raw, _ := json.Marshal(steps)
		out = append(out, data.PlanRoute{WorkerID: worker, Geometry: geom, LengthM: 100 * float64(len(blocks)),
			DurationS: 120 * float64(len(blocks)), Steps: raw, BlockIDs: blocks})
	}
	if ok, err := f.store.SavePlanResult(ctx, planID, out, map[string]int{"workers": len(routes)}); err != nil || !ok {
		f.t.Fatalf("save plan: %v %v", ok, err)
	}
	return planID
}

// media emulates a CSS media type ("print"; "" for the screen again).
func media(m string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	})
}

// gridWorkers answers the ids of grid A1's workers by name (Ada, Abe), its blocks and their
// street names.
func (f *fixture) gridWorkers() (map[string]int64, []int64, map[int64]string) {
	f.t.Helper()
	res := f.do("GET", fmt.Sprintf("/api/v1/workers?area=%d", f.gridA1), f.tok["supervisor:A"], nil)
	byName := map[string]int64{}
	for _, it := range res.json["items"].([]any) {
		w := it.(map[string]any)
		byName[w["name"].(string)] = num(w["id"])
	}
	res = f.do("GET", fmt.Sprintf("/api/v1/blocks?area=%d&limit=1000", f.gridA1), f.tok["supervisor:A"], nil)
	var blocks []int64
	names := map[int64]string{}
	for _, it := range res.json["features"].([]any) {
		ft := it.(map[string]any)
		blocks = append(blocks, num(ft["id"]))
		names[num(ft["id"])], _ = ft["properties"].(map[string]any)["name"].(string)
	}
	slices.Sort(blocks)
	return byName, blocks, names
}

// TestConsoleDayInBrowser runs a sweep day through the console and a phone, both in
// headless Chromium against the real API and database: the supervisor opens the plan from
// the area's list (no number typed) and publishes it; Ada's phone opens today's route and
// checks in half of it; the console's progress table shows her at 50 % and reloads the
// coverage layer, and the time from the tick on the phone to both is measured (target:
// under 2 s on loopback). The table sorts by status and filters to workers behind or idle,
// Abe's last position is on the map, and a sign-in QR code and link are shown.
func TestConsoleDayInBrowser(t *testing.T) {
	f := newFixture(t)
	f.addStreetGrid()
	ctx := context.Background()
	workers, blocks, streets := f.gridWorkers()
	ada, abe := workers["Ada"], workers["Abe"]
	if ada == 0 || abe == 0 || len(blocks) < 3 {
		t.Fatalf("grid fixture: workers %v, %d blocks", workers, len(blocks))
	}
	older := f.addDayPlan(f.gridA1, map[int64][]int64{ada: blocks[:1], abe: blocks[1:2]})
	plan := f.addDayPlan(f.gridA1, map[int64][]int64{ada: blocks[:2], abe: blocks[2:3]})
	adaToken, _, err := f.store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleWorker, AreaID: f.gridA1, WorkerID: ada})
	if err != nil {
		t.Fatal(err)
	}
	abeToken, _, err := f.store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleWorker, AreaID: f.gridA1, WorkerID: abe})
	if err != nil {
		t.Fatal(err)
	}
	// Statuses follow the clock: the grid's day is put in a zone where it is now about
	// 14:00, three quarters into the 08:00 shift of 8 h, so that half a route is behind.
	h := time.Now().UTC().Hour()
	k := (14 - h + 24) % 24
	if k > 14 {
		k -= 24
	}
	zone := "Etc/UTC"
	if k > 0 {
		zone = fmt.Sprintf("Etc/GMT-%d", k)
	} else if k < 0 {
		zone = fmt.Sprintf("Etc/GMT+%d", -k)
	}
	if res := f.do("PATCH", fmt.Sprintf("/api/v1/areas/%d", f.gridA1), f.tok["supervisor:A"], map[string]any{"time_zone": zone}); res.status != 200 {
		t.Fatalf("time zone %s: %s", zone, res)
	}
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t)

	b.do("open console", chromedp.Navigate(fmt.Sprintf("%s/supervisor?token=%s&area=%d", srv.URL, f.tok["supervisor:A"], f.gridA1)))
	b.wait("console ready, plans listed", `window.gridsweep && window.gridsweep.ready === true && document.querySelectorAll('#planlist option[value]:not([value=""])').length === 2`, 30*time.Second)
	if got := evalJS[[]string](b, `[...document.querySelectorAll('#planlist option')].map(o => o.value)`); !slices.Equal(got, []string{fmt.Sprint(plan), fmt.Sprint(older)}) {
		t.Errorf("plan list %v, want newest first [%d %d]", got, plan, older)
	}
	b.do("open the newest plan from the list", chromedp.SetValue(chromedp.CSS(`#planlist`), fmt.Sprint(plan)), chromedp.Click(chromedp.CSS(`#openlisted`)))
	b.wait("plan open, progress shown", fmt.Sprintf(`window.gridsweep.state.plan && window.gridsweep.state.plan.id === %d && document.querySelectorAll('#livetable tbody tr').length === 2`, plan), 30*time.Second)
	b.do("publish", chromedp.Click(chromedp.CSS(`#publish`)))
	b.wait("published", `document.getElementById('pubstatus').dataset.kind === 'ok'`, 10*time.Second)
	if n := f.do("GET", fmt.Sprintf("/api/v1/plans?area=%d&published=true", f.gridA1), f.tok["supervisor:A"], nil); len(n.json["items"].([]any)) != 1 ||
		num(n.json["items"].([]any)[0].(map[string]any)["id"]) != plan {
		t.Fatalf("published plans after the click: %s", n)
	}
	b.do("show coverage", chromedp.Click(chromedp.CSS(`#coverage`)))

	// Ada's phone, in a second tab of the same browser (one clock for the measurement).
	tab, cancelTab := chromedp.NewContext(b.ctx)
	t.Cleanup(cancelTab)
	phone := &browser{t: t, ctx: tab, shots: b.shots}
	phone.do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	phone.do("open today's route", chromedp.Navigate(fmt.Sprintf("%s/worker?token=%s", srv.URL, adaToken)))
	phone.wait("today's route", fmt.Sprintf(`window.gridsweep && window.gridsweep.ready && window.gridsweep.today === %d && document.querySelectorAll('#steps .step-tick').length === 2`, plan), 30*time.Second)

	b.do("note the coverage reloads", chromedp.Evaluate[chromedp.Void](`window.gridsweep.coverageAt = 0`))
	phone.do("tick the first step", chromedp.Evaluate[chromedp.Void](`window.tickAt = Date.now(); document.querySelector('#steps .step-tick').click()`))
	b.wait("Ada at 50 % in the table", fmt.Sprintf(`(document.querySelector('#livetable tr[data-worker="%d"] .pct') || {}).textContent === '50 %%' && window.gridsweep.coverageAt > 0`, ada), 20*time.Second)
	tickAt := evalJS[float64](phone, `window.tickAt`)
	tableAt := evalJS[float64](b, `window.gridsweep.progressAt`)
	coverageAt := evalJS[float64](b, `window.gridsweep.coverageAt`)
	latency := time.Duration(max(tableAt, coverageAt)-tickAt) * time.Millisecond
	t.Logf("check-in on the phone → console table %v, coverage layer reloaded %v (target < 2 s)",
		time.Duration(tableAt-tickAt)*time.Millisecond, time.Duration(coverageAt-tickAt)*time.Millisecond)
	if latency >= 2*time.Second {
		t.Errorf("from the check-in to the console took %v, want under 2 s", latency)
	}
	if !evalJS[bool](b, fmt.Sprintf(`window.gridsweep.map.querySourceFeatures(window.gridsweep.map.getLayer('coverage').source, {sourceLayer: 'coverage'}).some(f => f.id === %d && f.properties.sweeps > 0)`, blocks[0])) {
		t.Errorf("the reloaded coverage layer does not show Ada's first block %d swept", blocks[0])
	}
	if evalJS[bool](b, fmt.Sprintf(`window.gridsweep.map.querySourceFeatures(window.gridsweep.map.getLayer('coverage').source, {sourceLayer: 'coverage'}).some(f => f.id === %d && f.properties.sweeps > 0)`, blocks[1])) {
		t.Errorf("the coverage layer shows Ada's second block %d swept", blocks[1])
	}
	res := f.do("GET", fmt.Sprintf("/api/v1/plans/%d/progress", plan), f.tok["supervisor:A"], nil)
	for _, it := range res.json["workers"].([]any) {
		w := it.(map[string]any)
		if num(w["worker"]) == ada && (num(w["blocks_done"]) != 1 || num(w["blocks_total"]) != 2) {
			t.Errorf("Ada's progress %v, want 1 of 2 blocks", w)
		}
	}

	// Sorting by status puts the most urgent first; the filter keeps behind and idle only.
	order := []string{"idle", "behind", "not_started", "on_track", "done"}
	statuses := func() []string {
		return evalJS[[]string](b, `[...document.querySelectorAll('#livetable tbody tr')].map(r => r.dataset.status)`)
	}
	// The table starts sorted by status, most urgent first; a click reverses it. Ada, who
	// has done half her route after the shift, is behind; Abe has not started.
	sorted := func(dir int) bool {
		return slices.IsSortedFunc(statuses(), func(a, c string) int { return dir * (slices.Index(order, a) - slices.Index(order, c)) })
	}
	ariaSort := func() string {
		return evalJS[string](b, `document.querySelector('#livetable th[data-sort=status]').getAttribute('aria-sort')`)
	}
	if s := ariaSort(); s != "ascending" || !sorted(1) {
		t.Errorf("rows at first (aria-sort %q): %v", s, statuses())
	}
	b.do("sort by status, reversed", chromedp.Click(chromedp.CSS(`#livetable th[data-sort=status] button`)))
	if s := ariaSort(); s != "descending" || !sorted(-1) {
		t.Errorf("rows after a click (aria-sort %q): %v", s, statuses())
	}
	b.do("sort by status", chromedp.Click(chromedp.CSS(`#livetable th[data-sort=status] button`)))
	all := evalJS[[]string](b, `window.gridsweep.live.progress.workers.map(w => w.status)`)
	b.do("only behind or idle", chromedp.Click(chromedp.CSS(`#onlylate`)))
	late := slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s != "behind" && s != "idle" })
	if len(late) == 0 || len(late) == len(all) {
		t.Errorf("statuses %v: the filter test needs some workers behind or idle and some not", all)
	}
	if got := statuses(); len(got) != len(late) || slices.ContainsFunc(got, func(s string) bool { return s != "behind" && s != "idle" }) {
		t.Errorf("filtered rows %v, want the behind or idle of %v", got, all)
	}
	b.do("all workers again", chromedp.Click(chromedp.CSS(`#onlylate`)))

	// Abe reports a position: his dot and name on the map.
	if r := f.do("POST", "/api/v1/gps", abeToken, map[string]any{"points": []map[string]any{{"t": time.Now().UTC().Format(time.RFC3339), "lon": 10.0012, "lat": 50.0012}}}); r.status != 200 {
		t.Fatalf("gps: %s", r)
	}
	b.wait("Abe on the map", fmt.Sprintf(`(document.querySelector('.wpos[data-worker="%d"] .label') || {}).textContent === 'Abe · just now'`, abe), 20*time.Second)

	// A sign-in code for Ada's phone: QR code and link.
	b.do("sign-in code", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#livetable tr[data-worker="%d"] button`, ada))))
	b.wait("QR code shown", `document.getElementById('signindlg').open && document.getElementById('si-qr').complete && document.getElementById('si-qr').naturalWidth > 100`, 10*time.Second)
	if link := evalJS[string](b, `document.getElementById('si-link').value`); !strings.HasPrefix(link, srv.URL+"/worker?code=") {
		t.Errorf("sign-in link %q", link)
	}
	if u := b.unnamedControls(); u != "" {
		t.Errorf("controls without a name:\n%s", u)
	}
	b.screenshot("console-signin")
	b.do("close", chromedp.KeyEvent("\x1b"))
	b.wait("closed, link cleared", `!document.getElementById('signindlg').open && document.getElementById('si-link').value === ''`, 5*time.Second)
	b.do("to the progress", chromedp.ScrollIntoView(chromedp.CSS(`#livetable`)))
	b.screenshot("console-progress")
	b.do("zh-CN", chromedp.SetValue(chromedp.CSS(`#lang`), "zh-CN"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('lang').dispatchEvent(new Event('change'))`))
	b.wait("chinese table", `document.querySelector('#livetable th[data-sort=done]').textContent.includes('完成')`, 5*time.Second)
	b.do("to the progress", chromedp.ScrollIntoView(chromedp.CSS(`#livetable`)))
	b.screenshot("console-progress-zh")
	b.do("back to English", chromedp.Evaluate[chromedp.Void](`localStorage.setItem('gridsweep.lang', 'en')`))

	// The end of the day: the printable report from the console's link.
	b.do("open the report", chromedp.Navigate(evalJS[string](b, `document.getElementById('reportlink').href`)))
	b.wait("report ready", `window.gridsweep && window.gridsweep.ready === true && location.pathname === '/supervisor/report'`, 30*time.Second)
	cells := evalJS[[]string](b, fmt.Sprintf(`[...document.querySelectorAll('#report tr[data-worker="%d"] > *')].map(c => c.textContent)`, ada))
	if len(cells) != 7 || cells[0] != "Ada" || cells[1] != "1/2 (50 %)" || cells[4] == "–" || cells[5] == "–" {
		t.Errorf("Ada's report row %q", cells)
	}
	missed := func(w int64) string {
		return evalJS[string](b, fmt.Sprintf(`document.querySelector('#missed section[data-worker="%d"] ul, #missed section[data-worker="%d"] p').textContent`, w, w))
	}
	if m := missed(ada); m != streets[blocks[1]] || m == "" {
		t.Errorf("Ada's missed blocks %q, want %q", m, streets[blocks[1]])
	}
	if m := missed(abe); m != streets[blocks[2]] {
		t.Errorf("Abe's missed blocks %q, want %q", m, streets[blocks[2]])
	}
	if u := b.unnamedControls(); u != "" {
		t.Errorf("controls without a name:\n%s", u)
	}
	b.screenshot("report")
	b.do("print media", media("print"))
	if evalJS[bool](b, `document.querySelector('header.bar').offsetParent !== null || document.getElementById('print').offsetParent !== null`) {
		t.Error("the printed report shows the page's header or buttons")
	}
	b.screenshot("report-print")
	b.do("screen media", media(""))
	b.do("zh-CN", chromedp.SetValue(chromedp.CSS(`#lang`), "zh-CN"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('lang').dispatchEvent(new Event('change'))`))
	b.wait("chinese report", `document.querySelector('#report tfoot th').textContent === '全方案'`, 5*time.Second)
	b.screenshot("report-zh")
	b.do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	if w := evalJS[int](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the report is %d px wide on a 360 px screen", w)
	}
	b.screenshot("report-phone")
	b.do("desktop viewport", chromedp.ResetViewport())
}
