package routing

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

// Each route is priced at its own worker's speeds: the slow walker's time is the length
// of their walk at their speeds, not the plan-wide ones.
func TestPlanPerWorkerSpeeds(t *testing.T) {
	net := gridNetwork(t, 5, 5, 100)
	slow := WorkerParams{WalkKmh: 2, ServeKmh: 1.5}
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net},
		PlanOptions{Workers: 2, Seconds: 1, Seed: 1, PerWorker: []WorkerParams{{}, slow}})
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, pl)
	for _, r := range pl.Routes {
		walk, serve := DefaultWalkKmh, DefaultServeKmh
		if r.Worker == 1 {
			walk, serve = slow.WalkKmh, slow.ServeKmh
		}
		var want float64
		for _, m := range r.Walk {
			if v := serve; m.Serve {
				want += net.Edges[m.Link].LengthM / (v / 3.6)
			} else {
				want += net.Edges[m.Link].LengthM / (walk / 3.6)
			}
		}
		// Costs are rounded to tenths of a second per move.
		if got := r.Cost.Seconds(); math.Abs(got-want) > 0.05*float64(len(r.Walk))+0.1 {
			t.Errorf("worker %d: route takes %.1f s, want %.1f s at %v/%v km/h", r.Worker, got, want, walk, serve)
		}
	}
	// The split prices each worker at their own speeds: nothing is approximated.
	if len(pl.Approximations) != 0 {
		t.Errorf("approximations %q, want none", pl.Approximations)
	}
}

// The feasibility report checks each route against its own worker's shift limit.
func TestPlanPerWorkerShiftLimits(t *testing.T) {
	net := gridNetwork(t, 5, 5, 100)
	for _, tc := range []struct {
		name      string
		perWorker []WorkerParams
		wantLate  []int
	}{
		{"plan-wide 4 h fits", nil, nil},
		// Work goes in proportion to shifts: no block fits in a minute, so worker 1 gets
		// none and the plan fits.
		{"worker 1 has a 1 min shift", []WorkerParams{{ShiftLimit: time.Minute}, {}}, nil},
		{"both have 1 min shifts", []WorkerParams{{ShiftLimit: time.Minute}, {ShiftLimit: time.Minute}}, []int{1, 2}},
		{"worker 2 has a long shift", []WorkerParams{{}, {ShiftLimit: 12 * time.Hour}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := PlanRoutes(context.Background(), PlanInput{Network: net},
				PlanOptions{Workers: 2, Seconds: 1, Seed: 1, PerWorker: tc.perWorker})
			if err != nil {
				t.Fatal(err)
			}
			rep := pl.Report(0)
			if rep.Feasible != (tc.wantLate == nil) {
				t.Fatalf("feasible %v, want %v (shift %+v)", rep.Feasible, tc.wantLate == nil, rep.Shift)
			}
			// The plan-wide limit is the shortest worker's shift when every worker has one.
			wantPlanLimit := DefaultShiftLimit
			if tc.name == "both have 1 min shifts" {
				wantPlanLimit = time.Minute
			}
			if rep.ShiftLimitS != wantPlanLimit.Seconds() {
				t.Errorf("plan-wide shift limit %v s, want %v", rep.ShiftLimitS, wantPlanLimit.Seconds())
			}
			if tc.wantLate != nil && !reflect.DeepEqual(rep.Shift.LateWorkers, tc.wantLate) {
				t.Errorf("late workers %v, want %v", rep.Shift.LateWorkers, tc.wantLate)
			}
			for _, w := range rep.PerWorker {
				limit := DefaultShiftLimit
				if tc.perWorker != nil && tc.perWorker[w.Worker-1].ShiftLimit > 0 {
					limit = tc.perWorker[w.Worker-1].ShiftLimit
				}
				if w.ShiftLimitS != limit.Seconds() {
					t.Errorf("worker %d: shift limit %v s, want %v", w.Worker, w.ShiftLimitS, limit.Seconds())
				}
				if wantOver := max(w.RouteS-limit.Seconds(), 0); math.Abs(w.OverShiftS-wantOver) > 1e-6 {
					t.Errorf("worker %d: over shift %v s, want %v", w.Worker, w.OverShiftS, wantOver)
				}
			}
		})
	}
}

func TestPlanPerWorkerBadInput(t *testing.T) {
	net := gridNetwork(t, 3, 3, 100)
	for _, pw := range [][]WorkerParams{
		{{}},                   // one entry for two workers
		{{}, {WalkKmh: -1}},    // negative speed
		{{ShiftLimit: -1}, {}}, // negative shift
	} {
		if _, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 2, Seconds: 1, PerWorker: pw}); !errors.Is(err, ErrBadPlanInput) {
			t.Errorf("%+v: %v, want ErrBadPlanInput", pw, err)
		}
	}
}
