package routing

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
)

// TestPolishAfterRebalance: on a plan the greedy rebalance has already taken as far as it
// goes, polish must never return a worse plan, must keep every block served exactly once
// on closed walks, must not cut a territory into more than two pieces, and here (three
// workers at three corners of a lattice, one of them serving it all at first) finds a
// shorter longest route than the rebalance alone.
func TestPolishAfterRebalance(t *testing.T) {
	net := gridNetwork(t, 9, 9, 60)
	n := len(net.Nodes)
	starts := []orb.Point{net.Nodes[0].Point, net.Nodes[n-1].Point, net.Nodes[8].Point}
	p, err := newPlanner(PlanInput{Network: net}, PlanOptions{Workers: 3, Starts: starts, Seconds: 20, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, len(net.Blocks))
	for b := range all {
		all[b] = b
	}
	ctx := context.Background()
	routes := []*Route{p.newRoute(0), p.newRoute(1), p.newRoute(2)}
	if routes[0].Walk, err = p.tourFor(ctx, all, 0, 1); err != nil {
		t.Fatal(err)
	}
	tr := p.newTerritories(routes)
	tr.rebalance(ctx, nil)
	before := p.score(routes)
	got, sc := p.polish(ctx, routes, before)
	if before.better(sc) {
		t.Fatalf("polish made the plan worse: makespan %d → %d, total %d → %d", before.makespan, sc.makespan, before.total, sc.total)
	}
	if !sc.better(before) {
		t.Errorf("polish found nothing better than rebalance (makespan %d)", before.makespan)
	}
	if again := p.score(got); again != sc {
		t.Errorf("returned score %+v, the routes score %+v", sc, again)
	}
	for ri, k := range p.routePieces(got) {
		if k > maxPolishPieces {
			t.Errorf("route %d in %d pieces", ri, k)
		}
	}
	checkServedOnce(t, p, got, all, true)
}
