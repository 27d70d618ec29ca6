package routing

import (
	"fmt"
	"math"
	"time"
)

// advise sets Plan.Shift when some route runs over its worker's shift, naming the real
// cause: a block too far from its worker's start to be served within the shift at all
// (no number of workers helps), or too much work for the workers (with how many
// workers, or how long a shift, it would take).
func (p *planner) advise() {
	pl := p.plan
	pl.Shift = nil
	var over time.Duration
	var late []int
	for _, r := range pl.Routes {
		if x := r.Cost - p.opt.worker(r.Worker).ShiftLimit; x > 0 {
			late = append(late, r.Worker+1)
			over = max(over, x)
		}
	}
	if len(late) == 0 {
		return
	}
	limit := p.opt.ShiftLimit
	if len(p.opt.PerWorker) > 0 && len(late) == 1 {
		limit = p.opt.worker(late[0] - 1).ShiftLimit
	}
	adv := &ShiftAdvice{Limit: limit, Over: over, HoursNeeded: math.Ceil(pl.Makespan.Hours()*10) / 10, Late: late}
	what := fmt.Sprintf("the longest route is %s over the %s shift", over.Round(time.Minute), limit)
	if len(p.opt.PerWorker) > 0 {
		what = fmt.Sprintf("%d route(s) run over their worker's shift (workers %v), the worst by %s", len(late), late, over.Round(time.Minute))
	}
	if b, w, alone := p.farthestBlock(); b >= 0 && alone > p.opt.worker(w).ShiftLimit {
		bl := p.net.Blocks[b]
		adv.Message = fmt.Sprintf("%s: block %s (%s) is too far from the start of %s: serving it alone takes %s, more than the %s shift; it needs a %.1f h shift",
			what, bl.SourceID, streetName(bl.Name, bl.Highway), p.opt.workerName(w), alone.Round(time.Minute), p.opt.worker(w).ShiftLimit, adv.HoursNeeded)
		pl.Shift = adv
		return
	}
	// Too much work: the routes' total time over the shift, grid by grid (a grid's
	// workers serve only its blocks), is the fewest workers that could do it; the split
	// of a shared start's tour may know a larger, exact figure.
	shiftDs := float64(p.opt.ShiftLimit / (100 * time.Millisecond))
	work := make([]int64, len(p.gridNames))
	var total time.Duration
	for _, r := range pl.Routes {
		work[r.Grid] += int64(r.Cost / (100 * time.Millisecond))
		total += r.Cost
	}
	needed := 0
	for _, ds := range work {
		needed += int(math.Ceil(float64(ds) / shiftDs))
	}
	adv.WorkersNeeded = max(needed, pl.workersNeeded())
	adv.Message = fmt.Sprintf("%s: too much work for %d workers (%.1f h of walking and serving in all): it needs %d workers at a %s shift, or a %.1f h shift with these %d workers",
		what, len(pl.Routes), total.Hours(), adv.WorkersNeeded, p.opt.ShiftLimit, adv.HoursNeeded, len(pl.Routes))
	pl.Shift = adv
}

// farthestBlock returns the required block whose cheapest service from any of its
// grid's workers (from their start, serving it, to their end, nothing else) takes
// longest, that worker, and the time; -1 when there is none.
func (p *planner) farthestBlock() (block, worker int, alone time.Duration) {
	block, worker = -1, -1
	for gi, ws := range p.grpWorkers {
		for _, b := range p.grpBlocks[gi] {
			bw, bt := -1, int64(planUnreachable)
			for _, w := range ws {
				f, _ := p.treesOf(p.starts[w])
				back := p.backTo(w)
				e := p.net.Edges[b]
				price := p.moveCostFor(w)
				serve := price(Move{Link: b, Serve: true})
				scale := p.opt.WalkKmh / p.opt.worker(w).WalkKmh
				for _, d := range [][2]int{{e.From, e.To}, {e.To, e.From}} {
					if d[0] == e.To && p.g.directed[b] {
						continue
					}
					if f.dist[d[0]] >= planUnreachable || back[d[1]] >= planUnreachable {
						continue
					}
					if c := int64(float64(f.dist[d[0]]+back[d[1]])*scale) + serve; c < bt {
						bw, bt = w, c
					}
				}
			}
			if bw >= 0 && dsToDuration(bt) > alone {
				block, worker, alone = b, bw, dsToDuration(bt)
			}
		}
	}
	return block, worker, alone
}
