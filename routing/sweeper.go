package routing

import (
	"context"
	"fmt"
	"math"
	"time"
)

// sweep plans carts: one-way streets are arcs (served and passed only forwards), each
// cart's load grows by a block's length as it sweeps it, and when the next block would
// overflow the capacity the cart first empties at the waste station that adds the least
// detour (an intermediate facility) and then carries on; it empties once more before it
// goes home. Territories are cut from a giant tour exactly as in patrol mode, with the
// tour's streets oriented for the one-way rules first.
func (p *planner) sweep(ctx context.Context) (*Plan, error) {
	workers, blocks, err := p.groups()
	if err != nil {
		return nil, err
	}
	p.plan.Approximations = append(p.plan.Approximations,
		"the giant tour is ordered on the undirected network, then each street is oriented (one-way streets forwards, others whichever way is shorter) and joined by one-way-respecting shortest paths",
		"territories are cut with the detours to stations estimated as a mean cost per metre swept; the actual stops are added after the cut, so balance is approximate")
	var stations []int // distinct station nodes
	seen := map[int]bool{}
	for _, v := range p.plan.stationNodes {
		if v >= 0 && !seen[v] {
			seen[v] = true
			stations = append(stations, v)
		}
	}
	if p.opt.Capacity > 0 && len(stations) == 0 {
		p.plan.Approximations = append(p.plan.Approximations, "no waste station near the streets: carts empty at their start point")
	}
	ws := newPathSearch(p.g)
	routes := make([]*Route, p.opt.Workers)
	for gi := range workers {
		depot := p.starts[workers[gi][0]]
		giant, err := p.g.postmanTour(ctx, blocks[gi], depot, p.opt.Threads)
		if err != nil {
			return nil, fmt.Errorf("plan: giant tour: %w", err)
		}
		var seq []int
		for _, m := range giant {
			if m.Serve {
				seq = append(seq, m.Link)
			}
		}
		dwalk := p.orient(ws, seq, depot)
		p.recordPostman(dwalk)
		gp := p.newGroupPlan(workers[gi], dwalk)
		rs, s := p.splitTour(gp, dwalk)
		if gp.shared && p.uniform {
			p.plan.addWorkersNeeded(s.fewestWorkers(int64(p.opt.ShiftLimit / (100 * time.Millisecond))))
		}
		if p.opt.Capacity > 0 {
			var cutCost int64
			for _, r := range rs {
				cutCost += p.g.walkCost(r.Walk)
				p.addStationStops(ws, r, stations)
			}
			// The cut did not see the station detours. Cut again with every metre swept
			// charged its share of them, and keep the better plan.
			for round := 0; round < 3; round++ {
				again, againCut := p.recutWithStops(ws, gp, dwalk, rs, cutCost, stations)
				if again == nil {
					break
				}
				rs, cutCost = again, againCut
			}
		}
		for _, r := range rs {
			routes[r.Worker] = r
		}
		if ctx.Err() != nil {
			break
		}
	}
	for w := range routes {
		if routes[w] == nil {
			routes[w] = p.newRoute(w)
		}
	}
	p.finish(routes)
	p.report()
	p.plan.Interrupted = ctx.Err() != nil
	return p.plan, nil
}

// orient turns an order of blocks into a closed walk from depot that serves them in that
// order, choosing for each two-way street the direction that makes the whole walk
// shortest (dynamic programming over the two directions of each block).
func (p *planner) orient(ws *pathSearch, seq []int, depot int) []Move {
	if len(seq) == 0 {
		return nil
	}
	g := p.g
	type opt struct {
		head, tail int
		rev        bool
	}
	options := func(e int) []opt {
		o := []opt{{int(g.from[e]), int(g.to[e]), false}}
		if !g.directed[e] && g.from[e] != g.to[e] {
			o = append(o, opt{int(g.to[e]), int(g.from[e]), true})
		}
		return o
	}
	cost := make([][2]int64, len(seq))
	prev := make([][2]int8, len(seq))
	for i, e := range seq {
		cur := options(e)
		var heads []int
		for _, o := range cur {
			heads = append(heads, o.head)
		}
		if i == 0 {
			d := ws.distances(depot, heads)
			for k := range cur {
				cost[0][k] = d[k] + g.serve[e]
			}
			continue
		}
		before := options(seq[i-1])
		for k := range cur {
			cost[i][k] = planUnreachable * 4
		}
		for j, b := range before {
			d := ws.distances(b.tail, heads)
			for k := range cur {
				if c := cost[i-1][j] + d[k] + g.serve[e]; c < cost[i][k] {
					cost[i][k], prev[i][k] = c, int8(j)
				}
			}
		}
	}
	last := options(seq[len(seq)-1])
	bestK, best := 0, int64(math.MaxInt64)
	for k, o := range last {
		if c := cost[len(seq)-1][k] + ws.distances(o.tail, []int{depot})[0]; c < best {
			bestK, best = k, c
		}
	}
	choice := make([]int, len(seq))
	choice[len(seq)-1] = bestK
	for i := len(seq) - 1; i > 0; i-- {
		choice[i-1] = int(prev[i][choice[i]])
	}
	var walk []Move
	at := depot
	for i, e := range seq {
		o := options(e)[choice[i]]
		walk = append(walk, ws.path(at, o.head)...)
		walk = append(walk, Move{Link: e, Reverse: o.rev, Serve: true})
		at = o.tail
	}
	return append(walk, ws.path(at, depot)...)
}

// addStationStops rebuilds route r's walk with the cart's load: before a block that would
// overflow the capacity the cart empties at the station (or, without stations, at its
// start) that adds the least detour; it empties again before going home.
func (p *planner) addStationStops(ws *pathSearch, r *Route, stations []int) {
	g := p.g
	capM := p.opt.Capacity
	dumps := stations
	if len(dumps) == 0 {
		dumps = []int{r.StartNode}
	}
	stationOf := map[int]int{} // node → first input station there
	for i := len(p.plan.stationNodes) - 1; i >= 0; i-- {
		if v := p.plan.stationNodes[i]; v >= 0 {
			stationOf[v] = i
		}
	}
	var services []Move
	for _, m := range r.Walk {
		if m.Serve {
			services = append(services, m)
		}
	}
	if len(services) == 0 {
		return
	}
	var walk []Move
	var stops []StationStop
	at := r.StartNode
	load := 0.0
	empty := func(next int) {
		bestS, best := -1, planUnreachable
		for _, s := range dumps {
			f, rv := p.treesOf(s)
			if c := rv.dist[at] + f.dist[next]; c < best {
				bestS, best = s, c
			}
		}
		if bestS < 0 {
			return
		}
		walk = append(walk, ws.path(at, bestS)...)
		if st, ok := stationOf[bestS]; ok && len(stations) > 0 {
			stops = append(stops, StationStop{AfterMove: len(walk) - 1, Station: st})
		}
		at, load = bestS, 0
	}
	for _, m := range services {
		head, tail := g.moveEnds(m)
		demand := p.net.Edges[m.Link].LengthM
		if load > 0 && load+demand > capM {
			empty(head)
		}
		walk = append(walk, ws.path(at, head)...)
		walk = append(walk, m)
		at, load = tail, load+demand
	}
	if load > 0 && len(stations) > 0 {
		empty(r.StartNode)
	}
	walk = append(walk, ws.path(at, r.StartNode)...)
	// A stop recorded before any move (station at the start) belongs after move -1;
	// Steps reads AfterMove as an index, so such a stop is dropped from the walk's legs.
	r.Walk, r.Stops = walk, stops
}

// pathSearch is a reusable Dijkstra workspace for the many short searches of sweeper
// mode: it resets only the nodes it touched.
type pathSearch struct {
	g       *planGraph
	dist    []int64
	via     []int32
	touched []int32
	heap    planHeap
}

func newPathSearch(g *planGraph) *pathSearch {
	ls := &pathSearch{g: g, dist: make([]int64, g.n), via: make([]int32, g.n)}
	for i := range ls.dist {
		ls.dist[i] = planUnreachable
		ls.via[i] = -1
	}
	return ls
}

// run searches forward from src until every target is settled (or all reachable nodes).
func (ls *pathSearch) run(src int, targets []int) {
	for _, v := range ls.touched {
		ls.dist[v] = planUnreachable
		ls.via[v] = -1
	}
	ls.touched = ls.touched[:0]
	ls.heap.d, ls.heap.v = ls.heap.d[:0], ls.heap.v[:0]
	left := map[int]bool{}
	for _, t := range targets {
		left[t] = true
	}
	ls.dist[src] = 0
	ls.touched = append(ls.touched, int32(src))
	ls.heap.push(0, int32(src))
	g := ls.g
	for len(ls.heap.d) > 0 {
		d, v := ls.heap.pop()
		if d != ls.dist[v] {
			continue
		}
		delete(left, int(v))
		if len(left) == 0 {
			return
		}
		for a := g.outStart[v]; a < g.outStart[v+1]; a++ {
			arc := g.outArc[a]
			nd := d + g.trav[arc.edge]
			if nd < ls.dist[arc.node] {
				if ls.dist[arc.node] == planUnreachable {
					ls.touched = append(ls.touched, arc.node)
				}
				ls.dist[arc.node] = nd
				ls.via[arc.node] = a
				ls.heap.push(nd, arc.node)
			}
		}
	}
}

// distances returns d(src, t) for every target.
func (ls *pathSearch) distances(src int, targets []int) []int64 {
	ls.run(src, targets)
	out := make([]int64, len(targets))
	for i, t := range targets {
		out[i] = ls.dist[t]
	}
	return out
}

// path returns the moves of a shortest path from a to b (none when b is unreachable).
func (ls *pathSearch) path(a, b int) []Move {
	if a == b {
		return nil
	}
	ls.run(a, []int{b})
	if ls.dist[b] >= planUnreachable {
		return nil
	}
	var out []Move
	for v := b; ls.via[v] >= 0; {
		arc := ls.g.outArc[ls.via[v]]
		out = append(out, Move{Link: int(arc.edge), Reverse: arc.rev})
		v = int(ls.g.otherEnd(arc, false))
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// recutWithStops prices each block's service with the mean station detour per metre
// swept of the first cut (routes, which cost cutCost before their stops), cuts the tour
// again on those prices and adds station stops anew; it returns the new routes when they
// score better (with their cost before stops), else nil.
func (p *planner) recutWithStops(ws *pathSearch, gp *groupPlan, tour []Move, routes []*Route, cutCost int64, stations []int) ([]*Route, int64) {
	var withStops int64
	var swept float64
	for _, r := range routes {
		withStops += p.g.walkCost(r.Walk)
		for _, m := range r.Walk {
			if m.Serve {
				swept += p.net.Edges[m.Link].LengthM
			}
		}
	}
	if swept <= 0 || withStops <= cutCost {
		return nil, 0
	}
	perM := float64(withStops-cutCost) / swept
	priced := *p.g
	priced.serve = make([]int64, len(p.g.serve))
	for e, c := range p.g.serve {
		priced.serve[e] = c
		if e < len(p.net.Blocks) {
			priced.serve[e] = c + int64(math.Round(perM*p.net.Edges[e].LengthM))
		}
	}
	again, _ := p.splitTourPriced(&priced, gp, tour)
	var againCut int64
	for _, r := range again {
		againCut += p.g.walkCost(r.Walk)
		p.addStationStops(ws, r, stations)
	}
	if p.score(again).better(p.score(routes)) {
		return again, againCut
	}
	return nil, 0
}
