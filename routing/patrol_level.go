package routing

import (
	"context"
	"sort"
)

// level evens the routes out from below: the shortest route takes a boundary block from
// a longer neighbour, as long as it stays shorter than that neighbour was and the two
// walk little more between them; then the next shortest, and so on until no route can
// take anything. Rebalance only ever unloads the longest route, which stops as soon as
// its neighbours are nearly as long; levelling moves the slack of short routes toward
// the long ones, a block at a time, so that rebalance can go on. Every accepted move
// shortens a route and lengthens a shorter one, so the sorted route costs fall
// lexicographically and the loop ends. The walking the moves add in all comes out of
// t.spare (what one adds, the next may have to do without; a move that walks less gives
// back): a worker far from the rest may need one long walk to a first block before the
// next ones cost little. It reports whether anything moved.
func (t *territories) level(ctx context.Context) bool {
	tried := map[[2]int]bool{} // block, receiving route
	movedAny := false
	for iter := 0; iter < 4000 && !t.p.outOfTime(ctx); iter++ {
		order := make([]int, 0, len(t.routes))
		for ri := range t.routes {
			if !t.frozen[ri] && !t.idle(ri) {
				order = append(order, ri)
			}
		}
		sort.SliceStable(order, func(a, b int) bool { return t.cost[order[a]] < t.cost[order[b]] })
		moved := false
		for _, s := range order {
			if t.pull(ctx, s, tried) || t.pullFar(ctx, s, tried) {
				moved = true
				break
			}
		}
		if !moved {
			break
		}
		movedAny = true
	}
	return movedAny
}

// pull moves one block to route s from its longest neighbour that can give one (see
// level); it reports whether a block moved.
func (t *territories) pull(ctx context.Context, s int, tried map[[2]int]bool) bool {
	var cands []pullCand
	for _, n := range t.neighbours(s, t.blocksOf(s)) {
		if t.cost[n] <= t.cost[s] || t.idle(n) {
			continue
		}
		for _, b := range t.blocksOf(n) {
			if t.locked[b] || tried[[2]int{b, s}] || !contains(t.neighbours(n, []int{b}), s) {
				continue
			}
			if est := t.cost[s] + t.transferCost(s, []int{b}); est < t.cost[n] {
				cands = append(cands, pullCand{b, n, est})
			}
		}
	}
	t.sortPulls(cands)
	for _, c := range cands {
		tried[[2]int{c.b, s}] = true
		from := c.from
		fromBlocks := t.blocksOf(from)
		if len(fromBlocks) <= 1 || len(t.p.pieceGroups(remove(append([]int(nil), fromBlocks...), c.b))) > len(t.p.pieceGroups(fromBlocks)) {
			continue
		}
		saved := [2]Walk{append(Walk(nil), t.routes[from].Walk...), append(Walk(nil), t.routes[s].Walk...)}
		old := [2]int64{t.cost[from], t.cost[s]}
		if t.transfer([]int{c.b}, from, s) == 0 {
			continue
		}
		t.reroute(ctx, []int{from, s})
		grew := t.cost[from] + t.cost[s] - old[0] - old[1]
		if max(t.cost[from], t.cost[s]) >= old[0] || grew > t.spare {
			t.routes[from].Walk, t.routes[s].Walk = saved[0], saved[1]
			t.cost[from], t.cost[s] = old[0], old[1]
			t.owner[c.b] = from
			continue
		}
		t.spare -= grew
		return true
	}
	return false
}

// levelTotalSlack is how much longer in total a levelled plan may be than the one it
// evens out: some walking is worth an even day. On the demo, grid 3's shortest route (13
// min) lies 13 minutes' walk from the rest of its grid; its first block from there adds
// a little over 5 % to the grid's total, after which the next ones come cheap.
const levelTotalSlack = 0.08

// levelled evens out a group's plan (level, then rebalance the longest route and merge
// stray pieces, a few rounds) and returns it when it is at most levelTotalSlack longer in
// total and either shorter (penalised makespan) or as short and more even (longest route
// over the mean of the routes that serve something); else nil.
func (p *planner) levelled(ctx context.Context, best []*Route) []*Route {
	if len(best) < 2 {
		return nil
	}
	cand := cloneRoutes(best)
	t := p.newTerritories(cand)
	var total int64
	for _, c := range t.cost {
		total += c
	}
	t.spare = int64(levelTotalSlack * float64(total))
	for round := 0; round < 6 && !p.outOfTime(ctx); round++ {
		pushed := false
		for t.pushFar(ctx) {
			pushed = true
		}
		moved := t.level(ctx) || pushed
		t.rebalance(ctx, nil)
		if changed := t.mergePieces(ctx); len(changed) > 0 {
			t.reroute(ctx, changed)
		}
		if !moved {
			break
		}
	}
	// With the short routes filled, the longest route's neighbours may have room again.
	cand, _ = p.polish(ctx, cand, p.score(cand))
	sc, was := p.score(cand), p.score(best)
	if sc.penalised() > was.penalised() || float64(sc.total) > (1+levelTotalSlack)*float64(was.total) {
		return nil
	}
	if sc.penalised() == was.penalised() && p.spread(cand) >= p.spread(best) {
		return nil
	}
	return cand
}

// spread is the longest route over the mean of the routes that serve something.
func (p *planner) spread(routes []*Route) float64 {
	var long, sum int64
	n := 0
	for _, r := range routes {
		c := p.routeCost(r.Worker, r.Walk)
		if c == 0 {
			continue
		}
		long = max(long, c)
		sum += c
		n++
	}
	if sum == 0 {
		return 1
	}
	return float64(long) * float64(n) / float64(sum)
}

// pullFar is pull for blocks that do not touch route s's territory: the blocks of longer
// routes within a walk of s's walk that s could take and stay shorter than their owner
// (a detour there and back, or there only for an open route, estimated), nearest owner's longest first; both routes are
// routed afresh. It takes the first move that passes level's test.
func (t *territories) pullFar(ctx context.Context, s int, tried map[[2]int]bool) bool {
	trips := t.detourTrips(s)
	limit := (t.makespan() - t.cost[s]) / trips
	if limit <= 0 || t.frozen[s] {
		return false
	}
	var srcs []int
	seen := map[int]bool{}
	add := func(v int) {
		if !seen[v] {
			seen[v] = true
			srcs = append(srcs, v)
		}
	}
	add(t.routes[s].StartNode)
	for _, m := range t.routes[s].Walk {
		a, b := t.p.g.moveEnds(m)
		add(a)
		add(b)
	}
	var cands []pullCand
	grid := t.routes[s].Grid
	search := newUndirSearch(t.p.g, t.p.g.trav)
	search.run(srcs, limit, func(v int32, d int64) bool {
		for _, f := range t.p.net.Adj[v] {
			if f >= len(t.owner) || t.locked[f] || t.p.blockGrid[f] != grid || tried[[2]int{f, s}] {
				continue
			}
			n := t.owner[f]
			if n < 0 || n == s || t.frozen[n] || t.cost[n] <= t.cost[s] {
				continue
			}
			if est := t.cost[s] + t.p.scaleEstimate(t.routes[s].Worker, trips*d+t.p.g.serve[f]); est < t.cost[n] {
				cands = append(cands, pullCand{f, n, est})
			}
		}
		return false
	})
	t.sortPulls(cands)
	const tries = 6
	for k, c := range cands {
		if k == tries {
			break
		}
		tried[[2]int{c.b, s}] = true
		fromBlocks := t.blocksOf(c.from)
		rest := remove(append([]int(nil), fromBlocks...), c.b)
		if len(rest) == 0 || len(t.p.pieceGroups(rest)) > len(t.p.pieceGroups(fromBlocks)) {
			continue
		}
		if t.moveBlock(ctx, c.b, c.from, s, rest) {
			return true
		}
	}
	return false
}

// moveBlock gives block b of route from (whose other blocks are rest) to route to, both
// routed afresh, and keeps the move when it passes level's test; it reports whether it
// did.
func (t *territories) moveBlock(ctx context.Context, b, from, to int, rest []int) bool {
	fw, err := t.p.tourFor(ctx, rest, t.routes[from].Worker, 1)
	if err != nil {
		return false
	}
	tw, err := t.p.tourFor(ctx, append(t.blocksOf(to), b), t.routes[to].Worker, 1)
	if err != nil {
		return false
	}
	fc, tc := t.p.routeCost(t.routes[from].Worker, fw), t.p.routeCost(t.routes[to].Worker, tw)
	old := [2]int64{t.cost[from], t.cost[to]}
	grew := fc + tc - old[0] - old[1]
	if max(fc, tc) >= old[0] || grew > t.spare {
		return false
	}
	t.spare -= grew
	t.routes[from].Walk, t.routes[to].Walk = fw, tw
	t.cost[from], t.cost[to] = fc, tc
	t.owner[b] = to
	return true
}

// pushFar moves one block off the longest route to whichever route of its grid can take
// it most cheaply, near or not: the estimate is that route's cost plus a detour from the
// nearest node of its walk to the block and back. Rebalance and level only hand blocks
// to routes whose territory touches them, so a long route ringed by long routes stays
// long while a short one waits a few streets away. Moves that would cut the longest
// territory in two are skipped (they made plans worse on the demo); a taken block may
// stand apart from its new territory (the score charges the piece). It reports whether a block moved.
func (t *territories) pushFar(ctx context.Context) bool {
	long := -1
	for ri := range t.routes {
		if !t.frozen[ri] && (long < 0 || t.cost[ri] > t.cost[long]) {
			long = ri
		}
	}
	if long < 0 || t.p.outOfTime(ctx) {
		return false
	}
	grid := t.routes[long].Grid
	onWalk := map[int][]int{} // node → the other routes of the grid that pass it
	for ri, r := range t.routes {
		if ri == long || t.frozen[ri] || r.Grid != grid {
			continue
		}
		seen := map[int]bool{r.StartNode: true}
		onWalk[r.StartNode] = append(onWalk[r.StartNode], ri)
		for _, m := range r.Walk {
			for _, v := range [2]int{int(t.p.g.from[m.Link]), int(t.p.g.to[m.Link])} {
				if !seen[v] {
					seen[v] = true
					onWalk[v] = append(onWalk[v], ri)
				}
			}
		}
	}
	type cand struct {
		b, to int
		est   int64
	}
	var cands []cand
	blocks := t.blocksOf(long)
	if len(blocks) < 2 {
		return false
	}
	pieces := len(t.p.pieceGroups(blocks))
	search := newUndirSearch(t.p.g, t.p.g.trav)
	for _, b := range blocks {
		if t.locked[b] || len(t.p.pieceGroups(remove(append([]int(nil), blocks...), b))) > pieces {
			continue
		}
		best := map[int]int64{}
		search.run([]int{int(t.p.g.from[b]), int(t.p.g.to[b])}, t.cost[long]/2, func(v int32, d int64) bool {
			for _, ri := range onWalk[int(v)] {
				if _, ok := best[ri]; !ok {
					best[ri] = d
				}
			}
			return false
		})
		for ri, d := range best {
			if est := t.cost[ri] + t.p.scaleEstimate(t.routes[ri].Worker, t.detourTrips(ri)*d+t.p.g.serve[b]); est < t.cost[long] {
				cands = append(cands, cand{b, ri, est})
			}
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.est != b.est {
			return a.est < b.est
		}
		if a.b != b.b {
			return a.b < b.b
		}
		return a.to < b.to
	})
	const tries = 8
	for k, c := range cands {
		if k == tries {
			break
		}
		if t.moveBlock(ctx, c.b, long, c.to, remove(append([]int(nil), blocks...), c.b)) {
			return true
		}
	}
	return false
}

// detourTrips is how many times route ri walks the way to a block it takes off its walk,
// by estimate: there and back, or only there when the route ends open (it can end with
// the new block).
func (t *territories) detourTrips(ri int) int64 {
	if t.routes[ri].End == EndOpen {
		return 1
	}
	return 2
}

// pullCand is a block a short route could take from route from, at an estimated cost est
// of the taker's route afterwards.
type pullCand struct {
	b, from int
	est     int64
}

// sortPulls orders candidates for a short route: from the longest giver first, then the
// cheapest to take, then by block (the same on every run).
func (t *territories) sortPulls(cands []pullCand) {
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if t.cost[a.from] != t.cost[b.from] {
			return t.cost[a.from] > t.cost[b.from]
		}
		if a.est != b.est {
			return a.est < b.est
		}
		return a.b < b.b
	})
}
