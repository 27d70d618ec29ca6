package routing

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/paulmach/orb"
)

// gridBlocks is a rows×cols lattice of streets spacing metres apart near Helsinki: node
// ids r*cols+c+1, blocks "w<id>:0" named after their row or column.
func gridBlocks(rows, cols int, spacingM float64) []geo.Block {
	const lat0, lon0 = 60.17, 24.94
	dLat := spacingM / 111195.0
	dLon := dLat / 0.4975 // cos(60.17°)
	pt := func(r, c int) orb.Point { return orb.Point{lon0 + float64(c)*dLon, lat0 + float64(r)*dLat} }
	id := func(r, c int) int64 { return int64(r*cols + c + 1) }
	var out []geo.Block
	add := func(r1, c1, r2, c2 int, name string) {
		n := len(out) + 1
		out = append(out, geo.Block{
			SourceID: fmt.Sprintf("w%d:0", n), WayID: int64(n),
			From: id(r1, c1), To: id(r2, c2),
			Geometry: orb.LineString{pt(r1, c1), pt(r2, c2)},
			Highway:  "residential", Name: name,
		})
	}
	for r := 0; r < rows; r++ {
		for c := 0; c+1 < cols; c++ {
			add(r, c, r, c+1, fmt.Sprintf("Row %d", r))
		}
	}
	for c := 0; c < cols; c++ {
		for r := 0; r+1 < rows; r++ {
			add(r, c, r+1, c, fmt.Sprintf("Column %d", c))
		}
	}
	return out
}

func gridNetwork(t testing.TB, rows, cols int, spacingM float64) *geo.Network {
	t.Helper()
	n, err := geo.BuildNetwork(gridBlocks(rows, cols, spacingM))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// randomConnectedBlocks is a random connected street network: a random spanning tree
// plus extra edges, with lengths from 20 to 200 m.
func randomConnectedBlocks(rng *rand.Rand, nodes, extra int) []geo.Block {
	pts := make([]orb.Point, nodes)
	for i := range pts {
		pts[i] = orb.Point{24.93 + rng.Float64()*0.02, 60.16 + rng.Float64()*0.01}
	}
	var out []geo.Block
	add := func(a, b int) {
		n := len(out) + 1
		out = append(out, geo.Block{
			SourceID: fmt.Sprintf("w%d:0", n), WayID: int64(n), From: int64(a + 1), To: int64(b + 1),
			Geometry: orb.LineString{pts[a], pts[b]}, LengthM: 20 + float64(rng.IntN(181)),
			Name: fmt.Sprintf("Street %d", n%7),
		})
	}
	for v := 1; v < nodes; v++ {
		add(rng.IntN(v), v)
	}
	for i := 0; i < extra; i++ {
		a, b := rng.IntN(nodes), rng.IntN(nodes)
		if a != b {
			add(a, b)
		}
	}
	return out
}
