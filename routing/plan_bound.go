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
//   - the work shared out: every route is a walk from its worker's start to their end, so
//     closing each with a walk back to the start (none for a closed route, the shortest
//     path from a given end, at most the farthest node of the blocks from the start for
//     an open end) gives closed walks whose deadhead edges contain a T-join of the odd
//     nodes of the blocks. So all deadhead is at least the minimum T-join less those
//     closing walks, and the routes' total time at least the blocks' service time plus
//     that deadhead, both at the fastest worker's speeds; the longest route is at least
//     the total over the number of workers;
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
	planWalk := o.WalkKmh / 3.6
	shop := o.ShopService.Seconds()
	var service float64
	deg := map[int]int{}
	nodes := make([]int, 0, 2*len(blocks))
	for _, b := range blocks {
		e := p.net.Edges[b]
		service += e.LengthM/vServe + shop*float64(len(p.shops[b]))
		for _, v := range []int{e.From, e.To} {
			if deg[v] == 0 {
				nodes = append(nodes, v)
			}
			deg[v]++
		}
	}
	var odd []int
	for _, v := range nodes {
		if deg[v]%2 == 1 {
			odd = append(odd, v)
		}
	}
	var tjoin float64
	if len(odd) > 0 {
		if m, _, err := p.g.minTJoin(context.Background(), odd, o.Threads); err == nil {
			tjoin = m
		}
	}
	// The closing walks, in metres (tree distances are in tenths of a second at the
	// plan-wide walking speed; 1 % and a metre more than the rounding could add).
	toM := func(ds int64) float64 { return float64(ds)/10*planWalk*1.01 + 1 }
	var closing float64
	for _, w := range workers {
		switch {
		case p.ends[w] < 0:
			f, _ := p.treesOf(p.starts[w])
			var far int64
			for _, v := range nodes {
				if d := f.dist[v]; d < planUnreachable {
					far = max(far, d)
				}
			}
			closing += toM(far)
		case p.ends[w] != p.starts[w]:
			f, _ := p.treesOf(p.starts[w])
			if d := f.dist[p.ends[w]]; d < planUnreachable {
				closing += toM(d)
			}
		}
	}
	share := (service + max(0, tjoin-closing)/vWalk) / float64(len(workers))

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
