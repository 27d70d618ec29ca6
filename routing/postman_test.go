package routing

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/paulmach/orb"
)

// instanceOf turns the planner's graph into an undirected instance with every block
// required, so that the independent ChinesePostmanCost can price it.
func instanceOf(pl *Plan) *Instance {
	in := &Instance{Name: "plan", Vertices: pl.g.n, Depot: pl.Routes[0].StartNode}
	for e := range pl.g.from {
		in.Links = append(in.Links, Link{From: int(pl.g.from[e]), To: int(pl.g.to[e]), Required: true,
			TravCost: pl.g.trav[e], ServCost: pl.g.serve[e], Demand: 1, ID: int64(e)})
	}
	return in
}

// TestOneWorkerIsOptimalPostman: on small connected networks the one-worker patrol route
// must cost exactly an optimal Chinese postman tour.
func TestOneWorkerIsOptimalPostman(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 40; trial++ {
		nodes := 3 + rng.IntN(13)
		blocks := randomConnectedBlocks(rng, nodes, rng.IntN(nodes+2))
		net, err := geo.BuildNetwork(blocks)
		if err != nil {
			t.Fatal(err)
		}
		start := net.Nodes[rng.IntN(len(net.Nodes))].Point
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 1, Starts: []orb.Point{start}, Seconds: 1, Seed: int64(trial)})
		if err != nil {
			t.Fatal(err)
		}
		checkComplete(t, pl)
		want, err := ChinesePostmanCost(instanceOf(pl))
		if err != nil {
			t.Fatal(err)
		}
		if got := int64(pl.Routes[0].Cost / dsToDuration(1)); got != want {
			t.Errorf("trial %d (%d nodes, %d blocks): route costs %d ds, optimal postman tour %d", trial, nodes, len(blocks), got, want)
		}
	}
}

// TestSolveUnlimitedCapacityIsOptimalPostman checks the solver's Capacity 0 mode, which
// plans lean on, against the same exact computation.
func TestSolveUnlimitedCapacityIsOptimalPostman(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 15; trial++ {
		nodes := 3 + rng.IntN(11)
		net, err := geo.BuildNetwork(randomConnectedBlocks(rng, nodes, rng.IntN(nodes+2)))
		if err != nil {
			t.Fatal(err)
		}
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 1, Seconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		in := instanceOf(pl)
		want, err := ChinesePostmanCost(in)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := Solve(context.Background(), in, Options{Seconds: 2, Seed: 1, MaxIterations: 300})
		if err != nil {
			t.Fatal(err)
		}
		if len(sol.Trips) != 1 || sol.Cost != want {
			t.Errorf("trial %d: Solve gives %d trips costing %d, optimal postman tour %d", trial, len(sol.Trips), sol.Cost, want)
		}
	}
}

func TestChinesePostmanCostKnown(t *testing.T) {
	// A triangle with a tail: odd nodes are 2 and 3 (0-based), joined by the 4 link.
	in := &Instance{Name: "tail", Vertices: 4, Links: []Link{
		{From: 0, To: 1, TravCost: 3, ServCost: 5},
		{From: 1, To: 2, TravCost: 4, ServCost: 6},
		{From: 2, To: 0, TravCost: 2, ServCost: 3},
		{From: 2, To: 3, TravCost: 7, ServCost: 9},
	}}
	got, err := ChinesePostmanCost(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(5 + 6 + 3 + 9 + 7); got != want {
		t.Errorf("cost %d, want %d", got, want)
	}
	in.Links = append(in.Links, Link{From: 0, To: 3, TravCost: 1, ServCost: 1, Directed: true})
	if _, err := ChinesePostmanCost(in); err == nil {
		t.Error("directed link accepted")
	}
	big := &Instance{Name: "star", Vertices: 23}
	for v := 1; v < 23; v++ {
		big.Links = append(big.Links, Link{From: 0, To: v, TravCost: 1, ServCost: 1})
	}
	if _, err := ChinesePostmanCost(big); !errors.Is(err, ErrPostmanTooLarge) {
		t.Errorf("22 odd nodes: err %v, want ErrPostmanTooLarge", err)
	}
}
