package routing

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReplanSickWorkerAndNewBlocks(t *testing.T) {
	net := gridNetwork(t, 12, 12, 80)
	nb := len(net.Blocks)
	// The last 5 % of the blocks are "new": not in the first plan.
	added := nb / 20
	old := func(b int) bool { return b < nb-added }
	const k = 5
	first, err := PlanRoutes(context.Background(), PlanInput{Network: net, Required: old}, PlanOptions{Workers: k, Seconds: 3})
	if err != nil {
		t.Fatal(err)
	}
	prev := first.Assignment()
	const sick = 2
	sickBlocks := 0
	for _, w := range prev {
		if w == sick {
			sickBlocks++
		}
	}
	// Lock a few blocks of worker 0 and the whole territory of worker 4.
	var lockedBlocks []int
	for b, w := range prev {
		if w == 0 && len(lockedBlocks) < 5 {
			lockedBlocks = append(lockedBlocks, b)
		}
	}
	pl, st, err := Replan(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: k, Seconds: 3},
		ReplanInput{Previous: prev, LockedBlocks: lockedBlocks, LockedWorkers: []int{4}, Removed: []int{sick}})
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, pl)
	if pl.BlocksCovered != nb {
		t.Fatalf("covered %d of %d", pl.BlocksCovered, nb)
	}
	if len(pl.Routes[sick].Blocks) != 0 {
		t.Errorf("the removed worker still serves %d blocks", len(pl.Routes[sick].Blocks))
	}
	for _, b := range lockedBlocks {
		if pl.Owner(b) != 0 {
			t.Errorf("locked block %d moved to worker %d", b, pl.Owner(b))
		}
	}
	for b := 0; b < nb; b++ {
		w, had := prev[b]
		if was, is := had && w == 4, pl.Owner(b) == 4; was != is {
			t.Errorf("locked worker 4: block %d was theirs %v, is theirs %v", b, was, is)
		}
	}
	if st.Reassigned != sickBlocks+added {
		t.Errorf("reassigned %d, want the sick worker's %d + %d new", st.Reassigned, sickBlocks, added)
	}
	if st.Kept+st.Moved+st.Reassigned != nb {
		t.Errorf("kept %d + moved %d + reassigned %d != %d", st.Kept, st.Moved, st.Reassigned, nb)
	}
	// Few settled assignments move: at most a tenth of what had to be reassigned anyway.
	if limit := (sickBlocks + added) / 10; st.Moved > limit {
		t.Errorf("moved %d settled blocks, want at most %d", st.Moved, limit)
	}
	var costs []time.Duration
	for _, r := range pl.Routes {
		costs = append(costs, r.Cost)
	}
	t.Logf("kept %d moved %d reassigned %d; makespan %v mean %v (before: %v); routes %v", st.Kept, st.Moved, st.Reassigned, pl.Makespan, pl.MeanRoute, first.Makespan, costs)
}

func TestReplanBadInput(t *testing.T) {
	net := gridNetwork(t, 4, 4, 100)
	in := PlanInput{Network: net}
	for name, r := range map[string]ReplanInput{
		"all removed":     {Removed: []int{0, 1}},
		"unknown removed": {Removed: []int{7}},
		"unknown locked":  {LockedWorkers: []int{-1}},
		"bad previous":    {Previous: map[int]int{0: 9}},
		"everyone locked": {LockedWorkers: []int{0, 1}},
	} {
		if _, _, err := Replan(context.Background(), in, PlanOptions{Workers: 2}, r); !errors.Is(err, ErrBadPlanInput) {
			t.Errorf("%s: err %v, want ErrBadPlanInput", name, err)
		}
	}
}
