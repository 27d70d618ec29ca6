package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// earthRadiusM is the mean Earth radius used by the local projection.
const earthRadiusM = 6371008.8

// xy is a point in local metres (east, north) around a projection origin.
type xy struct{ x, y float64 }

func (a xy) dist(b xy) float64 { return math.Hypot(a.x-b.x, a.y-b.y) }

// localProjection maps lon/lat to metres with an equirectangular projection centred on
// the network: at city scale its error is far below the accuracy of the mapped streets,
// and it makes nearest-point searches plain planar geometry.
type localProjection struct {
	lon0, lat0, kx, ky float64
}

func newLocalProjection(origin orb.Point) localProjection {
	ky := earthRadiusM * math.Pi / 180
	return localProjection{lon0: origin[0], lat0: origin[1], kx: ky * math.Cos(origin[1]*math.Pi/180), ky: ky}
}

func (p localProjection) project(q orb.Point) xy {
	return xy{(q[0] - p.lon0) * p.kx, (q[1] - p.lat0) * p.ky}
}

func (p localProjection) lineLength(ls orb.LineString) float64 {
	var s float64
	for i := 1; i < len(ls); i++ {
		s += p.project(ls[i-1]).dist(p.project(ls[i]))
	}
	return s
}

// pointGrid buckets points into square cells so that "which points lie within r of q"
// touches only the cells around q.
type pointGrid struct {
	cell  float64
	cells map[[2]int][]int
}

func newPointGrid(pts []xy, cell float64) *pointGrid {
	g := &pointGrid{cell: cell, cells: make(map[[2]int][]int)}
	for i, p := range pts {
		k := g.key(p)
		g.cells[k] = append(g.cells[k], i)
	}
	return g
}

func (g *pointGrid) key(p xy) [2]int {
	return [2]int{int(math.Floor(p.x / g.cell)), int(math.Floor(p.y / g.cell))}
}

// near calls visit for every point in the cells that a disc of radius r around q touches
// (a superset of the points within r).
func (g *pointGrid) near(q xy, r float64, visit func(i int)) {
	lo := g.key(xy{q.x - r, q.y - r})
	hi := g.key(xy{q.x + r, q.y + r})
	for cx := lo[0]; cx <= hi[0]; cx++ {
		for cy := lo[1]; cy <= hi[1]; cy++ {
			for _, i := range g.cells[[2]int{cx, cy}] {
				visit(i)
			}
		}
	}
}
