package carp

import (
	"math/rand"
	"sort"
)

// individual is one solution of the genetic search: its trips, the giant tour they
// concatenate to, and the successor/predecessor of every task for diversity measures.
type individual struct {
	tour     []int32
	trips    [][]int32
	cost     int64 // real cost (service plus deadheading)
	longest  int64 // cost of the longest trip
	excess   int64 // total load above capacity over all trips
	pcost    float64
	succ     []int32 // next task in its trip, or -1 at the end
	pred     []int32 // previous task, or -1 at the start
	prox     []proxEntry
	fitness  float64
	feasible bool
}

type proxEntry struct {
	d   float64
	ind *individual
}

// newIndividual evaluates trips exactly (best directions per trip) under penalty pen.
func newIndividual(p *problem, trips [][]int32, pen float64, obj Objective) *individual {
	ind := &individual{trips: trips, succ: make([]int32, p.n), pred: make([]int32, p.n)}
	ind.tour = make([]int32, 0, p.n)
	for _, tr := range trips {
		c, _ := p.routeCost(tr)
		ind.cost += c
		ind.longest = max(ind.longest, c)
		var load int64
		for i, t := range tr {
			load += p.demand[t]
			ind.tour = append(ind.tour, t)
			ind.pred[t], ind.succ[t] = -1, -1
			if i > 0 {
				ind.pred[t] = tr[i-1]
			}
			if i+1 < len(tr) {
				ind.succ[t] = tr[i+1]
			}
		}
		if p.capacity > 0 && load > p.capacity {
			ind.excess += load - p.capacity
		}
	}
	ind.feasible = ind.excess == 0
	ind.pcost = objectiveValue(ind.cost, ind.longest, obj) + pen*float64(ind.excess)
	return ind
}

// objectiveValue ranks solutions: total cost, or for MinMax the longest trip first with
// the total as a tie-breaker (scaled into the fraction so that it never outweighs a unit
// of the longest trip on realistic sizes).
func objectiveValue(total, longest int64, obj Objective) float64 {
	if obj == MinMax {
		return float64(longest) + float64(total)*1e-6
	}
	return float64(total)
}

// brokenPairs is the share of tasks whose neighbours differ between a and b (trip
// order read in either direction): the diversity distance of HGS.
func brokenPairs(a, b *individual) float64 {
	diff := 0
	for t := range a.succ {
		if a.succ[t] != b.succ[t] && a.succ[t] != b.pred[t] {
			diff++
		}
		if a.pred[t] == -1 && b.pred[t] != -1 && b.succ[t] != -1 {
			diff++
		}
	}
	return float64(diff) / float64(max(1, len(a.succ)))
}

// subpop is a sub-population (feasible or infeasible) kept sorted by penalised cost.
type subpop struct {
	inds []*individual
}

// population manages survival by cost and diversity (biased fitness), after Vidal's
// hybrid genetic search: a sub-population grows to mu+lambda and is then culled to mu,
// removing clones first, then the individuals worst in combined rank.
type population struct {
	feas, infeas subpop
	mu, lambda   int
	nbElite      int
	nbClose      int
}

func newPopulation(mu, lambda int) *population {
	return &population{mu: mu, lambda: lambda, nbElite: 4, nbClose: 5}
}

func (pop *population) size() int { return len(pop.feas.inds) + len(pop.infeas.inds) }

func (pop *population) add(ind *individual) {
	sp := &pop.infeas
	if ind.feasible {
		sp = &pop.feas
	}
	for _, o := range sp.inds {
		d := brokenPairs(ind, o)
		insertProx(o, proxEntry{d, ind})
		insertProx(ind, proxEntry{d, o})
	}
	k := sort.Search(len(sp.inds), func(i int) bool { return sp.inds[i].pcost > ind.pcost })
	sp.inds = append(sp.inds, nil)
	copy(sp.inds[k+1:], sp.inds[k:])
	sp.inds[k] = ind
	if len(sp.inds) > pop.mu+pop.lambda {
		for len(sp.inds) > pop.mu {
			pop.removeWorst(sp)
		}
	}
}

func insertProx(ind *individual, e proxEntry) {
	k := sort.Search(len(ind.prox), func(i int) bool { return ind.prox[i].d > e.d })
	ind.prox = append(ind.prox, proxEntry{})
	copy(ind.prox[k+1:], ind.prox[k:])
	ind.prox[k] = e
}

func (pop *population) avgClose(ind *individual) float64 {
	n := min(pop.nbClose, len(ind.prox))
	if n == 0 {
		return 0
	}
	s := 0.0
	for _, e := range ind.prox[:n] {
		s += e.d
	}
	return s / float64(n)
}

func (pop *population) updateFitness(sp *subpop) {
	n := len(sp.inds)
	if n == 1 {
		sp.inds[0].fitness = 0
		return
	}
	type rk struct {
		div float64
		i   int
	}
	r := make([]rk, n)
	for i, ind := range sp.inds {
		r[i] = rk{-pop.avgClose(ind), i}
	}
	sort.SliceStable(r, func(a, b int) bool { return r[a].div < r[b].div })
	for pos, x := range r {
		divRank := float64(pos) / float64(n-1)
		fitRank := float64(x.i) / float64(n-1)
		ind := sp.inds[x.i]
		if n <= pop.nbElite {
			ind.fitness = fitRank
		} else {
			ind.fitness = fitRank + (1-float64(pop.nbElite)/float64(n))*divRank
		}
	}
}

func (pop *population) removeWorst(sp *subpop) {
	pop.updateFitness(sp)
	worst := -1
	worstClone := false
	for i := 1; i < len(sp.inds); i++ { // never the best
		ind := sp.inds[i]
		clone := len(ind.prox) > 0 && ind.prox[0].d < 1e-9
		if worst < 0 || (clone && !worstClone) || (clone == worstClone && ind.fitness > sp.inds[worst].fitness) {
			worst, worstClone = i, clone
		}
	}
	w := sp.inds[worst]
	sp.inds = append(sp.inds[:worst], sp.inds[worst+1:]...)
	for _, o := range sp.inds {
		for k, e := range o.prox {
			if e.ind == w {
				o.prox = append(o.prox[:k], o.prox[k+1:]...)
				break
			}
		}
	}
}

// tournament picks a parent: the fitter of two random individuals.
func (pop *population) tournament(rng *rand.Rand) *individual {
	pop.updateFitness2()
	pick := func() *individual {
		k := rng.Intn(pop.size())
		if k < len(pop.feas.inds) {
			return pop.feas.inds[k]
		}
		return pop.infeas.inds[k-len(pop.feas.inds)]
	}
	a, b := pick(), pick()
	if b.fitness < a.fitness {
		return b
	}
	return a
}

func (pop *population) updateFitness2() {
	if len(pop.feas.inds) > 0 {
		pop.updateFitness(&pop.feas)
	}
	if len(pop.infeas.inds) > 0 {
		pop.updateFitness(&pop.infeas)
	}
}

// repenalise re-ranks the infeasible sub-population after the penalty changed.
func (pop *population) repenalise(pen float64, obj Objective) {
	for _, ind := range pop.infeas.inds {
		ind.pcost = objectiveValue(ind.cost, ind.longest, obj) + pen*float64(ind.excess)
	}
	sort.SliceStable(pop.infeas.inds, func(i, j int) bool { return pop.infeas.inds[i].pcost < pop.infeas.inds[j].pcost })
}

func (pop *population) clear() {
	pop.feas.inds = nil
	pop.infeas.inds = nil
}
