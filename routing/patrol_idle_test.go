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
	checkServedOnce(t, p, tr.routes, all, true)
}
