package routing

import (
	"context"
	"sort"
	"sync"
	"time"
)

// territories is the mutable state of the improvement phase: who serves each block and
// every worker's walk.
type territories struct {
	p      *planner
	routes []*Route
	owner  []int // per block: index into routes, or -1
	cost   []int64
	locked []bool // per block: may not change worker (re-plan)
	frozen []bool // per route: may not gain or lose blocks (re-plan)
	// spare is how much the routes' total may still grow through levelling (see level).
	spare int64
}

func (p *planner) newTerritories(routes []*Route) *territories {
	t := &territories{p: p, routes: routes, owner: make([]int, len(p.net.Blocks)), cost: make([]int64, len(routes)),
		locked: make([]bool, len(p.net.Blocks)), frozen: make([]bool, len(routes))}
	for i := range t.owner {
		t.owner[i] = -1
	}
	for ri, r := range routes {
		for _, m := range r.Walk {
			if m.Serve {
				t.owner[p.net.Edges[m.Link].Block] = ri
			}
		}
		t.cost[ri] = p.routeCost(r.Worker, r.Walk)
	}
	return t
}

func (t *territories) makespan() int64 {
	var m int64
	for _, c := range t.cost {
		m = max(m, c)
	}
	return m
}

// blocksOf lists route ri's blocks.
func (t *territories) blocksOf(ri int) []int {
	var out []int
	for _, m := range t.routes[ri].Walk {
		if m.Serve {
			out = append(out, t.p.net.Edges[m.Link].Block)
		}
	}
	return out
}

// reroute replaces the walks of the given routes by fresh postman tours over their own
// blocks when those are cheaper; routes are searched side by side.
func (t *territories) reroute(ctx context.Context, which []int) {
	t.rerouteUntil(ctx, which, t.p.deadline)
}

// rerouteUntil is reroute with its own deadline.
func (t *territories) rerouteUntil(ctx context.Context, which []int, deadline time.Time) {
	var wg sync.WaitGroup
	jobs := make(chan int)
	var mu sync.Mutex
	for w := 0; w < t.p.opt.Threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ri := range jobs {
				blocks := t.blocksOf(ri)
				if len(blocks) == 0 {
					mu.Lock()
					t.routes[ri].Walk = nil
					t.cost[ri] = 0
					mu.Unlock()
					continue
				}
				if ctx.Err() != nil || time.Now().After(deadline) {
					continue
				}
				w, err := t.p.tourFor(ctx, blocks, t.routes[ri].Worker, 1)
				if err != nil {
					continue
				}
				c := t.p.routeCost(t.routes[ri].Worker, w)
				mu.Lock()
				if c < t.cost[ri] {
					t.routes[ri].Walk, t.cost[ri] = w, c
				}
				mu.Unlock()
			}
		}()
	}
	for _, ri := range which {
		jobs <- ri
	}
	close(jobs)
	wg.Wait()
}

// pieceSets splits route ri's blocks into connected pieces, largest first.
func (t *territories) pieceSets(ri int) [][]int { return t.p.pieceGroups(t.blocksOf(ri)) }

// pieceGroups splits blocks into connected pieces, largest first. Two blocks are
// connected when they share a node or when a bridge (a walk across open ground that joins
// an island) links their nodes: a worker walks a bridge as part of the network.
func (p *planner) pieceGroups(blocks []int) [][]int {
	parent := map[int]int{}
	find := func(x int) int {
		if _, ok := parent[x]; !ok {
			parent[x] = x
		}
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) {
		if ra, rb := find(a), find(b); ra != rb {
			parent[ra] = rb
		}
	}
	for _, b := range blocks {
		e := p.net.Edges[b]
		union(e.From, e.To)
	}
	for e := len(p.net.Blocks); e < len(p.net.Edges); e++ {
		ed := p.net.Edges[e]
		_, a := parent[ed.From]
		_, b := parent[ed.To]
		if a && b {
			union(ed.From, ed.To)
		}
	}
	byRoot := map[int][]int{}
	var roots []int
	for _, b := range blocks {
		r := find(p.net.Edges[b].From)
		if _, ok := byRoot[r]; !ok {
			roots = append(roots, r)
		}
		byRoot[r] = append(byRoot[r], b)
	}
	out := make([][]int, 0, len(roots))
	for _, r := range roots {
		out = append(out, byRoot[r])
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// transferCost estimates what route to pays to take blocks: a block it already walks
// over costs the difference between serving and passing, any other a detour there and
// back from a node of its walk.
func (t *territories) transferCost(to int, blocks []int) int64 {
	walked := map[int]bool{}
	for _, m := range t.routes[to].Walk {
		if !m.Serve {
			walked[m.Link] = true
		}
	}
	if t.idle(to) {
		// Out from the start, serve, back: what an idle worker pays for a first block.
		var c int64
		for _, b := range blocks {
			d, ok := t.firstBlockCost(to, b)
			if !ok {
				return planUnreachable
			}
			c += d
		}
		return t.p.scaleEstimate(t.routes[to].Worker, c)
	}
	var c int64
	for _, b := range blocks {
		if walked[b] {
			c += t.p.g.serve[b] - t.p.g.trav[b]
		} else {
			c += t.p.g.serve[b] + t.p.g.trav[b]
		}
	}
	return t.p.scaleEstimate(t.routes[to].Worker, c)
}

// transfer moves blocks from route from to route to, editing both walks so that they
// stay closed walks: from keeps walking over the blocks, to serves them where it already
// passes or by a detour from the first node of its walk that touches them. Blocks that
// route to cannot reach this way are left with from; it returns how many moved.
func (t *territories) transfer(blocks []int, from, to int) int {
	g := t.p.g
	fw := t.routes[from].Walk
	for i, m := range fw {
		if m.Serve && contains(blocks, t.p.net.Edges[m.Link].Block) {
			fw[i].Serve = false
		}
	}
	moved := 0
	pending := append([]int(nil), blocks...)
	// Repeat so that blocks touching only other moved blocks find the detour of those.
	for len(pending) > 0 {
		var left []int
		for _, b := range pending {
			tw := t.routes[to].Walk
			done := false
			for i, m := range tw {
				if !m.Serve && m.Link == b {
					tw[i].Serve = true
					done = true
					break
				}
			}
			if !done {
				at := t.routes[to].StartNode
				u, v := int(g.from[b]), int(g.to[b])
				for i := 0; i <= len(tw); i++ {
					if at == u || at == v {
						rev := at == v && u != v
						detour := []Move{{Link: b, Reverse: rev, Serve: true}, {Link: b, Reverse: !rev && u != v, Serve: false}}
						tw = append(tw[:i], append(detour, tw[i:]...)...)
						t.routes[to].Walk = tw
						done = true
						break
					}
					if i < len(tw) {
						_, at = g.moveEnds(tw[i])
					}
				}
			}
			if !done && t.idle(to) {
				if w, ok := t.firstBlockWalk(to, b); ok {
					t.routes[to].Walk = w
					done = true
				}
			}
			if done {
				t.owner[b] = to
				moved++
			} else {
				left = append(left, b)
			}
		}
		if len(left) == len(pending) {
			// Unreachable by detours: give them back.
			for i, m := range fw {
				if !m.Serve && contains(left, t.p.net.Edges[m.Link].Block) && t.owner[t.p.net.Edges[m.Link].Block] == from {
					fw[i].Serve = true
					// Only one traversal serves it.
					left = remove(left, t.p.net.Edges[m.Link].Block)
				}
			}
			break
		}
		pending = left
	}
	t.cost[from] = t.p.routeCost(t.routes[from].Worker, t.routes[from].Walk)
	t.cost[to] = t.p.routeCost(t.routes[to].Worker, t.routes[to].Walk)
	return moved
}

func contains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func remove(s []int, x int) []int {
	for i, y := range s {
		if y == x {
			return append(s[:i], s[i+1:]...)
		}
	}
	return s
}

// neighbours lists the routes (other than ri) that serve a block touching one of blocks.
func (t *territories) neighbours(ri int, blocks []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, b := range blocks {
		e := t.p.net.Edges[b]
		ends := []int{e.From, e.To}
		for _, v := range []int{e.From, e.To} {
			for _, f := range t.p.net.Adj[v] {
				if f >= len(t.owner) {
					ends = append(ends, t.p.net.Other(f, v)) // across a bridge
				}
			}
		}
		// An idle worker of the block's grid (one whose route serves nothing) with a
		// start of its own borders every block: it can take one by walking out from its
		// start and back. (A worker sharing route ri's start stays out: a territory
		// grown from there is the tour split's job.)
		for o, r := range t.routes {
			if o != ri && !seen[o] && !t.frozen[o] && r.Grid == t.p.blockGrid[b] && t.idle(o) && r.End != EndAtPoint &&
				r.StartNode != t.routes[ri].StartNode {
				if _, ok := t.firstBlockCost(o, b); ok {
					seen[o] = true
					out = append(out, o)
				}
			}
		}
		for _, v := range ends {
			for _, f := range t.p.net.Adj[v] {
				if f >= len(t.owner) {
					continue // a bridge
				}
				if o := t.owner[f]; o >= 0 && o != ri && !seen[o] && !t.frozen[o] && t.routes[o].Grid == t.p.blockGrid[b] {
					seen[o] = true
					out = append(out, o)
				}
			}
		}
	}
	sort.Ints(out)
	return out
}

// mergePieces hands the stray pieces of each territory to a neighbouring territory that
// can take them without making the longest route longer, then re-routes the routes that
// changed. It returns the routes that changed.
func (t *territories) mergePieces(ctx context.Context) []int {
	return t.mergePiecesUpTo(ctx, t.makespan())
}

// mergePiecesUpTo is mergePieces with an explicit bound on the receiving route.
func (t *territories) mergePiecesUpTo(ctx context.Context, limit int64) []int {
	changed := map[int]bool{}
	for ri := range t.routes {
		if ctx.Err() != nil || time.Now().After(t.p.deadline) {
			break
		}
		if t.frozen[ri] {
			continue
		}
		pieces := t.pieceSets(ri)
		for _, piece := range pieces[min(1, len(pieces)):] {
			if anyLocked(t.locked, piece) {
				continue
			}
			best, bestCost := -1, int64(0)
			for _, n := range t.neighbours(ri, piece) {
				c := t.transferCost(n, piece)
				if t.cost[n]+c <= limit && (best < 0 || t.cost[n]+c < bestCost) {
					best, bestCost = n, t.cost[n]+c
				}
			}
			if best >= 0 && t.transfer(piece, ri, best) > 0 {
				changed[ri], changed[best] = true, true
			}
		}
	}
	var out []int
	for ri := range changed {
		out = append(out, ri)
	}
	sort.Ints(out)
	return out
}

func anyLocked(locked []bool, blocks []int) bool {
	for _, b := range blocks {
		if locked[b] {
			return true
		}
	}
	return false
}

// idle reports whether route ri serves nothing.
func (t *territories) idle(ri int) bool {
	for _, m := range t.routes[ri].Walk {
		if m.Serve {
			return false
		}
	}
	return true
}

// firstBlockCost is the time (planner units, plan-wide speeds) of walking from route
// ri's start to block b, serving it and walking back to the start, the cheaper way round;
// ok is false when b cannot be reached.
func (t *territories) firstBlockCost(ri, b int) (int64, bool) {
	g := t.p.g
	f, r := t.p.treesOf(t.routes[ri].StartNode)
	u, v := int(g.from[b]), int(g.to[b])
	best := int64(planUnreachable)
	if f.dist[u] < planUnreachable && r.dist[v] < planUnreachable {
		best = f.dist[u] + g.serve[b] + r.dist[v]
	}
	if !g.directed[b] && f.dist[v] < planUnreachable && r.dist[u] < planUnreachable {
		best = min(best, f.dist[v]+g.serve[b]+r.dist[u])
	}
	return best, best < planUnreachable
}

// firstBlockWalk is route ri's walk with block b served on a detour from its start (the
// cheaper way round) placed before the rest of its walk.
func (t *territories) firstBlockWalk(ri, b int) (Walk, bool) {
	g := t.p.g
	f, r := t.p.treesOf(t.routes[ri].StartNode)
	u, v := int(g.from[b]), int(g.to[b])
	rev := false
	if !g.directed[b] && f.dist[v]+r.dist[u] < f.dist[u]+r.dist[v] {
		u, v, rev = v, u, true
	}
	if f.dist[u] >= planUnreachable || r.dist[v] >= planUnreachable {
		return nil, false
	}
	w := append(Walk(nil), g.pathTo(f, u)...)
	w = append(w, Move{Link: b, Reverse: rev, Serve: true})
	w = append(w, g.pathTo(r, v)...)
	return append(w, t.routes[ri].Walk...), true
}
