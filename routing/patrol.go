package routing

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/paulmach/orb"
)

// PlanRoutes splits the required blocks of the network among the workers and routes each
// one. In patrol mode every worker walks one closed route from its start; the longest
// route is minimised first, then routes are evened out. When ctx ends after the first
// complete plan, that plan is returned with Interrupted set.
func PlanRoutes(ctx context.Context, in PlanInput, opt PlanOptions) (*Plan, error) {
	p, err := newPlanner(in, opt)
	if err != nil {
		return nil, err
	}
	if p.opt.Mode == ModeSweeper {
		return p.sweep(ctx)
	}
	return p.patrol(ctx)
}

// planner holds what every phase of a plan needs.
type planner struct {
	opt      PlanOptions
	in       PlanInput
	net      *geo.Network
	g        *planGraph
	required []bool  // per block
	shops    [][]int // per block
	starts   []int   // per worker, a node
	// startRule is, per worker, how its start was chosen; ends its end node (-1: open)
	// and endKind what was asked for.
	startRule []string
	ends      []int
	endKind   []EndKind
	// blockGrid is, per block, the grid it belongs to (-1: not required); gridNames
	// has one name per grid (WholeNetworkGrid without grids).
	blockGrid []int
	gridNames []string
	// unrequired counts, per grid, its blocks that PlanInput.Required left out (a
	// campaign's plan): such a grid's workers are idle, not a mistake.
	unrequired []int
	// grpWorkers and grpBlocks are the groups (see groups).
	grpWorkers, grpBlocks [][]int
	began                 time.Time
	deadline              time.Time
	plan                  *Plan
	// phaseBegan and phaseSecs are the current group's share of the time budget.
	phaseBegan time.Time
	phaseSecs  float64
	// pricing (see initPricing): per worker, the split rates; uniform when every worker
	// has the plan-wide speeds and shift; shopDs per edge, the shop part of its service.
	rates   []splitRate
	uniform bool
	shopDs  []int64
	zeros   []int64 // the distances to an open end

	trees map[int][2]*spTree // per start node: forward and reverse shortest-path trees
}

func newPlanner(in PlanInput, opt PlanOptions) (*planner, error) {
	o, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if in.Network == nil || len(in.Network.Blocks) == 0 {
		return nil, badInput("the network has no blocks")
	}
	net := in.Network
	p := &planner{opt: o, in: in, net: net, began: time.Now(), trees: map[int][2]*spTree{}}
	p.deadline = p.began.Add(time.Duration(o.Seconds * float64(time.Second)))
	p.phaseBegan, p.phaseSecs = p.began, o.Seconds
	p.plan = &Plan{Mode: o.Mode, net: net, opt: o, input: in}

	if err := p.requireBlocks(); err != nil {
		return nil, err
	}

	// Shops count on the block they stand by; stations are only checked here and used by
	// sweeper mode.
	p.shops = make([][]int, len(net.Blocks))
	pts := make([]orb.Point, len(in.Shops))
	for i, s := range in.Shops {
		pts[i] = s.Point
	}
	for i, sn := range net.SnapPoints(pts, o.SnapToleranceM) {
		if !sn.Snapped() {
			p.plan.ShopsTooFar = append(p.plan.ShopsTooFar, PointRef{in.Shops[i].SourceID, in.Shops[i].Name, roundM(sn.DistM)})
			continue
		}
		p.shops[sn.Block] = append(p.shops[sn.Block], i)
	}
	p.plan.shops = p.shops
	stPts := make([]orb.Point, len(in.Stations))
	for i, s := range in.Stations {
		stPts[i] = s.Point
	}
	p.plan.stationNodes = make([]int, len(in.Stations))
	for i, sn := range net.SnapPoints(stPts, o.SnapToleranceM) {
		if !sn.Snapped() {
			p.plan.StationsTooFar = append(p.plan.StationsTooFar, PointRef{in.Stations[i].SourceID, in.Stations[i].Name, roundM(sn.DistM)})
			p.plan.stationNodes[i] = -1
			continue
		}
		e := net.Edges[sn.Block]
		p.plan.stationNodes[i] = e.From
		if sn.Along > 0.5 {
			p.plan.stationNodes[i] = e.To
		}
	}

	walk := o.WalkKmh / 3.6
	serve := o.ServeKmh / 3.6
	shop := int64(math.Round(o.ShopService.Seconds() * 10))
	m := len(net.Edges)
	from := make([]int32, m)
	to := make([]int32, m)
	directed := make([]bool, m)
	trav := make([]int64, m)
	sv := make([]int64, m)
	for e, ed := range net.Edges {
		from[e], to[e] = int32(ed.From), int32(ed.To)
		trav[e] = int64(math.Round(ed.LengthM / walk * 10))
		if ed.Block >= 0 {
			sv[e] = int64(math.Round(ed.LengthM/serve*10)) + shop*int64(len(p.shops[ed.Block]))
			directed[e] = o.Mode == ModeSweeper && net.Blocks[ed.Block].Oneway
		}
	}
	p.g = newPlanGraph(len(net.Nodes), from, to, directed, trav, sv)
	p.g.lengthMM = make([]int64, m)
	for e, ed := range net.Edges {
		p.g.lengthMM[e] = int64(math.Round(ed.LengthM * 1000))
	}
	p.g.street = make([]int32, m)
	streets := map[string]int32{}
	for e, ed := range net.Edges {
		key := "bridge"
		if ed.Block >= 0 {
			b := net.Blocks[ed.Block]
			key = "name:" + b.Name
			if b.Name == "" {
				key = fmt.Sprintf("way:%d", b.WayID)
			}
		}
		id, ok := streets[key]
		if !ok {
			id = int32(len(streets))
			streets[key] = id
		}
		p.g.street[e] = id
	}
	p.plan.g = p.g

	if err := p.staffGrids(); err != nil {
		return nil, err
	}
	for b := range net.Blocks {
		if p.required[b] {
			p.plan.ShopsOnBlocks += len(p.shops[b])
		}
	}
	if err := p.placeWorkers(); err != nil {
		return nil, err
	}
	p.initPricing()
	return p, nil
}

func roundM(x float64) float64 {
	if math.IsInf(x, 0) {
		return -1
	}
	return math.Round(x*10) / 10
}

// centralNode picks the node of the component holding most required blocks that
// minimises the summed walking distance from a sample of that component's nodes.
func (p *planner) centralNode() int {
	uf := newPlanUnionFind(p.g.n)
	for e := range p.g.from {
		uf.union(int(p.g.from[e]), int(p.g.to[e]))
	}
	count := map[int]int{}
	for b, r := range p.required {
		if r {
			count[uf.find(p.net.Edges[b].From)]++
		}
	}
	bestRoot, bestN := -1, -1
	for v := 0; v < p.g.n; v++ {
		r := uf.find(v)
		if count[r] > bestN {
			bestRoot, bestN = r, count[r]
		}
	}
	var members []int
	for v := 0; v < p.g.n; v++ {
		if uf.find(v) == bestRoot {
			members = append(members, v)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(p.opt.Seed), 0x9e3779b97f4a7c15))
	const sample = 24
	srcs := members
	if len(members) > sample {
		srcs = make([]int, sample)
		for i := range srcs {
			srcs[i] = members[rng.IntN(len(members))]
		}
	}
	// Out and back: with one-way streets (sweeper mode) a node that can be reached but
	// not left, or the reverse, must not win.
	trees := append(p.g.parallelTrees(srcs, false, p.opt.Threads), p.g.parallelTrees(srcs, true, p.opt.Threads)...)
	best, bestSum := members[0], int64(math.MaxInt64)
	for _, v := range members {
		var s int64
		for _, t := range trees {
			if t.dist[v] >= planUnreachable {
				s = math.MaxInt64
				break
			}
			s += t.dist[v]
		}
		if s < bestSum {
			best, bestSum = v, s
		}
	}
	return best
}

// treesOf returns the forward and reverse shortest-path trees of a start node, computed
// once.
func (p *planner) treesOf(v int) (*spTree, *spTree) {
	if t, ok := p.trees[v]; ok {
		return t[0], t[1]
	}
	f := p.g.shortest(v, false, nil)
	r := p.g.shortest(v, true, nil)
	p.trees[v] = [2]*spTree{f, r}
	return f, r
}

// groups splits the work into independent groups: the workers of one grid whose starts
// lie in one (weakly) connected component, with the grid's required blocks in that
// component. Blocks that none of their grid's workers can reach (and leave again) are
// recorded as unreachable. It returns, per group, its workers and its blocks, and fails
// when a worker's end cannot be reached from their start.
func (p *planner) groups() (workers [][]int, blocks [][]int, err error) {
	uf := newPlanUnionFind(p.g.n)
	for e := range p.g.from {
		uf.union(int(p.g.from[e]), int(p.g.to[e]))
	}
	type key struct{ grid, root int }
	groupOf := map[key]int{}
	for w, s := range p.starts {
		if e := p.ends[w]; e >= 0 && uf.find(e) != uf.find(s) {
			return nil, nil, badInput("%s: the end point cannot be reached from the start", p.opt.workerName(w))
		}
		k := key{p.workerGrid(w), uf.find(s)}
		gi, ok := groupOf[k]
		if !ok {
			gi = len(workers)
			groupOf[k] = gi
			workers = append(workers, nil)
			blocks = append(blocks, nil)
		}
		workers[gi] = append(workers[gi], w)
	}
	for b, req := range p.required {
		if !req {
			continue
		}
		e := b // block b is edge b
		gi, ok := groupOf[key{p.blockGrid[b], uf.find(int(p.g.from[e]))}]
		if ok {
			// Directed streets must also be enterable and left again from the start.
			f, r := p.treesOf(p.starts[workers[gi][0]])
			if f.dist[p.g.from[e]] >= planUnreachable || r.dist[p.g.to[e]] >= planUnreachable {
				ok = false
			}
		}
		if !ok {
			bl := p.net.Blocks[b]
			p.plan.Unreachable = append(p.plan.Unreachable, BlockRef{Block: b, SourceID: bl.SourceID, Name: bl.Name})
			continue
		}
		blocks[gi] = append(blocks[gi], b)
	}
	p.grpWorkers, p.grpBlocks = workers, blocks
	return workers, blocks, nil
}

func (p *planner) patrol(ctx context.Context) (*Plan, error) {
	workers, blocks, err := p.groups()
	if err != nil {
		return nil, err
	}
	routes := make([]*Route, p.opt.Workers)
	left := 0
	for _, bs := range blocks {
		left += len(bs)
	}
	for gi := range workers {
		p.budgetGroup(len(blocks[gi]), left)
		left -= len(blocks[gi])
		rs, err := p.patrolGroup(ctx, workers[gi], blocks[gi])
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			routes[r.Worker] = r
		}
	}
	p.finish(routes)
	p.report()
	p.plan.Interrupted = ctx.Err() != nil
	return p.plan, nil
}

// budgetGroup gives the next group its share of what is left of the time budget, in
// proportion to its blocks (of left still to plan).
func (p *planner) budgetGroup(blocks, left int) {
	now := time.Now()
	rest := p.began.Add(time.Duration(p.opt.Seconds * float64(time.Second))).Sub(now).Seconds()
	p.phaseBegan = now
	p.phaseSecs = max(0, rest) * float64(blocks) / float64(max(1, left))
}

// groupPlan is the split machinery of one group: its workers in the order in which they
// take pieces of a giant tour, and their shortest-path distances from their start (out)
// and to their end (back; zero everywhere for an open end).
type groupPlan struct {
	workers []int
	shared  bool // one start and one end for every worker
	out     map[int][]int64
	back    map[int][]int64
}

// newGroupPlan prepares the split of a group's giant tour.
func (p *planner) newGroupPlan(workers []int, giant []Move) *groupPlan {
	gp := &groupPlan{shared: true, out: map[int][]int64{}, back: map[int][]int64{}}
	w0 := workers[0]
	for _, w := range workers {
		if p.starts[w] != p.starts[w0] || p.ends[w] != p.ends[w0] {
			gp.shared = false
		}
		f, _ := p.treesOf(p.starts[w])
		gp.out[w], gp.back[w] = f.dist, p.backTo(w)
	}
	gp.workers = workers
	if !gp.shared {
		gp.workers = orderWorkersAlongTour(newTourSplit(p.g, giant, nil, nil, true), workers, gp.out)
	}
	return gp
}

// backTo is, per node, the distance from it to worker w's end (zero for an open end).
func (p *planner) backTo(w int) []int64 {
	if p.ends[w] < 0 {
		if p.zeros == nil {
			p.zeros = make([]int64, p.g.n)
		}
		return p.zeros
	}
	_, r := p.treesOf(p.ends[w])
	return r.dist
}

// newRoute is worker w's route before it has a walk.
func (p *planner) newRoute(w int) *Route {
	start := p.starts[w]
	return &Route{Worker: w, Grid: p.workerGrid(w), StartNode: start, StartPoint: p.net.Nodes[start].Point,
		StartRule: p.startRule[w], End: p.endKind[w], EndNode: start}
}

// patrolGroup plans the workers of one group (sharing a connected network) over its
// blocks. Route first, cluster second, repeated: a giant postman tour from the first
// worker's start is cut into the most even consecutive pieces; each piece is re-routed on
// its own, stray pieces of territory are handed to neighbours, and the improved routes,
// chained back into one tour, are cut again. The best plan seen is kept (even routes
// first: makespan/mean at most 1.05; then the shortest longest route; then the total).
func (p *planner) patrolGroup(ctx context.Context, workers []int, blocks []int) ([]*Route, error) {
	depot := p.starts[workers[0]]
	giant, err := p.g.postmanTour(ctx, blocks, depot, p.opt.Threads)
	if err != nil {
		return nil, fmt.Errorf("plan: giant tour: %w", err)
	}
	p.recordPostman(giant)
	gp := p.newGroupPlan(workers, giant)
	routes, s := p.splitTour(gp, giant)
	routes = p.reassignIfBetter(ctx, routes)
	if !gp.shared {
		if rs := p.flatSplit(ctx, gp, giant); rs != nil && p.score(rs).better(p.score(routes)) {
			routes = rs
		}
	}
	if gp.shared && p.uniform {
		p.plan.addWorkersNeeded(s.fewestWorkers(int64(p.opt.ShiftLimit / (100 * time.Millisecond))))
	}
	best := cloneRoutes(routes)
	bestScore := p.score(routes)
	p.progress(bestScore)
	consider := func(rs []*Route) {
		if sc := p.score(rs); sc.better(bestScore) {
			best, bestScore = cloneRoutes(rs), sc
			p.progress(sc)
		}
	}
	// The compact candidates: regions cut straight and (with starts of their own)
	// territories grown around the starts, stray pieces handed over, then evened out,
	// until 25 % of the budget.
	if len(workers) > 1 {
		cands := [][]*Route{p.regionRoutes(ctx, gp.workers, blocks)}
		if !gp.shared {
			cands = append(cands, p.seededRoutes(ctx, gp, blocks))
		}
		for i, cand := range cands {
			if cand == nil {
				continue
			}
			p.setPhase(0.25 * float64(i+1) / float64(len(cands)))
			t := p.newTerritories(cand)
			if changed := t.mergePieces(ctx); len(changed) > 0 {
				t.reroute(ctx, changed)
			}
			t.rebalance(ctx, nil)
			consider(cand)
		}
	}
	// The budget: improvement rounds until 45 % of it, then piece merging, boundary
	// moves and merging again until 85 %, perturbed boundary moves (polish) until 90 %;
	// the rest is left for writing the results.
	p.setPhase(0.45)
	for round := 0; round < 6 && !p.outOfTime(ctx); round++ {
		before := bestScore
		t := p.newTerritories(routes)
		all := make([]int, len(routes))
		for i := range all {
			all[i] = i
		}
		t.reroute(ctx, all)
		if changed := t.mergePieces(ctx); len(changed) > 0 {
			t.reroute(ctx, changed)
		}
		consider(routes)
		if p.outOfTime(ctx) {
			break
		}
		routes, _ = p.splitTour(gp, p.chain(gp, routes))
		routes = p.reassignIfBetter(ctx, routes)
		consider(routes)
		if !bestScore.better(before) {
			break // a round that finds nothing better would repeat itself
		}
	}
	// Hand stray pieces to neighbours (the first pass runs whatever the clock says: it
	// is cheap and makes territories much more compact), then move boundary blocks off
	// the longest route while that shortens it, then merge pieces again.
	merge := func(frac float64, forced bool) {
		p.setPhase(frac)
		for pass := 0; pass < 4 && (forced || !p.outOfTime(ctx)) && ctx.Err() == nil; pass++ {
			cand := cloneRoutes(best)
			t := p.newTerritories(cand)
			if forced {
				t.p.deadline = time.Now().Add(time.Hour)
			}
			changed := t.mergePieces(ctx)
			if len(changed) == 0 {
				break
			}
			t.reroute(ctx, changed)
			p.setPhase(frac)
			forced = false
			// Fewer pieces at no longer makespan is worth a slightly larger total.
			if sc := p.score(cand); (!sc.uneven || bestScore.uneven) && sc.penalised() <= bestScore.penalised() {
				best, bestScore = cand, sc
			}
		}
	}
	merge(0.6, true)
	p.setPhase(0.75)
	if !p.outOfTime(ctx) {
		cand := cloneRoutes(best)
		t := p.newTerritories(cand)
		t.rebalance(ctx, nil)
		consider(cand)
	}
	merge(0.85, false)
	// The greedy steps above end as soon as one pass finds nothing; the time left until
	// 90 % goes to perturb-and-rebalance rounds around the longest route.
	p.setPhase(0.9)
	best, bestScore = p.polish(ctx, best, bestScore)
	if rs := p.reassignIfBetter(ctx, best); !sameRoutes(rs, best) {
		best, bestScore = rs, p.score(rs)
	}
	p.setPhase(0.97)
	if rs := p.levelled(ctx, best); rs != nil {
		best, bestScore = rs, p.score(rs)
		p.progress(bestScore)
	}
	// The best plan may come straight from a cut, whose routes follow the giant tour:
	// re-route every territory on its own once more (never longer, often shorter).
	// This pass runs whatever the clock says (it takes a small part of a first round).
	if ctx.Err() == nil {
		cand := cloneRoutes(best)
		t := p.newTerritories(cand)
		all := make([]int, len(cand))
		for i := range all {
			all[i] = i
		}
		t.rerouteUntil(ctx, all, time.Now().Add(time.Hour))
		if sc := p.score(cand); !sc.uneven || bestScore.uneven {
			best, bestScore = cand, sc
			p.progress(sc)
		}
	}
	return best, nil
}

// splitTour cuts a giant tour among the group's workers.
func (p *planner) splitTour(gp *groupPlan, giant []Move) ([]*Route, *tourSplit) {
	return p.splitTourPriced(p.g, gp, giant)
}

// splitTourPriced is splitTour with the pieces priced on cost (the same network with
// other costs), while the routes are built on the planner's own graph.
func (p *planner) splitTourPriced(cost *planGraph, gp *groupPlan, giant []Move) ([]*Route, *tourSplit) {
	s := newTourSplit(cost, giant, nil, nil, gp.shared)
	for _, w := range gp.workers {
		s.out = append(s.out, gp.out[w])
		s.back = append(s.back, gp.back[w])
	}
	if rates := p.groupRates(gp.workers); rates != nil {
		s.setRates(rates, p.shopDs)
	}
	cuts, _ := s.bestCuts(len(gp.workers))
	routes := make([]*Route, len(gp.workers))
	for k, w := range gp.workers {
		r := p.newRoute(w)
		if cuts[k] < cuts[k+1] {
			a, b := s.svc[cuts[k]], s.svc[cuts[k+1]-1]
			h, _ := p.g.moveEnds(giant[a])
			_, t := p.g.moveEnds(giant[b])
			f, _ := p.treesOf(r.StartNode)
			r.Walk = append(r.Walk, p.g.pathTo(f, h)...)
			r.Walk = append(r.Walk, giant[a:b+1]...)
			if e := p.ends[w]; e >= 0 {
				_, rv := p.treesOf(e)
				r.Walk = append(r.Walk, p.g.pathTo(rv, t)...)
			}
		}
		routes[k] = r
	}
	return routes, s
}

// chain joins routes (in the group's order) into one closed walk from the first start,
// walking between consecutive starts along shortest paths.
func (p *planner) chain(gp *groupPlan, routes []*Route) []Move {
	var giant []Move
	for k, r := range routes {
		giant = append(giant, r.Walk...)
		next := routes[(k+1)%len(routes)].StartNode
		if at := p.walkEnd(r); next != at {
			f, _ := p.treesOf(at)
			giant = append(giant, p.g.pathTo(f, next)...)
		}
	}
	return giant
}

// planScore ranks candidate plans of a group.
type planScore struct {
	uneven   bool // makespan/mean above 1.05
	makespan int64
	total    int64
	// extraPieces counts the territories' pieces beyond one each: a fragmented
	// territory is worse (see piecePenalty).
	extraPieces int
}

// piecePenalty is how much longer (as a fraction of the makespan) a plan may be for one
// piece of territory fewer.
const piecePenalty = 0.01

// penalised is the makespan with the territories' extra pieces charged.
func (a planScore) penalised() float64 {
	return float64(a.makespan) * (1 + piecePenalty*float64(a.extraPieces))
}

// better ranks by the longest route (relative to its shift, charged for extra pieces),
// then the total. Evenness is not a goal of its own: with starts of their own, evening
// routes out would only send the workers with less to do on longer walks.
func (a planScore) better(b planScore) bool {
	if pa, pb := a.penalised(), b.penalised(); pa != pb {
		return pa < pb
	}
	return a.total < b.total
}

// evenEnough is the balance the planner aims for: the longest route at most 5 % above
// the mean.
const evenEnough = 1.05

func (p *planner) score(routes []*Route) planScore {
	var sc planScore
	for _, r := range routes {
		c := p.routeCost(r.Worker, r.Walk)
		sc.makespan = max(sc.makespan, c)
		sc.total += c
		var blocks []int
		for _, m := range r.Walk {
			if m.Serve {
				blocks = append(blocks, m.Link)
			}
		}
		if n := p.pieces(blocks); n > 1 {
			sc.extraPieces += n - 1
		}
	}
	if len(routes) > 0 && sc.total > 0 {
		sc.uneven = float64(sc.makespan)*float64(len(routes)) > evenEnough*float64(sc.total)
	}
	return sc
}

func (p *planner) progress(sc planScore) {
	if p.opt.Progress != nil {
		p.opt.Progress(dsToDuration(sc.makespan), time.Since(p.began))
	}
}

// outOfTime reports whether the budget is spent; improvement rounds stop early enough to
// leave time for writing the results.
func (p *planner) setPhase(frac float64) {
	p.deadline = p.phaseBegan.Add(time.Duration(frac * p.phaseSecs * float64(time.Second)))
}

func (p *planner) outOfTime(ctx context.Context) bool {
	return ctx.Err() != nil || time.Now().After(p.deadline)
}

func cloneRoutes(rs []*Route) []*Route {
	out := make([]*Route, len(rs))
	for i, r := range rs {
		c := *r
		c.Walk = append(Walk(nil), r.Walk...)
		c.Blocks = nil
		out[i] = &c
	}
	return out
}
