package routing

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// exactMatchingLimit is the largest number of odd nodes matched exactly (bitmask dynamic
// programme, 2^n·n steps); above it the matching is greedy plus pair exchanges.
const exactMatchingLimit = 18

// postmanTour returns a closed walk from depot over an undirected graph that serves every
// edge in req exactly once: the rural postman heuristic of Frederickson (join the pieces
// of the required edges and the depot by shortest paths, make every degree even with a
// minimum-cost matching of the odd nodes, then an Euler circuit). On a connected graph
// where every edge is required and there are at most exactMatchingLimit odd nodes, the
// walk is an optimal Chinese postman tour. Directed edges are treated as undirected:
// callers use it for pedestrians only.
//
// wide makes the odd-node matching see every pairwise distance (one full search per odd
// node; better matchings, slower), else each search stops at the nearest odd nodes.
func (g *planGraph) postmanTour(ctx context.Context, req []int, depot int, threads int, wide bool) ([]Move, error) {
	if len(req) == 0 {
		return nil, nil
	}
	// The multigraph of the circuit: one copy per required edge (served) plus the
	// deadhead copies added below.
	type copyEdge struct {
		u, v  int32
		edge  int32
		serve bool
	}
	copies := make([]copyEdge, 0, 2*len(req))
	deg := map[int32]int{}
	addCopy := func(e int32, serve bool) {
		u, v := g.from[e], g.to[e]
		copies = append(copies, copyEdge{u, v, e, serve})
		deg[u]++
		deg[v]++
	}
	for _, e := range req {
		addCopy(int32(e), true)
	}

	// Join the pieces (and the depot) with shortest paths, Prim style: grow one piece by
	// the nearest other piece until all are one.
	uf := newPlanUnionFind(g.n)
	for _, e := range req {
		uf.union(int(g.from[e]), int(g.to[e]))
	}
	touched := []int{depot}
	for _, e := range req {
		touched = append(touched, int(g.from[e]), int(g.to[e]))
	}
	pieceOf := func(v int) int { return uf.find(v) }
	root := pieceOf(depot)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var inTree []int
		others := map[int]bool{}
		for _, v := range touched {
			if pieceOf(v) == pieceOf(root) {
				inTree = append(inTree, v)
			} else {
				others[v] = true
			}
		}
		if len(others) == 0 {
			break
		}
		reached := -1
		t := g.shortestFrom(inTree, false, func(v int, _ int64) bool {
			if others[v] {
				reached = v
				return true
			}
			return false
		})
		if reached < 0 {
			return nil, fmt.Errorf("postman tour: required edges not reachable from node %d", depot)
		}
		path := g.pathTo(t, reached)
		for _, m := range path {
			addCopy(int32(m.Link), false)
			uf.union(int(g.from[m.Link]), int(g.to[m.Link]))
		}
		uf.union(reached, root)
		root = pieceOf(root)
	}

	var odd []int
	for v, d := range deg {
		if d%2 == 1 {
			odd = append(odd, int(v))
		}
	}
	sort.Ints(odd)
	pairs, err := g.matchOdd(ctx, odd, threads, wide)
	if err != nil {
		return nil, err
	}
	for _, p := range pairs {
		t := g.shortest(p[0], false, func(v int, _ int64) bool { return v == p[1] })
		for _, m := range g.pathTo(t, p[1]) {
			addCopy(int32(m.Link), false)
		}
	}

	// Hierholzer's algorithm on the copies. Adjacency lists are sorted so the circuit is
	// the same on every run.
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

// matchOdd pairs the odd nodes at (near) minimum total shortest-path cost.
func (g *planGraph) matchOdd(ctx context.Context, odd []int, threads int, wide bool) ([][2]int, error) {
	if len(odd) == 0 {
		return nil, nil
	}
	if len(odd)%2 == 1 {
		return nil, fmt.Errorf("postman tour: %d odd nodes", len(odd))
	}
	n := len(odd)
	var d [][]int64
	if n <= exactMatchingLimit || wide {
		d = g.oddRows(odd, threads)
	} else {
		// Good matchings pair nearby nodes, so each search stops once it has settled
		// its nearest oddNeighbours odd nodes; unknown distances stay unreachable.
		d = g.nearOddDistances(odd, threads)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var mate []int
	if n <= exactMatchingLimit {
		mate = exactMatching(d)
	} else {
		mate = greedyMatching(d, func(i int) []int64 {
			t := g.shortest(odd[i], false, nil)
			row := make([]int64, n)
			for j := range row {
				row[j] = t.dist[odd[j]]
			}
			return row
		})
		improveMatching(ctx, d, mate)
	}
	var pairs [][2]int
	for i, j := range mate {
		if i < j {
			if d[i][j] >= planUnreachable {
				return nil, fmt.Errorf("postman tour: odd nodes %d and %d are not connected", odd[i], odd[j])
			}
			pairs = append(pairs, [2]int{odd[i], odd[j]})
		}
	}
	return pairs, nil
}

// exactMatching is a minimum-cost perfect matching by dynamic programming over subsets:
// the lowest unmatched node is paired with each other unmatched node in turn.
func exactMatching(d [][]int64) []int {
	n := len(d)
	full := 1<<n - 1
	best := make([]int64, 1<<n)
	choice := make([]int8, 1<<n)
	for s := range best {
		best[s] = -1
	}
	var solve func(s int) int64
	solve = func(s int) int64 {
		if s == full {
			return 0
		}
		if best[s] >= 0 {
			return best[s]
		}
		i := 0
		for s&(1<<i) != 0 {
			i++
		}
		res := int64(-1)
		for j := i + 1; j < n; j++ {
			if s&(1<<j) != 0 {
				continue
			}
			c := d[i][j] + solve(s|1<<i|1<<j)
			if res < 0 || c < res {
				res = c
				choice[s] = int8(j)
			}
		}
		best[s] = res
		return res
	}
	solve(0)
	mate := make([]int, n)
	for s := 0; s != full; {
		i := 0
		for s&(1<<i) != 0 {
			i++
		}
		j := int(choice[s])
		mate[i], mate[j] = j, i
		s |= 1<<i | 1<<j
	}
	return mate
}

// greedyMatching pairs the closest remaining nodes first. fullRow supplies every
// distance from node i when its known neighbours are all taken.
func greedyMatching(d [][]int64, fullRow func(i int) []int64) []int {
	n := len(d)
	type pr struct {
		i, j int
		c    int64
	}
	// Only each node's nearest few partners are sorted; the rest are matched by a full
	// scan at the end, which is rare.
	const near = 12
	var cand []pr
	for i := 0; i < n; i++ {
		for _, j := range nearestOf(d[i], i, near) {
			if i < j {
				cand = append(cand, pr{i, j, d[i][j]})
			} else {
				cand = append(cand, pr{j, i, d[i][j]})
			}
		}
	}
	sort.Slice(cand, func(a, b int) bool {
		if cand[a].c != cand[b].c {
			return cand[a].c < cand[b].c
		}
		if cand[a].i != cand[b].i {
			return cand[a].i < cand[b].i
		}
		return cand[a].j < cand[b].j
	})
	mate := make([]int, n)
	for i := range mate {
		mate[i] = -1
	}
	for _, c := range cand {
		if mate[c.i] < 0 && mate[c.j] < 0 {
			mate[c.i], mate[c.j] = c.j, c.i
		}
	}
	for i := 0; i < n; i++ {
		if mate[i] >= 0 {
			continue
		}
		row := fullRow(i)
		bj := -1
		for j := 0; j < n; j++ {
			if j != i && mate[j] < 0 && (bj < 0 || row[j] < row[bj]) {
				bj = j
			}
		}
		d[i][bj], d[bj][i] = row[bj], row[bj]
		mate[i], mate[bj] = bj, i
	}
	return mate
}

// improveMatching exchanges partners between two pairs while that lowers the total:
// (a,b)(c,e) → (a,c)(b,e) or (a,e)(b,c). Candidates for c are a's nearest nodes.
func improveMatching(ctx context.Context, d [][]int64, mate []int) {
	n := len(d)
	const near = 16
	nearest := make([][]int, n)
	for i := 0; i < n; i++ {
		nearest[i] = nearestOf(d[i], i, near)
	}
	for pass := 0; pass < 50; pass++ {
		if ctx.Err() != nil {
			return
		}
		improved := false
		for a := 0; a < n; a++ {
			b := mate[a]
			for _, c := range nearest[a] {
				if c == b {
					continue
				}
				e := mate[c]
				if e == a {
					continue
				}
				old := d[a][b] + d[c][e]
				if alt := d[a][c] + d[b][e]; alt < old {
					mate[a], mate[c], mate[b], mate[e] = c, a, e, b
					improved = true
					break
				}
				if alt := d[a][e] + d[b][c]; alt < old {
					mate[a], mate[e], mate[b], mate[c] = e, a, c, b
					improved = true
					break
				}
			}
		}
		if !improved {
			return
		}
	}
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

// oddNeighbours is how many nearest odd nodes each bounded search settles.
const oddNeighbours = 64

// nearOddDistances returns an odd×odd distance matrix in which each node knows at least
// its oddNeighbours nearest odd nodes (and, by symmetry of undirected walking, whoever
// knows it); the rest are planUnreachable.
func (g *planGraph) nearOddDistances(odd []int, threads int) [][]int64 {
	n := len(odd)
	index := make(map[int]int, n)
	for i, v := range odd {
		index[v] = i
	}
	d := make([][]int64, n)
	for i := range d {
		d[i] = make([]int64, n)
		for j := range d[i] {
			d[i][j] = planUnreachable
		}
		d[i][i] = 0
	}
	rows := make([][][2]int64, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < max(1, threads); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var found [][2]int64
				g.shortest(odd[i], false, func(v int, dist int64) bool {
					if j, ok := index[v]; ok && j != i {
						found = append(found, [2]int64{int64(j), dist})
					}
					return len(found) >= oddNeighbours
				})
				rows[i] = found
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, row := range rows {
		for _, f := range row {
			j := int(f[0])
			if f[1] < d[i][j] {
				d[i][j], d[j][i] = f[1], f[1]
			}
		}
	}
	return d
}

// nearestOf returns up to k indices j != i with the smallest reachable row[j], closest
// first (ties by index).
func nearestOf(row []int64, i, k int) []int {
	out := make([]int, 0, k+1)
	for j, c := range row {
		if j == i || c >= planUnreachable {
			continue
		}
		if len(out) == k && c >= row[out[k-1]] {
			continue
		}
		pos := len(out)
		for pos > 0 && (row[out[pos-1]] > c) {
			pos--
		}
		out = append(out, 0)
		copy(out[pos+1:], out[pos:])
		out[pos] = j
		if len(out) > k {
			out = out[:k]
		}
	}
	return out
}

// oddRows returns the full odd×odd distance matrix, one search per row, keeping only
// the rows (a search tree per odd node would hold far more memory).
func (g *planGraph) oddRows(odd []int, threads int) [][]int64 {
	d := make([][]int64, len(odd))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < max(1, threads); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := g.shortest(odd[i], false, nil)
				row := make([]int64, len(odd))
				for j, v := range odd {
					row[j] = t.dist[v]
				}
				d[i] = row
			}
		}()
	}
	for i := range odd {
		next <- i
	}
	close(next)
	wg.Wait()
	return d
}
