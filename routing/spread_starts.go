package routing

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// spreadRounds bounds the refinement rounds of SpreadStarts; on real grids the starts
// settle in a handful.
const spreadRounds = 8

// SpreadStarts chooses k start points for the workers of one grid (the blocks whose
// midpoint lies in area, as a plan assigns them, see Grid): one per cluster of the grid's
// streets by walking distance, so that every worker starts inside a part of the grid of
// about its share of street and no block is far from some start. The rule:
//
//  1. the first start is the grid's node nearest (straight line) to the length-weighted
//     centroid of its blocks' midpoints; each next one is the grid's node farthest by
//     walking from every start chosen so far (a node no start reaches first);
//  2. then, a few rounds: every block joins the start nearest by walking to its nearer
//     end, and each start moves to its cluster's node nearest to the cluster's
//     length-weighted centroid; until no start moves.
//
// The points are nodes of the network (their positions), in no particular order, the
// same on every run; with k above the grid's number of nodes some repeat. Walking
// ignores one-way flags (people on foot).
func SpreadStarts(net *geo.Network, area orb.Geometry, k int) ([]orb.Point, error) {
	if k < 1 {
		return nil, badInput("spread starts: %d starts (need at least 1)", k)
	}
	switch area.(type) {
	case orb.Polygon, orb.MultiPolygon:
	default:
		return nil, badInput("spread starts: area must be a Polygon or MultiPolygon")
	}
	if net == nil || len(net.Blocks) == 0 {
		return nil, badInput("spread starts: the network has no blocks")
	}
	bound := area.Bound()
	var blocks []int
	mids := map[int]orb.Point{}
	for b := range net.Blocks {
		if m := BlockMidpoint(net, b); gridContains(area, bound, m) {
			blocks = append(blocks, b)
			mids[b] = m
		}
	}
	if len(blocks) == 0 {
		return nil, badInput("spread starts: no block has its midpoint in the area")
	}
	w := NewWalker(net)
	var nodes []int
	seen := map[int]bool{}
	for _, b := range blocks {
		for _, v := range []int{net.Edges[b].From, net.Edges[b].To} {
			if !seen[v] {
				seen[v] = true
				nodes = append(nodes, v)
			}
		}
	}
	centroid := func(bs []int) orb.Point {
		var x, y, wt float64
		for _, b := range bs {
			l := max(net.Edges[b].LengthM, 0.01)
			x += mids[b][0] * l
			y += mids[b][1] * l
			wt += l
		}
		return orb.Point{x / wt, y / wt}
	}
	nearestOf := func(bs []int, c orb.Point, ok func(v int) bool) int {
		best, bestD := -1, math.Inf(1)
		for _, b := range bs {
			for _, v := range []int{net.Edges[b].From, net.Edges[b].To} {
				if !ok(v) {
					continue
				}
				if d := net.DistanceM(net.Nodes[v].Point, c); d < bestD || (d == bestD && v < best) {
					best, bestD = v, d
				}
			}
		}
		return best
	}

	// 1. Farthest-point seeding by walking distance.
	starts := []int{nearestOf(blocks, centroid(blocks), func(int) bool { return true })}
	near := w.g.shortest(starts[0], false, nil).dist
	for len(starts) < k {
		next, far := nodes[0], int64(-1)
		for _, v := range nodes {
			if near[v] > far {
				next, far = v, near[v]
			}
		}
		starts = append(starts, next)
		for v, d := range w.g.shortest(next, false, nil).dist {
			near[v] = min(near[v], d)
		}
	}

	// 2. Lloyd rounds on walking distance.
	for range spreadRounds {
		dist := make([][]int64, len(starts))
		for i, s := range starts {
			dist[i] = w.g.shortest(s, false, nil).dist
		}
		clusters := make([][]int, len(starts))
		for _, b := range blocks {
			u, v := net.Edges[b].From, net.Edges[b].To
			best := 0
			for i := range starts {
				if min(dist[i][u], dist[i][v]) < min(dist[best][u], dist[best][v]) {
					best = i
				}
			}
			clusters[best] = append(clusters[best], b)
		}
		moved := false
		taken := map[int]int{}
		for _, s := range starts {
			taken[s]++
		}
		for i, cl := range clusters {
			if len(cl) == 0 {
				continue // a repeated start (more starts than places): it stays
			}
			// Two workers never pile onto one node while the cluster has another.
			v := nearestOf(cl, centroid(cl), func(v int) bool { return v == starts[i] || taken[v] == 0 })
			if v >= 0 && v != starts[i] {
				taken[starts[i]]--
				taken[v]++
				starts[i], moved = v, true
			}
		}
		if !moved {
			break
		}
	}
	out := make([]orb.Point, len(starts))
	for i, s := range starts {
		out[i] = net.Nodes[s].Point
	}
	if len(out) != k {
		return nil, fmt.Errorf("spread starts: %d starts for %d workers", len(out), k)
	}
	return out, nil
}
