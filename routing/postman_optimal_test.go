package routing_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
	"github.com/gridsweep/gridsweep/routing/carp"
	"github.com/paulmach/orb"
)

// instanceOf turns the planner's graph into an undirected instance with every block
// required, so that carp's ChinesePostmanCost, which shares no code with the planner,
// can price it.
func instanceOf(pl *routing.Plan) *carp.Instance {
	n, from, to, trav, serve := routing.PlanGraphOf(pl)
	in := &carp.Instance{Name: "plan", Vertices: n, Depot: pl.Routes[0].StartNode}
	for e := range from {
		in.Links = append(in.Links, carp.Link{From: int(from[e]), To: int(to[e]), Required: true,
			TravCost: trav[e], ServCost: serve[e], Demand: 1, ID: int64(e)})
	}
	return in
}

// TestOneWorkerIsOptimalPostman: on small connected networks the one-worker patrol route
// must cost exactly an optimal Chinese postman tour.
func TestOneWorkerIsOptimalPostman(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 40; trial++ {
		nodes := 3 + rng.IntN(13)
		blocks := routing.RandomConnectedBlocks(rng, nodes, rng.IntN(nodes+2))
		net, err := geo.BuildNetwork(blocks)
		if err != nil {
			t.Fatal(err)
		}
		start := net.Nodes[rng.IntN(len(net.Nodes))].Point
		pl, err := routing.PlanRoutes(context.Background(), routing.PlanInput{Network: net}, routing.PlanOptions{Workers: 1, Starts: []orb.Point{start}, Seconds: 1, Seed: int64(trial)})
		if err != nil {
			t.Fatal(err)
		}
		routing.CheckComplete(t, pl)
		want, err := carp.ChinesePostmanCost(instanceOf(pl))
		if err != nil {
			t.Fatal(err)
		}
		if got := int64(pl.Routes[0].Cost / routing.DsToDuration(1)); got != want {
			t.Errorf("trial %d (%d nodes, %d blocks): route costs %d ds, optimal postman tour %d", trial, nodes, len(blocks), got, want)
		}
	}
}
