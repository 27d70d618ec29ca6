package routing

import (
	"math"
	"sort"
)

// finish derives every route's blocks, cost, distances and pieces from its walk, and the
// plan's totals and owner table.
func (p *planner) finish(routes []*Route) {
	pl := p.plan
	pl.owner = make([]int, len(p.net.Blocks))
	for i := range pl.owner {
		pl.owner[i] = -1
	}
	pl.Routes = pl.Routes[:0]
	pl.BlocksCovered = 0
	pl.TotalM, pl.DeadheadM = 0, 0
	var makespan, sum int64
	for _, r := range routes {
		r.Blocks = r.Blocks[:0]
		r.DistanceM, r.DeadheadM = 0, 0
		var c int64
		price := p.moveCostFor(r.Worker)
		for _, m := range r.Walk {
			e := p.net.Edges[m.Link]
			c += price(m)
			r.DistanceM += e.LengthM
			if m.Serve {
				r.Blocks = append(r.Blocks, e.Block)
				pl.owner[e.Block] = r.Worker
			} else {
				r.DeadheadM += e.LengthM
			}
		}
		r.Cost = dsToDuration(c)
		r.Pieces = p.pieces(r.Blocks)
		r.EndNode = p.walkEnd(r)
		r.EndPoint = p.net.Nodes[r.EndNode].Point
		pl.BlocksCovered += len(r.Blocks)
		pl.TotalM += r.DistanceM
		pl.DeadheadM += r.DeadheadM
		makespan = max(makespan, c)
		sum += c
		pl.Routes = append(pl.Routes, *r)
	}
	pl.Makespan = dsToDuration(makespan)
	onDuty := 0
	for w := range routes {
		if w >= len(pl.off) || !pl.off[w] {
			onDuty++
		}
	}
	if onDuty > 0 {
		pl.MeanRoute = dsToDuration(sum / int64(onDuty))
	}
	p.gridResults()
	p.lowerBounds()
	p.advise()
}

// moveCostFor prices worker w's moves in tenths of a second. A worker with the plan-wide
// speeds pays the planning graph's costs; one with their own speeds pays their length at
// those speeds (plus the same shop service time), so a slow walker's route takes longer.
func (p *planner) moveCostFor(w int) func(Move) int64 {
	own := p.opt.worker(w)
	if own.WalkKmh == p.opt.WalkKmh && own.ServeKmh == p.opt.ServeKmh {
		return p.g.moveCost
	}
	walk, serve := own.WalkKmh/3.6, own.ServeKmh/3.6
	shop := int64(math.Round(p.opt.ShopService.Seconds() * 10))
	return func(m Move) int64 {
		e := p.net.Edges[m.Link]
		if m.Serve && e.Block >= 0 {
			return int64(math.Round(e.LengthM/serve*10)) + shop*int64(len(p.shops[e.Block]))
		}
		return int64(math.Round(e.LengthM / walk * 10))
	}
}

// pieces counts the connected pieces formed by a set of blocks (see pieceGroups).
func (p *planner) pieces(blocks []int) int {
	if len(blocks) == 0 {
		return 0
	}
	return len(p.pieceGroups(blocks))
}

// report sorts the unreachable list so that reports are stable.
func (p *planner) report() {
	sort.Slice(p.plan.Unreachable, func(i, j int) bool { return p.plan.Unreachable[i].Block < p.plan.Unreachable[j].Block })
}

// recordPostman adds a one-worker tour over a group's blocks to the plan's postman
// baseline.
func (p *planner) recordPostman(walk []Move) {
	pm := p.plan.postman
	if pm == nil {
		pm = &PostmanReport{}
		p.plan.postman = pm
	}
	for _, m := range walk {
		e := p.net.Edges[m.Link]
		pm.TotalM += e.LengthM
		if !m.Serve {
			pm.DeadheadM += e.LengthM
		}
		pm.RouteS += float64(p.g.moveCost(m)) / 10
	}
	pm.TotalM, pm.DeadheadM, pm.RouteS = round1(pm.TotalM), round1(pm.DeadheadM), round1(pm.RouteS)
	if pm.TotalM > 0 {
		pm.DeadheadShare = math.Round(pm.DeadheadM/pm.TotalM*10000) / 10000
	}
}
