package matching

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
)

const noEdge = int64(-1)

// bruteMatching is the minimum cost of a perfect matching of a dense cost matrix (noEdge
// where there is no edge) by trying every pairing of the lowest free vertex, or -1 when
// there is none.
func bruteMatching(c [][]int64) int64 {
	n := len(c)
	memo := map[int]int64{}
	var rec func(used int) int64
	rec = func(used int) int64 {
		if used == 1<<n-1 {
			return 0
		}
		if v, ok := memo[used]; ok {
			return v
		}
		i := 0
		for used&(1<<i) != 0 {
			i++
		}
		best := int64(-1)
		for j := i + 1; j < n; j++ {
			if used&(1<<j) != 0 || c[i][j] == noEdge {
				continue
			}
			if r := rec(used | 1<<i | 1<<j); r >= 0 && (best < 0 || c[i][j]+r < best) {
				best = c[i][j] + r
			}
		}
		memo[used] = best
		return best
	}
	return rec(0)
}

// solveDense runs the blossom matcher on the edges of a dense matrix and checks its
// answer is a perfect matching of existing edges whose certificate holds on every edge.
func solveDense(t *testing.T, c [][]int64) (int64, error) {
	t.Helper()
	n := len(c)
	var eu, ev []int32
	var w []int64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if c[i][j] != noEdge {
				eu, ev, w = append(eu, int32(i)), append(ev, int32(j)), append(w, c[i][j])
			}
		}
	}
	m, err := Solve(context.Background(), n, eu, ev, w)
	if err != nil {
		return 0, err
	}
	mate, duals := m.Mates(), m.Duals()
	var cost int64
	for i, j := range mate {
		if j < 0 || int(mate[j]) != i || int(j) == i || c[i][j] == noEdge {
			t.Fatalf("mate %v is not a perfect matching on the edges", mate)
		}
		if i < int(j) {
			cost += c[i][j]
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if c[i][j] != noEdge {
				if s := duals.Slack(i, j, c[i][j]); s < 0 {
					t.Fatalf("edge %d-%d (cost %d) has reduced cost %d", i, j, c[i][j], s)
				}
			}
		}
	}
	for _, z := range duals.Z {
		if z < 0 {
			t.Fatalf("negative z %d", z)
		}
	}
	if duals.Objective != 2*cost || duals.Cost != 2*cost {
		t.Fatalf("dual objective %d, matching cost %d (doubled %d)", duals.Objective, cost, duals.Cost)
	}
	return cost, nil
}

func randomMatrix(rng *rand.Rand, n int, density float64, maxW int) [][]int64 {
	c := make([][]int64, n)
	for i := range c {
		c[i] = make([]int64, n)
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := noEdge
			if rng.Float64() < density {
				v = int64(rng.IntN(maxW + 1))
			}
			c[i][j], c[j][i] = v, v
		}
	}
	return c
}

func TestMatchingAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 6))
	cases := []struct {
		name    string
		density float64
		maxW    int
	}{
		{"complete, many ties", 1, 3},
		{"complete, wide weights", 1, 1000},
		{"complete, zero costs", 1, 0},
		{"dense", 0.6, 20},
		{"sparse", 0.3, 50},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for trial := 0; trial < 300; trial++ {
				n := 2 * (1 + rng.IntN(7))
				c := randomMatrix(rng, n, tc.density, tc.maxW)
				want := bruteMatching(c)
				got, err := solveDense(t, c)
				if want < 0 {
					if !errors.Is(err, ErrNoPerfectMatching) {
						t.Fatalf("trial %d: no perfect matching exists, got cost %d err %v", trial, got, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("trial %d (n=%d): %v", trial, n, err)
				}
				if got != want {
					t.Fatalf("trial %d (n=%d): cost %d, brute force %d\n%v", trial, n, got, want, c)
				}
			}
		})
	}
}

func TestMatchingSmallCases(t *testing.T) {
	e := noEdge
	cases := []struct {
		name string
		c    [][]int64
		want int64 // -1: no perfect matching
	}{
		{"two nodes", [][]int64{{0, 7}, {7, 0}}, 7},
		{"two nodes, zero", [][]int64{{0, 0}, {0, 0}}, 0},
		{"two nodes, no edge", [][]int64{{0, e}, {e, 0}}, -1},
		{"odd count", [][]int64{{0, 1, 1}, {1, 0, 1}, {1, 1, 0}}, -1},
		// Two triangles joined by one edge: the only perfect matching uses the bridge,
		// and the cheap triangle edges must shrink into blossoms first.
		{"two triangles and a bridge", [][]int64{
			{0, 1, 1, e, e, e},
			{1, 0, 1, e, e, e},
			{1, 1, 0, 9, e, e},
			{e, e, 9, 0, 1, 1},
			{e, e, e, 1, 0, 1},
			{e, e, e, 1, 1, 0},
		}, 11},
		{"two separate pairs", [][]int64{
			{0, 3, e, e},
			{3, 0, e, e},
			{e, e, 0, 4},
			{e, e, 4, 0},
		}, 7},
		{"separate triangles", [][]int64{
			{0, 1, 1, e, e, e},
			{1, 0, 1, e, e, e},
			{1, 1, 0, e, e, e},
			{e, e, e, 0, 1, 1},
			{e, e, e, 1, 0, 1},
			{e, e, e, 1, 1, 0},
		}, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := solveDense(t, tc.c)
			if tc.want < 0 {
				if !errors.Is(err, ErrNoPerfectMatching) {
					t.Fatalf("got %d, %v; want no perfect matching", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

// TestMatchingNestedBlossoms uses larger instances with a structure that nests blossoms
// (clusters of odd cycles with cheap inside and dear outside edges) and compares with the
// brute force where it is affordable.
func TestMatchingNestedBlossoms(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	for trial := 0; trial < 200; trial++ {
		n := 2 * (4 + rng.IntN(5)) // 8..16
		c := make([][]int64, n)
		for i := range c {
			c[i] = make([]int64, n)
		}
		cluster := make([]int, n)
		for i := range cluster {
			cluster[i] = rng.IntN(4)
		}
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				v := int64(20 + rng.IntN(40))
				if cluster[i] == cluster[j] {
					v = int64(rng.IntN(5))
				}
				if rng.IntN(4) == 0 {
					v = noEdge
				}
				c[i][j], c[j][i] = v, v
			}
		}
		want := bruteMatching(c)
		got, err := solveDense(t, c)
		if want < 0 {
			if !errors.Is(err, ErrNoPerfectMatching) {
				t.Fatalf("trial %d: got %d, %v; want no perfect matching", trial, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Fatalf("trial %d (n=%d): got %d, %v; want %d", trial, n, got, err, want)
		}
	}
}

func FuzzMatching(f *testing.F) {
	f.Add(uint64(1), uint8(6), uint8(80), uint8(10))
	f.Add(uint64(7), uint8(12), uint8(30), uint8(0))
	f.Fuzz(func(t *testing.T, seed uint64, size, density, maxW uint8) {
		n := 2 * (1 + int(size)%7)
		rng := rand.New(rand.NewPCG(seed, 1))
		c := randomMatrix(rng, n, float64(density)/255, int(maxW))
		want := bruteMatching(c)
		got, err := solveDense(t, c)
		if want < 0 {
			if !errors.Is(err, ErrNoPerfectMatching) {
				t.Fatalf("got %d, %v; want no perfect matching", got, err)
			}
			return
		}
		if err != nil || got != want {
			t.Fatalf("got %d, %v; want %d", got, err, want)
		}
	})
}

// TestMatchingAddEdges solves on part of the edges, adds the rest in one or more batches
// (the warm start of pricing rounds) and must reach the optimum of the whole graph.
func TestMatchingAddEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	for trial := 0; trial < 400; trial++ {
		n := 2 * (2 + rng.IntN(6))
		c := randomMatrix(rng, n, 1, 10+rng.IntN(100))
		want := bruteMatching(c)
		// A Hamiltonian path 0-1-…-n-1 first, so that a perfect matching exists at once.
		var eu, ev []int32
		var w []int64
		var rest [][3]int64
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if j == i+1 || rng.IntN(4) == 0 {
					eu, ev, w = append(eu, int32(i)), append(ev, int32(j)), append(w, c[i][j])
				} else {
					rest = append(rest, [3]int64{int64(i), int64(j), c[i][j]})
				}
			}
		}
		m, err := Solve(context.Background(), n, eu, ev, w)
		if err != nil {
			t.Fatal(err)
		}
		for len(rest) > 0 {
			k := 1 + rng.IntN(len(rest))
			var au, av []int32
			var aw []int64
			for _, r := range rest[:k] {
				au, av, aw = append(au, int32(r[0])), append(av, int32(r[1])), append(aw, r[2])
			}
			rest = rest[k:]
			m.AddEdges(au, av, aw)
			if err := m.Run(context.Background()); err != nil {
				t.Fatalf("trial %d: %v", trial, err)
			}
		}
		mate, d := m.Mates(), m.Duals()
		var cost int64
		for i, j := range mate {
			if int(mate[j]) != i || int(j) == i {
				t.Fatalf("trial %d: not a perfect matching %v", trial, mate)
			}
			if i < int(j) {
				cost += c[i][j]
			}
		}
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if s := d.Slack(i, j, c[i][j]); s < 0 {
					t.Fatalf("trial %d: pair %d-%d reduced cost %d", trial, i, j, s)
				}
			}
		}
		if cost != want || d.Cost != 2*d.Scale*cost || d.Objective != d.Cost {
			t.Fatalf("trial %d (n=%d): cost %d (duals %d/%d, scale %d), brute force %d", trial, n, cost, d.Objective, d.Cost, d.Scale, want)
		}
	}
}
