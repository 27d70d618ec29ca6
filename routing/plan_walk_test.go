package routing

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
)

func TestWalkerGrid(t *testing.T) {
	net := gridNetwork(t, 4, 4, 100)
	w := NewWalker(net)
	node := func(id int64) int {
		v, ok := net.NodeIndex(id)
		if !ok {
			t.Fatalf("no node %d", id)
		}
		return v
	}
	for _, tc := range []struct {
		name      string
		from, to  int64
		wantM     float64
		wantMoves int
	}{
		{"opposite corners", 1, 16, 600, 6},
		{"back again", 16, 1, 600, 6},
		{"neighbours", 6, 7, 100, 1},
		{"same node", 11, 11, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := node(tc.from), node(tc.to)
			p, ok := w.Path(a, b)
			if !ok {
				t.Fatal("not reachable")
			}
			if math.Abs(p.LengthM-tc.wantM) > 0.5 || len(p.Moves) != tc.wantMoves {
				t.Fatalf("%.1f m in %d moves, want %v m in %d", p.LengthM, len(p.Moves), tc.wantM, tc.wantMoves)
			}
			if tc.wantMoves == 0 {
				if len(p.Line) != 0 {
					t.Errorf("line %v for an empty walk", p.Line)
				}
				return
			}
			// The line runs from a to b without jumps, and is as long as the walk.
			if p.Line[0] != net.Nodes[a].Point || p.Line[len(p.Line)-1] != net.Nodes[b].Point {
				t.Errorf("line runs %v → %v, want %v → %v", p.Line[0], p.Line[len(p.Line)-1], net.Nodes[a].Point, net.Nodes[b].Point)
			}
			if l := geo.LengthM(p.Line); math.Abs(l-p.LengthM) > 1 {
				t.Errorf("line is %.1f m, walk %.1f m", l, p.LengthM)
			}
			at := a
			for _, m := range p.Moves {
				e := net.Edges[m.Link]
				from, to := e.From, e.To
				if m.Reverse {
					from, to = to, from
				}
				if from != at {
					t.Fatalf("move %+v leaves node %d, walker is at %d", m, from, at)
				}
				at = to
			}
			if at != b {
				t.Errorf("walk ends at node %d, want %d", at, b)
			}
		})
	}
}

func TestWalkerUnreachable(t *testing.T) {
	net, err := PlanNetwork(islandBlocks(300), 0)
	if err != nil {
		t.Fatal(err)
	}
	grid, _ := net.NodeIndex(1)
	island, _ := net.NodeIndex(900)
	if p, ok := NewWalker(net).Path(grid, island); ok {
		t.Errorf("walked %.1f m to an island 300 m off with no bridge", p.LengthM)
	}
}

// Walker agrees with Floyd–Warshall on random street networks, one-way flags ignored.
func TestWalkerMatchesFloydWarshall(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for round := range 5 {
		blocks := randomConnectedBlocks(rng, 25, 20)
		for i := range blocks {
			blocks[i].Oneway = rng.IntN(3) == 0
		}
		net, err := geo.BuildNetwork(blocks)
		if err != nil {
			t.Fatal(err)
		}
		n := len(net.Nodes)
		d := make([][]float64, n)
		for i := range d {
			d[i] = make([]float64, n)
			for j := range d[i] {
				if i != j {
					d[i][j] = math.Inf(1)
				}
			}
		}
		for _, e := range net.Edges {
			d[e.From][e.To] = min(d[e.From][e.To], e.LengthM)
			d[e.To][e.From] = min(d[e.To][e.From], e.LengthM)
		}
		for k := range n {
			for i := range n {
				for j := range n {
					d[i][j] = min(d[i][j], d[i][k]+d[k][j])
				}
			}
		}
		w := NewWalker(net)
		for a := range n {
			for b := range n {
				p, ok := w.Path(a, b)
				if !ok || math.Abs(p.LengthM-d[a][b]) > 1e-6 {
					t.Fatalf("round %d: %d→%d walked %.3f m (ok %v), want %.3f", round, a, b, p.LengthM, ok, d[a][b])
				}
			}
		}
	}
}
