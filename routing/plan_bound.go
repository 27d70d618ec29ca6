package routing

import (
	"context"
	"math"
	"time"
)

// boundSafety absorbs the rounding of every move's time to a tenth of a second (a
// route's time is a sum of rounded moves, the bound is computed from lengths).
const boundSafety = 0.998

// gridResults fills Plan.Grids from the finished routes.
func (p *planner) gridResults() {
	pl := p.plan
	pl.Grids = make([]GridResult, len(p.gridNames))
	for g, name := range p.gridNames {
		pl.Grids[g].Name = name
	}
	for _, g := range p.blockGrid {
		if g >= 0 {
			pl.Grids[g].BlocksRequired++
		}
	}
	sum := make([]time.Duration, len(pl.Grids))
	onDuty := make([]int, len(pl.Grids))
	for _, r := range pl.Routes {
		gr := &pl.Grids[r.Grid]
		gr.Workers = append(gr.Workers, r.Worker)
		gr.BlocksCovered += len(r.Blocks)
		gr.Makespan = max(gr.Makespan, r.Cost)
		gr.TotalM += r.DistanceM
		gr.DeadheadM += r.DeadheadM
		if r.Worker >= len(pl.off) || !pl.off[r.Worker] {
			sum[r.Grid] += r.Cost
			onDuty[r.Grid]++
		}
	}
	for g := range pl.Grids {
		if onDuty[g] > 0 {
			pl.Grids[g].MeanRoute = sum[g] / time.Duration(onDuty[g])
		}
	}
}

// lowerBounds sets every grid's certified lower bound on its makespan (the largest of
// its groups', see groupBound) and the plan's (the largest of the grids').
func (p *planner) lowerBounds() {
	p.plan.LowerBound = 0
	for gi, ws := range p.grpWorkers {
		if len(p.grpBlocks[gi]) == 0 {
			continue
		}
		active := make([]int, 0, len(ws))
		for _, w := range ws {
			if w >= len(p.plan.off) || !p.plan.off[w] {
				active = append(active, w)
			}
		}
		if len(active) == 0 {
			continue
		}
		lb := p.groupBound(active, p.grpBlocks[gi])
		g := p.workerGrid(ws[0])
		p.plan.Grids[g].LowerBound = max(p.plan.Grids[g].LowerBound, lb)
		p.plan.LowerBound = max(p.plan.LowerBound, lb)
	}
}

// groupBound is a lower bound on the longest route of workers serving blocks (one
// group: the workers of one grid in one component), the larger of:
//
//   - the work shared out: in the union of all the routes every node has even degree
//     but the two ends of a route that ends elsewhere than it starts. So the deadhead is a
//     T-join of the blocks' odd nodes toggled at those ends, and at least the minimum
//     such T-join, where each open end may lie anywhere (a free slot of the matching)
//     and, since a worker may end up with nothing to do, each of their given ends may be
//     left out too (one more free slot per such worker: a slot can leave a node out of the
//     set or, in effect, put one back). The routes' total time is at least the blocks'
//     service time plus that deadhead, both at the fastest worker's speeds; the longest
//     route is at least the total over the number of workers;
//   - the farthest block: some worker serves each block, at least walking from their
//     start to one end of it, serving it and walking from its other end to their end.
//
// Route times are rounded per move; boundSafety absorbs that.
func (p *planner) groupBound(workers, blocks []int) time.Duration {
	o := p.opt
	var vWalk, vServe float64 // m/s, the fastest
	for _, w := range workers {
		own := o.worker(w)
		vWalk = max(vWalk, own.WalkKmh/3.6)
		vServe = max(vServe, own.ServeKmh/3.6)
	}
	shop := o.ShopService.Seconds()
	var service float64
	deg := map[int]int{}
	for _, b := range blocks {
		e := p.net.Edges[b]
		service += e.LengthM/vServe + shop*float64(len(p.shops[b]))
		deg[e.From]++
		deg[e.To]++
	}
	t := oddDegree(deg)
	free := 0
	for _, w := range workers {
		switch s, e := p.starts[w], p.ends[w]; {
		case e < 0:
			t = toggleNode(t, s)
			free++
		case e != s:
			t = toggleNode(toggleNode(t, s), e)
			free += 2
		}
	}
	var tjoin float64
	if len(t) > 0 {
		if m, _, err := p.g.minTJoinFree(context.Background(), t, free, o.Threads); err == nil {
			tjoin = m
		}
	}
	share := (service + tjoin/vWalk) / float64(len(workers))

	far := 0.0
	for _, b := range blocks {
		e := p.net.Edges[b]
		best := math.Inf(1)
		for _, w := range workers {
			own := o.worker(w)
			f, _ := p.treesOf(p.starts[w])
			back := p.backTo(w)
			serve := e.LengthM/(own.ServeKmh/3.6) + shop*float64(len(p.shops[b]))
			scale := o.WalkKmh / own.WalkKmh / 10 // tree tenths of a second → own seconds
			dirs := [][2]int{{e.From, e.To}}
			if !p.g.directed[b] {
				dirs = append(dirs, [2]int{e.To, e.From})
			}
			for _, d := range dirs {
				if f.dist[d[0]] >= planUnreachable || back[d[1]] >= planUnreachable {
					continue
				}
				best = min(best, float64(f.dist[d[0]]+back[d[1]])*scale+serve)
			}
		}
		if !math.IsInf(best, 1) {
			far = max(far, best)
		}
	}
	lb := max(share, far) * boundSafety
	return time.Duration(math.Floor(lb*10)) * 100 * time.Millisecond
}
