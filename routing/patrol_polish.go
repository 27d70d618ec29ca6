package routing

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
)

// polishStale is how many perturbations in a row may fail before polish gives up the
// rest of its time: by then the neighbourhood of the best plan is exhausted.
const polishStale = 500

// polish spends what is left of a group's improvement time on its longest routes. The
// greedy rebalance stops as soon as no neighbour of the longest route can take one of
// its boundary blocks and stay shorter than it, often with the neighbours almost as long;
// polish first makes room in one neighbour (a few of its boundary blocks handed on to
// routes other than the longest, none of them becoming longer than the longest), then
// rebalances and merges stray pieces again. A perturbed plan becomes the one to perturb
// next when its routes, longest first, are shorter (the same penalised makespan with a
// shorter second-longest route counts: two routes of equal length are shortened one
// after the other), and the best plan by score is kept apart, so the result is never
// worse than what polish was given and territories stay as compact as the score asks.
// The perturbations are drawn from a generator seeded by the plan's seed.
func (p *planner) polish(ctx context.Context, best []*Route, bestScore planScore) ([]*Route, planScore) {
	if len(best) < 2 {
		return best, bestScore
	}
	rng := rand.New(rand.NewPCG(uint64(p.opt.Seed), 0x5bd1e9955bd1e995))
	limits := p.routePieces(best)
	for i := range limits {
		limits[i] = max(limits[i], maxPolishPieces)
	}
	cur, curScore := best, bestScore
	curCosts := p.sortedCosts(cur)
	for stale := 0; stale < polishStale && !p.outOfTime(ctx); {
		cand := cloneRoutes(cur)
		t := p.newTerritories(cand)
		if !t.makeRoom(ctx, rng) {
			stale++
			continue
		}
		t.rebalance(ctx, nil)
		if changed := t.mergePieces(ctx); len(changed) > 0 {
			t.reroute(ctx, changed)
		}
		stale++
		if !withinPieces(p.routePieces(cand), limits) {
			continue
		}
		sc, costs := p.score(cand), p.sortedCosts(cand)
		if pc, pb := sc.penalised(), curScore.penalised(); pc < pb || pc == pb && sc.extraPieces <= curScore.extraPieces && lexLess(costs, curCosts) {
			cur, curScore, curCosts = cand, sc, costs
			stale = 0
		}
		if sc.better(bestScore) {
			best, bestScore = cand, sc
			p.progress(sc)
		}
	}
	return best, bestScore
}

// maxPolishPieces is how many pieces polish lets a territory fall into (unless it was in
// more already): the score's charge for a piece is small next to a long route's gain, and
// a territory in many pieces is one nobody wants to walk.
const maxPolishPieces = 2

// routePieces is the number of connected pieces of each route's served blocks.
func (p *planner) routePieces(routes []*Route) []int {
	out := make([]int, len(routes))
	for i, r := range routes {
		var blocks []int
		for _, m := range r.Walk {
			if m.Serve {
				blocks = append(blocks, m.Link)
			}
		}
		out[i] = p.pieces(blocks)
	}
	return out
}

// withinPieces reports whether no route has more pieces than its limit.
func withinPieces(pieces, limits []int) bool {
	for i, n := range pieces {
		if n > limits[i] {
			return false
		}
	}
	return true
}

// sortedCosts is the routes' costs, longest first.
func (p *planner) sortedCosts(routes []*Route) []int64 {
	out := make([]int64, len(routes))
	for i, r := range routes {
		out[i] = p.routeCost(r.Worker, r.Walk)
	}
	slices.SortFunc(out, func(a, b int64) int { return cmp.Compare(b, a) })
	return out
}

// lexLess reports whether a comes before b in lexicographic order.
func lexLess(a, b []int64) bool {
	return slices.Compare(a, b) < 0
}

// makeRoom moves one to three boundary blocks of a random neighbour of the longest route
// to that neighbour's other neighbours, each to a route whose estimated cost with the
// block stays below the longest route's. It reports whether anything moved.
func (t *territories) makeRoom(ctx context.Context, rng *rand.Rand) bool {
	long := -1
	for ri := range t.routes {
		if !t.frozen[ri] && (long < 0 || t.cost[ri] > t.cost[long]) {
			long = ri
		}
	}
	if long < 0 {
		return false
	}
	ns := t.neighbours(long, t.blocksOf(long))
	if len(ns) == 0 {
		return false
	}
	n, limit := ns[rng.IntN(len(ns))], t.cost[long]
	if rng.IntN(2) == 0 {
		return t.shed(ctx, rng, long)
	}
	moved := false
	for k := 1 + rng.IntN(3); k > 0; k-- {
		blocks := t.blocksOf(n)
		if len(blocks) <= 1 {
			break
		}
		type move struct{ b, to int }
		var moves []move
		for _, b := range blocks {
			if t.locked[b] {
				continue
			}
			for _, m := range t.neighbours(n, []int{b}) {
				if m != long && t.cost[m]+t.transferCost(m, []int{b}) < limit {
					moves = append(moves, move{b, m})
				}
			}
		}
		if len(moves) == 0 {
			break
		}
		c := moves[rng.IntN(len(moves))]
		if t.transfer([]int{c.b}, n, c.to) == 0 {
			continue
		}
		t.reroute(ctx, []int{n, c.to})
		moved = true
	}
	return moved
}

// shed moves one boundary block of the longest route to a neighbour that can take it and
// stay shorter than the longest route, even when that cuts the longest territory in two
// (which rebalance never does): the score charges the extra piece, and merging pieces
// afterwards may hand the cut-off part on as well.
func (t *territories) shed(ctx context.Context, rng *rand.Rand, long int) bool {
	type move struct{ b, to int }
	var moves []move
	for _, b := range t.blocksOf(long) {
		if t.locked[b] {
			continue
		}
		for _, m := range t.neighbours(long, []int{b}) {
			if t.cost[m]+t.transferCost(m, []int{b}) < t.cost[long] {
				moves = append(moves, move{b, m})
			}
		}
	}
	if len(moves) == 0 {
		return false
	}
	c := moves[rng.IntN(len(moves))]
	if t.transfer([]int{c.b}, long, c.to) == 0 {
		return false
	}
	t.reroute(ctx, []int{long, c.to})
	return true
}
