package routing

import (
	"math"
	"sync"

	"github.com/gridsweep/gridsweep/geo"
)

// planGraph is the street network as the planner walks it: every network edge with a
// travel (deadhead) cost and a service cost in deciseconds, in compressed adjacency form
// so that the many shortest-path searches of a plan stay cache friendly.
type planGraph struct {
	n        int
	from, to []int32
	directed []bool
	trav     []int64
	serve    []int64
	// street, when set, numbers each edge's street (same name, else same way) so that
	// tours can prefer to carry on along a street.
	street []int32
	// lengthMM, when set, is each edge's length in millimetres. Deadhead costs are
	// lengths divided by a walking speed and rounded per edge, so a matching that is
	// optimal in time can be a few metres longer than one optimal in length; postman
	// tours match on length whenever it is known.
	lengthMM []int64

	outStart []int32
	outArc   []planArc
	inStart  []int32
	inArc    []planArc
}

// planArc is one way to leave (out lists) or enter (in lists) a node along an edge.
// rev means the edge is traversed To→From.
type planArc struct {
	node int32 // the other end
	edge int32
	rev  bool
}

// planUnreachable marks a node that no path reaches.
const planUnreachable int64 = 1 << 60

func newPlanGraph(n int, from, to []int32, directed []bool, trav, serve []int64) *planGraph {
	g := &planGraph{n: n, from: from, to: to, directed: directed, trav: trav, serve: serve}
	outDeg := make([]int32, n+1)
	inDeg := make([]int32, n+1)
	for e := range from {
		outDeg[from[e]]++
		inDeg[to[e]]++
		if !directed[e] && from[e] != to[e] {
			outDeg[to[e]]++
			inDeg[from[e]]++
		}
	}
	g.outStart = prefixStarts(outDeg)
	g.inStart = prefixStarts(inDeg)
	g.outArc = make([]planArc, g.outStart[n])
	g.inArc = make([]planArc, g.inStart[n])
	op := append([]int32(nil), g.outStart[:n]...)
	ip := append([]int32(nil), g.inStart[:n]...)
	add := func(u, v int32, e int, rev bool) {
		g.outArc[op[u]] = planArc{node: v, edge: int32(e), rev: rev}
		op[u]++
		g.inArc[ip[v]] = planArc{node: u, edge: int32(e), rev: rev}
		ip[v]++
	}
	for e := range from {
		add(from[e], to[e], e, false)
		if !directed[e] && from[e] != to[e] {
			add(to[e], from[e], e, true)
		}
	}
	return g
}

func prefixStarts(deg []int32) []int32 {
	s := make([]int32, len(deg))
	var acc int32
	for i := 0; i < len(deg)-1; i++ {
		s[i] = acc
		acc += deg[i]
	}
	s[len(deg)-1] = acc
	return s
}

// lengthsMM returns each network edge's length in whole millimetres, for lengthMM.
func lengthsMM(net *geo.Network) []int64 {
	mm := make([]int64, len(net.Edges))
	for e, ed := range net.Edges {
		mm[e] = int64(math.Round(ed.LengthM * 1000))
	}
	return mm
}

// deadheadWeights returns the edge weights postman tours pair odd nodes by: lengths
// when known (every deadhead cost is proportional to length), else travel costs.
func (g *planGraph) deadheadWeights() []int64 {
	if g.lengthMM != nil {
		return g.lengthMM
	}
	return g.trav
}

// moveEnds returns the nodes a move starts and ends at.
func (g *planGraph) moveEnds(m Move) (int, int) {
	if m.Reverse {
		return int(g.to[m.Link]), int(g.from[m.Link])
	}
	return int(g.from[m.Link]), int(g.to[m.Link])
}

func (g *planGraph) moveCost(m Move) int64 {
	if m.Serve {
		return g.serve[m.Link]
	}
	return g.trav[m.Link]
}

func (g *planGraph) walkCost(w []Move) int64 {
	var c int64
	for _, m := range w {
		c += g.moveCost(m)
	}
	return c
}

// spTree is the result of one Dijkstra search: distances and, per node, the arc index
// (into outArc for a forward search, inArc for a backward one) it was reached by.
type spTree struct {
	src     int
	reverse bool
	dist    []int64
	via     []int32
}

// shortest runs Dijkstra from src over travel costs: forward gives d(src, v), reverse gives
// d(v, src). stop, when not nil, ends the search once it returns true for a settled node
// (given with its distance).
func (g *planGraph) shortest(src int, reverse bool, stop func(v int, d int64) bool) *spTree {
	t := &spTree{src: src, reverse: reverse, dist: make([]int64, g.n), via: make([]int32, g.n)}
	for i := range t.dist {
		t.dist[i] = planUnreachable
		t.via[i] = -1
	}
	g.search(t, []int{src}, stop)
	return t
}

func (g *planGraph) search(t *spTree, srcs []int, stop func(v int, d int64) bool) {
	start, arcs := g.outStart, g.outArc
	if t.reverse {
		start, arcs = g.inStart, g.inArc
	}
	h := planHeap{}
	for _, s := range srcs {
		t.dist[s] = 0
		h.push(0, int32(s))
	}
	for len(h.d) > 0 {
		d, v := h.pop()
		if d != t.dist[v] {
			continue
		}
		if stop != nil && stop(int(v), d) {
			return
		}
		for a := start[v]; a < start[v+1]; a++ {
			arc := arcs[a]
			nd := d + g.trav[arc.edge]
			if nd < t.dist[arc.node] {
				t.dist[arc.node] = nd
				t.via[arc.node] = a
				h.push(nd, arc.node)
			}
		}
	}
}

// pathTo returns the moves of the shortest path between the tree's source and v, in
// walking order (source→v for a forward tree, v→source for a reverse one).
func (g *planGraph) pathTo(t *spTree, v int) []Move {
	var out []Move
	if t.reverse {
		for t.via[v] >= 0 {
			a := g.inArc[t.via[v]]
			// inArc at node x lists arcs entering x; we walked x→... so the arc entering
			// (the parent) was stored at the parent: find it through the arc itself.
			out = append(out, Move{Link: int(a.edge), Reverse: a.rev})
			v = int(g.otherEnd(a, true))
		}
		return out
	}
	for t.via[v] >= 0 {
		a := g.outArc[t.via[v]]
		out = append(out, Move{Link: int(a.edge), Reverse: a.rev})
		v = int(g.otherEnd(a, false))
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// otherEnd is the node an arc (reached through via) leads back to in the search tree.
func (g *planGraph) otherEnd(a planArc, reverse bool) int32 {
	// For a forward arc u→v (edge traversed From→To unless rev), the parent is u.
	// For a reverse search the arc stored at node v is an in-arc x→v... see search: a
	// reverse search walks inArc lists, whose node field is the arc's tail; so from the
	// node reached (the tail), the way back toward the source is the arc's head.
	if !reverse {
		if a.rev {
			return g.to[a.edge]
		}
		return g.from[a.edge]
	}
	if a.rev {
		return g.from[a.edge]
	}
	return g.to[a.edge]
}

// parallelTrees runs one search per source on up to threads goroutines.
func (g *planGraph) parallelTrees(srcs []int, reverse bool, threads int) []*spTree {
	out := make([]*spTree, len(srcs))
	if threads < 1 {
		threads = 1
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = g.shortest(srcs[i], reverse, nil)
			}
		}()
	}
	for i := range srcs {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// planHeap is a binary min-heap of (distance, node) without interface boxing.
type planHeap struct {
	d []int64
	v []int32
}

func (h *planHeap) push(d int64, v int32) {
	h.d = append(h.d, d)
	h.v = append(h.v, v)
	i := len(h.d) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.d[p] <= h.d[i] {
			break
		}
		h.d[p], h.d[i] = h.d[i], h.d[p]
		h.v[p], h.v[i] = h.v[i], h.v[p]
		i = p
	}
}

func (h *planHeap) pop() (int64, int32) {
	d, v := h.d[0], h.v[0]
	last := len(h.d) - 1
	h.d[0], h.v[0] = h.d[last], h.v[last]
	h.d, h.v = h.d[:last], h.v[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.d[l] < h.d[m] {
			m = l
		}
		if r < last && h.d[r] < h.d[m] {
			m = r
		}
		if m == i {
			break
		}
		h.d[m], h.d[i] = h.d[i], h.d[m]
		h.v[m], h.v[i] = h.v[i], h.v[m]
		i = m
	}
	return d, v
}
