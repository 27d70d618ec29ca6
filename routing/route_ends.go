package routing

import "context"

// tourFor is worker w's walk over blocks: a postman walk from their start to their end
// (back at the start, a given node, or open: see postmanWalk).
func (p *planner) tourFor(ctx context.Context, blocks []int, w, threads int) ([]Move, error) {
	return p.g.postmanWalk(ctx, blocks, p.starts[w], p.ends[w], threads)
}

// walkEnd is the node where route r's walk ends (its start when it has none).
func (p *planner) walkEnd(r *Route) int {
	if len(r.Walk) == 0 {
		return r.StartNode
	}
	_, v := p.g.moveEnds(r.Walk[len(r.Walk)-1])
	return v
}
