package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Snap is where a point (a shop, a station) attaches to the network: the nearest block
// within the tolerance. Block is an index into Network.Blocks, or -1 when the nearest
// block is farther than the tolerance; DistM is the distance to it and Along the
// fraction (0 at From, 1 at To) of the block's length where the foot of the point lies.
type Snap struct {
	Block int
	DistM float64
	Along float64
}

// Snapped reports whether the point was within the tolerance of a block.
func (s Snap) Snapped() bool { return s.Block >= 0 }

// SnapPoints attaches every point to its nearest block when that block lies within tolM
// metres, and marks the others with Block -1 (DistM then still tells how far the nearest
// block within 10·tolM was, or +Inf) so that callers can report them. Ties go to the
// lower block index, so the result does not depend on map order.
func (n *Network) SnapPoints(pts []orb.Point, tolM float64) []Snap {
	out := make([]Snap, len(pts))
	if len(pts) == 0 {
		return out
	}
	search := math.Max(tolM, 1) * 10
	idx := n.segmentIndex(math.Max(search, 25))
	for i, p := range pts {
		q := n.proj.project(p)
		best := Snap{Block: -1, DistM: math.Inf(1)}
		bestBlock := -1
		idx.visit(q, search, func(s indexedSegment) {
			d, t := pointSegment(q, s.a, s.b)
			if d < best.DistM || (d == best.DistM && s.block < bestBlock) {
				best.DistM = d
				bestBlock = s.block
				l := n.Blocks[s.block].LengthM
				if l > 0 {
					best.Along = math.Min(1, (s.startM+t*s.a.dist(s.b))/l)
				}
			}
		})
		if bestBlock >= 0 && best.DistM <= tolM {
			best.Block = bestBlock
		}
		out[i] = best
	}
	return out
}

type indexedSegment struct {
	block  int
	a, b   xy
	startM float64 // metres along the block where the segment starts
}

type segmentIndex struct {
	cell  float64
	segs  []indexedSegment
	cells map[[2]int][]int32
}

func (n *Network) segmentIndex(cell float64) *segmentIndex {
	ix := &segmentIndex{cell: cell, cells: make(map[[2]int][]int32)}
	for bi, b := range n.Blocks {
		var along float64
		for k := 1; k < len(b.Geometry); k++ {
			a, c := n.proj.project(b.Geometry[k-1]), n.proj.project(b.Geometry[k])
			si := int32(len(ix.segs))
			ix.segs = append(ix.segs, indexedSegment{block: bi, a: a, b: c, startM: along})
			along += a.dist(c)
			x0, x1 := int(math.Floor(math.Min(a.x, c.x)/cell)), int(math.Floor(math.Max(a.x, c.x)/cell))
			y0, y1 := int(math.Floor(math.Min(a.y, c.y)/cell)), int(math.Floor(math.Max(a.y, c.y)/cell))
			for x := x0; x <= x1; x++ {
				for y := y0; y <= y1; y++ {
					ix.cells[[2]int{x, y}] = append(ix.cells[[2]int{x, y}], si)
				}
			}
		}
	}
	return ix
}

// visit calls f for the segments in the cells around q within r, each at most once.
func (ix *segmentIndex) visit(q xy, r float64, f func(indexedSegment)) {
	x0, x1 := int(math.Floor((q.x-r)/ix.cell)), int(math.Floor((q.x+r)/ix.cell))
	y0, y1 := int(math.Floor((q.y-r)/ix.cell)), int(math.Floor((q.y+r)/ix.cell))
	seen := map[int32]bool{}
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, si := range ix.cells[[2]int{x, y}] {
				if !seen[si] {
					seen[si] = true
					f(ix.segs[si])
				}
			}
		}
	}
}

// pointSegment returns the distance from q to segment ab and the parameter t in [0,1] of
// the closest point.
func pointSegment(q, a, b xy) (float64, float64) {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((q.x-a.x)*dx+(q.y-a.y)*dy)/l2))
	}
	return q.dist(xy{a.x + t*dx, a.y + t*dy}), t
}
