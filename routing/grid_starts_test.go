package routing

import (
	"context"
	"errors"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// GridStarts puts each grid's starts on its own blocks, one per worker, the same on every
// run; open walks from them split the grid evenly with little walking to work.
func TestGridStarts(t *testing.T) {
	net := gridNetwork(t, 13, 13, 60)
	whole := netBound(net)
	midLon := (whole.Min[0] + whole.Max[0]) / 2
	box := func(x0, x1 float64) orb.Polygon {
		return orb.Polygon{{{x0, whole.Min[1] - 1e-4}, {x1, whole.Min[1] - 1e-4}, {x1, whole.Max[1] + 1e-4},
			{x0, whole.Max[1] + 1e-4}, {x0, whole.Min[1] - 1e-4}}}
	}
	grids := []Grid{{"West", box(whole.Min[0]-1e-4, midLon)}, {"East", box(midLon, whole.Max[0]+1e-4)}}
	share := []int{2, 4}
	in := PlanInput{Network: net}
	starts, err := GridStarts(context.Background(), in, grids, share, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := GridStarts(context.Background(), in, grids, share, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var per []WorkerParams
	for g, ss := range starts {
		if len(ss) != share[g] {
			t.Fatalf("grid %d: %d starts, want %d", g, len(ss), share[g])
		}
		seen := map[orb.Point]bool{}
		for i, s := range ss {
			if again[g][i] != s {
				t.Fatalf("second run gave %v, first %v", again, starts)
			}
			if seen[s] {
				t.Errorf("grid %d: start %v twice", g, s)
			}
			seen[s] = true
			if (g == 0) != (s[0] <= midLon+1e-9) {
				t.Errorf("grid %d: start %v on the wrong side of %v", g, s, midLon)
			}
			per = append(per, WorkerParams{Grid: g, Start: &ss[i], End: RouteEnd{Kind: EndOpen}})
		}
	}
	pl, err := PlanRoutes(context.Background(), in, PlanOptions{Workers: len(per), PerWorker: per, Grids: grids, Seconds: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range pl.Grids {
		if ratio := float64(g.Makespan) / float64(g.MeanRoute); ratio > 1.15 {
			t.Errorf("grid %s: longest/mean %.3f (want ≤ 1.15)", g.Name, ratio)
		}
	}
	var dead, total float64
	for _, r := range pl.Routes {
		for _, m := range r.Walk {
			l := net.Edges[m.Link].LengthM
			total += l
			if !m.Serve {
				dead += l
			}
		}
	}
	if dead > 0.2*total {
		t.Errorf("deadhead %.0f of %.0f m (want at most 20 %% on a lattice)", dead, total)
	}

	if _, err := GridStarts(context.Background(), in, grids, []int{1}, PlanOptions{}); !errors.Is(err, ErrBadPlanInput) {
		t.Errorf("shares for one grid of two: err %v, want ErrBadPlanInput", err)
	}
	if _, err := GridStarts(context.Background(), in, grids, []int{1, 0}, PlanOptions{}); !errors.Is(err, ErrBadPlanInput) {
		t.Errorf("a grid with no worker: err %v, want ErrBadPlanInput", err)
	}
}

// netBound is the bounding box of the network's nodes.
func netBound(net *geo.Network) orb.Bound {
	b := orb.Bound{Min: net.Nodes[0].Point, Max: net.Nodes[0].Point}
	for _, n := range net.Nodes {
		b = b.Extend(n.Point)
	}
	return b
}
