package routing

import (
	"math"
	"time"
)

// initPricing prepares the per-worker pricing of the search. A worker's time is their
// walk priced at their own speeds (see moveCostFor); the search compares it normalised
// to the longest shift of the plan (times longest/own shift), so that minimising the
// longest normalised route is minimising the longest route relative to its worker's
// shift, and a worker with half the shift gets about half the work.
func (p *planner) initPricing() {
	o := p.opt
	p.shopDs = make([]int64, len(p.net.Edges))
	shop := int64(math.Round(o.ShopService.Seconds() * 10))
	for e, ed := range p.net.Edges {
		if ed.Block >= 0 {
			p.shopDs[e] = shop * int64(len(p.shops[ed.Block]))
		}
	}
	var longest time.Duration
	for w := 0; w < o.Workers; w++ {
		longest = max(longest, o.worker(w).ShiftLimit)
	}
	p.rates = make([]splitRate, o.Workers)
	p.uniform = true
	for w := range p.rates {
		own := o.worker(w)
		r := splitRate{walk: o.WalkKmh / own.WalkKmh, serve: o.ServeKmh / own.ServeKmh, norm: 1}
		if own.ShiftLimit > 0 && longest > 0 {
			r.norm = float64(longest) / float64(own.ShiftLimit)
		}
		if r.walk != 1 || r.serve != 1 || r.norm != 1 {
			p.uniform = false
		}
		p.rates[w] = r
	}
}

// routeCost is worker w's walk as the search compares it: priced at the worker's own
// speeds and normalised to the longest shift (the graph's cost when all are uniform).
func (p *planner) routeCost(w int, walk []Move) int64 {
	if p.uniform {
		return p.g.walkCost(walk)
	}
	r := p.rates[w]
	var trav, serve, shop int64
	for _, m := range walk {
		if m.Serve {
			serve += p.g.serve[m.Link] - p.shopDs[m.Link]
			shop += p.shopDs[m.Link]
		} else {
			trav += p.g.trav[m.Link]
		}
	}
	return int64((float64(trav)*r.walk + float64(serve)*r.serve + float64(shop)) * r.norm)
}

// scaleEstimate turns a cost at the graph's prices into worker w's normalised cost,
// roughly (for estimates that are checked by routeCost afterwards).
func (p *planner) scaleEstimate(w int, c int64) int64 {
	if p.uniform {
		return c
	}
	r := p.rates[w]
	return int64(float64(c) * r.norm * max(r.walk, r.serve))
}

// groupRates returns the split rates of workers in order (nil when uniform).
func (p *planner) groupRates(workers []int) []splitRate {
	if p.uniform {
		return nil
	}
	out := make([]splitRate, len(workers))
	for i, w := range workers {
		out[i] = p.rates[w]
	}
	return out
}
