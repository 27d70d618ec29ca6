package routing

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// GridWorkloads is, per grid, the least time its blocks take one worker at the plan-wide
// speeds: serving every block whose midpoint lies in the grid (street at the service
// speed, shop visits) plus walking the grid's minimum deadhead (the min T-join of the odd
// nodes of its blocks, at the walking speed). It is what a community should staff its
// grids by: street counts alone miss the shops and the dead ends. opt.Workers,
// PerWorker and Starts are ignored; a grid without blocks is an error naming it.
func GridWorkloads(ctx context.Context, in PlanInput, grids []Grid, opt PlanOptions) ([]time.Duration, error) {
	if len(grids) == 0 {
		return nil, badInput("grid workloads: no grids")
	}
	opt.Grids = grids
	opt.Workers = len(grids)
	opt.Starts = nil
	opt.PerWorker = make([]WorkerParams, len(grids))
	for g := range grids {
		opt.PerWorker[g] = WorkerParams{Grid: g}
	}
	p, err := newPlanner(in, opt)
	if err != nil {
		return nil, err
	}
	o := p.opt
	serve, walk := o.ServeKmh/3.6, o.WalkKmh/3.6
	out := make([]time.Duration, len(grids))
	for g := range grids {
		var secs float64
		deg := map[int]int{}
		for b, bg := range p.blockGrid {
			if bg != g {
				continue
			}
			e := p.net.Edges[b]
			secs += e.LengthM/serve + o.ShopService.Seconds()*float64(len(p.shops[b]))
			deg[e.From]++
			deg[e.To]++
		}
		odd := oddDegree(deg)
		if len(odd) > 0 {
			m, _, err := p.g.minTJoin(ctx, odd, o.Threads)
			if err != nil {
				return nil, fmt.Errorf("grid %q: %w", grids[g].Name, err)
			}
			secs += m / walk
		}
		out[g] = time.Duration(secs * float64(time.Second))
	}
	return out, nil
}

// ShareWorkers splits k workers among grids in proportion to their workloads (see
// GridWorkloads): at least one each, then each next worker to the grid with the most
// work per worker (ties to the earlier grid).
func ShareWorkers(work []time.Duration, k int) ([]int, error) {
	if k < len(work) {
		return nil, badInput("%d workers for %d grids (need at least one each)", k, len(work))
	}
	share := make([]int, len(work))
	left := k
	for g := range work {
		share[g] = 1
		left--
	}
	for ; left > 0; left-- {
		// The grid with the most work per worker gets the next one.
		best := 0
		for g := range work {
			if work[g].Seconds()/float64(share[g]) > work[best].Seconds()/float64(share[best]) {
				best = g
			}
		}
		share[best]++
	}
	return share, nil
}

// oddDegree lists the nodes of odd degree, in increasing order.
func oddDegree(deg map[int]int) []int {
	var odd []int
	for v, d := range deg {
		if d%2 == 1 {
			odd = append(odd, v)
		}
	}
	slices.Sort(odd)
	return odd
}
