package routing

import (
	"context"
	"testing"

	"github.com/paulmach/orb"
)

// checkServedOnce fails when the routes do not serve every block of all exactly once on
// walks that start at their starts and hang together (and, closed, end there too).
func checkServedOnce(t *testing.T, p *planner, routes []*Route, all []int, closed bool) {
	t.Helper()
	served := map[int]int{}
	for ri, r := range routes {
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
		if closed && at != r.StartNode {
			t.Errorf("route %d ends at node %d, not its start %d", ri, at, r.StartNode)
		}
	}
	for _, b := range all {
		if served[b] != 1 {
			t.Fatalf("block %d served %d times", b, served[b])
		}
	}
}

// A worker whose territory lies at the other worker's start (and the other way round)
// gets the territory at their own start back: the walks to work vanish.
func TestReassignSwapsTerritories(t *testing.T) {
	net := gridNetwork(t, 6, 12, 60)
	n := len(net.Nodes)
	starts := []orb.Point{net.Nodes[0].Point, net.Nodes[n-1].Point}
	p, err := newPlanner(PlanInput{Network: net}, PlanOptions{Workers: 2, Starts: starts, Seconds: 5, Seed: 1,
		PerWorker: []WorkerParams{{End: RouteEnd{Kind: EndOpen}}, {End: RouteEnd{Kind: EndOpen}}}})
	if err != nil {
		t.Fatal(err)
	}
	// West and east halves by block midpoint.
	mid := (net.Nodes[0].Point[0] + net.Nodes[n-1].Point[0]) / 2
	var west, east, all []int
	for b := range net.Blocks {
		all = append(all, b)
		if BlockMidpoint(net, b)[0] < mid {
			west = append(west, b)
		} else {
			east = append(east, b)
		}
	}
	ctx := context.Background()
	routes := []*Route{p.newRoute(0), p.newRoute(1)}
	if routes[0].Walk, err = p.tourFor(ctx, east, 0, 1); err != nil {
		t.Fatal(err)
	}
	if routes[1].Walk, err = p.tourFor(ctx, west, 1, 1); err != nil {
		t.Fatal(err)
	}
	before := p.score(routes)
	got := p.reassign(ctx, routes)
	if got == nil {
		t.Fatal("reassign changed nothing")
	}
	checkServedOnce(t, p, got, all, false)
	after := p.score(got)
	if !after.better(before) || after.total >= before.total {
		t.Errorf("reassigned plan scores %+v, before %+v", after, before)
	}
	if p.reassign(ctx, got) != nil {
		t.Error("a second reassign still changed hands")
	}
}

// A long route next to a short one: levelling hands blocks over until the two are close,
// never making the longest longer nor the plan much longer in total.
func TestLevelledEvensRoutes(t *testing.T) {
	net := gridNetwork(t, 8, 8, 60)
	n := len(net.Nodes)
	starts := []orb.Point{net.Nodes[0].Point, net.Nodes[n-1].Point}
	p, err := newPlanner(PlanInput{Network: net}, PlanOptions{Workers: 2, Starts: starts, Seconds: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Worker 1 serves the blocks near its corner (a tenth), worker 0 the rest.
	var mine, rest, all []int
	corner := net.Nodes[n-1].Point
	for b := range net.Blocks {
		all = append(all, b)
		if net.DistanceM(BlockMidpoint(net, b), corner) < 160 {
			mine = append(mine, b)
		} else {
			rest = append(rest, b)
		}
	}
	ctx := context.Background()
	routes := []*Route{p.newRoute(0), p.newRoute(1)}
	if routes[0].Walk, err = p.tourFor(ctx, rest, 0, 1); err != nil {
		t.Fatal(err)
	}
	if routes[1].Walk, err = p.tourFor(ctx, mine, 1, 1); err != nil {
		t.Fatal(err)
	}
	before, spread := p.score(routes), p.spread(routes)
	got := p.levelled(ctx, routes)
	if got == nil {
		t.Fatalf("levelling found nothing (spread %.2f)", spread)
	}
	checkServedOnce(t, p, got, all, true)
	after := p.score(got)
	if after.makespan >= before.makespan || p.spread(got) >= spread || p.spread(got) > 1.15 {
		t.Errorf("levelled: makespan %d → %d, spread %.3f → %.3f (want ≤ 1.15)", before.makespan, after.makespan, spread, p.spread(got))
	}
	if float64(after.total) > (1+levelTotalSlack)*float64(before.total) {
		t.Errorf("levelled total %d, was %d", after.total, before.total)
	}
}
