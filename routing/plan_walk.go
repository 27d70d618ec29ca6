package routing

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// Walker finds shortest walks on a street network for people on foot: every street both
// ways, one-way flags ignored, cost the length in metres. It reuses the planner's graph
// and Dijkstra, so a walk between two points is the same whether the planner or a duty
// route asks for it. Build it once per network; it is safe for concurrent use.
type Walker struct {
	net *geo.Network
	g   *planGraph
}

// WalkPath is one shortest walk: its length, the network edges in walking order and the
// line walked (lon/lat, each edge's geometry turned the way it is walked).
type WalkPath struct {
	LengthM float64
	Moves   []Move
	Line    orb.LineString
}

// NewWalker prepares net for walks.
func NewWalker(net *geo.Network) *Walker {
	m := len(net.Edges)
	from := make([]int32, m)
	to := make([]int32, m)
	mm := make([]int64, m)
	for e, ed := range net.Edges {
		from[e], to[e] = int32(ed.From), int32(ed.To)
		// Millimetres: integer costs for the planner's Dijkstra without losing ties
		// between streets that differ by centimetres.
		mm[e] = int64(math.Round(ed.LengthM * 1000))
	}
	g := newPlanGraph(len(net.Nodes), from, to, make([]bool, m), mm, mm)
	g.lengthMM = mm
	return &Walker{net: net, g: g}
}

// Path is the shortest walk from node a to node b (indices into the network's Nodes); ok
// is false when b cannot be reached from a. A walk from a node to itself is empty.
func (w *Walker) Path(a, b int) (p WalkPath, ok bool) {
	t := w.g.shortest(a, false, func(v int, _ int64) bool { return v == b })
	if t.dist[b] == planUnreachable {
		return WalkPath{}, false
	}
	p.Moves = w.g.pathTo(t, b)
	for _, m := range p.Moves {
		p.LengthM += w.net.Edges[m.Link].LengthM
		seg := slices.Clone(w.net.EdgeGeometry(m.Link))
		if m.Reverse {
			slices.Reverse(seg)
		}
		if len(p.Line) > 0 {
			seg = seg[1:] // the previous edge ended where this one starts
		}
		p.Line = append(p.Line, seg...)
	}
	return p, true
}
