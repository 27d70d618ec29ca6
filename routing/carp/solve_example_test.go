package carp_test

import (
	"context"
	"fmt"

	"github.com/gridsweep/gridsweep/routing/carp"
)

// A square block of four two-way streets with a one-way diagonal, depot at corner 0:
// all four sides must be swept, and the vehicle carries two streets' worth per trip.
func ExampleSolve() {
	in := &carp.Instance{Name: "square", Vertices: 4, Depot: 0, Capacity: 2, Links: []carp.Link{
		{From: 0, To: 1, Required: true, TravCost: 3, ServCost: 3, Demand: 1},
		{From: 1, To: 2, Required: true, TravCost: 3, ServCost: 3, Demand: 1},
		{From: 2, To: 3, Required: true, TravCost: 3, ServCost: 3, Demand: 1},
		{From: 3, To: 0, Required: true, TravCost: 3, ServCost: 3, Demand: 1},
		{From: 2, To: 0, Directed: true, TravCost: 4},
	}}
	sol, err := carp.Solve(context.Background(), in, carp.Options{Seed: 1, MaxIterations: 50})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("trips:", len(sol.Trips), "cost:", sol.Cost, "recomputed:", carp.Cost(in, sol))
	// Output: trips: 2 cost: 20 recomputed: 20
}
