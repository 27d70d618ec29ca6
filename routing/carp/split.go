package carp

import "math"

// splitter cuts a giant tour (every task once, no depot visits) into trips optimally for
// the tour order (Prins' Split, a shortest path over the tour's cut points). Each trip's
// service directions are chosen by a two-state dynamic programme as the trip grows, so
// the giant tour carries only the order. Overloads are allowed at a penalty so that the
// search can cross infeasible space; trips are never longer than 1.5 × capacity plus one
// task when the fleet is free.
type splitter struct {
	p    *problem
	pot  []float64
	pred []int
	// layered potentials for a limited fleet: potK[k*(n+1)+j]
	potK  []float64
	predK []int
	// minmax makes a capped split minimise the longest trip, then the total.
	minmax bool
	potM   []float64
}

func newSplitter(p *problem) *splitter {
	return &splitter{p: p, pot: make([]float64, p.n+1), pred: make([]int, p.n+1)}
}

// split returns the trips of tour (each a slice of tour's tasks). maxRoutes > 0 caps the
// number of trips.
func (s *splitter) split(tour []int32, pen float64, maxRoutes int) [][]int32 {
	p := s.p
	n := len(tour)
	if n == 0 {
		return nil
	}
	if s.minmax && maxRoutes > 0 {
		return s.splitMinMax(tour, pen, maxRoutes)
	}
	if p.capacity <= 0 {
		return [][]int32{append([]int32(nil), tour...)}
	}
	limit := p.capacity + p.capacity/2
	for j := range s.pot {
		s.pot[j] = math.Inf(1)
	}
	s.pot[0] = 0
	for i := 0; i < n; i++ {
		if math.IsInf(s.pot[i], 1) {
			continue
		}
		s.scan(tour, i, func(j int, cost int64, load int64) bool {
			if j > i && load > limit {
				return false
			}
			v := s.pot[i] + float64(cost) + pen*float64(max(0, load-p.capacity))
			if v < s.pot[j+1] {
				s.pot[j+1] = v
				s.pred[j+1] = i
			}
			return true
		})
	}
	var routes [][]int32
	for j := n; j > 0; j = s.pred[j] {
		routes = append(routes, append([]int32(nil), tour[s.pred[j]:j]...))
	}
	if maxRoutes > 0 && len(routes) > maxRoutes {
		return s.splitLimited(tour, pen, maxRoutes)
	}
	for a, b := 0, len(routes)-1; a < b; a, b = a+1, b-1 {
		routes[a], routes[b] = routes[b], routes[a]
	}
	return routes
}

// scan grows a trip from tour[i] onward, calling visit with the index of its last task,
// its cost (depot to depot, best directions) and load, until visit returns false.
func (s *splitter) scan(tour []int32, i int, visit func(j int, cost, load int64) bool) {
	p := s.p
	dep := 2 * p.n
	var f [2]int64
	var load int64
	for j := i; j < len(tour); j++ {
		t := int(tour[j])
		if j == i {
			f[0] = p.dd[dep*p.N+2*t] + p.serv[t]
			f[1] = p.dd[dep*p.N+2*t+1] + p.serv[t]
		} else {
			prev := 2 * int(tour[j-1])
			a0 := min(f[0]+p.dd[prev*p.N+2*t], f[1]+p.dd[(prev+1)*p.N+2*t])
			a1 := min(f[0]+p.dd[prev*p.N+2*t+1], f[1]+p.dd[(prev+1)*p.N+2*t+1])
			f[0], f[1] = min(a0, unreachable)+p.serv[t], min(a1, unreachable)+p.serv[t]
		}
		load += p.demand[t]
		cost := min(f[0]+p.dd[(2*t)*p.N+dep], f[1]+p.dd[(2*t+1)*p.N+dep])
		if !visit(j, cost, load) {
			return
		}
	}
}

// splitLimited is Split with at most k trips: a layered shortest path, k × n states.
func (s *splitter) splitLimited(tour []int32, pen float64, k int) [][]int32 {
	p := s.p
	n := len(tour)
	if k > n {
		k = n
	}
	w := n + 1
	if len(s.potK) < (k+1)*w {
		s.potK = make([]float64, (k+1)*w)
		s.predK = make([]int, (k+1)*w)
	}
	pot, pred := s.potK[:(k+1)*w], s.predK[:(k+1)*w]
	for i := range pot {
		pot[i] = math.Inf(1)
	}
	pot[0] = 0
	for r := 0; r < k; r++ {
		for i := 0; i < n; i++ {
			base := pot[r*w+i]
			if math.IsInf(base, 1) {
				continue
			}
			s.scan(tour, i, func(j int, cost, load int64) bool {
				v := base + float64(cost) + pen*float64(max(0, load-p.capacity))
				if v < pot[(r+1)*w+j+1] {
					pot[(r+1)*w+j+1] = v
					pred[(r+1)*w+j+1] = i
				}
				return true
			})
		}
	}
	best := 1
	for r := 1; r <= k; r++ {
		if pot[r*w+n] < pot[best*w+n] {
			best = r
		}
	}
	var routes [][]int32
	j := n
	for r := best; r > 0; r-- {
		i := pred[r*w+j]
		routes = append(routes, append([]int32(nil), tour[i:j]...))
		j = i
	}
	for a, b := 0, len(routes)-1; a < b; a, b = a+1, b-1 {
		routes[a], routes[b] = routes[b], routes[a]
	}
	return routes
}

// splitMinMax cuts tour into at most k trips minimising the longest (penalised) trip,
// then the total: a layered shortest path on (max, sum) labels compared
// lexicographically. Keeping one label per state makes the tie-break on the total
// heuristic, which is all the genetic search needs.
func (s *splitter) splitMinMax(tour []int32, pen float64, k int) [][]int32 {
	p := s.p
	n := len(tour)
	k = min(k, n)
	w := n + 1
	if len(s.potK) < (k+1)*w {
		s.potK = make([]float64, (k+1)*w)
		s.predK = make([]int, (k+1)*w)
	}
	if len(s.potM) < (k+1)*w {
		s.potM = make([]float64, (k+1)*w)
	}
	sum, mx, pred := s.potK[:(k+1)*w], s.potM[:(k+1)*w], s.predK[:(k+1)*w]
	for i := range sum {
		sum[i], mx[i] = math.Inf(1), math.Inf(1)
	}
	sum[0], mx[0] = 0, 0
	for r := 0; r < k; r++ {
		for i := 0; i < n; i++ {
			bs, bm := sum[r*w+i], mx[r*w+i]
			if math.IsInf(bs, 1) {
				continue
			}
			s.scan(tour, i, func(j int, cost, load int64) bool {
				c := float64(cost) + pen*float64(max(0, load-p.capacity))
				if p.capacity <= 0 {
					c = float64(cost)
				}
				nm, ns := math.Max(bm, c), bs+c
				at := (r+1)*w + j + 1
				if nm < mx[at] || (nm == mx[at] && ns < sum[at]) {
					mx[at], sum[at], pred[at] = nm, ns, i
				}
				return true
			})
		}
	}
	best := 1
	for r := 1; r <= k; r++ {
		if mx[r*w+n] < mx[best*w+n] || (mx[r*w+n] == mx[best*w+n] && sum[r*w+n] < sum[best*w+n]) {
			best = r
		}
	}
	var routes [][]int32
	j := n
	for r := best; r > 0; r-- {
		i := pred[r*w+j]
		routes = append(routes, append([]int32(nil), tour[i:j]...))
		j = i
	}
	for a, b := 0, len(routes)-1; a < b; a, b = a+1, b-1 {
		routes[a], routes[b] = routes[b], routes[a]
	}
	return routes
}
