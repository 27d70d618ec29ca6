package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/planning"
)

// haidian finds ../shared/data/osm/beijing-haidian/map.osm above the test directory.
func haidian(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "shared", "data", "osm", "beijing-haidian", "map.osm")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/data/osm/beijing-haidian/map.osm not found")
		}
		dir = parent
	}
}

func TestPlanCommandOSM(t *testing.T) {
	osm := haidian(t)
	dir := t.TempDir()
	out, rep, gpx := filepath.Join(dir, "routes.geojson"), filepath.Join(dir, "report.json"), filepath.Join(dir, "gpx")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"plan", "--osm", osm, "--workers", "3", "--seconds", "3",
		"--out", out, "--report", rep, "--gpx", gpx}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Workers         int     `json:"workers"`
		BlocksRequired  int     `json:"blocks_required"`
		BlocksCovered   int     `json:"blocks_covered"`
		MakespanS       float64 `json:"makespan_s"`
		MeanRouteS      float64 `json:"mean_route_s"`
		TotalM          float64 `json:"total_m"`
		DeadheadM       float64 `json:"deadhead_m"`
		TerritoryPieces []int   `json:"territory_pieces"`
		Seconds         float64 `json:"seconds"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Workers != 3 || r.BlocksCovered != r.BlocksRequired || r.BlocksRequired < 1000 || len(r.TerritoryPieces) != 3 ||
		r.MakespanS < r.MeanRouteS || r.DeadheadM <= 0 || r.TotalM <= r.DeadheadM || r.Seconds <= 0 {
		t.Errorf("report %+v", r)
	}
	if g, err := os.ReadFile(out); err != nil || !bytes.Contains(g, []byte(`"FeatureCollection"`)) {
		t.Errorf("routes file: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(gpx, "*.gpx")); len(files) != 3 {
		t.Errorf("%d GPX files, want 3", len(files))
	}
}

func TestPlanCommandBadInput(t *testing.T) {
	osm := haidian(t)
	out := filepath.Join(t.TempDir(), "r.json")
	empty := filepath.Join(t.TempDir(), "empty.osm")
	if err := os.WriteFile(empty, []byte(`<?xml version="1.0"?><osm version="0.6"><node id="1" lat="60.1" lon="24.9"/></osm>`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no workers", []string{"--osm", osm, "--report", out}, 2, "--workers"},
		{"zero workers", []string{"--osm", osm, "--workers", "0", "--report", out}, 2, "--workers"},
		{"negative speed", []string{"--osm", osm, "--workers", "2", "--walk-kmh", "-3", "--report", out}, 2, "walk-kmh"},
		{"start far away", []string{"--osm", osm, "--workers", "2", "--start", "116.0,39.5", "--report", out}, 1, "start point"},
		{"bad start", []string{"--osm", osm, "--workers", "2", "--start", "east", "--report", out}, 2, "--start"},
		{"missing file", []string{"--osm", "/nonexistent.osm", "--workers", "2", "--report", out}, 1, "nonexistent"},
		{"nothing to write", []string{"--osm", osm, "--workers", "2"}, 2, "nothing to write"},
		{"no streets", []string{"--osm", empty, "--workers", "2", "--report", out}, 1, "no blocks"},
		{"replan without area", []string{"--osm", osm, "--workers", "2", "--replan", "3", "--report", out}, 2, "--replan needs --area"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"plan"}, tc.args...), &stdout, &stderr)
			msg := strings.TrimRight(stderr.String(), "\n")
			if code != tc.code || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("exit %d (want %d), stderr %q (want one line about %q)", code, tc.code, msg, tc.want)
			}
		})
	}
}

func TestPlanCommandAreaAndReplan(t *testing.T) {
	osm := haidian(t)
	ctx := context.Background()
	url := datatest.NewDatabase(t)
	store, err := data.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	src, err := planning.LoadFile(ctx, osm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportOSM(ctx, &geo.Extract{Blocks: src.Blocks, Shops: src.Shops}); err != nil {
		t.Fatal(err)
	}
	ring := orb.Ring{{116.3084, 39.9905}, {116.3320, 39.9905}, {116.3320, 40.0123}, {116.3084, 40.0123}, {116.3084, 39.9905}}
	if _, err := store.ImportAreas(ctx, []geo.Area{{SourceID: "test:wudaokou", Name: "Wudaokou", Geometry: orb.MultiPolygon{{ring}}}}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)

	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"plan", "--area", "Wudaokou", "--workers", "4", "--seconds", "3"}, &stdout, &stderr); code != 0 {
		t.Fatalf("plan --area: exit %d: %s", code, stderr.String())
	}
	var first int64
	if _, err := fmt.Sscanf(stdout.String(), "plan %d stored", &first); err != nil {
		t.Fatalf("no plan id in %q", stdout.String())
	}
	before, err := store.PlanAssignments(ctx, first)
	if err != nil || len(before) < 1000 {
		t.Fatalf("%d assignments (%v)", len(before), err)
	}
	off := before[0].WorkerID
	stdout.Reset()
	rep := filepath.Join(t.TempDir(), "replan.json")
	code := run(ctx, []string{"plan", "--area", "Wudaokou", "--workers", "4", "--seconds", "3",
		"--replan", fmt.Sprint(first), "--off", fmt.Sprint(off), "--report", rep}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("re-plan: exit %d: %s", code, stderr.String())
	}
	var second int64
	if _, err := fmt.Sscanf(stdout.String(), "plan %d stored", &second); err != nil || second == first {
		t.Fatalf("no new plan id in %q", stdout.String())
	}
	after, err := store.PlanAssignments(ctx, second)
	if err != nil || len(after) != len(before) {
		t.Fatalf("%d assignments after, %d before (%v)", len(after), len(before), err)
	}
	prev := map[int64]int64{}
	offBlocks := 0
	for _, a := range before {
		prev[a.BlockID] = a.WorkerID
		if a.WorkerID == off {
			offBlocks++
		}
	}
	changed := 0
	for _, a := range after {
		if a.WorkerID == off {
			t.Fatalf("block %d still with the worker off duty", a.BlockID)
		}
		if prev[a.BlockID] != a.WorkerID {
			changed++
		}
	}
	var r struct {
		Replan struct{ Kept, Moved, Reassigned int } `json:"replan"`
	}
	b, _ := os.ReadFile(rep)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Replan.Reassigned != offBlocks || changed != offBlocks+r.Replan.Moved || r.Replan.Moved > offBlocks/5 {
		t.Errorf("changed %d assignments: %d of the worker off duty, report %+v", changed, offBlocks, r.Replan)
	}
}
