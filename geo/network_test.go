package geo

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// latticeBlocks is a rows×cols grid of 100 m streets; node ids r*cols+c+1.
func latticeBlocks(rows, cols int, lon0, lat0 float64) []Block {
	dLat := 100 / 111195.0
	dLon := dLat / math.Cos(lat0*math.Pi/180)
	pt := func(r, c int) orb.Point { return orb.Point{lon0 + float64(c)*dLon, lat0 + float64(r)*dLat} }
	id := func(r, c int) int64 { return int64(r*cols+c+1) + int64(lon0*1e6) }
	var out []Block
	add := func(r1, c1, r2, c2 int) {
		out = append(out, Block{SourceID: fmt.Sprintf("w%d:0", len(out)+1), From: id(r1, c1), To: id(r2, c2),
			Geometry: orb.LineString{pt(r1, c1), pt(r2, c2)}})
	}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if c+1 < cols {
				add(r, c, r, c+1)
			}
			if r+1 < rows {
				add(r, c, r+1, c)
			}
		}
	}
	return out
}

func TestBuildNetwork(t *testing.T) {
	n, err := BuildNetwork(latticeBlocks(3, 4, 24.94, 60.17))
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Nodes) != 12 || len(n.Edges) != 17 {
		t.Fatalf("%d nodes, %d edges; want 12, 17", len(n.Nodes), len(n.Edges))
	}
	for i, b := range n.Blocks {
		if math.Abs(b.LengthM-100) > 0.5 {
			t.Errorf("block %d measured %.2f m, want 100", i, b.LengthM)
		}
	}
	deg := map[int]int{}
	for v := range n.Nodes {
		deg[len(n.Adj[v])]++
	}
	if deg[2] != 4 || deg[3] != 6 || deg[4] != 2 {
		t.Errorf("degree histogram %v, want 4 corners, 6 sides, 2 inner", deg)
	}
	if _, err := BuildNetwork(nil); !errors.Is(err, ErrEmptyNetwork) {
		t.Errorf("no blocks: %v", err)
	}
	if _, err := BuildNetwork([]Block{{SourceID: "w1:0", Geometry: orb.LineString{{1, 1}}}}); err == nil {
		t.Error("one-point block accepted")
	}
}

func TestComponentsAndIslands(t *testing.T) {
	main := latticeBlocks(3, 3, 24.94, 60.17)
	// An island 150 m east of the main grid's east edge, and one 3 km away.
	near := latticeBlocks(2, 2, 24.94+(200+150)/111195.0/math.Cos(60.17*math.Pi/180), 60.17)
	far := latticeBlocks(1, 2, 25.0, 60.17)
	n, err := BuildNetwork(append(append(append([]Block{}, far...), main...), near...))
	if err != nil {
		t.Fatal(err)
	}
	of, count := n.Components()
	if count != 3 {
		t.Fatalf("%d components, want 3", count)
	}
	// Component 0 is the one with the most blocks whatever the order of the input.
	if of[n.Edges[len(far)].From] != 0 || of[n.Edges[0].From] != 2 {
		t.Errorf("component labels: main %d, far %d", of[n.Edges[len(far)].From], of[n.Edges[0].From])
	}
	if got := n.ConnectIslands(100); got != 0 {
		t.Errorf("100 m: %d bridges, want 0", got)
	}
	if got := n.ConnectIslands(160); got != 1 {
		t.Fatalf("160 m: %d bridges, want 1", got)
	}
	bridge := n.Edges[len(n.Edges)-1]
	if bridge.Block != -1 || math.Abs(bridge.LengthM-150) > 1 {
		t.Errorf("bridge %+v, want a 150 m bridge", bridge)
	}
	if _, count := n.Components(); count != 2 {
		t.Errorf("%d components after bridging, want 2", count)
	}
	if g := n.EdgeGeometry(len(n.Edges) - 1); len(g) != 2 {
		t.Errorf("bridge geometry %v", g)
	}
}

func TestSnapPoints(t *testing.T) {
	n, err := BuildNetwork(latticeBlocks(2, 2, 24.94, 60.17))
	if err != nil {
		t.Fatal(err)
	}
	// Block 0 runs east from node 1 along latitude 60.17 for 100 m.
	b := n.Blocks[0]
	dLat := 1 / 111195.0
	x := b.Geometry[0][0] + 0.25*(b.Geometry[1][0]-b.Geometry[0][0])
	pts := []orb.Point{
		{x, 60.17 - 12*dLat},  // 12 m south of block 0, a quarter along
		{x, 60.17 - 45*dLat},  // 45 m away: too far at 30 m
		{x, 60.17 - 900*dLat}, // nowhere near
	}
	got := n.SnapPoints(pts, 30)
	if got[0].Block != 0 || math.Abs(got[0].DistM-12) > 0.2 || math.Abs(got[0].Along-0.25) > 0.01 {
		t.Errorf("near point snapped to %+v, want block 0 at 12 m, 0.25 along", got[0])
	}
	if got[1].Snapped() || math.Abs(got[1].DistM-45) > 0.3 {
		t.Errorf("45 m point: %+v, want not snapped with its distance", got[1])
	}
	if got[2].Snapped() || !math.IsInf(got[2].DistM, 1) {
		t.Errorf("far point: %+v", got[2])
	}
	v, d := n.NearestNode(orb.Point{b.Geometry[0][0], 60.17 - 3*dLat}, nil)
	if n.Nodes[v].Point != b.Geometry[0] || math.Abs(d-3) > 0.1 {
		t.Errorf("nearest node %d at %.2f m", v, d)
	}
}
