package routing

import (
	"context"

	"github.com/gridsweep/gridsweep/routing/matching"
)

// reassign hands the group's territories (each route's served blocks) to its workers
// again, as a minimum-cost assignment: a split gives its pieces to the workers in the
// order they stand along the giant tour, and a worker whose piece went to a neighbour can
// be left with a piece far from their start (a long walk to work) while a nearer one
// serves someone else's. Worker w's price for territory t is an estimate: the walk from
// w's start to the nearest node of t's walk and from there to w's end (nothing for an
// open end), plus t's walk from its first served block to its last; a price above the
// longest route now counts as too long. The new routes are priced exactly afterwards. The
// assignment is an optimal perfect matching of workers to territories (the blossom
// matcher on the bipartite graph). Routes whose territory changed hands are routed
// again; it returns the new routes, or nil when nothing changed.
func (p *planner) reassign(ctx context.Context, routes []*Route) []*Route {
	k := len(routes)
	if k < 2 {
		return nil
	}
	type terr struct {
		blocks []int
		nodes  []int
		inner  int64
	}
	ts := make([]terr, k)
	var limit int64
	for i, r := range routes {
		limit = max(limit, p.routeCost(r.Worker, r.Walk))
		first, last := -1, -1
		for j, m := range r.Walk {
			if m.Serve {
				if first < 0 {
					first = j
				}
				last = j
				ts[i].blocks = append(ts[i].blocks, m.Link)
			}
		}
		if first >= 0 {
			seen := map[int]bool{}
			for _, m := range r.Walk[first : last+1] {
				for _, v := range [2]int{int(p.g.from[m.Link]), int(p.g.to[m.Link])} {
					if !seen[v] {
						seen[v] = true
						ts[i].nodes = append(ts[i].nodes, v)
					}
				}
			}
			ts[i].inner = p.g.walkCost(r.Walk[first : last+1])
		}
	}
	// Vertices 0..k-1 are the workers (in the routes' order), k..2k-1 the territories.
	const tooLong = int64(1) << 40
	var eu, ev []int32
	var cw []int64
	for i, r := range routes {
		f, _ := p.treesOf(p.starts[r.Worker])
		back := p.backTo(r.Worker)
		for j, t := range ts {
			var c int64
			if len(t.blocks) > 0 {
				c = planUnreachable
				for _, v := range t.nodes {
					c = min(c, f.dist[v]+back[v])
				}
				if c >= planUnreachable {
					continue
				}
				c = p.scaleEstimate(r.Worker, c+t.inner)
				if c > limit {
					c += tooLong
				}
			}
			eu, ev, cw = append(eu, int32(i)), append(ev, int32(k+j)), append(cw, c)
		}
	}
	m, err := matching.Solve(ctx, 2*k, eu, ev, cw)
	if err != nil {
		return nil
	}
	mate := m.Mates()
	out := cloneRoutes(routes)
	changed := false
	for i, r := range out {
		j := int(mate[i]) - k
		if j == i {
			continue
		}
		changed = true
		walk, err := p.tourFor(ctx, ts[j].blocks, r.Worker, 1)
		if err != nil {
			return nil
		}
		r.Walk = walk
	}
	if !changed {
		return nil
	}
	return out
}

// reassignIfBetter is reassign when its plan scores better, else routes.
func (p *planner) reassignIfBetter(ctx context.Context, routes []*Route) []*Route {
	rs := p.reassign(ctx, routes)
	if rs == nil || !p.score(rs).better(p.score(routes)) {
		return routes
	}
	return rs
}

// sameRoutes reports whether a and b are the same slice of routes.
func sameRoutes(a, b []*Route) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// flatSplit is a candidate plan for workers with starts of their own: the giant tour cut
// into the most even consecutive pieces by the pieces alone (no walk to or from them
// counted), then each piece given to the worker who reaches it best (reassign). The
// ordinary split fixes the order in which workers take pieces by where their starts lie
// along the tour; a tour that passes a start several times can scramble that order,
// which this candidate does not depend on.
func (p *planner) flatSplit(ctx context.Context, gp *groupPlan, giant []Move) []*Route {
	k := len(gp.workers)
	zeros := make([]int64, p.g.n)
	flat := make([][]int64, k)
	for i := range flat {
		flat[i] = zeros
	}
	s := newTourSplit(p.g, giant, flat, flat, true)
	cuts, _ := s.bestCuts(k)
	routes := make([]*Route, k)
	for i, w := range gp.workers {
		routes[i] = p.newRoute(w)
		if cuts[i] < cuts[i+1] {
			a, b := s.svc[cuts[i]], s.svc[cuts[i+1]-1]
			walk, err := p.tourFor(ctx, blocksOfWalk(giant[a:b+1]), w, 1)
			if err != nil {
				return nil
			}
			routes[i].Walk = walk
		}
	}
	if rs := p.reassign(ctx, routes); rs != nil {
		return rs
	}
	return routes
}

// blocksOfWalk lists the blocks a walk serves, in order.
func blocksOfWalk(walk []Move) []int {
	var out []int
	for _, m := range walk {
		if m.Serve {
			out = append(out, m.Link)
		}
	}
	return out
}
