package routing

import (
	"context"
	"fmt"
	"sort"
)

// ReplanInput is what a re-plan starts from: the previous assignment and what changed.
// Workers keep their numbers; a removed worker gets an empty route.
type ReplanInput struct {
	// Previous maps block → worker as in the previous plan (Plan.Assignment). Required
	// blocks missing from it are new and are assigned from scratch.
	Previous map[int]int
	// LockedBlocks keep their previous worker (unless that worker is removed).
	LockedBlocks []int
	// LockedWorkers keep exactly their previous blocks: they neither lose nor gain any.
	LockedWorkers []int
	// Removed workers are off (sick, on leave): their blocks go to the others.
	Removed []int
}

// ReplanStats says how much a re-plan changed.
type ReplanStats struct {
	// Kept counts blocks that stayed with their previous worker.
	Kept int `json:"kept"`
	// Moved counts blocks whose previous worker is still on duty but that now belong to
	// someone else: the disruption the re-plan tries to keep small.
	Moved int `json:"moved"`
	// Reassigned counts blocks that had to get a new worker: those of removed workers
	// and new blocks.
	Reassigned int `json:"reassigned"`
}

// Replan plans again after a small change, keeping as much of the previous assignment
// as it can: locked blocks and locked workers keep theirs, the blocks of removed workers
// and new blocks go to neighbouring territories (the least loaded first), then blocks move
// from the longest route to a neighbour only while that shortens the longest route.
func Replan(ctx context.Context, in PlanInput, opt PlanOptions, prev ReplanInput) (*Plan, ReplanStats, error) {
	var st ReplanStats
	p, err := newPlanner(in, opt)
	if err != nil {
		return nil, st, err
	}
	if p.opt.Mode != ModePatrol {
		return nil, st, badInput("re-plan supports patrol mode only")
	}
	k := p.opt.Workers
	off := make([]bool, k)
	for _, w := range prev.Removed {
		if w < 0 || w >= k {
			return nil, st, badInput("removed worker %d is not one of the %d workers", w+1, k)
		}
		off[w] = true
	}
	active := 0
	for w := range off {
		if !off[w] {
			active++
		}
	}
	if active == 0 {
		return nil, st, badInput("every worker is removed")
	}
	for b, w := range prev.Previous {
		if b < 0 || b >= len(p.net.Blocks) || w < 0 || w >= k {
			return nil, st, badInput("previous assignment of block %d to worker %d is out of range", b, w+1)
		}
	}
	lockedWorker := make([]bool, k)
	for _, w := range prev.LockedWorkers {
		if w < 0 || w >= k {
			return nil, st, badInput("locked worker %d is not one of the %d workers", w+1, k)
		}
		lockedWorker[w] = true
	}
	_, groupBlocks := p.groups()
	reachable := make([]bool, len(p.net.Blocks))
	for _, bs := range groupBlocks {
		for _, b := range bs {
			reachable[b] = true
		}
	}

	// Start from the previous assignment.
	owner := make([]int, len(p.net.Blocks))
	load := make([]int64, k)
	var free []int
	for b := range owner {
		owner[b] = -1
		if !p.required[b] || !reachable[b] {
			continue
		}
		if w, ok := prev.Previous[b]; ok && !off[w] {
			owner[b] = w
			load[w] += p.g.serve[b]
			continue
		}
		free = append(free, b)
	}
	locked := make([]bool, len(p.net.Blocks))
	for _, b := range prev.LockedBlocks {
		if b >= 0 && b < len(locked) && owner[b] >= 0 {
			locked[b] = true
		}
	}
	for b, w := range owner {
		if w >= 0 && lockedWorker[w] {
			locked[b] = true
		}
	}
	canGrow := func(w int) bool { return w >= 0 && !off[w] && !lockedWorker[w] }
	growable := 0
	for w := 0; w < k; w++ {
		if canGrow(w) {
			growable++
		}
	}
	if growable == 0 && len(free) > 0 {
		return nil, st, badInput("%d blocks need a worker but every worker on duty is locked", len(free))
	}

	// Grow territories over the free blocks, least loaded neighbour first.
	isFree := make([]bool, len(p.net.Blocks))
	for _, b := range free {
		isFree[b] = true
	}
	left := len(free)
	for left > 0 {
		bestB, bestW := -1, -1
		for _, b := range free {
			if !isFree[b] {
				continue
			}
			for _, w := range p.adjacentOwners(owner, b) {
				if canGrow(w) && (bestW < 0 || load[w] < load[bestW] || (load[w] == load[bestW] && w < bestW)) {
					bestB, bestW = b, w
				}
			}
		}
		if bestB < 0 {
			// Nothing free touches a territory: seed the least loaded worker.
			for _, b := range free {
				if isFree[b] {
					bestB = b
					break
				}
			}
			for w := 0; w < k; w++ {
				if canGrow(w) && (bestW < 0 || load[w] < load[bestW]) {
					bestW = w
				}
			}
		}
		owner[bestB] = bestW
		load[bestW] += p.g.serve[bestB]
		isFree[bestB] = false
		left--
	}

	// Route every territory.
	routes := make([]*Route, k)
	byWorker := make([][]int, k)
	for b, w := range owner {
		if w >= 0 {
			byWorker[w] = append(byWorker[w], b)
		}
	}
	for w := 0; w < k; w++ {
		start := p.starts[w]
		routes[w] = &Route{Worker: w, StartNode: start, StartPoint: p.net.Nodes[start].Point}
		if len(byWorker[w]) > 0 {
			walk, err := p.g.postmanTour(ctx, byWorker[w], start, p.opt.Threads, false)
			if err != nil {
				return nil, st, fmt.Errorf("re-plan worker %d: %w", w+1, err)
			}
			routes[w].Walk = walk
		}
	}
	t := p.newTerritories(routes)
	copy(t.locked, locked)
	for w := 0; w < k; w++ {
		t.frozen[w] = off[w] || lockedWorker[w]
	}
	t.rebalance(ctx, prev.Previous)

	p.plan.off = off
	p.finish(t.routes)
	p.report()
	p.plan.Interrupted = ctx.Err() != nil
	for b, w := range p.plan.owner {
		if w < 0 {
			continue
		}
		pw, ok := prev.Previous[b]
		switch {
		case ok && pw == w:
			st.Kept++
		case ok && !off[pw]:
			st.Moved++
		default:
			st.Reassigned++
		}
	}
	return p.plan, st, nil
}

// adjacentOwners lists the workers owning a block that shares a node with block b.
func (p *planner) adjacentOwners(owner []int, b int) []int {
	var out []int
	e := p.net.Edges[b]
	for _, v := range []int{e.From, e.To} {
		for _, f := range p.net.Adj[v] {
			if f < len(owner) && f != b && owner[f] >= 0 && !containsInt(out, owner[f]) {
				out = append(out, owner[f])
			}
		}
	}
	sort.Ints(out)
	return out
}

func containsInt(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// rebalance moves single boundary blocks from the longest route to a neighbouring route
// while that makes the longer of the two shorter than the longest was. Blocks that had no
// previous worker (or a removed one) are tried first, so that settled assignments move
// only when they must.
func (t *territories) rebalance(ctx context.Context, previous map[int]int) {
	tried := map[[2]int]bool{}
	for iter := 0; iter < 400 && !t.p.outOfTime(ctx); iter++ {
		long := -1
		for ri := range t.routes {
			if !t.frozen[ri] && (long < 0 || t.cost[ri] > t.cost[long]) {
				long = ri
			}
		}
		if long < 0 {
			return
		}
		type cand struct {
			b, to   int
			settled bool
			est     int64
		}
		var cands []cand
		for _, b := range t.blocksOf(long) {
			if t.locked[b] {
				continue
			}
			_, settled := previous[b]
			for _, n := range t.neighbours(long, []int{b}) {
				if tried[[2]int{b, n}] {
					continue
				}
				if est := t.cost[n] + t.transferCost(n, []int{b}); est < t.cost[long] {
					cands = append(cands, cand{b, n, settled && previous[b] == long, est})
				}
			}
		}
		if len(cands) == 0 {
			return
		}
		sort.Slice(cands, func(i, j int) bool {
			if cands[i].settled != cands[j].settled {
				return !cands[i].settled
			}
			if cands[i].est != cands[j].est {
				return cands[i].est < cands[j].est
			}
			if cands[i].b != cands[j].b {
				return cands[i].b < cands[j].b
			}
			return cands[i].to < cands[j].to
		})
		// Take the best candidate that does not cut the longest territory in two.
		longBlocks := t.blocksOf(long)
		piecesNow := len(t.p.pieceGroups(longBlocks))
		pick := -1
		for i, c := range cands {
			tried[[2]int{c.b, c.to}] = true
			if len(t.p.pieceGroups(remove(append([]int(nil), longBlocks...), c.b))) <= piecesNow {
				pick = i
				break
			}
		}
		if pick < 0 {
			continue
		}
		c := cands[pick]
		old := t.cost[long]
		saved := [2]Walk{append(Walk(nil), t.routes[long].Walk...), append(Walk(nil), t.routes[c.to].Walk...)}
		savedCost := [2]int64{t.cost[long], t.cost[c.to]}
		if t.transfer([]int{c.b}, long, c.to) == 0 {
			continue
		}
		t.reroute(ctx, []int{long, c.to})
		if max(t.cost[long], t.cost[c.to]) >= old {
			t.routes[long].Walk, t.routes[c.to].Walk = saved[0], saved[1]
			t.cost[long], t.cost[c.to] = savedCost[0], savedCost[1]
			t.owner[c.b] = long
		}
	}
}
