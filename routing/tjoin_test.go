package routing

import (
	"context"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/paulmach/orb"
)

// graphDistances returns all-pairs shortest distances over w, the graph taken as undirected; it
// shares nothing with the planner's searches.
func graphDistances(g *planGraph, w []int64) [][]int64 {
	d := make([][]int64, g.n)
	for i := range d {
		d[i] = make([]int64, g.n)
		for j := range d[i] {
			if i != j {
				d[i][j] = planUnreachable
			}
		}
	}
	for e := range g.from {
		a, b := g.from[e], g.to[e]
		if w[e] < d[a][b] {
			d[a][b], d[b][a] = w[e], w[e]
		}
	}
	for k := 0; k < g.n; k++ {
		for i := 0; i < g.n; i++ {
			for j := 0; j < g.n; j++ {
				if c := d[i][k] + d[k][j]; c < d[i][j] {
					d[i][j] = c
				}
			}
		}
	}
	return d
}

// subsetMatching is the exact minimum over perfect matchings of the nodes (distance
// matrix d, planUnreachable for no path) by dynamic programming over subsets; -1 when
// there is none. Fine up to about 20 nodes.
func subsetMatching(d [][]int64, nodes []int) int64 {
	n := len(nodes)
	best := make([]int64, 1<<n)
	for s := 1; s < len(best); s++ {
		best[s] = -1
	}
	// best[s]: cheapest matching of the nodes in s; only sets built from the lowest
	// member up are reached, which is all the answer needs.
	for s := 1; s < len(best); s++ {
		i := 0
		for s&(1<<i) == 0 {
			i++
		}
		rest := s &^ (1 << i)
		for j := i + 1; j < n; j++ {
			if rest&(1<<j) == 0 || best[rest&^(1<<j)] < 0 || d[nodes[i]][nodes[j]] >= planUnreachable {
				continue
			}
			if c := best[rest&^(1<<j)] + d[nodes[i]][nodes[j]]; best[s] < 0 || c < best[s] {
				best[s] = c
			}
		}
	}
	return best[len(best)-1]
}

func oddNodesOf(g *planGraph) []int {
	deg := make([]int, g.n)
	for e := range g.from {
		deg[g.from[e]]++
		deg[g.to[e]]++
	}
	var odd []int
	for v, k := range deg {
		if k%2 == 1 {
			odd = append(odd, v)
		}
	}
	return odd
}

// TestMinTJoinAgainstSubsetDP compares minTJoin with an independent computation on random
// networks: odd-degree nodes and random even sets, up to 20 nodes, with duplicate-length
// streets (ties) and zero-length edges.
func TestMinTJoinAgainstSubsetDP(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 29))
	for trial := 0; trial < 120; trial++ {
		nodes := 4 + rng.IntN(26)
		blocks := randomConnectedBlocks(rng, nodes, rng.IntN(2*nodes))
		for i := range blocks {
			switch rng.IntN(10) {
			case 0:
				blocks[i].LengthM = 0
			case 1:
				blocks[i].LengthM = 50 // many equal lengths
			}
		}
		net, err := geo.BuildNetwork(blocks)
		if err != nil {
			t.Fatal(err)
		}
		g := lengthGraph(net)
		d := graphDistances(g, g.lengthMM)
		sets := [][]int{oddNodesOf(g)}
		perm := rng.Perm(g.n)
		k := 2 * (1 + rng.IntN(min(g.n, 20)/2))
		sets = append(sets, perm[:k])
		for _, set := range sets {
			if len(set) > 20 {
				continue
			}
			want := subsetMatching(d, set)
			gotM, pairs, err := g.minTJoin(context.Background(), set, 1+trial%2)
			if err != nil {
				t.Fatalf("trial %d: %v", trial, err)
			}
			if got := int64(gotM*1000 + 0.5); got != want {
				t.Fatalf("trial %d, %d nodes: min T-join %d mm, subset DP %d mm", trial, len(set), got, want)
			}
			var sum int64
			seen := map[int]bool{}
			for _, p := range pairs {
				sum += d[p[0]][p[1]]
				seen[p[0]], seen[p[1]] = true, true
			}
			if sum != want || len(seen) != len(set) || len(pairs)*2 != len(set) {
				t.Fatalf("trial %d: pairs %v cover %d of %d nodes and cost %d, want %d", trial, pairs, len(seen), len(set), sum, want)
			}
		}
	}
}

func TestMinTJoinCases(t *testing.T) {
	// Two separate paths 0-1-2 and 3-4: T = {0, 2, 3, 4} pairs within each piece;
	// T = {0, 3} cannot be joined.
	pts := []orb.Point{{24.93, 60.16}, {24.931, 60.16}, {24.932, 60.16}, {24.94, 60.17}, {24.941, 60.17}}
	blk := func(a, b int, m float64) geo.Block {
		return geo.Block{SourceID: "b", From: int64(a + 1), To: int64(b + 1), Geometry: orb.LineString{pts[a], pts[b]}, LengthM: m}
	}
	net, err := geo.BuildNetwork([]geo.Block{blk(0, 1, 10), blk(1, 2, 15.5), blk(3, 4, 7)})
	if err != nil {
		t.Fatal(err)
	}
	g := lengthGraph(net)
	node := func(osmID int64) int {
		for i, n := range net.Nodes {
			if n.ID == osmID {
				return i
			}
		}
		t.Fatalf("no node %d", osmID)
		return -1
	}
	ctx := context.Background()
	cases := []struct {
		name    string
		t       []int
		want    float64
		wantErr bool
	}{
		{"empty", nil, 0, false},
		{"two nodes", []int{node(1), node(3)}, 25.5, false},
		{"two pieces", []int{node(1), node(3), node(4), node(5)}, 32.5, false},
		{"across pieces", []int{node(1), node(4)}, 0, true},
		{"odd count", []int{node(1)}, 0, true},
		{"duplicate", []int{node(1), node(1)}, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := g.minTJoin(ctx, tc.t, 2)
			if (err != nil) != tc.wantErr || (!tc.wantErr && got != tc.want) {
				t.Fatalf("got %v, %v; want %v (error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
	g.lengthMM = nil
	if _, _, err := g.minTJoin(ctx, []int{node(1), node(3)}, 1); err == nil {
		t.Error("a graph without lengths was accepted")
	}
}

// TestPostmanTourExactOnRandomNetworks: on connected random networks with up to 20 odd
// nodes (beyond the old exact limit of 18) the tour serves every edge once and its
// deadhead is the subset-DP optimum, on lengths and on travel times alike.
func TestPostmanTourExactOnRandomNetworks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 55))
	for trial := 0; trial < 60; trial++ {
		nodes := 6 + rng.IntN(30)
		net, err := geo.BuildNetwork(randomConnectedBlocks(rng, nodes, rng.IntN(nodes)))
		if err != nil {
			t.Fatal(err)
		}
		g := lengthGraph(net)
		odd := oddNodesOf(g)
		if len(odd) > 20 {
			continue
		}
		req := make([]int, len(net.Edges))
		for i := range req {
			req[i] = i
		}
		depot := rng.IntN(g.n)
		for _, byLength := range []bool{true, false} {
			if !byLength {
				// Travel costs in deciseconds, as the planner prices walking at 5 km/h.
				g.trav = make([]int64, len(net.Edges))
				for e, ed := range net.Edges {
					g.trav[e] = int64(ed.LengthM/(5/3.6)*10 + 0.5)
				}
				g.lengthMM = nil
			}
			w := g.deadheadWeights()
			walk, err := g.postmanTour(context.Background(), req, depot, 2)
			if err != nil {
				t.Fatal(err)
			}
			checkServesOnce(t, g, net, walk, req, depot)
			var dead int64
			for _, m := range walk {
				if !m.Serve {
					dead += w[m.Link]
				}
			}
			if want := subsetMatching(graphDistances(g, w), odd); dead != want {
				t.Fatalf("trial %d (byLength %v, %d odd nodes): deadhead %d, optimum %d", trial, byLength, len(odd), dead, want)
			}
		}
	}
}

// TestPostmanTourRuralPieces: required edges in separate pieces are joined and still
// served once each.
func TestPostmanTourRuralPieces(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	net, err := geo.BuildNetwork(randomConnectedBlocks(rng, 30, 20))
	if err != nil {
		t.Fatal(err)
	}
	g := lengthGraph(net)
	var req []int
	for e := range net.Edges {
		if rng.IntN(3) == 0 {
			req = append(req, e)
		}
	}
	sort.Ints(req)
	walk, err := g.postmanTour(context.Background(), req, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkServesOnce(t, g, net, walk, req, 0)
}
