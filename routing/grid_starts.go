package routing

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
)

// GridStarts chooses where the workers of each grid start when nobody has said: share[g]
// starts for grid g, one at the beginning of each worker's part of the grid. The rule:
// the grid's blocks are walked in one postman tour from the grid's centre (see
// StartRuleGridCentre), the tour is cut into share[g] consecutive pieces whose longest is
// as short as can be (the plan's own pricing: street at the service speed, shop visits,
// walking between), and each worker starts where their piece serves its first block. A
// worker who starts there and walks their piece on has no walk to their work, and each
// piece is about an even share of it; the plan then routes each part on its own. The
// points are network nodes, the same on every run; a grid with fewer blocks than
// workers repeats its last start. opt.Workers, PerWorker and Starts are ignored.
func GridStarts(ctx context.Context, in PlanInput, grids []Grid, share []int, opt PlanOptions) ([][]orb.Point, error) {
	if len(grids) == 0 || len(share) != len(grids) {
		return nil, badInput("grid starts: %d grids and %d shares", len(grids), len(share))
	}
	opt.Grids = grids
	opt.Workers = len(grids)
	opt.Starts = nil
	opt.PerWorker = make([]WorkerParams, len(grids))
	for g := range grids {
		if share[g] < 1 {
			return nil, badInput("grid starts: grid %q has %d workers (need at least one)", grids[g].Name, share[g])
		}
		opt.PerWorker[g] = WorkerParams{Grid: g}
	}
	p, err := newPlanner(in, opt)
	if err != nil {
		return nil, err
	}
	zeros := make([]int64, p.g.n)
	out := make([][]orb.Point, len(grids))
	for g := range grids {
		var blocks []int
		for b, bg := range p.blockGrid {
			if bg == g {
				blocks = append(blocks, b)
			}
		}
		centre := p.starts[g]
		tour, err := p.g.postmanTour(ctx, blocks, centre, p.opt.Threads)
		if err != nil {
			return nil, fmt.Errorf("grid %q: %w", grids[g].Name, err)
		}
		flat := make([][]int64, share[g]) // no walk to a piece, none from it
		for k := range flat {
			flat[k] = zeros
		}
		s := newTourSplit(p.g, tour, flat, flat, true)
		cuts, _ := s.bestCuts(share[g])
		for k := 0; k < share[g]; k++ {
			v := centre
			if i := min(cuts[k], len(s.svc)-1); i >= 0 {
				v = int(s.head[i])
			}
			out[g] = append(out[g], p.net.Nodes[v].Point)
		}
	}
	return out, nil
}
