package routing

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// coverRadius is the longest walk (metres) from any block of blocks to the nearest of
// starts, walking to the block's nearer end.
func coverRadius(t *testing.T, net *geo.Network, starts []orb.Point, blocks []int) float64 {
	t.Helper()
	w := NewWalker(net)
	near := make([]int64, len(net.Nodes))
	for i := range near {
		near[i] = math.MaxInt64
	}
	for _, s := range starts {
		v, d := net.NearestNode(s, nil)
		if d > 0.01 {
			t.Fatalf("start %v is %.2f m from the nearest node (want a node)", s, d)
		}
		for u, dd := range w.g.shortest(v, false, nil).dist {
			near[u] = min(near[u], dd)
		}
	}
	var r int64
	for _, b := range blocks {
		r = max(r, min(near[net.Edges[b].From], near[net.Edges[b].To]))
	}
	return float64(r) / 1000
}

func TestSpreadStarts(t *testing.T) {
	net := gridNetwork(t, 21, 21, 60) // 1,200 m square lattice
	all := make([]int, len(net.Blocks))
	for b := range all {
		all[b] = b
	}
	whole := netBound(net)
	area := orb.Polygon{{{whole.Min[0] - 1e-4, whole.Min[1] - 1e-4}, {whole.Max[0] + 1e-4, whole.Min[1] - 1e-4},
		{whole.Max[0] + 1e-4, whole.Max[1] + 1e-4}, {whole.Min[0] - 1e-4, whole.Max[1] + 1e-4}, {whole.Min[0] - 1e-4, whole.Min[1] - 1e-4}}}

	one, err := SpreadStarts(net, area, 1)
	if err != nil {
		t.Fatal(err)
	}
	// One start: the centre of the lattice, 20 blocks (1,200 m) from the far corners.
	if r := coverRadius(t, net, one, all); r > 1200.5 {
		t.Errorf("one start: farthest block %.0f m away (want the centre, 1,200 m)", r)
	}
	four, err := SpreadStarts(net, area, 4)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[orb.Point]bool{}
	for _, s := range four {
		if seen[s] {
			t.Errorf("start %v chosen twice", s)
		}
		seen[s] = true
	}
	// Four starts near the quarters' centres: no block much more than 600 m away.
	if r := coverRadius(t, net, four, all); r > 720 {
		t.Errorf("four starts %v: farthest block %.0f m away (want about 600 m)", four, r)
	}
	again, _ := SpreadStarts(net, area, 4)
	for i := range four {
		if again[i] != four[i] {
			t.Fatalf("second run gave %v, first %v", again, four)
		}
	}

	// Only the western half: every start in it.
	midLon := (whole.Min[0] + whole.Max[0]) / 2
	west := orb.Polygon{{{whole.Min[0] - 1e-4, whole.Min[1] - 1e-4}, {midLon, whole.Min[1] - 1e-4},
		{midLon, whole.Max[1] + 1e-4}, {whole.Min[0] - 1e-4, whole.Max[1] + 1e-4}, {whole.Min[0] - 1e-4, whole.Min[1] - 1e-4}}}
	ws, err := SpreadStarts(net, west, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ws {
		if s[0] > midLon+1e-9 {
			t.Errorf("start %v outside the western half (lon ≤ %v)", s, midLon)
		}
	}

	// More starts than nodes: some repeat, none is invented.
	tiny := orb.Polygon{{{whole.Min[0] - 1e-4, whole.Min[1] - 1e-4}, {whole.Min[0] + 1e-4, whole.Min[1] - 1e-4},
		{whole.Min[0] + 1e-4, whole.Min[1] + 1e-4}, {whole.Min[0] - 1e-4, whole.Min[1] + 1e-4}, {whole.Min[0] - 1e-4, whole.Min[1] - 1e-4}}}
	if _, err := SpreadStarts(net, tiny, 2); !errors.Is(err, ErrBadPlanInput) {
		t.Errorf("area with no block midpoint: err %v, want ErrBadPlanInput", err)
	}
	for _, c := range []struct {
		name string
		area orb.Geometry
		k    int
	}{
		{"no starts", area, 0},
		{"a point as area", orb.Point{0, 0}, 2},
	} {
		if _, err := SpreadStarts(net, c.area, c.k); !errors.Is(err, ErrBadPlanInput) {
			t.Errorf("%s: err %v, want ErrBadPlanInput", c.name, err)
		}
	}
}

// TestSpreadStartsMoreThanNodes: a grid of one block and three workers gets its two
// nodes, one of them twice.
func TestSpreadStartsMoreThanNodes(t *testing.T) {
	net := gridNetwork(t, 1, 2, 60)
	b := netBound(net)
	area := orb.Polygon{{{b.Min[0] - 1e-3, b.Min[1] - 1e-3}, {b.Max[0] + 1e-3, b.Min[1] - 1e-3},
		{b.Max[0] + 1e-3, b.Max[1] + 1e-3}, {b.Min[0] - 1e-3, b.Max[1] + 1e-3}, {b.Min[0] - 1e-3, b.Min[1] - 1e-3}}}
	got, err := SpreadStarts(net, area, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d starts, want 3", len(got))
	}
	ends := map[orb.Point]bool{net.Nodes[0].Point: true, net.Nodes[1].Point: true}
	distinct := map[orb.Point]bool{}
	for _, s := range got {
		if !ends[s] {
			t.Errorf("start %v is not a node of the block", s)
		}
		distinct[s] = true
	}
	if len(distinct) != 2 {
		t.Errorf("starts %v: want both nodes used", got)
	}
}

func netBound(net *geo.Network) orb.Bound {
	b := orb.Bound{Min: net.Nodes[0].Point, Max: net.Nodes[0].Point}
	for _, n := range net.Nodes {
		b = b.Extend(n.Point)
	}
	return b
}
