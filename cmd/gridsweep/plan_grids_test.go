package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The lattice fixture has columns at lon 10 + 0.0014·j (j = 0..6) and rows at lat
// 50 + 0.0009·i. West takes the blocks with midpoints west of lon 10.004 (columns 0–2 and
// the row blocks up to column 3), East those east of 10.005 (columns 4–6 and the row
// blocks from column 4): column 3 (6 blocks) and the row blocks between columns 3 and 4
// (7) are in no grid.
const latticeGrids = `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"name":"West","workers":2,"starts":[[10.0,50.0],[10.0028,50.0054]]},
  "geometry":{"type":"Polygon","coordinates":[[[9.999,49.999],[10.004,49.999],[10.004,50.006],[9.999,50.006],[9.999,49.999]]]}},
 {"type":"Feature","properties":{"name":"East","workers":1,"ends":"open"},
  "geometry":{"type":"MultiPolygon","coordinates":[[[[10.005,49.999],[10.009,49.999],[10.009,50.006],[10.005,50.006],[10.005,49.999]]]]}}
]}`

var latticeGridLon = map[string][2]float64{"West": {9.999, 10.004}, "East": {10.005, 10.009}}

// TestPlanCommandGrids plans the lattice by two grids from a file: the report has the
// contract's keys, every route feature names its worker and grid, and no block is served
// outside its grid.
func TestPlanCommandGrids(t *testing.T) {
	dir := t.TempDir()
	out, rep := filepath.Join(dir, "routes.geojson"), filepath.Join(dir, "report.json")
	grids := writeTemp(t, "grids.geojson", latticeGrids)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"plan", "--osm", "testdata/lattice.osm", "--grids", grids, "--seconds", "2",
		"--seed", "3", "--mode", "patrol", "--out", out, "--report", rep}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"workers", "blocks_required", "blocks_covered", "unreachable", "makespan_s", "mean_route_s",
		"total_m", "deadhead_m", "territory_pieces", "seconds", "lower_bound_s", "outside_grids", "grids", "per_worker"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	var r struct {
		Workers        int     `json:"workers"`
		BlocksRequired int     `json:"blocks_required"`
		BlocksCovered  int     `json:"blocks_covered"`
		MakespanS      float64 `json:"makespan_s"`
		LowerBoundS    float64 `json:"lower_bound_s"`
		OutsideGrids   int     `json:"outside_grids"`
		Grids          []map[string]any
		PerWorker      []struct {
			Grid      string     `json:"grid"`
			Start     [2]float64 `json:"start"`
			End       [2]float64 `json:"end"`
			StartRule string     `json:"start_rule"`
			Blocks    int        `json:"blocks"`
		} `json:"per_worker"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Workers != 3 || r.OutsideGrids != 13 || r.BlocksRequired != 84-13 || r.BlocksCovered != r.BlocksRequired ||
		r.LowerBoundS <= 0 || r.LowerBoundS > r.MakespanS {
		t.Errorf("report: %d workers, %d outside grids, %d/%d covered, lower bound %v of makespan %v",
			r.Workers, r.OutsideGrids, r.BlocksCovered, r.BlocksRequired, r.LowerBoundS, r.MakespanS)
	}
	if len(r.Grids) != 2 || r.Grids[0]["name"] != "West" || r.Grids[1]["name"] != "East" {
		t.Fatalf("grids %v", r.Grids)
	}
	for _, g := range r.Grids {
		for _, k := range []string{"name", "workers", "blocks_required", "blocks_covered", "makespan_s", "mean_route_s", "total_m", "deadhead_m", "lower_bound_s"} {
			if _, ok := g[k]; !ok {
				t.Errorf("grid %v lacks %q", g["name"], k)
			}
		}
		if g["blocks_covered"] != g["blocks_required"] || g["lower_bound_s"].(float64) > g["makespan_s"].(float64) {
			t.Errorf("grid %v", g)
		}
	}
	wantGrid := []string{"West", "West", "East"}
	for i, w := range r.PerWorker {
		if w.Grid != wantGrid[i] || w.Blocks == 0 {
			t.Errorf("worker %d: grid %q with %d blocks, want %q", i+1, w.Grid, w.Blocks, wantGrid[i])
		}
	}
	if w := r.PerWorker[0]; w.StartRule != "given" || w.Start != [2]float64{10, 50} || w.End != w.Start {
		t.Errorf("West #1 starts %v (%s), ends %v; want the given start and back", w.Start, w.StartRule, w.End)
	}
	if w := r.PerWorker[2]; w.StartRule != "grid_centre" || w.Start[0] < 10.005 {
		t.Errorf("East #1 starts %v by %q, want its grid's centre", w.Start, w.StartRule)
	}

	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	g, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(g, &fc); err != nil {
		t.Fatal(err)
	}
	served := 0
	for i, f := range fc.Features {
		grid, _ := f.Properties["grid"].(string)
		if _, ok := f.Properties["worker"].(float64); !ok || latticeGridLon[grid] == [2]float64{} {
			t.Fatalf("feature %d: worker %v, grid %v", i, f.Properties["worker"], f.Properties["grid"])
		}
		if f.Properties["kind"] != "serve" || f.Geometry.Type != "LineString" {
			continue
		}
		var line [][2]float64
		if err := json.Unmarshal(f.Geometry.Coordinates, &line); err != nil {
			t.Fatal(err)
		}
		// Every segment of the lattice is one block: its midpoint must be in the grid.
		lon := latticeGridLon[grid]
		for k := 1; k < len(line); k++ {
			mid := (line[k-1][0] + line[k][0]) / 2
			if mid < lon[0] || mid > lon[1] {
				t.Errorf("feature %d: worker %v of %s serves a block at lon %.5f", i, f.Properties["worker"], grid, mid)
			}
			served++
		}
	}
	if served != r.BlocksCovered {
		t.Errorf("%d blocks on serving legs, %d covered", served, r.BlocksCovered)
	}
	if !strings.Contains(stdout.String(), "2 grids, 13 blocks outside every grid") {
		t.Errorf("summary: %s", stdout.String())
	}
}

// TestPlanCommandBadGrids: a grids file that cannot be planned is one line on stderr
// naming the feature, and a non-zero exit.
func TestPlanCommandBadGrids(t *testing.T) {
	poly := `"geometry":{"type":"Polygon","coordinates":[[[9.999,49.999],[10.009,49.999],[10.009,50.006],[9.999,50.006],[9.999,49.999]]]}`
	fc := func(props ...string) string {
		fs := make([]string, len(props))
		for i, p := range props {
			fs[i] = `{"type":"Feature",` + poly + `,"properties":` + p + `}`
		}
		return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
	}
	rep := filepath.Join(t.TempDir(), "r.json")
	for _, tc := range []struct {
		name, grids string
		extra       []string
		code        int
		want        string
	}{
		{"bad json", `{"type":"FeatureCollection","features":[`, nil, 1, "grids"},
		{"missing name", fc(`{"workers":1}`), nil, 1, "feature 0: missing name"},
		{"duplicate name", fc(`{"name":"A","workers":1}`, `{"name":"A","workers":1}`), nil, 1, `feature 1 ("A"): name "A" already used`},
		{"no workers", fc(`{"name":"A","workers":0}`), nil, 1, `feature 0 ("A"): workers 0 must be at least 1`},
		{"wrong starts", fc(`{"name":"A","workers":3,"starts":[[10,50],[10.0014,50]]}`), nil, 1, `starts has 2 points for 3 workers`},
		{"not a polygon", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[10,50]},"properties":{"name":"P","workers":1}}]}`, nil, 1, `feature 0 ("P"): geometry is Point`},
		{"start far away", fc(`{"name":"A","workers":1,"starts":[[11,51]]}`), nil, 1, `worker "A #1": start point`},
		{"with --workers", fc(`{"name":"A","workers":1}`), []string{"--workers", "2"}, 2, "leave out --workers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			grids := writeTemp(t, "grids.geojson", tc.grids)
			args := append([]string{"plan", "--osm", "testdata/lattice.osm", "--grids", grids, "--seconds", "1", "--report", rep}, tc.extra...)
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			msg := strings.TrimRight(stderr.String(), "\n")
			if code != tc.code || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("exit %d (want %d), stderr %q (want one line about %q)", code, tc.code, msg, tc.want)
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"plan", "--osm", "testdata/lattice.osm", "--grids", "/nonexistent.geojson", "--report", rep}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "nonexistent.geojson") {
		t.Errorf("missing grids file: exit %d, %q", code, stderr.String())
	}
}
