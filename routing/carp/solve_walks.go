package carp

import "github.com/gridsweep/gridsweep/routing"

// pathCache runs Dijkstra once per source vertex on demand.
type pathCache struct {
	g     *graph
	trees map[int]*shortestTree
}

func newPathCache(in *Instance) *pathCache {
	return &pathCache{g: newGraph(in), trees: map[int]*shortestTree{}}
}

func (c *pathCache) tree(src int) *shortestTree {
	t, ok := c.trees[src]
	if !ok {
		t = c.g.dijkstra(src)
		c.trees[src] = t
	}
	return t
}

// serviceEnds returns where serving sv starts and ends.
func serviceEnds(in *Instance, sv Service) (from, to int) {
	l := in.Links[sv.Link]
	if sv.Reverse && !l.Directed {
		return l.To, l.From
	}
	return l.From, l.To
}

// Walks expands every trip into the full depot-to-depot sequence of link traversals:
// shortest deadheading paths between consecutive services, and the services themselves.
func (s *Solution) Walks(in *Instance) []routing.Walk {
	c := newPathCache(in)
	walks := make([]routing.Walk, 0, len(s.Trips))
	for _, tr := range s.Trips {
		var w routing.Walk
		at := in.Depot
		for _, sv := range tr.Services {
			from, to := serviceEnds(in, sv)
			w = append(w, c.tree(at).path(from)...)
			w = append(w, routing.Move{Link: sv.Link, Reverse: sv.Reverse && !in.Links[sv.Link].Directed, Serve: true})
			at = to
		}
		w = append(w, c.tree(at).path(in.Depot)...)
		walks = append(walks, w)
	}
	return walks
}

// Cost recomputes the total cost of s from its trips: service costs plus shortest
// deadheading between consecutive services and to and from the depot. A trip needing
// a path that does not exist makes the cost at least 2^50.
func Cost(in *Instance, s *Solution) int64 {
	c := newPathCache(in)
	var total int64
	for _, tr := range s.Trips {
		at := in.Depot
		for _, sv := range tr.Services {
			from, to := serviceEnds(in, sv)
			total += c.tree(at).dist[from] + in.Links[sv.Link].ServCost
			at = to
		}
		total += c.tree(at).dist[in.Depot]
	}
	return total
}
