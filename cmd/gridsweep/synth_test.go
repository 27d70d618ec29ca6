package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	gsgeo "github.com/gridsweep/gridsweep/geo"
)

func TestSynthWritesSeededCheckIns(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := datatest.NewDatabase(t)
	store, err := data.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.ImportOSM(ctx, &gsgeo.Extract{
		Blocks: []gsgeo.Block{{SourceID: "w1:0", WayID: 1, From: 1, To: 2,
			Geometry: orb.LineString{{1.52, 42.5}, {1.521, 42.5}}, LengthM: 82, Highway: "residential"}},
		Areas: []gsgeo.Area{{SourceID: "A", Name: "A", Geometry: orb.MultiPolygon{{{
			{1.51, 42.49}, {1.53, 42.49}, {1.53, 42.51}, {1.51, 42.51}, {1.51, 42.49}}}}}},
	}); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	args := []string{"synth", "--seed", "3", "--checkins", "250", "--days", "5", "--workers", "2", "--database-url", url}
	if code := run(ctx, args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "seed 3: 250 check-ins on 1 blocks by 2 workers") {
		t.Errorf("stdout %q", stdout.String())
	}
	cov, err := store.BlockCoverageOf(ctx, []int64{1})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, c := range cov {
		total += c.Sweeps
	}
	if total != 250 {
		t.Errorf("coverage counts %d sweeps, want 250", total)
	}

	for _, bad := range [][]string{{"synth", "--days", "0"}, {"synth", "--workers", "0"}, {"synth", "extra"}} {
		stderr.Reset()
		if code := run(ctx, bad, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", bad, code, stderr.String())
		}
	}
}
