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
