package routing

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
)

// exposedMatching is the exact minimum cost of pairing the nodes when up to free of them
// may stay unpaired (their number of the same parity as free), by dynamic programming
// over subsets; -1 when there is none. It shares nothing with exactPairsFree.
func exposedMatching(d [][]int64, nodes []int, free int) int64 {
	n := len(nodes)
	// best[k][s]: the cheapest way to settle the nodes in s with k of them unpaired.
	best := make([][]int64, free+1)
	for k := range best {
		best[k] = make([]int64, 1<<n)
		for s := range best[k] {
			best[k][s] = -1
		}
	}
	best[0][0] = 0
	for s := 1; s < 1<<n; s++ {
		i := 0
		for s&(1<<i) == 0 {
			i++
		}
		rest := s &^ (1 << i)
		for k := 0; k <= free; k++ {
			c := int64(-1)
			if k > 0 && best[k-1][rest] >= 0 {
				c = best[k-1][rest]
			}
			for j := i + 1; j < n; j++ {
				if rest&(1<<j) == 0 || best[k][rest&^(1<<j)] < 0 || d[nodes[i]][nodes[j]] >= planUnreachable {
					continue
				}
				if x := best[k][rest&^(1<<j)] + d[nodes[i]][nodes[j]]; c < 0 || x < c {
					c = x
				}
			}
			best[k][s] = c
		}
	}
	out := int64(-1)
	for k := free % 2; k <= free; k += 2 {
		if c := best[k][1<<n-1]; c >= 0 && (out < 0 || c < out) {
			out = c
		}
	}
	if n%2 != free%2 {
		return -1
	}
	return out
}

// TestExactPairsFreeAgainstSubsetDP: with free slots the matching may leave that many
// nodes unpaired; its cost, pairs and exposed nodes must agree with a subset DP.
func TestExactPairsFreeAgainstSubsetDP(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 3))
	for trial := 0; trial < 100; trial++ {
		nodes := 4 + rng.IntN(20)
		net, err := geo.BuildNetwork(randomConnectedBlocks(rng, nodes, rng.IntN(2*nodes)))
		if err != nil {
			t.Fatal(err)
		}
		g := lengthGraph(net)
		d := graphDistances(g, g.lengthMM)
		k := 1 + rng.IntN(min(g.n, 14))
		set := rng.Perm(g.n)[:k]
		free := rng.IntN(5)
		if (k+free)%2 == 1 {
			free++
		}
		want := exposedMatching(d, set, free)
		res, err := g.exactPairsFree(context.Background(), set, free, g.lengthMM, 1+trial%2)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if res.cost != want {
			t.Fatalf("trial %d (%d nodes, %d free): cost %d mm, subset DP %d mm", trial, k, free, res.cost, want)
		}
		var sum int64
		seen := map[int]int{}
		for _, p := range res.pairs {
			sum += d[p[0]][p[1]]
			seen[p[0]]++
			seen[p[1]]++
		}
		for _, v := range res.exposed {
			seen[v]++
		}
		if sum != want || len(seen) != k || len(res.exposed) > free || len(res.exposed)%2 != free%2 {
			t.Fatalf("trial %d: pairs %v and exposed %v (of %d free) settle %d of %d nodes at %d, want %d", trial, res.pairs, res.exposed, free, len(seen), k, sum, want)
		}
		for v, c := range seen {
			if c != 1 {
				t.Fatalf("trial %d: node %d settled %d times", trial, v, c)
			}
		}
	}
}

// TestPostmanWalkEndsExact: on connected networks with every edge required, the walk to a
// given end has the least deadhead of any walk from the start to that end, and the open
// walk the least of any walk from the start (the best end chosen by brute force).
func TestPostmanWalkEndsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 66))
	tested := 0
	for trial := 0; trial < 80; trial++ {
		nodes := 5 + rng.IntN(25)
		net, err := geo.BuildNetwork(randomConnectedBlocks(rng, nodes, rng.IntN(nodes)))
		if err != nil {
			t.Fatal(err)
		}
		g := lengthGraph(net)
		odd := oddNodesOf(g)
		if len(odd) > 14 {
			continue
		}
		tested++
		d := graphDistances(g, g.lengthMM)
		req := make([]int, len(net.Edges))
		for i := range req {
			req[i] = i
		}
		from, to := rng.IntN(g.n), rng.IntN(g.n)
		deadOf := func(walk []Move) int64 {
			var dead int64
			for _, m := range walk {
				if !m.Serve {
					dead += g.lengthMM[m.Link]
				}
			}
			return dead
		}
		pathCost := func(end int) int64 {
			set := toggleNode(toggleNode(append([]int(nil), odd...), from), end)
			if from == end {
				set = odd
			}
			return subsetMatching(d, set)
		}

		walk, err := g.postmanWalk(context.Background(), req, from, to, 2)
		if err != nil {
			t.Fatal(err)
		}
		checkWalkServesOnce(t, g, net, walk, req, from, to)
		if got, want := deadOf(walk), pathCost(to); got != want {
			t.Fatalf("trial %d: walk %d→%d has deadhead %d mm, optimum %d", trial, from, to, got, want)
		}

		open, err := g.postmanWalk(context.Background(), req, from, -1, 2)
		if err != nil {
			t.Fatal(err)
		}
		checkWalkServesOnce(t, g, net, open, req, from, -1)
		want := int64(-1)
		for end := 0; end < g.n; end++ {
			if c := pathCost(end); want < 0 || c < want {
				want = c
			}
		}
		if got := deadOf(open); got != want {
			t.Fatalf("trial %d: open walk from %d has deadhead %d mm, best end gives %d", trial, from, got, want)
		}
		if len(open) > 0 && !open[len(open)-1].Serve {
			t.Fatalf("trial %d: open walk ends with deadhead", trial)
		}
	}
	if tested < 40 {
		t.Fatalf("only %d networks had few enough odd nodes", tested)
	}
}
