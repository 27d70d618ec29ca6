package routing

// undirSearch is a reusable Dijkstra over the planning graph taken as undirected (every
// edge walkable both ways, as a pedestrian walks), with its own edge weights. Reuse
// matters: the exact matching runs one bounded search per odd node, and clearing only the
// nodes a search touched keeps each one proportional to the area it covers.
type undirSearch struct {
	g    *planGraph
	w    []int64
	dist []int64
	via  []int32 // the edge a node was reached by, -1 for sources and unreached nodes
	seen []int32
	h    planHeap
}

func newUndirSearch(g *planGraph, w []int64) *undirSearch {
	s := &undirSearch{g: g, w: w, dist: make([]int64, g.n), via: make([]int32, g.n)}
	for i := range s.dist {
		s.dist[i] = planUnreachable
		s.via[i] = -1
	}
	return s
}

func (s *undirSearch) reset() {
	for _, v := range s.seen {
		s.dist[v] = planUnreachable
		s.via[v] = -1
	}
	s.seen = s.seen[:0]
	s.h.d, s.h.v = s.h.d[:0], s.h.v[:0]
}

// run searches from srcs (all at distance 0) and calls visit on every node it settles, in
// order of distance; visit returning true ends the search. Nodes at distance limit or
// more are never settled.
func (s *undirSearch) run(srcs []int, limit int64, visit func(v int32, d int64) bool) {
	s.reset()
	for _, v := range srcs {
		if s.dist[v] != 0 {
			s.dist[v] = 0
			s.seen = append(s.seen, int32(v))
			s.h.push(0, int32(v))
		}
	}
	g := s.g
	for len(s.h.d) > 0 {
		d, v := s.h.pop()
		if d != s.dist[v] {
			continue
		}
		if d >= limit || visit(v, d) {
			return
		}
		// Out arcs hold every undirected edge both ways and directed edges forward; in
		// arcs add the directed edges backward.
		for a := g.outStart[v]; a < g.outStart[v+1]; a++ {
			s.relax(g.outArc[a].node, g.outArc[a].edge, d)
		}
		for a := g.inStart[v]; a < g.inStart[v+1]; a++ {
			if arc := g.inArc[a]; g.directed[arc.edge] {
				s.relax(arc.node, arc.edge, d)
			}
		}
	}
}

func (s *undirSearch) relax(x, e int32, d int64) {
	nd := d + s.w[e]
	if nd < s.dist[x] {
		if s.dist[x] == planUnreachable {
			s.seen = append(s.seen, x)
		}
		s.dist[x] = nd
		s.via[x] = e
		s.h.push(nd, x)
	}
}

// pathTo returns the moves from the search's sources to v, in walking order.
func (s *undirSearch) pathTo(v int) []Move {
	var out []Move
	for s.via[v] >= 0 {
		e := s.via[v]
		from := int(s.g.from[e])
		if from == v {
			from = int(s.g.to[e])
		}
		// Walked from → v: reversed when the edge's own direction is v → from.
		out = append(out, Move{Link: int(e), Reverse: int(s.g.to[e]) == from && int(s.g.from[e]) == v})
		v = from
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
