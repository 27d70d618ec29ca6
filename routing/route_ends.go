package routing

import (
	"context"
	"slices"
)

// tourFor is worker w's walk over blocks: a postman tour from their start, ended as
// they asked (see endWalk).
func (p *planner) tourFor(ctx context.Context, blocks []int, w, threads int) ([]Move, error) {
	walk, err := p.g.postmanTour(ctx, blocks, p.starts[w], threads)
	if err != nil || p.endKind[w] == EndAtStart || len(walk) == 0 {
		return walk, err
	}
	return p.endWalk(walk, w), nil
}

// endWalk turns a closed walk from worker w's start into one that ends as w asked: it
// keeps the walk up to its last served block and then, for an end point, walks the
// shortest path there (an open end stops at once). On foot the closed walk may be walked
// either way round; the cheaper of the two is kept.
func (p *planner) endWalk(closed []Move, w int) []Move {
	cands := [][]Move{closed}
	if p.opt.Mode == ModePatrol {
		rev := make([]Move, len(closed))
		for i, m := range closed {
			rev[len(closed)-1-i] = Move{Link: m.Link, Reverse: !m.Reverse, Serve: m.Serve}
		}
		cands = append(cands, rev)
	}
	var best []Move
	var bestCost int64
	for _, c := range cands {
		last := -1
		for i, m := range c {
			if m.Serve {
				last = i
			}
		}
		out := slices.Clone(c[:last+1])
		if e := p.ends[w]; e >= 0 {
			at := p.starts[w]
			if last >= 0 {
				_, at = p.g.moveEnds(c[last])
			}
			_, rv := p.treesOf(e)
			out = append(out, p.g.pathTo(rv, at)...)
		}
		if cost := p.g.walkCost(out); best == nil || cost < bestCost {
			best, bestCost = out, cost
		}
	}
	return best
}

// walkEnd is the node where route r's walk ends (its start when it has none).
func (p *planner) walkEnd(r *Route) int {
	if len(r.Walk) == 0 {
		return r.StartNode
	}
	_, v := p.g.moveEnds(r.Walk[len(r.Walk)-1])
	return v
}
