package routing

import (
	"context"
	"fmt"
)

// minTJoin is a TEMPORARY stand-in for the exact minimum T-join (another change brings
// the exact one with this signature): the minimum total length in metres of paths that
// pair up the nodes of t, undirected. Up to exactMatchingLimit nodes it is exact (subset
// dynamic programme); above, lengthM is half the sum of each node's distance to its
// nearest other node of t (a lower bound on the optimum, so bounds built on it stay
// valid) and pairs are greedy.
func (g *planGraph) minTJoin(ctx context.Context, t []int, threads int) (lengthM float64, pairs [][2]int, err error) {
	if len(t)%2 == 1 {
		return 0, nil, fmt.Errorf("min T-join: %d nodes (need an even number)", len(t))
	}
	if len(t) == 0 {
		return 0, nil, nil
	}
	d := make([][]int64, len(t))
	for i, v := range t {
		if err := ctx.Err(); err != nil {
			return 0, nil, err
		}
		d[i] = g.tempMillimetres(v, t)
	}
	var mate []int
	if len(t) <= exactMatchingLimit {
		mate = exactMatching(d)
	} else {
		mate = greedyMatching(d, func(i int) []int64 { return d[i] })
	}
	var sum int64
	for i, j := range mate {
		if i < j {
			if d[i][j] >= planUnreachable {
				return 0, nil, fmt.Errorf("min T-join: nodes %d and %d are not connected", t[i], t[j])
			}
			pairs = append(pairs, [2]int{t[i], t[j]})
			sum += d[i][j]
		}
	}
	if len(t) <= exactMatchingLimit {
		return float64(sum) / 1000, pairs, nil
	}
	var near int64
	for i := range t {
		best := planUnreachable
		for j := range t {
			if j != i {
				best = min(best, d[i][j])
			}
		}
		near += best
	}
	return float64(near) / 2000, pairs, nil
}

// tempMillimetres returns the undirected shortest distance in millimetres from src to
// each node of targets.
func (g *planGraph) tempMillimetres(src int, targets []int) []int64 {
	dist := make([]int64, g.n)
	for i := range dist {
		dist[i] = planUnreachable
	}
	h := planHeap{}
	dist[src] = 0
	h.push(0, int32(src))
	for len(h.d) > 0 {
		dv, v := h.pop()
		if dv != dist[v] {
			continue
		}
		for _, arcs := range [2][]planArc{g.outArc[g.outStart[v]:g.outStart[v+1]], g.inArc[g.inStart[v]:g.inStart[v+1]]} {
			for _, a := range arcs {
				nd := dv + g.lengthMM[a.edge]
				if nd < dist[a.node] {
					dist[a.node] = nd
					h.push(nd, a.node)
				}
			}
		}
	}
	row := make([]int64, len(targets))
	for i, v := range targets {
		row[i] = dist[v]
	}
	return row
}
