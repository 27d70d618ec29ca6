package routing

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
)

// TestRebalanceGivesIdleWorkerWork: a worker whose route serves nothing touches no
// territory, yet rebalancing must hand it blocks near its own start when that shortens
// the longest route (before, an idle worker was nobody's neighbour and stayed idle).
func TestRebalanceGivesIdleWorkerWork(t *testing.T) {
	net := gridNetwork(t, 8, 8, 60)
	corner, far := net.Nodes[0].Point, net.Nodes[len(net.Nodes)-1].Point
	p, err := newPlanner(PlanInput{Network: net}, PlanOptions{Workers: 2, Starts: []orb.Point{corner, far}, Seconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, len(net.Blocks))
	for b := range all {
		all[b] = b
	}
	ctx := context.Background()
	busy, idle := p.newRoute(0), p.newRoute(1)
	if busy.Walk, err = p.tourFor(ctx, all, 0, 1); err != nil {
		t.Fatal(err)
	}
	tr := p.newTerritories([]*Route{busy, idle})
	before := tr.makespan()
	tr.rebalance(ctx, nil)
	got := tr.blocksOf(1)
	if len(got) == 0 {
		t.Fatalf("the idle worker still serves nothing (makespan %d → %d)", before, tr.makespan())
	}
	if tr.makespan() >= before {
		t.Errorf("makespan %d → %d: want shorter", before, tr.makespan())
	}
	// Every block served exactly once, both walks closed at their starts.
	served := map[int]int{}
	for ri, r := range tr.routes {
		at := r.StartNode
		for _, m := range r.Walk {
			u, v := p.g.moveEnds(m)
			if u != at {
				t.Fatalf("route %d: move %+v starts at node %d, walk is at %d", ri, m, u, at)
			}
			at = v
			if m.Serve {
				served[m.Link]++
			}
		}
		if at != r.StartNode {
			t.Errorf("route %d ends at node %d, not its start %d", ri, at, r.StartNode)
		}
	}
	for _, b := range all {
		if served[b] != 1 {
			t.Errorf("block %d served %d times", b, served[b])
		}
	}
}
