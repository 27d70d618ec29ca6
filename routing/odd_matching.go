package routing

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/gridsweep/gridsweep/routing/matching"
)

// This file pairs a set of nodes at exactly minimum total shortest-path distance (the
// matching of a Chinese postman tour, or a minimum T-join). The metric closure of a city's
// odd nodes has millions of pairs, so the blossom algorithm runs on a sparse candidate
// graph and the full closure is priced afterwards with the final duals:
//
//  1. candidates: each node's nearestPartners nearest other nodes, from bounded
//     searches, plus the pairs of a greedy perfect matching so that one exists;
//  2. an optimal matching of the candidates with its dual certificate (package matching);
//  3. pricing: a pair u, v can only have negative reduced cost when 2·d(u,v) < y_u + y_v
//     (doubled duals; blossom terms only add), so when y_v ≤ y_u, d(u,v) < y_u. One
//     search from each u bounded at y_u finds every such pair; the violated ones join
//     the candidates and step 2 runs again.
//
// When no pair is violated the duals are feasible for the whole closure and their
// objective equals the matching's cost, so no perfect matching of the nodes is cheaper.

// nearestPartners is how many nearest other nodes each node offers as candidates. Higher
// makes pricing rounds rarer and the blossom runs slower.
const nearestPartners = 6

// pricedPerNode caps how many violated pairs per node one pricing adds.
const pricedPerNode = 2

// candidatePair is a pair of node indices and their shortest-path distance.
type candidatePair struct {
	i, j int32
	d    int64
}

// exactPairing is an optimal pairing of nodes with its proof.
type exactPairing struct {
	pairs [][2]int // node ids
	// exposed are the nodes left unpaired (matched to a free slot, see exactPairsFree).
	exposed []int
	cost    int64 // total distance, in the weights' unit
	rounds  int   // blossom runs (1 when the first candidates sufficed)
	edges   int   // candidate pairs in the last run
	duals   *matching.Duals
}

// exactPairs returns a minimum total distance perfect matching of nodes (distinct node
// ids, an even number of them) under shortest-path distances with edge weights w, the
// graph taken as undirected.
func (g *planGraph) exactPairs(ctx context.Context, nodes []int, w []int64, threads int) (*exactPairing, error) {
	return g.exactPairsFree(ctx, nodes, 0, w, threads)
}

// exactPairsFree is exactPairs where up to free of the nodes may stay unpaired at no cost
// (len(nodes)+free even): the free slots are extra vertices at distance zero from every
// node and from each other. It prices walks with loose ends: an open route may end at any
// node, so one of its odd nodes needs no partner (a T-join with exposed nodes).
func (g *planGraph) exactPairsFree(ctx context.Context, nodes []int, free int, w []int64, threads int) (*exactPairing, error) {
	n := len(nodes)
	if free < 0 || (n+free)%2 == 1 {
		return nil, fmt.Errorf("exact matching: %d nodes and %d free slots, want an even number", n, free)
	}
	if n == 0 {
		return &exactPairing{}, nil
	}
	index := make([]int32, g.n) // node → its position in nodes, -1 for other nodes
	for i := range index {
		index[i] = -1
	}
	for i, v := range nodes {
		if v < 0 || v >= g.n {
			return nil, fmt.Errorf("exact matching: node %d out of range", v)
		}
		if index[v] >= 0 {
			return nil, fmt.Errorf("exact matching: node %d given twice", v)
		}
		index[v] = int32(i)
	}
	threads = max(1, threads)
	cand := g.nearestCandidates(nodes, index, w, threads)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The free slots are indices n.. of the matching, joined at no cost to every node and
	// to each other; they are all candidates from the start, so pricing (which searches
	// the network) only ever concerns pairs of real nodes.
	for z := n; z < n+free; z++ {
		for i := 0; i < z; i++ {
			cand = append(cand, candidatePair{int32(i), int32(z), 0})
		}
	}
	extra, err := g.greedyCompletion(nodes, free, index, w, cand)
	if err != nil {
		return nil, err
	}
	cand = uniquePairs(append(cand, extra...))
	res := &exactPairing{}
	split := func(c []candidatePair) (eu, ev []int32, cw []int64) {
		for _, p := range c {
			eu, ev, cw = append(eu, p.i), append(ev, p.j), append(cw, p.d)
		}
		return eu, ev, cw
	}
	eu, ev, cw := split(cand)
	m, err := matching.Solve(ctx, n+free, eu, ev, cw)
	for {
		if err != nil {
			return nil, fmt.Errorf("exact matching: %w", err)
		}
		res.rounds++
		res.edges = len(cand)
		duals := m.Duals()
		if err := checkCandidateDuals(duals, cand); err != nil {
			return nil, err
		}
		violated := g.priceClosure(nodes, index, w, duals, threads)
		if len(violated) == 0 {
			res.duals = duals
			for i, j := range m.Mates() {
				switch {
				case i >= n:
				case int(j) >= n:
					res.exposed = append(res.exposed, nodes[i])
				case int32(i) < j:
					res.pairs = append(res.pairs, [2]int{nodes[i], nodes[j]})
				}
			}
			res.cost = duals.Cost / (2 * duals.Scale)
			return res, nil
		}
		before := len(cand)
		cand = uniquePairs(append(cand, violated...))
		if len(cand) != before+len(violated) {
			return nil, fmt.Errorf("exact matching: pricing found known pairs (internal error)")
		}
		// Go on from the last optimum with the violated pairs added.
		m.AddEdges(split(violated))
		err = m.Run(ctx)
	}
}

// checkCandidateDuals verifies the certificate on the candidate graph: every candidate's
// reduced cost non-negative, every z non-negative and the dual objective equal to the
// matching's cost. Pricing then extends feasibility to every other pair.
func checkCandidateDuals(d *matching.Duals, cand []candidatePair) error {
	for _, z := range d.Z {
		if z < 0 {
			return fmt.Errorf("exact matching: negative odd-set dual %d (internal error)", z)
		}
	}
	for _, c := range cand {
		if s := d.Slack(int(c.i), int(c.j), c.d); s < 0 {
			return fmt.Errorf("exact matching: candidate %d-%d has reduced cost %d (internal error)", c.i, c.j, s)
		}
	}
	if d.Objective != d.Cost {
		return fmt.Errorf("exact matching: dual objective %d ≠ matching cost %d, doubled (internal error)", d.Objective, d.Cost)
	}
	return nil
}

// nearestCandidates runs one search per node until it has settled nearestPartners other
// nodes, in parallel.
func (g *planGraph) nearestCandidates(nodes []int, index []int32, w []int64, threads int) []candidatePair {
	found := make([][]candidatePair, threads)
	g.eachIndex(len(nodes), threads, func(worker int, s *undirSearch, i int) {
		count := 0
		s.run(nodes[i:i+1], planUnreachable, func(v int32, d int64) bool {
			if j := index[v]; j >= 0 && int(j) != i {
				found[worker] = append(found[worker], orderedPair(int32(i), j, d))
				count++
			}
			return count >= nearestPartners
		})
	}, w)
	var all []candidatePair
	for _, f := range found {
		all = append(all, f...)
	}
	return uniquePairs(all)
}

// eachIndex calls fn for 0..n-1 on threads goroutines, each with its own search.
func (g *planGraph) eachIndex(n, threads int, fn func(worker int, s *undirSearch, i int), w []int64) {
	var wg sync.WaitGroup
	next := make(chan int, 64)
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			s := newUndirSearch(g, w)
			for i := range next {
				fn(t, s, i)
			}
		}(t)
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func orderedPair(i, j int32, d int64) candidatePair {
	if j < i {
		i, j = j, i
	}
	return candidatePair{i, j, d}
}

// uniquePairs sorts pairs and drops repeats (the same pair found from both ends carries
// the same exact distance).
func uniquePairs(p []candidatePair) []candidatePair {
	sort.Slice(p, func(a, b int) bool {
		if p[a].i != p[b].i {
			return p[a].i < p[b].i
		}
		return p[a].j < p[b].j
	})
	out := p[:0]
	for k, c := range p {
		if k == 0 || c.i != out[len(out)-1].i || c.j != out[len(out)-1].j {
			out = append(out, c)
		}
	}
	return out
}

// greedyCompletion returns the pairs of a perfect matching built greedily from the
// candidates (shortest first), completed by searching from each node left over to its
// nearest unmatched node. It guarantees that the candidate graph has a perfect matching;
// it fails only when some connected piece of the graph holds an odd number of the nodes.
// The free slots (indices from len(nodes) on, already joined to everything in cand) are
// taken first, at no cost.
func (g *planGraph) greedyCompletion(nodes []int, free int, index []int32, w []int64, cand []candidatePair) ([]candidatePair, error) {
	byCost := append([]candidatePair(nil), cand...)
	sort.SliceStable(byCost, func(a, b int) bool { return byCost[a].d < byCost[b].d })
	matched := make([]bool, len(nodes)+free)
	for _, c := range byCost {
		if !matched[c.i] && !matched[c.j] {
			matched[c.i], matched[c.j] = true, true
		}
	}
	var extra []candidatePair
	s := newUndirSearch(g, w)
	for i := range nodes {
		if matched[i] {
			continue
		}
		partner := int32(-1)
		var dist int64
		s.run(nodes[i:i+1], planUnreachable, func(v int32, d int64) bool {
			if j := index[v]; j >= 0 && int(j) != i && !matched[j] {
				partner, dist = j, d
				return true
			}
			return false
		})
		if partner < 0 {
			return nil, fmt.Errorf("exact matching: node %d cannot reach another unmatched node (a connected piece holds an odd number of them)", nodes[i])
		}
		matched[i], matched[partner] = true, true
		extra = append(extra, orderedPair(int32(i), partner, dist))
	}
	return extra, nil
}

// priceClosure returns pairs of the full metric closure whose reduced cost under the duals
// is negative: none when the matching is optimal for the closure. Only each node's
// pricedPerNode most violated pairs are returned, so that a poor first candidate graph
// (whose duals violate very many pairs) does not swamp the next run.
func (g *planGraph) priceClosure(nodes []int, index []int32, w []int64, duals *matching.Duals, threads int) []candidatePair {
	found := make([][]candidatePair, threads)
	type viol struct {
		p     candidatePair
		slack int64
	}
	g.eachIndex(len(nodes), threads, func(worker int, s *undirSearch, i int) {
		yi, sc := duals.Y[i], duals.Scale
		if yi <= 0 {
			return
		}
		var mine []viol
		// Violation needs 2·sc·d < y_i + y_j ≤ 2·y_i (for the pairs priced from i).
		s.run(nodes[i:i+1], (yi+sc-1)/sc, func(v int32, d int64) bool {
			j := index[v]
			if j < 0 || int(j) == i || 2*sc*d >= yi+duals.Y[j] {
				return false
			}
			if sl := duals.Slack(i, int(j), d); sl < 0 {
				mine = append(mine, viol{orderedPair(int32(i), j, d), sl})
			}
			return false
		})
		sort.Slice(mine, func(a, b int) bool { return mine[a].slack < mine[b].slack })
		for k := 0; k < len(mine) && k < pricedPerNode; k++ {
			found[worker] = append(found[worker], mine[k].p)
		}
	}, w)
	var all []candidatePair
	for _, f := range found {
		all = append(all, f...)
	}
	return uniquePairs(all)
}
