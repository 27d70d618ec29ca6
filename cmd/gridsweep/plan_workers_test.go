package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
)

// plan --area checks each worker's route against the shift stored for that worker,
// unless --shift-h sets one shift for all.
func TestPlanCommandAreaWorkerShifts(t *testing.T) {
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
	// A 3x3-node street grid, 0.001° apart.
	const n, step = 3, 0.001
	pt := func(i, j int) orb.Point { return orb.Point{10.0005 + float64(j)*step, 50.0005 + float64(i)*step} }
	node := func(i, j int) int64 { return int64(100 + i*n + j) }
	var blocks []geo.Block
	for i := range n {
		for j := range n {
			if j+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("e%d%d", i, j), WayID: int64(10 + i), From: node(i, j), To: node(i, j+1),
					Geometry: orb.LineString{pt(i, j), pt(i, j+1)}, Highway: "residential", Name: "Row"})
			}
			if i+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("n%d%d", i, j), WayID: int64(20 + j), From: node(i, j), To: node(i+1, j),
					Geometry: orb.LineString{pt(i, j), pt(i+1, j)}, Highway: "residential", Name: "Column"})
			}
		}
	}
	for i := range blocks {
		blocks[i].LengthM = geo.LengthM(blocks[i].Geometry)
	}
	if _, err := store.ImportOSM(ctx, &geo.Extract{Blocks: blocks}); err != nil {
		t.Fatal(err)
	}
	ring := orb.Ring{{10, 50}, {10.005, 50}, {10.005, 50.005}, {10, 50.005}, {10, 50}}
	if _, err := store.ImportAreas(ctx, []geo.Area{{SourceID: "test:grid", Name: "Grid", Geometry: orb.MultiPolygon{{ring}}}}); err != nil {
		t.Fatal(err)
	}
	a, err := store.AreaByName(ctx, "Grid")
	if err != nil {
		t.Fatal(err)
	}
	for _, shift := range []int{1, 2} {
		name := fmt.Sprintf("Shift %d", shift)
		if _, err := store.CreateWorker(ctx, data.WorkerInput{AreaID: &a.ID, Name: &name, ShiftMinutes: &shift}); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("DATABASE_URL", url)

	for _, tc := range []struct {
		name       string
		flags      []string
		wantLimits [2]float64
		wantLate   []int
	}{
		// Nothing fits in one or two minutes: both are late (the work is split 1 : 2).
		{"stored shifts", nil, [2]float64{60, 120}, []int{1, 2}},
		{"--shift-h for all", []string{"--shift-h", "5"}, [2]float64{5 * 3600, 5 * 3600}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := filepath.Join(t.TempDir(), "report.json")
			var stdout, stderr bytes.Buffer
			args := append([]string{"plan", "--area", "Grid", "--workers", "2", "--seconds", "1", "--report", rep}, tc.flags...)
			if code := run(ctx, args, &stdout, &stderr); code != 0 {
				t.Fatalf("plan --area: exit %d: %s", code, stderr.String())
			}
			var r struct {
				Feasible bool
				Shift    *struct {
					LateWorkers []int `json:"late_workers"`
				}
				PerWorker []struct {
					ShiftLimitS float64 `json:"shift_limit_s"`
				} `json:"per_worker"`
			}
			b, err := os.ReadFile(rep)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			if len(r.PerWorker) != 2 || r.PerWorker[0].ShiftLimitS != tc.wantLimits[0] || r.PerWorker[1].ShiftLimitS != tc.wantLimits[1] {
				t.Fatalf("per-worker shift limits %+v, want %v", r.PerWorker, tc.wantLimits)
			}
			if r.Feasible != (tc.wantLate == nil) {
				t.Fatalf("feasible %v, want %v", r.Feasible, tc.wantLate == nil)
			}
			if tc.wantLate != nil && fmt.Sprint(r.Shift.LateWorkers) != fmt.Sprint(tc.wantLate) {
				t.Errorf("late workers %v, want %v", r.Shift.LateWorkers, tc.wantLate)
			}
		})
	}
}
