package routing

import (
	"context"
	"math"
	"sort"
)

// regionRoutes is the compact alternative to cutting a giant tour: the group's blocks
// are cut into one region per worker by recursive bisection across the longer side of
// their extent, each side getting service work in proportion to the capacity of the
// workers it goes to (workers ordered by where they start along the same axis), and each
// region is routed on its own. Straight cuts make territories of one or two pieces where
// tour pieces wander; the improvement phase then evens the routes out. It returns nil
// when some region cannot be routed.
func (p *planner) regionRoutes(ctx context.Context, workers, blocks []int) []*Route {
	lat0 := p.net.Nodes[p.net.Edges[blocks[0]].From].Point[1]
	cosLat := math.Cos(lat0 * math.Pi / 180)
	xy := func(b int) [2]float64 {
		ls := p.net.Blocks[b].Geometry
		a, c := ls[0], ls[len(ls)-1]
		return [2]float64{(a[0] + c[0]) / 2 * cosLat, (a[1] + c[1]) / 2}
	}
	pos := make(map[int][2]float64, len(blocks))
	for _, b := range blocks {
		pos[b] = xy(b)
	}
	startXY := func(w int) [2]float64 {
		pt := p.net.Nodes[p.starts[w]].Point
		return [2]float64{pt[0] * cosLat, pt[1]}
	}
	capacity := func(w int) float64 {
		if p.uniform {
			return 1
		}
		r := p.rates[w]
		return 1 / (r.norm * r.serve)
	}
	owner := map[int][]int{}
	var cut func(bs, ws []int)
	cut = func(bs, ws []int) {
		if len(ws) == 1 || len(bs) == 0 {
			owner[ws[0]] = append(owner[ws[0]], bs...)
			return
		}
		lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
		for _, b := range bs {
			q := pos[b]
			for d := 0; d < 2; d++ {
				lo[d], hi[d] = min(lo[d], q[d]), max(hi[d], q[d])
			}
		}
		axis := 0
		if hi[1]-lo[1] > hi[0]-lo[0] {
			axis = 1
		}
		bs = append([]int(nil), bs...)
		sort.SliceStable(bs, func(i, j int) bool { return pos[bs[i]][axis] < pos[bs[j]][axis] })
		ws = append([]int(nil), ws...)
		sort.SliceStable(ws, func(i, j int) bool { return startXY(ws[i])[axis] < startXY(ws[j])[axis] })
		k1 := len(ws) / 2
		var c1, call float64
		for i, w := range ws {
			call += capacity(w)
			if i < k1 {
				c1 += capacity(w)
			}
		}
		var total int64
		for _, b := range bs {
			total += p.g.serve[b]
		}
		want := int64(float64(total) * c1 / call)
		at, acc := 0, int64(0)
		for at < len(bs) && acc+p.g.serve[bs[at]]/2 < want {
			acc += p.g.serve[bs[at]]
			at++
		}
		cut(bs[:at], ws[:k1])
		cut(bs[at:], ws[k1:])
	}
	cut(blocks, workers)
	p.joinStrays(owner)
	routes := make([]*Route, len(workers))
	for i, w := range workers {
		routes[i] = p.newRoute(w)
		if len(owner[w]) > 0 {
			walk, err := p.tourFor(ctx, owner[w], w, p.opt.Threads)
			if err != nil {
				return nil // a region its worker cannot serve: no candidate
			}
			routes[i].Walk = walk
		}
	}
	return routes
}

// joinStrays hands every piece of a region but its largest to the region it touches
// most (by shared nodes), so that straight cuts leave no fragments behind: a few passes,
// smaller pieces first.
func (p *planner) joinStrays(owner map[int][]int) {
	ownerOf := map[int]int{}
	for w, bs := range owner {
		for _, b := range bs {
			ownerOf[b] = w
		}
	}
	ws := make([]int, 0, len(owner))
	for w := range owner {
		ws = append(ws, w)
	}
	sort.Ints(ws)
	for pass := 0; pass < 3; pass++ {
		moved := false
		for _, w := range ws {
			pieces := p.pieceGroups(owner[w])
			if len(pieces) < 2 {
				continue
			}
			for _, piece := range pieces[1:] {
				touch := map[int]int{}
				for _, b := range piece {
					e := p.net.Edges[b]
					for _, v := range []int{e.From, e.To} {
						for _, f := range p.net.Adj[v] {
							if o, ok := ownerOf[f]; ok && o != w {
								touch[o]++
							}
						}
					}
				}
				to, most := -1, 0
				for o, n := range touch {
					if n > most || (n == most && o < to) {
						to, most = o, n
					}
				}
				if to < 0 {
					continue
				}
				for _, b := range piece {
					ownerOf[b] = to
				}
				owner[to] = append(owner[to], piece...)
				moved = true
			}
			keep := owner[w][:0]
			for _, b := range owner[w] {
				if ownerOf[b] == w {
					keep = append(keep, b)
				}
			}
			owner[w] = keep
		}
		if !moved {
			return
		}
	}
}

// seededRoutes is the candidate for workers with starts of their own: each block goes to
// the worker whose start is nearest (walking to its nearer end), plus a price per worker
// that is raised for the overloaded and lowered for the underloaded until the estimated
// routes even out (a few dozen rounds of a weighted Voronoi split). Territories then grow
// around the starts instead of sending a worker across the grid to a piece of a tour.
// It returns nil when some territory cannot be routed.
func (p *planner) seededRoutes(ctx context.Context, gp *groupPlan, blocks []int) []*Route {
	ws := gp.workers
	k := len(ws)
	near := func(i, b int) int64 {
		out := gp.out[ws[i]]
		return min(out[p.g.from[b]], out[p.g.to[b]])
	}
	var work int64
	for _, b := range blocks {
		work += p.g.serve[b]
	}
	price := make([]float64, k)
	assign := make([]int, len(blocks))
	load := make([]float64, k)
	weight := make([]float64, k)
	for i, w := range ws {
		weight[i] = 1
		if !p.uniform {
			weight[i] = p.rates[w].norm * p.rates[w].serve
		}
	}
	step := float64(work) / float64(k) / 4
	for round := 0; round < 60; round++ {
		clear(load)
		far := make([]int64, k)
		for j, b := range blocks {
			best, bestC := 0, math.Inf(1)
			for i := range ws {
				if d := near(i, b); d < planUnreachable {
					if c := float64(d) + price[i]; c < bestC {
						best, bestC = i, c
					}
				}
			}
			assign[j] = best
			load[best] += float64(p.g.serve[b]) * weight[best]
			far[best] = max(far[best], near(best, b))
		}
		var mean float64
		for i := range load {
			load[i] += 2 * float64(far[i]) * weight[i]
			mean += load[i]
		}
		mean /= float64(k)
		for i := range price {
			price[i] += step * (load[i] - mean) / max(mean, 1)
		}
		step *= 0.93
	}
	owner := map[int][]int{}
	for j, b := range blocks {
		owner[ws[assign[j]]] = append(owner[ws[assign[j]]], b)
	}
	p.joinStrays(owner)
	routes := make([]*Route, k)
	for i, w := range ws {
		routes[i] = p.newRoute(w)
		if len(owner[w]) > 0 {
			walk, err := p.tourFor(ctx, owner[w], w, p.opt.Threads)
			if err != nil {
				return nil
			}
			routes[i].Walk = walk
		}
	}
	return routes
}
