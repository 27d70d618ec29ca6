package carp

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
)

// TestSolveUnlimitedCapacityIsOptimalPostman checks the solver's Capacity 0 mode (one
// trip serves everything) against the exact computation, on random connected undirected
// graphs with every link required.
func TestSolveUnlimitedCapacityIsOptimalPostman(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 15; trial++ {
		nodes := 3 + rng.IntN(11)
		in := randomInstance(int64(trial), nodes, rng.IntN(nodes+2), 0, 0, false)
		for i := range in.Links {
			l := &in.Links[i]
			l.Required, l.Demand, l.ServCost = true, 1, l.TravCost+int64(rng.IntN(5))
		}
		want, err := ChinesePostmanCost(in)
		if err != nil {
			t.Fatal(err)
		}
		sol, err := Solve(context.Background(), in, Options{Seconds: 2, Seed: 1, MaxIterations: 300})
		if err != nil {
			t.Fatal(err)
		}
		checkSolution(t, in, sol)
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
