package routing

import "sort"

// tourSplit cuts a giant tour (one closed walk over all the required blocks of a group)
// into one consecutive piece per worker: worker w's route is the shortest path from its
// start to the piece, the piece as the giant tour walks it, and the shortest path back.
// This is route-first, cluster-second (Beasley; Ulusoy's split for CARP); it makes the
// longest route as short as the tour allows, and then the shortest as long as possible so
// that routes are even.
type tourSplit struct {
	g    *planGraph
	walk []Move
	pref []int64 // pref[t] = cost of walk[:t]
	svc  []int   // positions in walk of the serving moves
	// head[i], tail[i] are the nodes where service i starts and ends; sp[i] is the
	// prefix cost up to service i, ep[i] the prefix cost just after it.
	head, tail []int32
	sp, ep     []int64
	// out[w][v] = d(start of worker w, v); back[w][v] = d(v, start of worker w), with
	// workers in the order in which they take pieces.
	out, back [][]int64
	shared    bool // every worker has the same start and end
	// rates, when set (see setRates), prices each worker's pieces at their own speeds
	// and normalises them to a common shift: cost returns a route's time times
	// norm (the longest shift over the worker's own), so that minimising the
	// longest normalised route gives work in proportion to shifts.
	rates []splitRate
	// svcT, svcS, svcH split the prefix costs into travel, serving at speed and shop
	// time (rates only): sp and ep each as (travel, serve, shop).
	spT, spS, epT, epS []int64
	shop               []int64 // per edge, the shop part of its service cost
	minFactor          float64 // the smallest rate factor: a lower bound for pruning
}

// splitRate is one worker's pricing relative to the planning graph: deadhead and service
// times scale by walk and serve (plan-wide speed over own speed), and the whole route by
// norm.
type splitRate struct{ walk, serve, norm float64 }

// setRates prices the workers (in the order of out and back) by rates; shop is the shop
// part of every edge's service cost.
func (s *tourSplit) setRates(rates []splitRate, shop []int64) {
	s.rates, s.shop = rates, shop
	s.shared = false
	s.spT = make([]int64, len(s.svc))
	s.spS = make([]int64, len(s.svc))
	s.epT = make([]int64, len(s.svc))
	s.epS = make([]int64, len(s.svc))
	var trav, serve int64
	k := 0
	for _, m := range s.walk {
		if m.Serve {
			s.spT[k], s.spS[k] = trav, serve
			serve += s.g.serve[m.Link] - shop[m.Link]
			s.epT[k], s.epS[k] = trav, serve
			k++
		} else {
			trav += s.g.trav[m.Link]
		}
	}
	s.minFactor = 1
	for _, r := range rates {
		s.minFactor = min(s.minFactor, r.norm*min(r.walk, r.serve, 1))
	}
}

func newTourSplit(g *planGraph, walk []Move, out, back [][]int64, shared bool) *tourSplit {
	s := &tourSplit{g: g, walk: walk, out: out, back: back, shared: shared}
	s.pref = make([]int64, len(walk)+1)
	for t, m := range walk {
		s.pref[t+1] = s.pref[t] + g.moveCost(m)
		if m.Serve {
			s.svc = append(s.svc, t)
		}
	}
	s.head = make([]int32, len(s.svc))
	s.tail = make([]int32, len(s.svc))
	s.sp = make([]int64, len(s.svc))
	s.ep = make([]int64, len(s.svc))
	for i, t := range s.svc {
		h, e := g.moveEnds(walk[t])
		s.head[i], s.tail[i] = int32(h), int32(e)
		s.sp[i], s.ep[i] = s.pref[t], s.pref[t+1]
	}
	return s
}

// inner is the cost of walking the giant tour from service i to service j inclusive
// (with rates, a lower bound on any worker's normalised cost of it).
func (s *tourSplit) inner(i, j int) int64 {
	if s.rates != nil {
		return int64(float64(s.ep[j]-s.sp[i]) * s.minFactor)
	}
	return s.ep[j] - s.sp[i]
}

// cost is the route cost of worker w serving services i..j inclusive (normalised with
// rates).
func (s *tourSplit) cost(w, i, j int) int64 {
	if s.rates != nil {
		r := s.rates[w]
		trav := float64(s.out[w][s.head[i]]+s.epT[j]-s.spT[i]+s.back[w][s.tail[j]]) * r.walk
		serve := float64(s.epS[j]-s.spS[i]) * r.serve
		shop := float64((s.ep[j] - s.sp[i]) - (s.epT[j] - s.spT[i]) - (s.epS[j] - s.spS[i]))
		return int64((trav + serve + shop) * r.norm)
	}
	return s.out[w][s.head[i]] + s.ep[j] - s.sp[i] + s.back[w][s.tail[j]]
}

// cuts returns, for bounds [lo, hi] on every route, the first service of each of the k
// workers' pieces (cuts[w] .. cuts[w+1]-1; cuts[k] = number of services), or nil when no
// such split exists (or none was found: the shared-start search assumes that the counts
// of pieces a prefix can be cut into form an interval, which is near always true).
func (s *tourSplit) cuts(k int, lo, hi int64) []int {
	m := len(s.svc)
	if m < k {
		return nil
	}
	if s.shared {
		return s.cutsShared(k, lo, hi)
	}
	return s.cutsPerWorker(k, lo, hi)
}

func (s *tourSplit) cutsShared(k int, lo, hi int64) []int {
	m := len(s.svc)
	const none = -1
	minc := make([]int, m+1)
	maxc := make([]int, m+1)
	for i := range minc {
		minc[i], maxc[i] = none, none
	}
	minc[0], maxc[0] = 0, 0
	for i := 0; i < m; i++ {
		if minc[i] == none {
			continue
		}
		for j := i; j < m; j++ {
			if s.inner(i, j) > hi {
				break
			}
			c := s.cost(0, i, j)
			if c > hi || c < lo {
				continue
			}
			if minc[j+1] == none || minc[i]+1 < minc[j+1] {
				minc[j+1] = minc[i] + 1
			}
			if maxc[i]+1 > maxc[j+1] {
				maxc[j+1] = maxc[i] + 1
			}
		}
	}
	if minc[m] == none || k < minc[m] || k > maxc[m] {
		return nil
	}
	cuts := make([]int, k+1)
	cuts[k] = m
	j := m
	for r := k; r > 0; r-- {
		found := -1
		for i := j - 1; i >= 0; i-- {
			if s.inner(i, j-1) > hi {
				break
			}
			if minc[i] == none || minc[i] > r-1 || maxc[i] < r-1 {
				continue
			}
			if c := s.cost(0, i, j-1); c >= lo && c <= hi {
				found = i
				break
			}
		}
		if found < 0 {
			return nil
		}
		cuts[r-1] = found
		j = found
	}
	if j != 0 {
		return nil
	}
	return cuts
}

func (s *tourSplit) cutsPerWorker(k int, lo, hi int64) []int {
	m := len(s.svc)
	reach := make([][]int32, k+1) // reach[w][j] = previous cut +1, 0 when unreachable
	for w := range reach {
		reach[w] = make([]int32, m+1)
	}
	reach[0][0] = 1
	for w := 0; w < k; w++ {
		out, back, next := s.out[w], s.back[w], reach[w+1]
		for i := 0; i < m; i++ {
			if reach[w][i] == 0 {
				continue
			}
			// Each of the workers after w serves at least one block.
			last := m - (k - w - 1)
			base := out[s.head[i]] - s.sp[i]
			for j := i; j < last; j++ {
				if s.rates != nil {
					if s.inner(i, j) > hi {
						break
					}
					if next[j+1] == 0 {
						if c := s.cost(w, i, j); c >= lo && c <= hi {
							next[j+1] = int32(i) + 1
						}
					}
					continue
				}
				if s.ep[j]-s.sp[i] > hi {
					break
				}
				if next[j+1] != 0 {
					continue
				}
				if c := base + s.ep[j] + back[s.tail[j]]; c >= lo && c <= hi {
					next[j+1] = int32(i) + 1
				}
			}
		}
	}
	if reach[k][m] == 0 {
		return nil
	}
	cuts := make([]int, k+1)
	j := m
	for w := k; w >= 0; w-- {
		cuts[w] = j
		if w > 0 {
			j = int(reach[w][j]) - 1
		}
	}
	return cuts
}

// bestCuts finds the split of the giant tour into k pieces with the smallest longest
// route, then, at that longest route, the largest shortest route. It returns the cuts
// and the route costs.
func (s *tourSplit) bestCuts(k int) ([]int, []int64) {
	m := len(s.svc)
	if m == 0 {
		return make([]int, k+1), make([]int64, k)
	}
	if m < k {
		// Fewer blocks than workers: one block each, the rest idle.
		cuts := make([]int, k+1)
		for w := range cuts {
			cuts[w] = min(w, m)
		}
		return cuts, s.costs(cuts)
	}
	var hiBound int64
	for w := range s.out {
		var mo, mb int64
		for _, d := range s.out[w] {
			if d < planUnreachable && d > mo {
				mo = d
			}
		}
		for _, d := range s.back[w] {
			if d < planUnreachable && d > mb {
				mb = d
			}
		}
		hiBound = max(hiBound, mo+mb)
	}
	hiBound += s.ep[m-1] - s.sp[0]
	// Every route serves its own blocks, so the longest is at least an even share of
	// all the serving.
	var serve int64
	for _, t := range s.svc {
		serve += s.g.moveCost(s.walk[t])
	}
	lo, hi := serve/int64(k), hiBound
	if s.rates != nil {
		// Normalised costs: the bounds scale with the largest factors.
		f := 1.0
		for _, r := range s.rates {
			f = max(f, r.norm*max(r.walk, r.serve, 1))
		}
		lo, hi = 0, int64(float64(hiBound)*f)+1
	}
	// An even split by count is feasible at its own longest route: starting there keeps
	// the first passes short (a pass costs the number of services times the length of
	// the pieces the bound allows).
	var best []int
	if even, costs := s.evenCuts(k); len(costs) > 0 {
		var top int64
		for _, c := range costs {
			top = max(top, c)
		}
		if top < hi && s.cuts(k, 0, top) != nil {
			hi, best = top, even
		}
	}
	if best == nil {
		if best = s.cuts(k, 0, hi); best == nil {
			// The interval assumption failed even unbounded: fall back to even counts.
			return s.evenCuts(k)
		}
	}
	// Bisect to a precision of 0.02 % of the makespan (0.1 % with a start per worker,
	// whose passes cost k times more): finer steps change no plan a worker would notice.
	prec := int64(5000)
	if !s.shared {
		prec = 1000
	}
	for hi-lo > max(1, hi/prec) {
		mid := lo + (hi-lo)/2
		if c := s.cuts(k, 0, mid); c != nil {
			hi, best = mid, c
		} else {
			lo = mid + 1
		}
	}
	top := hi
	lo, hi = 0, top
	for hi-lo > max(1, top/prec) {
		mid := hi - (hi-lo)/2
		if c := s.cuts(k, mid, top); c != nil {
			lo, best = mid, c
		} else {
			hi = mid - 1
		}
	}
	return best, s.costs(best)
}

func (s *tourSplit) evenCuts(k int) ([]int, []int64) {
	m := len(s.svc)
	cuts := make([]int, k+1)
	for w := range cuts {
		cuts[w] = w * m / k
	}
	return cuts, s.costs(cuts)
}

func (s *tourSplit) costs(cuts []int) []int64 {
	k := len(cuts) - 1
	c := make([]int64, k)
	for w := 0; w < k; w++ {
		if cuts[w] < cuts[w+1] {
			c[w] = s.cost(w, cuts[w], cuts[w+1]-1)
		}
	}
	return c
}

// fewestWorkers is the smallest number of pieces with every route at most limit (shared
// start only), or 0 when some single block already exceeds it.
func (s *tourSplit) fewestWorkers(limit int64) int {
	m := len(s.svc)
	if m == 0 {
		return 0
	}
	const none = -1
	minc := make([]int, m+1)
	for i := range minc {
		minc[i] = none
	}
	minc[0] = 0
	for i := 0; i < m; i++ {
		if minc[i] == none {
			continue
		}
		for j := i; j < m; j++ {
			if s.inner(i, j) > limit {
				break
			}
			if c := s.cost(0, i, j); c <= limit && (minc[j+1] == none || minc[i]+1 < minc[j+1]) {
				minc[j+1] = minc[i] + 1
			}
		}
	}
	if minc[m] == none {
		return 0
	}
	return minc[m]
}

// orderWorkersAlongTour sorts workers by the position in the tour nearest (by walking
// distance) to their start, so that per-worker starts take nearby pieces.
func orderWorkersAlongTour(s *tourSplit, workers []int, out map[int][]int64) []int {
	pos := make(map[int]int, len(workers))
	for _, w := range workers {
		best, bi := planUnreachable, 0
		for i, t := range s.svc {
			h, _ := s.g.moveEnds(s.walk[t])
			if d := out[w][h]; d < best {
				best, bi = d, i
			}
		}
		pos[w] = bi
	}
	ordered := append([]int(nil), workers...)
	sort.SliceStable(ordered, func(a, b int) bool { return pos[ordered[a]] < pos[ordered[b]] })
	return ordered
}
