package carp

import "fmt"

// Link is one street of the graph: an undirected edge, or a directed arc (a one-way
// street) that may only be traversed and served From→To. Vertices are numbered from 0.
type Link struct {
	From, To int
	// Directed marks an arc: travel and service only From→To.
	Directed bool
	// Required links must be served exactly once, by one trip.
	Required bool
	// TravCost is the cost of passing the link without serving it (deadheading).
	TravCost int64
	// ServCost is the cost of serving it; it may differ from TravCost (MCARP, or walking
	// slower while visiting shops). Zero for links that are not required.
	ServCost int64
	// Demand is the load a service adds to its trip; zero for links that are not required.
	Demand int64
	// ID is the caller's identifier (a block id, or the 1-based line of a benchmark file).
	ID int64
}

// Instance is an arc-routing problem: a mixed graph, one depot and a vehicle capacity.
// Costs and demands are integers so that totals compare exactly with published values.
type Instance struct {
	Name     string
	Vertices int
	Depot    int
	// Capacity limits the total demand of one trip; 0 means unlimited.
	Capacity int64
	// Vehicles is the fleet size stated by the source, informational only: the solver
	// treats the number of trips as free unless told otherwise.
	Vehicles int
	Links    []Link
}

// Required returns the indices into Links of the required links, in order.
func (in *Instance) Required() []int {
	var r []int
	for i, l := range in.Links {
		if l.Required {
			r = append(r, i)
		}
	}
	return r
}

// TotalServiceCost is the sum of the service costs of all required links: a lower bound
// on any solution, recomputed here because benchmark headers state it wrongly.
func (in *Instance) TotalServiceCost() int64 {
	var s int64
	for _, l := range in.Links {
		if l.Required {
			s += l.ServCost
		}
	}
	return s
}

// Validate reports the first structural problem: vertices out of range, negative costs
// or demands, a demand above capacity, a required link with no demand-free meaning.
func (in *Instance) Validate() error {
	if in.Vertices <= 0 {
		return fmt.Errorf("instance %s: no vertices", in.Name)
	}
	if in.Depot < 0 || in.Depot >= in.Vertices {
		return fmt.Errorf("instance %s: depot %d outside 1..%d", in.Name, in.Depot+1, in.Vertices)
	}
	if in.Capacity < 0 {
		return fmt.Errorf("instance %s: negative capacity %d", in.Name, in.Capacity)
	}
	for i, l := range in.Links {
		switch {
		case l.From < 0 || l.From >= in.Vertices || l.To < 0 || l.To >= in.Vertices:
			return fmt.Errorf("instance %s: link %d (%d,%d) has a vertex outside 1..%d", in.Name, i, l.From+1, l.To+1, in.Vertices)
		case l.TravCost < 0 || l.ServCost < 0 || l.Demand < 0:
			return fmt.Errorf("instance %s: link %d (%d,%d) has a negative cost or demand", in.Name, i, l.From+1, l.To+1)
		case l.Required && in.Capacity > 0 && l.Demand > in.Capacity:
			return fmt.Errorf("instance %s: link %d (%d,%d) demand %d exceeds capacity %d", in.Name, i, l.From+1, l.To+1, l.Demand, in.Capacity)
		}
	}
	return nil
}
