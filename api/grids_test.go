package api

import (
	"fmt"
	"testing"
)

// TestWorkerEnd: a worker's end is null (back at the start) until set to a point or
// "open"; null sets it back; anything else is a validation problem.
func TestWorkerEnd(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	res := f.do("POST", "/api/v1/workers", sup, map[string]any{"area_id": f.gridA1, "name": "Eve", "end": "open"})
	if res.status != 201 || res.json["end"] != "open" {
		t.Fatalf("create with an open end: %v", res)
	}
	path := fmt.Sprintf("/api/v1/workers/%d", num(res.json["id"]))
	res = f.do("PATCH", path, sup, map[string]any{"end": []float64{10.0042, 50.0031}})
	end, _ := res.json["end"].([]any)
	if res.status != 200 || len(end) != 2 || end[0].(float64) != 10.0042 || end[1].(float64) != 50.0031 {
		t.Fatalf("end at a point: %v", res)
	}
	if res := f.do("PATCH", path, sup, map[string]any{"name": "Eva"}); res.status != 200 || res.json["end"] == nil {
		t.Fatalf("a patch without end keeps it: %v", res)
	}
	if res := f.do("PATCH", path, sup, map[string]any{"end": nil}); res.status != 200 || res.json["end"] != nil {
		t.Fatalf("end null (back at the start): %v", res)
	}
	if res := f.do("GET", fmt.Sprintf("/api/v1/workers/%d", f.workerA), sup, nil); res.status != 200 || res.json["end"] != nil {
		t.Fatalf("a worker without an end: %v", res)
	}
	for _, bad := range []any{"closed", []float64{10}, []float64{200, 50}, map[string]any{"type": "Point"}} {
		wantProblem(t, f.do("PATCH", path, sup, map[string]any{"end": bad}), 422, KindValidation)
	}
}

// TestListGrids: a community's grids come with their boundaries and workers; the
// community's own workers are listed as unassigned; other communities are forbidden.
func TestListGrids(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	res := f.do("GET", fmt.Sprintf("/api/v1/areas/%d/grids", f.areaA), sup, nil)
	if res.status != 200 || res.header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("grids of A: %v", res)
	}
	fs := res.json["features"].([]any)
	if len(fs) != 1 {
		t.Fatalf("%d grids, want A1: %v", len(fs), res)
	}
	g := fs[0].(map[string]any)
	props := g["properties"].(map[string]any)
	ws := props["workers"].([]any)
	if num(g["id"]) != f.gridA1 || props["name"] != "Grid A1" || g["geometry"] == nil || len(ws) != 1 ||
		num(ws[0].(map[string]any)["id"]) != f.workerA2 {
		t.Errorf("grid A1: %v", g)
	}
	un := res.json["unassigned"].([]any)
	if len(un) != 1 || num(un[0].(map[string]any)["id"]) != f.workerA {
		t.Errorf("unassigned %v, want Ann", un)
	}
	if res := f.do("GET", fmt.Sprintf("/api/v1/areas/%d/grids", f.gridA1), sup, nil); res.status != 200 || len(res.json["features"].([]any)) != 0 {
		t.Errorf("grids of a grid: %v", res)
	}
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/areas/%d/grids", f.areaB), sup, nil), 403, KindForbidden)
	wantProblem(t, f.do("GET", "/api/v1/areas/999999/grids", sup, nil), 404, KindNotFound)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/areas/%d/grids", f.areaA), f.tok["viewer:A"], nil), 403, KindForbidden)
}
