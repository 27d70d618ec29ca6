package geo

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Network is the street graph of a set of blocks: one node per distinct block end (an
// intersection or a dead end) and one edge per block, plus optional bridge edges that
// join islands to the rest (see ConnectIslands). Edges[i] is Blocks[i] for i < len(Blocks).
type Network struct {
	Blocks []Block
	Nodes  []Node
	Edges  []Edge
	// Adj lists, per node, the indices into Edges of the edges that touch it.
	Adj [][]int

	byID map[int64]int
	proj localProjection
}

// Node is a network vertex: an OSM node where blocks meet or end.
type Node struct {
	ID    int64
	Point orb.Point
}

// Edge joins two nodes (indices into Network.Nodes). Block is the index into
// Network.Blocks, or -1 for a bridge: a straight walk across open ground that
// ConnectIslands added so that an island can be reached.
type Edge struct {
	From, To int
	Block    int
	LengthM  float64
}

// ErrEmptyNetwork is returned when there are no usable blocks to build a network from.
var ErrEmptyNetwork = errors.New("network: no blocks")

// BuildNetwork makes the street graph of blocks. Nodes are the blocks' From/To OSM node
// ids; a block whose geometry has fewer than two points is an error because it could not
// be drawn or measured. A missing LengthM is measured from the geometry.
func BuildNetwork(blocks []Block) (*Network, error) {
	if len(blocks) == 0 {
		return nil, ErrEmptyNetwork
	}
	n := &Network{
		Blocks: blocks,
		Edges:  make([]Edge, 0, len(blocks)),
		byID:   make(map[int64]int, len(blocks)),
	}
	var bound orb.Bound
	for i, b := range blocks {
		if len(b.Geometry) < 2 {
			return nil, fmt.Errorf("network: block %s has %d points, want at least 2", b.SourceID, len(b.Geometry))
		}
		if i == 0 {
			bound = b.Geometry.Bound()
		} else {
			bound = bound.Union(b.Geometry.Bound())
		}
	}
	n.proj = newLocalProjection(bound.Center())
	for i := range n.Blocks {
		b := &n.Blocks[i]
		if b.LengthM < 0 || math.IsNaN(b.LengthM) {
			return nil, fmt.Errorf("network: block %s has length %v", b.SourceID, b.LengthM)
		}
		if b.LengthM == 0 {
			b.LengthM = n.proj.lineLength(b.Geometry)
		}
		from := n.node(b.From, b.Geometry[0])
		to := n.node(b.To, b.Geometry[len(b.Geometry)-1])
		n.Edges = append(n.Edges, Edge{From: from, To: to, Block: i, LengthM: b.LengthM})
		n.Adj[from] = append(n.Adj[from], i)
		if to != from {
			n.Adj[to] = append(n.Adj[to], i)
		}
	}
	return n, nil
}

func (n *Network) node(id int64, p orb.Point) int {
	if i, ok := n.byID[id]; ok {
		return i
	}
	i := len(n.Nodes)
	n.Nodes = append(n.Nodes, Node{ID: id, Point: p})
	n.Adj = append(n.Adj, nil)
	n.byID[id] = i
	return i
}

// NodeIndex returns the index of the node with OSM id id.
func (n *Network) NodeIndex(id int64) (int, bool) {
	i, ok := n.byID[id]
	return i, ok
}

// Other returns the end of edge e that is not v (v itself for a loop).
func (n *Network) Other(e, v int) int {
	if n.Edges[e].From == v {
		return n.Edges[e].To
	}
	return n.Edges[e].From
}

// Components labels every node with its connected component (pedestrians ignore one-way
// flags, so edges count in both directions). Component 0 holds the most blocks, then 1 ...
func (n *Network) Components() (of []int, count int) {
	of = make([]int, len(n.Nodes))
	for i := range of {
		of[i] = -1
	}
	var sizes []int
	stack := []int{}
	for s := range n.Nodes {
		if of[s] >= 0 {
			continue
		}
		c := len(sizes)
		sizes = append(sizes, 0)
		of[s] = c
		stack = append(stack[:0], s)
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, e := range n.Adj[v] {
				if n.Edges[e].Block >= 0 && n.Edges[e].From == v {
					sizes[c]++ // count each block once, at its From end
				}
				w := n.Other(e, v)
				if of[w] < 0 {
					of[w] = c
					stack = append(stack, w)
				}
			}
		}
	}
	// Renumber by decreasing block count (ties by first node) so that component 0 is the
	// main network whatever the input order.
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return sizes[order[a]] > sizes[order[b]] })
	rank := make([]int, len(sizes))
	for r, c := range order {
		rank[c] = r
	}
	for i := range of {
		of[i] = rank[of[i]]
	}
	return of, len(sizes)
}

// NearestNode returns the node closest to p and its distance in metres; -1 for an empty
// network. When among is not nil only nodes v with among(v) true are considered.
func (n *Network) NearestNode(p orb.Point, among func(v int) bool) (int, float64) {
	best, bestD := -1, math.Inf(1)
	q := n.proj.project(p)
	for i, nd := range n.Nodes {
		if among != nil && !among(i) {
			continue
		}
		if d := q.dist(n.proj.project(nd.Point)); d < bestD {
			best, bestD = i, d
		}
	}
	return best, bestD
}

// DistanceM is the ground distance in metres between two lon/lat points near the network
// (an equirectangular approximation, exact to well under 0.1 % across a city).
func (n *Network) DistanceM(a, b orb.Point) float64 {
	return n.proj.project(a).dist(n.proj.project(b))
}

// ConnectIslands adds bridge edges so that every component whose nearest node lies within
// maxM metres of a node of another component is joined to it: a pedestrian can cross a
// square, a car park or a gap left by a cut extract. It joins the closest pairs first
// (Kruskal on components) and returns how many bridges it added. Islands farther away stay
// separate and the planner reports their blocks as unreachable.
func (n *Network) ConnectIslands(maxM float64) int {
	if maxM <= 0 || len(n.Nodes) < 2 {
		return 0
	}
	of, count := n.Components()
	if count < 2 {
		return 0
	}
	pts := make([]xy, len(n.Nodes))
	for i, nd := range n.Nodes {
		pts[i] = n.proj.project(nd.Point)
	}
	grid := newPointGrid(pts, maxM)
	type cand struct {
		a, b int
		d    float64
	}
	// For every node, the nearest node of each other component within maxM; keeping all
	// of them per pair of components would be wasteful, so keep the best per pair.
	best := map[[2]int]cand{}
	for a := range pts {
		grid.near(pts[a], maxM, func(b int) {
			if of[a] >= of[b] {
				return
			}
			d := pts[a].dist(pts[b])
			if d > maxM {
				return
			}
			k := [2]int{of[a], of[b]}
			if c, ok := best[k]; !ok || d < c.d || (d == c.d && (a < c.a || (a == c.a && b < c.b))) {
				best[k] = cand{a, b, d}
			}
		})
	}
	cands := make([]cand, 0, len(best))
	for _, c := range best {
		cands = append(cands, c)
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].d != cands[j].d {
			return cands[i].d < cands[j].d
		}
		if cands[i].a != cands[j].a {
			return cands[i].a < cands[j].a
		}
		return cands[i].b < cands[j].b
	})
	parent := make([]int, count)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	added := 0
	for _, c := range cands {
		ra, rb := find(of[c.a]), find(of[c.b])
		if ra == rb {
			continue
		}
		parent[ra] = rb
		e := len(n.Edges)
		n.Edges = append(n.Edges, Edge{From: c.a, To: c.b, Block: -1, LengthM: c.d})
		n.Adj[c.a] = append(n.Adj[c.a], e)
		n.Adj[c.b] = append(n.Adj[c.b], e)
		added++
	}
	return added
}

// EdgeGeometry is the drawn line of edge e from its From node to its To node: the block's
// geometry, or a straight segment for a bridge.
func (n *Network) EdgeGeometry(e int) orb.LineString {
	ed := n.Edges[e]
	if ed.Block >= 0 {
		return n.Blocks[ed.Block].Geometry
	}
	return orb.LineString{n.Nodes[ed.From].Point, n.Nodes[ed.To].Point}
}
