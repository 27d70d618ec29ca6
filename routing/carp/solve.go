package carp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"sync"
	"time"
)

// Objective selects what Solve minimises.
type Objective int

const (
	// TotalCost minimises the sum of all trip costs (service plus deadheading): CARP.
	TotalCost Objective = iota
	// MinMax minimises the longest trip, then the total (balanced patrol routes).
	MinMax
)

// Options tune Solve. The zero value is usable: 10 s, seed 0, one thread, total cost,
// free number of trips.
type Options struct {
	// Seconds is the wall-time limit; <= 0 means DefaultSeconds.
	Seconds float64
	// Seed makes the search reproducible: for a given seed and thread count the search
	// visits the same solutions in the same order (the result depends on how far it got
	// when time ran out, unless MaxIterations stops it first).
	Seed int64
	// Threads runs that many independent searches (derived seeds) and keeps the best;
	// <= 0 means 1.
	Threads int
	// Objective is TotalCost (the default) or MinMax.
	Objective Objective
	// MaxTrips caps the number of trips; 0 leaves it free.
	MaxTrips int
	// MaxIterations stops each thread after that many local-search educations (initial
	// population included; 0: no cap); with it, results are fully deterministic
	// whatever the machine speed.
	MaxIterations int
	// Progress, when set, is called (from the searching goroutines, serialised) each
	// time the best feasible value improves: the total cost, or with MinMax the cost of
	// the longest trip.
	Progress func(best int64, elapsed time.Duration)
}

// DefaultSeconds is the time limit used when Options.Seconds is not positive.
const DefaultSeconds = 10

// ErrInfeasible is returned when no solution within capacity was found with at most
// MaxTrips trips.
var ErrInfeasible = errors.New("routing: no solution within capacity and the trip limit")

// Solve searches for trips serving every required link of in, returning the best
// solution found when the time limit passes, MaxIterations is reached or ctx is
// cancelled (the solution is valid in every case; ctx's error is not returned).
//
// The search is a hybrid genetic search in the style of Vidal's HGS-CARP: giant tours
// recombined by ordered crossover, cut into trips by Split, improved by a granular
// local search whose moves are priced with the best service directions, penalised
// capacity with an adaptive penalty, and survival by cost and diversity.
func Solve(ctx context.Context, in *Instance, opt Options) (*Solution, error) {
	start := time.Now()
	if opt.Seconds <= 0 {
		opt.Seconds = DefaultSeconds
	}
	if opt.Threads <= 0 {
		opt.Threads = 1
	}
	if opt.MaxTrips < 0 {
		return nil, fmt.Errorf("solve %s: negative MaxTrips %d", in.Name, opt.MaxTrips)
	}
	if opt.Objective == MinMax && opt.MaxTrips == 0 {
		// With a free number of trips the longest trip is minimised by serving every
		// link on its own trip: never what a caller balancing k workers wants.
		return nil, fmt.Errorf("solve %s: the MinMax objective needs MaxTrips > 0", in.Name)
	}
	p, err := newProblem(in, opt.Threads, granularity)
	if err != nil {
		return nil, fmt.Errorf("solve %s: %w", in.Name, err)
	}
	if p.n == 0 {
		return &Solution{}, nil
	}
	deadline := start.Add(time.Duration(opt.Seconds * float64(time.Second)))
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	var mu sync.Mutex
	bestSeen := int64(math.MaxInt64)
	report := func(c int64) {
		if opt.Progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if c < bestSeen {
			bestSeen = c
			opt.Progress(c, time.Since(start))
		}
	}
	results := make([]*individual, opt.Threads)
	var wg sync.WaitGroup
	for th := 0; th < opt.Threads; th++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := newGenetic(p, opt, deriveSeed(opt.Seed, th), ctx, start, report)
			results[th] = g.run()
		}()
	}
	wg.Wait()
	var best *individual
	for _, r := range results {
		if r != nil && (best == nil || better(r, best, opt.Objective)) {
			best = r
		}
	}
	if !best.feasible {
		// Only possible with MaxTrips: every other search keeps a capacity-feasible
		// solution from its first step.
		return nil, fmt.Errorf("solve %s: %w (%d trips, overload %d)", in.Name, ErrInfeasible, opt.MaxTrips, best.excess)
	}
	return p.solution(best), nil
}

// granularity is the number of closest tasks each task is tried next to. 16 gave the
// same or better gaps than 24 on the hardest mval instances at a fixed number of local
// searches, for a quarter less CPU time.
const granularity = 16

// deriveSeed gives each thread its own reproducible stream (splitmix64 step).
func deriveSeed(seed int64, thread int) int64 {
	z := uint64(seed) + uint64(thread+1)*0x9E3779B97F4A7C15
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return int64(z ^ (z >> 31))
}

// better orders final candidates: feasible first, then by objective.
func better(a, b *individual, obj Objective) bool {
	if a.feasible != b.feasible {
		return a.feasible
	}
	if !a.feasible && a.excess != b.excess {
		return a.excess < b.excess
	}
	return objectiveValue(a.cost, a.longest, obj) < objectiveValue(b.cost, b.longest, obj)
}

func (p *problem) solution(ind *individual) *Solution {
	s := &Solution{}
	for _, tr := range ind.trips {
		if len(tr) == 0 {
			continue
		}
		c, modes := p.routeCost(tr)
		s.Cost += c
		s.Trips = append(s.Trips, p.trip(tr, modes))
	}
	return s
}

// genetic is one thread's search.
type genetic struct {
	p        *problem
	opt      Options
	rng      *rand.Rand
	ctx      context.Context
	start    time.Time
	deadline time.Time
	report   func(int64)
	pen      float64
	pen0     float64
	split    *splitter
	ls       *localSearch
	pop      *population
	best     *individual
	iters    int
	educated int
	window   []bool // feasibility of the latest children, for the penalty
	maxR     int
}

func newGenetic(p *problem, opt Options, seed int64, ctx context.Context, start time.Time, report func(int64)) *genetic {
	g := &genetic{p: p, opt: opt, rng: rand.New(rand.NewSource(seed)), ctx: ctx, start: start, report: report}
	g.deadline, _ = ctx.Deadline()
	g.split = newSplitter(p)
	g.ls = newLocalSearch(p, g.rng)
	// A smaller population than HGS's usual 25+40: at the budgets this engine is run
	// with (a few thousand local searches per thread), it converges to better
	// solutions (measured on the hardest mval instances at a fixed effort).
	g.pop = newPopulation(12, 25)
	var maxDem int64 = 1
	for _, d := range p.demand {
		maxDem = max(maxDem, d)
	}
	// Start where one unit of overload costs about the longest deadhead per unit of the
	// largest demand; adaptation then moves it within three orders of magnitude either
	// way (the scale of costs and demands differs a lot between data sets).
	g.pen0 = math.Max(1e-3, float64(p.maxDD)/float64(maxDem))
	g.pen = g.pen0
	g.maxR = opt.MaxTrips
	if p.capacity <= 0 && opt.Objective != MinMax {
		g.maxR = 1 // unlimited capacity: one trip is never worse (triangle inequality via the depot)
	}
	g.split.minmax = opt.Objective == MinMax
	g.ls.minmax = opt.Objective == MinMax
	checks := 0
	g.ls.stop = func() bool {
		checks++
		return checks%32 == 0 && g.stopped()
	}
	return g
}

func (g *genetic) stopped() bool {
	return g.ctx.Err() != nil
}

// done tells whether the search must end: time, cancellation or the iteration cap.
func (g *genetic) done() bool {
	return g.stopped() || (g.opt.MaxIterations > 0 && g.educated >= g.opt.MaxIterations)
}

// consider records ind as the best if it is.
func (g *genetic) consider(ind *individual) {
	if g.best == nil || better(ind, g.best, g.opt.Objective) {
		g.best = ind
		if ind.feasible {
			if g.opt.Objective == MinMax {
				g.report(ind.longest)
			} else {
				g.report(ind.cost)
			}
		}
	}
}

// educate runs Split and the local search on a giant tour, adds the result to the
// population and, half of the time, repairs an infeasible result with a tenfold penalty.
func (g *genetic) educate(tour []int32) (feasible bool) {
	g.educated++
	trips := g.split.split(tour, g.pen, g.maxR)
	trips = g.ls.run(trips, g.pen, g.maxR)
	ind := newIndividual(g.p, trips, g.pen, g.opt.Objective)
	g.pop.add(ind)
	g.consider(ind)
	g.window = append(g.window, ind.feasible)
	if len(g.window) == penaltyWindow {
		g.adaptPenalty(g.window)
		g.window = g.window[:0]
	}
	if !ind.feasible && g.rng.Intn(2) == 0 && !g.stopped() {
		trips = g.ls.run(trips, g.pen*10, g.maxR)
		rep := newIndividual(g.p, trips, g.pen, g.opt.Objective)
		if rep.feasible {
			g.pop.add(rep)
			g.consider(rep)
		}
	}
	return ind.feasible
}

func (g *genetic) randomTour() []int32 {
	t := make([]int32, g.p.n)
	for i := range t {
		t[i] = int32(i)
	}
	g.rng.Shuffle(len(t), func(i, j int) { t[i], t[j] = t[j], t[i] })
	return t
}

// nearestTour builds a giant tour greedily: from the end of the last task, go to one of
// the few closest unserved tasks, picked at random. Such tours start the local search
// much closer to a local optimum than random ones, which matters on big instances.
func (g *genetic) nearestTour() []int32 {
	p := g.p
	left := make([]int32, p.n)
	for i := range left {
		left[i] = int32(i)
	}
	tour := make([]int32, 0, p.n)
	at := 2 * p.n // depot node
	const choices = 3
	var best [choices]int
	var bestD [choices]int64
	for len(left) > 0 {
		nb := 0
		for k, t := range left {
			d := min(p.dd[at*p.N+2*int(t)], p.dd[at*p.N+2*int(t)+1])
			if nb < choices {
				best[nb], bestD[nb] = k, d
				nb++
			} else if d < bestD[choices-1] {
				best[choices-1], bestD[choices-1] = k, d
			} else {
				continue
			}
			for i := nb - 1; i > 0 && bestD[i] < bestD[i-1]; i-- {
				best[i], best[i-1] = best[i-1], best[i]
				bestD[i], bestD[i-1] = bestD[i-1], bestD[i]
			}
		}
		k := best[g.rng.Intn(nb)]
		t := left[k]
		left[k] = left[len(left)-1]
		left = left[:len(left)-1]
		tour = append(tour, t)
		m := 0
		if p.dd[at*p.N+2*int(t)+1] < p.dd[at*p.N+2*int(t)] {
			m = 1
		}
		at = 2*int(t) + m
	}
	return tour
}

func (g *genetic) run() *individual {
	p := g.p
	// A valid answer first, whatever happens next: tasks in input order, split with a
	// prohibitive penalty so every trip respects capacity.
	first := make([]int32, p.n)
	for i := range first {
		first[i] = int32(i)
	}
	g.consider(newIndividual(p, g.split.split(first, 1e9, g.maxR), g.pen, g.opt.Objective))

	total := g.deadline.Sub(g.start)
	initial := func() {
		for k := 0; k < 4*g.pop.mu && !g.done(); k++ {
			if k < eulerStarts {
				if t := p.eulerTour(g.rng); t != nil {
					g.educate(t)
					continue
				}
			}
			if k%2 == 0 {
				g.educate(g.randomTour())
			} else {
				g.educate(g.nearestTour())
			}
			// On big instances keep most of the budget for recombination (not when an
			// iteration cap asks for machine-independent results).
			if g.opt.MaxIterations == 0 && k >= 1 && time.Since(g.start) > total/5 {
				break
			}
		}
	}
	initial()
	const itNI = 20000
	sinceImprove := 0
	child := make([]int32, 0, p.n)
	seen := make([]bool, p.n)
	for !g.done() {
		if g.pop.size() < 2 {
			initial()
			continue
		}
		before := g.best
		g.iters++
		a := g.pop.tournament(g.rng)
		b := g.pop.tournament(g.rng)
		child = crossoverOX(g.rng, a.tour, b.tour, child, seen)
		g.educate(append([]int32(nil), child...))
		if g.best != before {
			sinceImprove = 0
		} else {
			sinceImprove++
		}
		if sinceImprove >= itNI {
			g.pop.clear()
			sinceImprove = 0
			initial()
		}
	}
	return g.best
}

// adaptPenalty steers the share of feasible children towards 20 %.
func (g *genetic) adaptPenalty(window []bool) {
	f := 0
	for _, ok := range window {
		if ok {
			f++
		}
	}
	frac := float64(f) / float64(len(window))
	// Far from the target (the usual start: every child feasible), move faster.
	switch {
	case frac < 0.15 && g.pen < g.pen0*1e3:
		g.pen *= 1.2
	case frac > 0.6 && g.pen > g.pen0*1e-3:
		g.pen *= 0.7
	case frac > 0.25 && g.pen > g.pen0*1e-3:
		g.pen *= 0.85
	default:
		return
	}
	g.pop.repenalise(g.pen, g.opt.Objective)
}

// eulerStarts is how many individuals of each initial population start from a rural
// postman (Euler circuit) tour.
const eulerStarts = 3

// penaltyWindow is how many children the feasible share is measured over before the
// penalty adapts.
const penaltyWindow = 30
