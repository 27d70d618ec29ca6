package routing

import (
	"context"
	"fmt"
	"slices"
	"sort"
)

// postmanTour returns a closed walk from depot over an undirected graph that serves every
// edge in req exactly once: the rural postman heuristic of Frederickson (join the pieces
// of the required edges and the depot by shortest paths, make every degree even with a
// minimum-cost matching of the odd nodes, then an Euler circuit). The matching is exact
// (exactPairs: blossom algorithm with a dual certificate), so on a connected graph where
// every edge is required the walk is an optimal Chinese postman tour, whatever the number
// of odd nodes: optimal in length when the graph knows its edge lengths, else in travel
// time. Directed edges are treated as undirected: callers use it for pedestrians only.
func (g *planGraph) postmanTour(ctx context.Context, req []int, depot int, threads int) ([]Move, error) {
	return g.postmanWalk(ctx, req, depot, depot, threads)
}

// postmanWalk is postmanTour for a walk from one node to another: to = from gives the
// closed tour, to ≥ 0 a walk that ends at to, and to < 0 an open walk that ends wherever
// is best. A walk from s to t needs every node even except s and t, so the matching
// pairs the odd nodes with s and t toggled; an open end is one free slot in the matching
// (exactPairsFree), the node left unpaired being where the walk ends. On a connected
// graph where every edge is required that is the optimal postman path. An open walk
// stops after its last served edge.
func (g *planGraph) postmanWalk(ctx context.Context, req []int, from, to int, threads int) ([]Move, error) {
	if len(req) == 0 {
		return nil, nil
	}
	w := g.deadheadWeights()
	mg := &tourMultigraph{deg: map[int32]int{}}
	for _, e := range req {
		mg.add(g, int32(e), true)
	}
	s := newUndirSearch(g, w)
	if err := g.joinPieces(ctx, mg, req, from, s); err != nil {
		return nil, err
	}
	odd, free := mg.oddNodes(), 0
	if to != from {
		odd = toggleNode(odd, from)
		if to >= 0 {
			odd = toggleNode(odd, to)
		} else {
			free = 1
		}
	}
	res, err := g.exactPairsFree(ctx, odd, free, w, threads)
	if err != nil {
		return nil, fmt.Errorf("postman tour: %w", err)
	}
	for _, p := range res.pairs {
		s.run(p[:1], planUnreachable, func(v int32, _ int64) bool { return int(v) == p[1] })
		for _, m := range s.pathTo(p[1]) {
			mg.add(g, int32(m.Link), false)
		}
	}
	walk, err := g.eulerCircuit(mg, from)
	if err != nil || to >= 0 {
		return walk, err
	}
	last := len(walk) - 1
	for last >= 0 && !walk[last].Serve {
		last--
	}
	return walk[:last+1], nil
}

// toggleNode adds v to the sorted set nodes, or removes it when there.
func toggleNode(nodes []int, v int) []int {
	i, found := slices.BinarySearch(nodes, v)
	if found {
		return slices.Delete(nodes, i, i+1)
	}
	return slices.Insert(nodes, i, v)
}

// tourMultigraph is the multigraph of a postman circuit: one copy per required edge
// (served) plus the deadhead copies that join pieces and pair odd nodes.
type tourMultigraph struct {
	copies []tourCopy
	deg    map[int32]int
}

type tourCopy struct {
	u, v  int32
	edge  int32
	serve bool
}

func (mg *tourMultigraph) add(g *planGraph, e int32, serve bool) {
	u, v := g.from[e], g.to[e]
	mg.copies = append(mg.copies, tourCopy{u, v, e, serve})
	mg.deg[u]++
	mg.deg[v]++
}

// oddNodes lists the nodes of odd degree, in increasing order.
func (mg *tourMultigraph) oddNodes() []int {
	var odd []int
	for v, d := range mg.deg {
		if d%2 == 1 {
			odd = append(odd, int(v))
		}
	}
	sort.Ints(odd)
	return odd
}

// joinPieces links the pieces of the required edges and the depot with shortest paths,
// Prim style: the piece holding the depot grows by its nearest other piece until all are
// one.
func (g *planGraph) joinPieces(ctx context.Context, mg *tourMultigraph, req []int, depot int, s *undirSearch) error {
	uf := newPlanUnionFind(g.n)
	for _, e := range req {
		uf.union(int(g.from[e]), int(g.to[e]))
	}
	touched := []int{depot}
	for _, e := range req {
		touched = append(touched, int(g.from[e]), int(g.to[e]))
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		root := uf.find(depot)
		var inTree []int
		others := map[int32]bool{}
		for _, v := range touched {
			if uf.find(v) == root {
				inTree = append(inTree, v)
			} else {
				others[int32(v)] = true
			}
		}
		if len(others) == 0 {
			return nil
		}
		reached := -1
		s.run(inTree, planUnreachable, func(v int32, _ int64) bool {
			if others[v] {
				reached = int(v)
				return true
			}
			return false
		})
		if reached < 0 {
			return fmt.Errorf("postman tour: required edges not reachable from node %d", depot)
		}
		for _, m := range s.pathTo(reached) {
			mg.add(g, int32(m.Link), false)
			uf.union(int(g.from[m.Link]), int(g.to[m.Link]))
		}
		uf.union(reached, root)
	}
}

// eulerCircuit walks every copy of mg once from depot (Hierholzer's algorithm): a circuit
// when every degree is even, else a trail to the other odd node (depot must then be odd
// too). Adjacency lists keep insertion order so the walk is the same on every run.
func (g *planGraph) eulerCircuit(mg *tourMultigraph, depot int) ([]Move, error) {
	copies := mg.copies
	adj := map[int32][]int32{}
	for i, c := range copies {
		adj[c.u] = append(adj[c.u], int32(i))
		if c.v != c.u {
			adj[c.v] = append(adj[c.v], int32(i))
		}
	}
	used := make([]bool, len(copies))
	ptr := map[int32]int{}
	type frame struct {
		v    int32
		copy int32 // the copy used to arrive at v, -1 at the start
	}
	stack := []frame{{int32(depot), -1}}
	var rev []Move // the circuit in reverse order
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		v := top.v
		advanced := false
		// Go on along the same street when it has an unused copy here: circuits that
		// follow streets cut into territories that do too.
		if g.street != nil && top.copy >= 0 {
			want := g.street[copies[top.copy].edge]
			for k := ptr[v]; k < len(adj[v]); k++ {
				ci := adj[v][k]
				if !used[ci] && g.street[copies[ci].edge] == want {
					adj[v][k], adj[v][ptr[v]] = adj[v][ptr[v]], adj[v][k]
					break
				}
			}
		}
		for ptr[v] < len(adj[v]) {
			ci := adj[v][ptr[v]]
			ptr[v]++
			if used[ci] {
				continue
			}
			used[ci] = true
			c := copies[ci]
			w := c.v
			if c.u != v {
				w = c.u
			}
			stack = append(stack, frame{w, ci})
			advanced = true
			break
		}
		if advanced {
			continue
		}
		stack = stack[:len(stack)-1]
		if top.copy >= 0 {
			c := copies[top.copy]
			// Arrived at top.v along this copy, so it was walked toward top.v.
			rev = append(rev, Move{Link: int(c.edge), Reverse: c.u == top.v && c.u != c.v, Serve: c.serve})
		}
	}
	if len(rev) != len(copies) {
		return nil, fmt.Errorf("postman tour: circuit uses %d of %d edges (graph not joined)", len(rev), len(copies))
	}
	walk := make([]Move, len(rev))
	for i, m := range rev {
		walk[len(rev)-1-i] = m
	}
	return walk, nil
}

// planUnionFind is a disjoint-set forest over node indices.
type planUnionFind struct{ parent []int }

func newPlanUnionFind(n int) *planUnionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &planUnionFind{p}
}

func (u *planUnionFind) find(x int) int {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *planUnionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a != b {
		u.parent[a] = b
	}
}
