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
// and new blocks go to neighbouring territories of the same grid (the least loaded
// first), then blocks move from the longest route to a neighbour only while that shortens
// the longest route. A previous assignment to a worker of another grid (after grids
// changed) counts as no assignment.
func Replan(ctx context.Context, in PlanInput, opt PlanOptions, prev ReplanInput) (*Plan, ReplanStats, error) {
	var st ReplanStats
	p, err := newPlanner(in, opt)
	if err != nil {
		return nil, st, err
	}
	if p.opt.Mode != ModePatrol {
		return nil, st, badInput("re-plan supports patrol mode only")
	}
	rs, err := p.newReplanState(prev)
	if err != nil {
		return nil, st, err
	}
	if err := rs.grow(); err != nil {
		return nil, st, err
	}
	routes, err := p.routeTerritories(ctx, rs.owner)
	if err != nil {
		return nil, st, err
	}
	t := p.newTerritories(routes)
	copy(t.locked, rs.locked)
	for w := range routes {
		t.frozen[w] = rs.off[w] || rs.lockedWorker[w]
	}
	t.rebalance(ctx, prev.Previous)

	p.plan.off = rs.off
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
		case ok && !rs.off[pw]:
			st.Moved++
		default:
			st.Reassigned++
		}
	}
	return p.plan, st, nil
}

// replanState is a re-plan's assignment while it is rebuilt.
type replanState struct {
	p            *planner
	off          []bool // per worker: removed
	lockedWorker []bool
	owner        []int   // per block: worker or -1
	load         []int64 // per worker: service cost of its blocks
	free         []int   // blocks that need a worker
	locked       []bool  // per block
}

// newReplanState checks the re-plan input and starts from the previous assignment.
func (p *planner) newReplanState(prev ReplanInput) (*replanState, error) {
	k := p.opt.Workers
	rs := &replanState{p: p, off: make([]bool, k), lockedWorker: make([]bool, k), load: make([]int64, k)}
	for _, w := range prev.Removed {
		if w < 0 || w >= k {
			return nil, badInput("removed worker %d is not one of the %d workers", w+1, k)
		}
		rs.off[w] = true
	}
	active := 0
	for w := range rs.off {
		if !rs.off[w] {
			active++
		}
	}
	if active == 0 {
		return nil, badInput("every worker is removed")
	}
	for b, w := range prev.Previous {
		if b < 0 || b >= len(p.net.Blocks) || w < 0 || w >= k {
			return nil, badInput("previous assignment of block %d to worker %d is out of range", b, w+1)
		}
	}
	for _, w := range prev.LockedWorkers {
		if w < 0 || w >= k {
			return nil, badInput("locked worker %d is not one of the %d workers", w+1, k)
		}
		rs.lockedWorker[w] = true
	}
	_, groupBlocks, err := p.groups()
	if err != nil {
		return nil, err
	}
	reachable := make([]bool, len(p.net.Blocks))
	for _, bs := range groupBlocks {
		for _, b := range bs {
			reachable[b] = true
		}
	}
	rs.owner = make([]int, len(p.net.Blocks))
	rs.locked = make([]bool, len(p.net.Blocks))
	for b := range rs.owner {
		rs.owner[b] = -1
		if !p.required[b] || !reachable[b] {
			continue
		}
		if w, ok := prev.Previous[b]; ok && !rs.off[w] && p.workerGrid(w) == p.blockGrid[b] {
			rs.owner[b] = w
			rs.load[w] += p.g.serve[b]
			continue
		}
		rs.free = append(rs.free, b)
	}
	for _, b := range prev.LockedBlocks {
		if b >= 0 && b < len(rs.locked) && rs.owner[b] >= 0 {
			rs.locked[b] = true
		}
	}
	for b, w := range rs.owner {
		if w >= 0 && rs.lockedWorker[w] {
			rs.locked[b] = true
		}
	}
	return rs, nil
}

// canGrow reports whether worker w may take block b.
func (rs *replanState) canGrow(w, b int) bool {
	return w >= 0 && !rs.off[w] && !rs.lockedWorker[w] && rs.p.workerGrid(w) == rs.p.blockGrid[b]
}

// grow gives every free block a worker of its grid: the least loaded worker whose
// territory touches it, else (nothing free touches a territory) the least loaded worker
// of its grid.
func (rs *replanState) grow() error {
	p := rs.p
	isFree := make([]bool, len(p.net.Blocks))
	for _, b := range rs.free {
		isFree[b] = true
	}
	for left := len(rs.free); left > 0; left-- {
		bestB, bestW := -1, -1
		for _, b := range rs.free {
			if !isFree[b] {
				continue
			}
			for _, w := range p.adjacentOwners(rs.owner, b) {
				if rs.canGrow(w, b) && (bestW < 0 || rs.load[w] < rs.load[bestW] || (rs.load[w] == rs.load[bestW] && w < bestW)) {
					bestB, bestW = b, w
				}
			}
		}
		if bestB < 0 {
			for _, b := range rs.free {
				if !isFree[b] {
					continue
				}
				for w := range rs.load {
					if rs.canGrow(w, b) && (bestW < 0 || rs.load[w] < rs.load[bestW]) {
						bestB, bestW = b, w
					}
				}
				if bestW >= 0 {
					break
				}
				return badInput("block %s of grid %q needs a worker but every worker of the grid on duty is locked or removed",
					p.net.Blocks[b].SourceID, p.gridNames[p.blockGrid[b]])
			}
		}
		rs.owner[bestB] = bestW
		rs.load[bestW] += p.g.serve[bestB]
		isFree[bestB] = false
	}
	return nil
}

// routeTerritories routes every worker over the blocks owner gives them.
func (p *planner) routeTerritories(ctx context.Context, owner []int) ([]*Route, error) {
	k := p.opt.Workers
	routes := make([]*Route, k)
	byWorker := make([][]int, k)
	for b, w := range owner {
		if w >= 0 {
			byWorker[w] = append(byWorker[w], b)
		}
	}
	for w := 0; w < k; w++ {
		routes[w] = p.newRoute(w)
		if len(byWorker[w]) > 0 {
			walk, err := p.tourFor(ctx, byWorker[w], w, p.opt.Threads)
			if err != nil {
				return nil, fmt.Errorf("re-plan %s: %w", p.opt.workerName(w), err)
			}
			routes[w].Walk = walk
		}
	}
	return routes, nil
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
		// A settled block (one that stays with a worker still on duty) moves only for a
		// clear gain: each such move is a change someone has to be told about.
		bar := old
		if c.settled {
			bar = old - old/100
		}
		if max(t.cost[long], t.cost[c.to]) >= bar {
			t.routes[long].Walk, t.routes[c.to].Walk = saved[0], saved[1]
			t.cost[long], t.cost[c.to] = savedCost[0], savedCost[1]
			t.owner[c.b] = long
		}
	}
}
