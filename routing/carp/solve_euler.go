package carp

import (
	"math/rand"
	"sort"
)

// eulerTour builds a giant tour the way the classic rural postman heuristic does
// (Frederickson): join the connected pieces of the required links and the depot by a
// minimum spanning tree of shortest deadheads, pair the odd-degree vertices by a cheap
// matching of shortest deadheads, and walk an Euler circuit from the depot; the order in
// which the circuit serves the required links is the tour. On a street network where
// every link is required (a Chinese postman problem) this is optimal or nearly so, a
// start the sequence-based local search alone reaches only slowly. Deadheads are
// treated as symmetric (the shorter direction): arcs are the local search's business.
func (p *problem) eulerTour(rng *rand.Rand) []int32 {
	g := newEulerGraph(p)
	g.joinComponents()
	g.matchOdd(rng)
	return g.circuit(rng)
}

// eulerGraph is the multigraph eulerTour walks: its vertices are the key vertices
// (endpoints of required links and the depot), its edges the required links (one per
// task) plus the deadheads added to make it connected and even.
type eulerGraph struct {
	p *problem
	// vid maps an instance vertex to its key vertex. rowNode and colNode hold, per key
	// vertex, a node of the distance matrix dd whose end is that vertex (a row) and one
	// that starts there (a column), -1 if none.
	vid              map[int]int
	rowNode, colNode []int
	edges            []eulerEdge
	dep              int // the depot's key vertex
}

type eulerEdge struct {
	a, b int
	task int32 // -1 for a deadhead
}

// newEulerGraph makes the key vertices and one edge per task.
func newEulerGraph(p *problem) *eulerGraph {
	in := p.in
	g := &eulerGraph{p: p, vid: map[int]int{}}
	g.dep = g.vertex(in.Depot, 2*p.n, 2*p.n)
	for t := 0; t < p.n; t++ {
		l := in.Links[p.link[t]]
		var a, b int
		if l.Directed {
			// An arc only leaves From and only arrives at To.
			a = g.vertex(l.From, -1, 2*t)
			b = g.vertex(l.To, 2*t, -1)
		} else {
			// Mode 0 runs From→To, mode 1 To→From.
			a = g.vertex(l.From, 2*t+1, 2*t)
			b = g.vertex(l.To, 2*t, 2*t+1)
		}
		g.edges = append(g.edges, eulerEdge{a, b, int32(t)})
	}
	return g
}

// vertex returns the key vertex of instance vertex v, adding it if new, and records row
// and col as its nodes unless it has some already.
func (g *eulerGraph) vertex(v, row, col int) int {
	k, ok := g.vid[v]
	if !ok {
		k = len(g.rowNode)
		g.vid[v] = k
		g.rowNode = append(g.rowNode, -1)
		g.colNode = append(g.colNode, -1)
	}
	if g.rowNode[k] < 0 {
		g.rowNode[k] = row
	}
	if g.colNode[k] < 0 {
		g.colNode[k] = col
	}
	return k
}

// size is the number of key vertices.
func (g *eulerGraph) size() int { return len(g.rowNode) }

// dist is the shortest deadhead between key vertices a and b, in the cheaper direction.
func (g *eulerGraph) dist(a, b int) int64 {
	if a == b {
		return 0
	}
	p := g.p
	best := unreachable
	if g.rowNode[a] >= 0 && g.colNode[b] >= 0 {
		best = p.dd[g.rowNode[a]*p.N+g.colNode[b]]
	}
	if g.rowNode[b] >= 0 && g.colNode[a] >= 0 {
		best = min(best, p.dd[g.rowNode[b]*p.N+g.colNode[a]])
	}
	return best
}

// joinComponents adds the deadheads of a minimum spanning tree over the connected
// components of the required links plus the depot.
func (g *eulerGraph) joinComponents() {
	k := g.size()
	// Components by union-find.
	parent := make([]int, k)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, e := range g.edges {
		parent[find(e.a)] = find(e.b)
	}
	// Prim over vertices, where joining a component costs nothing inside it: a vertex
	// enters the tree with all of its component.
	inTree := make([]bool, k)
	best := make([]int64, k)
	from := make([]int, k)
	for i := range best {
		best[i] = unreachable + 1
	}
	addComp := func(root int) {
		for v := 0; v < k; v++ {
			if !inTree[v] && find(v) == root {
				inTree[v] = true
				for w := 0; w < k; w++ {
					if !inTree[w] {
						if d := g.dist(v, w); d < best[w] {
							best[w], from[w] = d, v
						}
					}
				}
			}
		}
	}
	addComp(find(g.dep))
	for {
		w := -1
		for v := 0; v < k; v++ {
			if !inTree[v] && (w < 0 || best[v] < best[w]) {
				w = v
			}
		}
		if w < 0 {
			break
		}
		g.edges = append(g.edges, eulerEdge{from[w], w, -1})
		addComp(find(w))
	}
}

// matchOdd makes every degree even: the odd vertices are matched greedily by increasing
// distance (random tie order), then improved by exchanging partners between two pairs
// while that pays, and each pair is joined by a deadhead.
func (g *eulerGraph) matchOdd(rng *rand.Rand) {
	k := g.size()
	deg := make([]int, k)
	for _, e := range g.edges {
		deg[e.a]++
		deg[e.b]++
	}
	var odd []int
	for v := 0; v < k; v++ {
		if deg[v]%2 == 1 {
			odd = append(odd, v)
		}
	}
	type pair struct {
		a, b int
		d    int64
		r    int32
	}
	pairs := make([]pair, 0, len(odd)*(len(odd)-1)/2)
	for i, a := range odd {
		for _, b := range odd[i+1:] {
			pairs = append(pairs, pair{a, b, g.dist(a, b), rng.Int31()})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].d != pairs[j].d {
			return pairs[i].d < pairs[j].d
		}
		return pairs[i].r < pairs[j].r
	})
	mate := make([]int, k)
	for i := range mate {
		mate[i] = -1
	}
	var matched [][2]int
	for _, pr := range pairs {
		if mate[pr.a] < 0 && mate[pr.b] < 0 {
			mate[pr.a], mate[pr.b] = pr.b, pr.a
			matched = append(matched, [2]int{pr.a, pr.b})
		}
	}
	g.exchangePartners(matched)
	for _, m := range matched {
		g.edges = append(g.edges, eulerEdge{m[0], m[1], -1})
	}
}

// exchangePartners improves a matching in place: two pairs swap partners while that
// shortens them (at most 50 passes).
func (g *eulerGraph) exchangePartners(matched [][2]int) {
	for pass := 0; pass < 50; pass++ {
		improved := false
		for i := range matched {
			for j := i + 1; j < len(matched); j++ {
				a, b := matched[i][0], matched[i][1]
				c, d := matched[j][0], matched[j][1]
				cur := g.dist(a, b) + g.dist(c, d)
				if x := g.dist(a, c) + g.dist(b, d); x < cur {
					matched[i], matched[j] = [2]int{a, c}, [2]int{b, d}
					improved = true
				} else if y := g.dist(a, d) + g.dist(b, c); y < cur {
					matched[i], matched[j] = [2]int{a, d}, [2]int{b, c}
					improved = true
				}
			}
		}
		if !improved {
			break
		}
	}
}

// circuit walks Hierholzer's circuit from the depot, neighbours in random order, and
// returns the tasks in the order it serves them; nil if it misses some (the deadheads
// did not connect everything).
func (g *eulerGraph) circuit(rng *rand.Rand) []int32 {
	k, edges := g.size(), g.edges
	adj := make([][]int, k)
	for i, e := range edges {
		adj[e.a] = append(adj[e.a], i)
		adj[e.b] = append(adj[e.b], i)
	}
	for _, l := range adj {
		rng.Shuffle(len(l), func(i, j int) { l[i], l[j] = l[j], l[i] })
	}
	used := make([]bool, len(edges))
	next := make([]int, k)
	type step struct{ v, e int }
	stack := []step{{g.dep, -1}}
	var circuit []int // edges, in reverse order of the walk
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		v := top.v
		for next[v] < len(adj[v]) && used[adj[v][next[v]]] {
			next[v]++
		}
		if next[v] == len(adj[v]) {
			if top.e >= 0 {
				circuit = append(circuit, top.e)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		e := adj[v][next[v]]
		used[e] = true
		w := edges[e].a
		if w == v {
			w = edges[e].b
		}
		stack = append(stack, step{w, e})
	}
	tour := make([]int32, 0, g.p.n)
	for i := len(circuit) - 1; i >= 0; i-- {
		if t := edges[circuit[i]].task; t >= 0 {
			tour = append(tour, t)
		}
	}
	if len(tour) != g.p.n {
		return nil // disconnected deadheads: leave it to the other starts
	}
	return tour
}
