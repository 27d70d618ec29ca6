package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// setSelect chooses value in the <select> at css and fires its change event, as a user's
// choice does.
func setSelect(css, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q; s.dispatchEvent(new Event('change')); })()`, css, value))
}

// mapPixel is the page position of lon, lat on the console's map.
func mapPixel(b *browser, lon, lat float64) (float64, float64) {
	b.t.Helper()
	xy := evalJS[[]float64](b, fmt.Sprintf(`(() => {
		const p = window.gridsweep.map.project([%v, %v]);
		const r = document.getElementById('map').getBoundingClientRect();
		return [p.x + r.left, p.y + r.top];
	})()`, lon, lat))
	return xy[0], xy[1]
}

// TestConsoleGridsInBrowser drives the console's grids against the real API, database and
// planner: community A is split into the grids West and East; the supervisor gives Ann
// (in no grid) the grid East, places her start by clicking the map and two routes' ends
// (open, and a point by keyboard), runs a plan by grids from the console, sees the routes
// grid by grid, locks a block by clicking it and re-plans around it.
func TestConsoleGridsInBrowser(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	f.addStreetGrid()
	jobs := f.startJobs(1, nil)
	t.Cleanup(func() { _ = jobs.Stop(context.Background()) })
	sup := f.tok["supervisor:A"]
	ctx := context.Background()

	// The street grid spans lon 10.0005..10.0035: West takes its first column of
	// blocks (midpoints west of 10.0018), East the rest.
	const split = 10.0018
	rect := func(w, e float64) map[string]any {
		return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{w, 50}, {e, 50}, {e, 50.005}, {w, 50.005}, {w, 50}}}}
	}
	if res := f.do("PATCH", fmt.Sprintf("/api/v1/areas/%d", f.gridA1), sup, map[string]any{"name": "West", "geometry": rect(10, split)}); res.status != 200 {
		t.Fatalf("redraw grid A1: %v", res)
	}
	res := f.do("POST", "/api/v1/areas", sup, map[string]any{"kind": "grid", "parent_id": f.areaA, "name": "East", "source_id": "A2", "geometry": rect(split, 10.005)})
	if res.status != 201 {
		t.Fatalf("create grid East: %v", res)
	}
	east := num(res.json["id"])
	worker := func(id int64) map[string]any {
		t.Helper()
		res := f.do("GET", fmt.Sprintf("/api/v1/workers/%d", id), sup, nil)
		if res.status != 200 {
			t.Fatalf("get worker %d: %v", id, res)
		}
		return res.json
	}
	abe := int64(0)
	for _, w := range f.do("GET", fmt.Sprintf("/api/v1/workers?area=%d", f.areaA), sup, nil).json["items"].([]any) {
		if m := w.(map[string]any); m["name"] == "Abe" {
			abe = num(m["id"])
		}
	}
	if abe == 0 {
		t.Fatal("no worker Abe")
	}
	ann, ada := f.workerA, f.workerA2

	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	// Leave the page first (cleanups run last-in first-out): its event streams would
	// keep srv.Close waiting until the browser's deadline.
	t.Cleanup(func() { _, _ = chromedp.Run(b.ctx, chromedp.Navigate("about:blank")) })
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	b.do("open console", chromedp.Navigate(fmt.Sprintf("%s/supervisor?token=%s&area=%d", srv.URL, sup, f.areaA)))
	b.wait("console ready", `window.gridsweep && window.gridsweep.ready === true`, 30*time.Second)
	b.wait("grids drawn", `window.gridsweep.grids.grids.length === 2 && !document.getElementById('gridpanel').hidden &&
		new Set(window.gridsweep.map.queryRenderedFeatures({layers: ['grids-line']}).map(f => f.properties.id)).size === 2`, 20*time.Second)
	t.Logf("console with grids after %v", time.Since(began))
	if labels := evalJS[[]string](b, `[...document.querySelectorAll('.gridlabel')].map(e => e.textContent).sort()`); !slices.Equal(labels, []string{"East", "West"}) {
		t.Fatalf("grid names on the map: %q", labels)
	}
	if c := evalJS[[]string](b, `[...new Set(window.gridsweep.map.queryRenderedFeatures({layers: ['grids-line']}).map(f => f.properties.color))]`); len(c) != 2 {
		t.Fatalf("grid outline colours %q, want two distinct", c)
	}
	if u := b.unnamedControls(); u != "" {
		t.Errorf("controls without a name:\n%s", u)
	}
	// Ann is listed in no grid; Ada and Abe under West.
	if s := evalJS[string](b, fmt.Sprintf(`document.querySelector('#gridlist li[data-worker="%d"]').closest('section').dataset.grid`, ann)); s != "" {
		t.Fatalf("Ann is listed under grid %q, want no grid", s)
	}

	annItem := fmt.Sprintf(`#gridlist li[data-worker="%d"]`, ann)
	b.do("give Ann the grid East", setSelect(annItem+` select.gridof`, fmt.Sprint(east)))
	b.wait("Ann moved", fmt.Sprintf(`document.getElementById('gridstatus').dataset.kind === 'ok' &&
		document.querySelector('%s').closest('section').dataset.grid === '%d'`, annItem, east), 10*time.Second)
	if got := num(worker(ann)["area_id"]); got != east {
		t.Fatalf("the API has Ann in area %d, want East %d", got, east)
	}

	// Ann's start: press "Set start", click the map.
	b.do("pick Ann's start", chromedp.Click(chromedp.CSS(annItem+` button.pickstart`)))
	b.wait("picking", `window.gridsweep.state.picking !== null`, 5*time.Second)
	x, y := mapPixel(b, 10.0030, 50.0010)
	b.do("click the map", chromedp.MouseClickXY(x, y))
	b.wait("start saved", fmt.Sprintf(`window.gridsweep.state.picking === null && window.gridsweep.state.workers.find(w => w.id === %d).start !== null`, ann), 10*time.Second)
	start := worker(ann)["start"].(map[string]any)["coordinates"].([]any)
	if lon, lat := start[0].(float64), start[1].(float64); math.Abs(lon-10.0030) > 3e-5 || math.Abs(lat-50.0010) > 3e-5 {
		t.Fatalf("Ann's start is %v, want near (10.0030, 50.0010)", start)
	}
	if n := evalJS[int](b, fmt.Sprintf(`window.gridsweep.map.queryRenderedFeatures({layers: ['starts']}).filter(f => f.properties.worker_id === %d).length`, ann)); n != 1 {
		t.Fatalf("Ann's start drawn %d times", n)
	}
	// No block got selected by that click.
	if n := evalJS[int](b, `window.gridsweep.state.selected.size`); n != 0 {
		t.Fatalf("placing a start selected %d blocks", n)
	}

	// Ada's route ends open; Abe's at a point, placed from the keyboard (the map moved
	// there, then Enter).
	b.do("Ada's end open", setSelect(fmt.Sprintf(`#gridlist li[data-worker="%d"] select.endof`, ada), "open"))
	b.wait("end saved", fmt.Sprintf(`window.gridsweep.state.workers.find(w => w.id === %d).end === 'open'`, ada), 10*time.Second)
	if e := worker(ada)["end"]; e != "open" {
		t.Fatalf("Ada's end is %v, want open", e)
	}
	b.do("Abe's end at a point", setSelect(fmt.Sprintf(`#gridlist li[data-worker="%d"] select.endof`, abe), "point"))
	b.wait("picking Abe's end", fmt.Sprintf(`window.gridsweep.state.picking && window.gridsweep.state.picking.worker === %d && document.activeElement === window.gridsweep.map.getCanvas()`, abe), 5*time.Second)
	b.do("pan and press Enter", chromedp.Evaluate[chromedp.Void](`void window.gridsweep.map.jumpTo({center: [10.0010, 50.0030]})`), chromedp.KeyEvent("\r"))
	b.wait("end placed", fmt.Sprintf(`window.gridsweep.state.picking === null && Array.isArray(window.gridsweep.state.workers.find(w => w.id === %d).end)`, abe), 10*time.Second)
	end, ok := worker(abe)["end"].([]any)
	if !ok || math.Abs(end[0].(float64)-10.0010) > 1e-6 || math.Abs(end[1].(float64)-50.0030) > 1e-6 {
		t.Fatalf("Abe's end is %v, want [10.001, 50.003]", worker(abe)["end"])
	}
	b.wait("end drawn", `window.gridsweep.map.queryRenderedFeatures({layers: ['ends']}).length === 1`, 10*time.Second)
	b.screenshot("supervisor-grids")
	t.Logf("grids set up after %v", time.Since(began))

	// A plan by grids, run from the console.
	b.do("run a plan", chromedp.SetValue(chromedp.CSS(`#seconds`), "1"), chromedp.Click(chromedp.CSS(`#run`)))
	b.wait("plan done and routes drawn", `window.gridsweep.planDone > 0 && window.gridsweep.routesDrawn > 0`, 90*time.Second)
	first := int64(evalJS[float64](b, `window.gridsweep.planDone`))
	t.Logf("plan %d done after %v", first, time.Since(began))
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d?assignments=true", first), sup, nil)
	if res.json["status"] != "done" {
		t.Fatalf("plan %d: %s", first, res.body)
	}
	var stats struct {
		Grids []struct {
			Name           string `json:"name"`
			BlocksRequired int    `json:"blocks_required"`
			BlocksCovered  int    `json:"blocks_covered"`
		} `json:"grids"`
		GridAreaIDs []int64 `json:"grid_area_ids"`
	}
	raw, _ := json.Marshal(res.json["stats"])
	if err := json.Unmarshal(raw, &stats); err != nil {
		t.Fatal(err)
	}
	if len(stats.Grids) != 2 || !slices.Contains(stats.GridAreaIDs, east) || !slices.Contains(stats.GridAreaIDs, f.gridA1) {
		t.Fatalf("the plan's grids: %s", raw)
	}
	for _, g := range stats.Grids {
		if g.BlocksRequired == 0 || g.BlocksCovered != g.BlocksRequired {
			t.Errorf("grid %s: %d of %d blocks covered", g.Name, g.BlocksCovered, g.BlocksRequired)
		}
	}
	// Every block is served by a worker of the grid holding its midpoint.
	wrong := evalJS[[]string](b, fmt.Sprintf(`[...window.gridsweep.state.assignments.values()].filter(a => {
		const blk = window.gridsweep.state.blocks.find(x => x.id === a.block_id);
		const [p, q] = blk.geometry.coordinates;
		const inEast = (p[0] + q[0]) / 2 > %v;
		return inEast !== (a.worker_id === %d);
	}).map(a => a.block_id + ':' + a.worker_id)`, split, ann))
	if len(wrong) > 0 {
		t.Fatalf("blocks served outside their grid: %v", wrong)
	}
	if n := evalJS[int](b, `new Set(window.gridsweep.map.queryRenderedFeatures({layers: ['routes']}).map(f => f.properties.worker_id)).size`); n != 3 {
		t.Fatalf("routes of %d workers drawn, want 3", n)
	}
	if s := evalJS[string](b, fmt.Sprintf(`document.querySelector('#gridlist section[data-grid="%d"] .gridfacts').textContent`, east)); !strings.Contains(s, "lower bound") {
		t.Errorf("East's figures after the plan: %q", s)
	}
	// The status line gives the stored plan's longest route and bound (the search's
	// running best can differ from the routes drawn).
	if s := evalJS[string](b, `document.getElementById('planstatus').textContent`); !strings.Contains(s, "lower bound") || strings.Contains(s, "best longest route") {
		t.Errorf("plan status after the plan: %q", s)
	}
	// Ada and Abe had no start of their own: the planner's choice is drawn and named.
	if n := evalJS[int](b, `window.gridsweep.map.queryRenderedFeatures({layers: ['starts-chosen']}).length`); n != 2 {
		t.Errorf("%d chosen starts drawn, want 2 (Ada's and Abe's)", n)
	}
	if s := evalJS[string](b, fmt.Sprintf(`document.querySelector('#gridlist li[data-worker="%d"]').textContent`, ada)); !strings.Contains(s, "chosen in the grid (10.") {
		t.Errorf("Ada's item after the plan: %q", s)
	}
	// Routes grid by grid: East shows only Ann's.
	b.do("show East", setSelect(`#gridshow`, fmt.Sprint(east)))
	b.wait("East's routes only", fmt.Sprintf(`(() => { const ids = new Set(window.gridsweep.map.queryRenderedFeatures({layers: ['routes']}).map(f => f.properties.worker_id)); return ids.size === 1 && ids.has(%d); })()`, ann), 10*time.Second)
	b.screenshot("supervisor-grids-east")
	b.do("show all", setSelect(`#gridshow`, ""))
	b.wait("all routes", `new Set(window.gridsweep.map.queryRenderedFeatures({layers: ['routes']}).map(f => f.properties.worker_id)).size === 3`, 10*time.Second)
	b.screenshot("supervisor-grids-plan")

	// Lock one of Abe's blocks by clicking it, then re-plan around it.
	b.wait("re-plan around locks not offered yet", `document.getElementById('replanlocked').disabled`, 5*time.Second)
	pt := evalJS[[]float64](b, fmt.Sprintf(`(() => {
		const s = window.gridsweep.state;
		const a = [...s.assignments.values()].find(a => a.worker_id === %d);
		const blk = s.blocks.find(x => x.id === a.block_id);
		const [p, q] = blk.geometry.coordinates;
		const xy = window.gridsweep.map.project([(p[0] + q[0]) / 2, (p[1] + q[1]) / 2]);
		const r = document.getElementById('map').getBoundingClientRect();
		window.gridsweepTestBlock = blk.id;
		return [xy.x + r.left, xy.y + r.top];
	})()`, abe))
	b.do("click Abe's block", chromedp.MouseClickXY(pt[0], pt[1]))
	b.wait("block selected", `window.gridsweep.state.selected.has(window.gridsweepTestBlock)`, 5*time.Second)
	if n := evalJS[int](b, `window.gridsweep.state.selected.size`); n != 1 {
		t.Fatalf("%d blocks selected, want 1", n)
	}
	locked := int64(evalJS[float64](b, `window.gridsweepTestBlock`))
	b.do("lock it", chromedp.Click(chromedp.CSS(`#lock`)))
	b.wait("locked", `document.getElementById('editstatus').dataset.kind === 'ok' && window.gridsweep.state.selected.size === 0 && !document.getElementById('replanlocked').disabled`, 10*time.Second)
	b.do("re-plan around locked blocks", chromedp.Click(chromedp.CSS(`#replanlocked`)))
	b.wait("re-plan done", fmt.Sprintf(`window.gridsweep.planDone > %d && window.gridsweep.routesDrawn > 0`, first), 90*time.Second)
	second := int64(evalJS[float64](b, `window.gridsweep.planDone`))
	t.Logf("re-plan %d done after %v", second, time.Since(began))
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d?assignments=true", second), sup, nil)
	params, _ := res.json["params"].(map[string]any)
	if res.json["status"] != "done" || params == nil || num(params["replan_of"]) != first {
		t.Fatalf("re-plan %d: %s", second, res.body)
	}
	if locks, _ := params["locks"].([]any); len(locks) != 1 || num(locks[0]) != locked {
		t.Fatalf("re-plan locks %v, want [%d]", params["locks"], locked)
	}
	as, err := f.store.PlanAssignments(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	kept := false
	for _, a := range as {
		if a.BlockID == locked {
			kept = a.WorkerID == abe && a.Locked
		}
	}
	if !kept {
		t.Fatalf("block %d is not Abe's, locked, after the re-plan: %+v", locked, as)
	}
	// Still locked in the new plan, so it can be re-planned around again.
	b.wait("lock kept in the new plan", `!document.getElementById('replanlocked').disabled`, 5*time.Second)
	if n := evalJS[int](b, `new Set(window.gridsweep.map.queryRenderedFeatures({layers: ['routes']}).map(f => f.properties.worker_id)).size`); n != 3 {
		t.Fatalf("after the re-plan routes of %d workers drawn, want 3", n)
	}
	b.wait("re-plan reported", fmt.Sprintf(`document.getElementById('editstatus').textContent.includes('Plan %d re-plans plan %d')`, second, first), 5*time.Second)
	b.screenshot("supervisor-grids-replan")

	// The mode goes with the plan: a sweeper plan by grids, from the console.
	// Sweepers come back to their start: the console shows why a plan with ends fails,
	// and plans once the ends are back at the start.
	b.do("run a sweeper plan", setSelect(`#planmode`, "sweeper"), chromedp.Click(chromedp.CSS(`#run`)))
	b.wait("sweeper plan refused", fmt.Sprintf(`window.gridsweep.state.plan.id > %d && window.gridsweep.state.plan.status === 'failed' &&
		document.getElementById('planstatus').textContent.includes('end back at their start')`, second), 60*time.Second)
	for _, w := range []int64{ada, abe} {
		b.do("end back at the start", setSelect(fmt.Sprintf(`#gridlist li[data-worker="%d"] select.endof`, w), "start"))
		b.wait("end saved", fmt.Sprintf(`window.gridsweep.state.workers.find(w => w.id === %d).end === null`, w), 10*time.Second)
		if e := worker(w)["end"]; e != nil {
			t.Fatalf("worker %d's end is %v, want null", w, e)
		}
	}
	failed := int64(evalJS[float64](b, `window.gridsweep.state.plan.id`))
	b.do("run the sweeper plan again", chromedp.Click(chromedp.CSS(`#run`)))
	b.wait("sweeper plan done", fmt.Sprintf(`window.gridsweep.planDone > %d && window.gridsweep.routesDrawn > 0`, failed), 60*time.Second)
	third := int64(evalJS[float64](b, `window.gridsweep.planDone`))
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d", third), sup, nil)
	if res.json["mode"] != "sweeper" || res.json["status"] != "done" {
		t.Fatalf("sweeper plan %d: %s", third, res.body)
	}

	// A campaign plan by grids: only the blocks of the campaign's unvisited shops are
	// required, one in each grid here (a shop is added in East).
	if res := f.do("POST", "/api/v1/shops", sup, map[string]any{"name": "East Tea", "category": "restaurant",
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{10.0030, 50.00152}}}); res.status != 201 {
		t.Fatalf("add a shop in East: %v", res)
	}
	res = f.do("POST", "/api/v1/campaigns", sup, map[string]any{
		"name": "Fire safety", "starts_on": "2026-03-01", "ends_on": "2026-03-31", "areas": []int64{f.areaA},
		"questions": []map[string]any{{"id": "ok", "text": "Extinguisher present?", "kind": "yesno"}},
	})
	if res.status != 201 {
		t.Fatalf("create campaign: %v", res)
	}
	camp := num(res.json["id"])
	b.do("choose the area again", setSelect(`#area`, fmt.Sprint(f.areaA)))
	b.wait("campaign listed and plan reopened", fmt.Sprintf(`[...document.querySelectorAll('#plancampaign option')].some(o => o.value === '%d') &&
		window.gridsweep.state.plan && window.gridsweep.state.plan.status === 'done'`, camp), 20*time.Second)
	prev := int64(evalJS[float64](b, `window.gridsweep.state.plan.id`))
	b.do("campaign plan", setSelect(`#planmode`, "patrol"), setSelect(`#plancampaign`, fmt.Sprint(camp)), chromedp.Click(chromedp.CSS(`#run`)))
	b.wait("campaign plan done", fmt.Sprintf(`window.gridsweep.planDone > %d && window.gridsweep.routesDrawn > 0`, prev), 60*time.Second)
	res = f.do("GET", fmt.Sprintf("/api/v1/plans/%d", int64(evalJS[float64](b, `window.gridsweep.planDone`))), sup, nil)
	params, _ = res.json["params"].(map[string]any)
	cstats, _ := res.json["stats"].(map[string]any)
	if params == nil || num(params["campaign"]) != camp || cstats == nil || num(cstats["blocks_required"]) < 2 || num(cstats["blocks_required"]) > 4 {
		t.Fatalf("campaign plan: %s", res.body)
	}
	b.do("switch to Chinese", setSelect(`#lang`, "zh-CN"))
	if s := evalJS[string](b, `document.querySelector('#gridpanel legend').textContent`); s != "网格" {
		t.Fatalf("grid panel heading in Chinese is %q", s)
	}
	if s := evalJS[string](b, fmt.Sprintf(`document.querySelector('#gridlist section[data-grid="%d"] .gridfacts').textContent`, east)); !strings.Contains(s, "下界") {
		t.Errorf("East's figures in Chinese: %q", s)
	}
	b.do("scroll to the grids", chromedp.Evaluate[chromedp.Void](`document.getElementById('gridpanel').scrollIntoView()`))
	b.screenshot("supervisor-grids-zh")
	b.do("back to English", chromedp.Evaluate[chromedp.Void](`localStorage.setItem('gridsweep.lang', 'en')`))
	if v := evalJS[[]string](b, `window.__csp`); len(v) > 0 {
		t.Errorf("CSP violations: %q", v)
	}
}
