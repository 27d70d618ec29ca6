package carp

import (
	"math"
	"math/bits"
	"math/rand"
)

// lsRoute is one trip under local search: the task sequence framed by the depot at both
// ends, with summaries that price any rearrangement in a few concatenations. pre and suf
// are the prefix and suffix summaries; fw[k][i] and bw[k][i] cover positions
// i..i+2^k-1 forward and backward, so any middle piece (or its reversal) costs O(log L)
// concatenations. That keeps one long trip (unlimited capacity: a whole territory)
// cheap to update after a move: O(L log L), not the O(L²) of a full table.
type lsRoute struct {
	tasks    []int32
	pre, suf []seg
	// rpre[i] covers positions i down to 1, rsuf[i] positions L-2 down to i: the
	// reversed heads and tails that 2-opt* with reversal joins.
	rpre, rsuf []seg
	fw, bw     [][]seg
	load       int64
	cost       int64
	pcost      float64
	stamp      int // move counter when the route last changed
	version    int // unique per content: changes with every rebuild
}

// restEntry caches the cost and load of a trip without one task (or without a task and
// its successor), valid while the trip keeps the version it was computed for.
type restEntry struct {
	version    int
	cost, load int64
}

// localSearch improves a set of trips with granular neighbourhoods: for each task u and
// each of its closest tasks v, it tries relocating u or the pair (u, next) next to v,
// swapping, and the 2-opt family (inside a trip and between trips, with and without
// reversal), applying the first improving move. Service directions are not part of the
// move: every candidate trip is priced with its best directions by the seg summaries.
type localSearch struct {
	p         *problem
	routes    []*lsRoute
	routeOf   []int
	posOf     []int
	pen       float64
	maxRoutes int
	minmax    bool // judge moves by the longest trip first, then the total
	topStamp  int  // ls.moves when top was computed (-1: stale)
	top       [3]int
	rng       *rand.Rand
	order     []int
	lastTest  []int
	moves     int
	stop      func() bool
	versions  int
	rest1     []restEntry // trip of t without t
	rest2     []restEntry // trip of t without t and its successor
}

func newLocalSearch(p *problem, rng *rand.Rand) *localSearch {
	ls := &localSearch{p: p, rng: rng, routeOf: make([]int, p.n), posOf: make([]int, p.n),
		order: make([]int, p.n), lastTest: make([]int, p.n),
		rest1: make([]restEntry, p.n), rest2: make([]restEntry, p.n)}
	for i := range ls.order {
		ls.order[i] = i
	}
	return ls
}

func (ls *localSearch) excess(load int64) int64 {
	if ls.p.capacity <= 0 || load <= ls.p.capacity {
		return 0
	}
	return load - ls.p.capacity
}

func (ls *localSearch) penalised(s *seg) float64 {
	return float64(s.c[0][0]) + ls.pen*float64(ls.excess(s.load))
}

// setRoute rebuilds the summaries of route r for a new task list (depots excluded).
func (ls *localSearch) setRoute(r *lsRoute, tasks []int32) {
	p := ls.p
	dep := int32(p.n)
	r.tasks = append(append(append(r.tasks[:0], dep), tasks...), dep)
	L := len(r.tasks)
	r.pre = growSegs(r.pre, L)
	r.suf = growSegs(r.suf, L)
	r.pre[0] = p.single[p.n]
	for i := 1; i < L; i++ {
		r.pre[i] = p.cat(&r.pre[i-1], &p.single[r.tasks[i]])
	}
	r.suf[L-1] = p.single[p.n]
	for i := L - 2; i >= 0; i-- {
		r.suf[i] = p.cat(&p.single[r.tasks[i]], &r.suf[i+1])
	}
	r.rpre = growSegs(r.rpre, L)
	r.rsuf = growSegs(r.rsuf, L)
	for i := 1; i < L-1; i++ {
		if i == 1 {
			r.rpre[i] = p.single[r.tasks[i]]
		} else {
			r.rpre[i] = p.cat(&p.single[r.tasks[i]], &r.rpre[i-1])
		}
	}
	for i := L - 2; i >= 1; i-- {
		if i == L-2 {
			r.rsuf[i] = p.single[r.tasks[i]]
		} else {
			r.rsuf[i] = p.cat(&r.rsuf[i+1], &p.single[r.tasks[i]])
		}
	}
	levels := bits.Len(uint(L))
	for len(r.fw) < levels {
		r.fw = append(r.fw, nil)
		r.bw = append(r.bw, nil)
	}
	r.fw[0] = growSegs(r.fw[0], L)
	r.bw[0] = growSegs(r.bw[0], L)
	for i, t := range r.tasks {
		r.fw[0][i] = p.single[t]
		r.bw[0][i] = p.single[t]
	}
	for k := 1; k < levels; k++ {
		h := 1 << (k - 1)
		cnt := L - (1 << k) + 1
		r.fw[k] = growSegs(r.fw[k], cnt)
		r.bw[k] = growSegs(r.bw[k], cnt)
		for i := 0; i < cnt; i++ {
			r.fw[k][i] = p.cat(&r.fw[k-1][i], &r.fw[k-1][i+h])
			r.bw[k][i] = p.cat(&r.bw[k-1][i+h], &r.bw[k-1][i])
		}
	}
	r.load = r.pre[L-1].load
	r.cost = r.pre[L-1].c[0][0]
	r.pcost = ls.penalised(&r.pre[L-1])
	r.stamp = ls.moves
	ls.versions++
	r.version = ls.versions
}

func (ls *localSearch) rest2Cost(u int) int64 {
	c, _ := ls.rest(u, true)
	return c
}

// rest returns the cost and load of the trip of t without t (and, when two is set,
// without its successor too), from the cache when the trip has not changed since.
func (ls *localSearch) rest(t int, two bool) (cost, load int64) {
	r := ls.routes[ls.routeOf[t]]
	e := &ls.rest1[t]
	if two {
		e = &ls.rest2[t]
	}
	if e.version != r.version {
		i, L, n := ls.posOf[t], len(r.tasks), 1
		if two {
			n = 2
		}
		e.cost, e.load = ls.raw(piece{r, 0, i - 1, false}, piece{r, i + n, L - 1, false})
		e.version = r.version
	}
	return e.cost, e.load
}

func growSegs(s []seg, n int) []seg {
	if cap(s) < n {
		return make([]seg, n, n+n/2+4)
	}
	return s[:n]
}

// piece is part of a candidate trip: positions i..j of route r (reversed when rev), or,
// when r is nil, the single task i. An empty range (i > j) contributes nothing.
type piece struct {
	r    *lsRoute
	i, j int
	rev  bool
}

func (ls *localSearch) segOf(pc piece) seg {
	p := ls.p
	if pc.r == nil {
		return p.single[pc.i]
	}
	r, i, j := pc.r, pc.i, pc.j
	if i == j {
		return p.single[r.tasks[i]]
	}
	if !pc.rev {
		if i == 0 {
			return r.pre[j]
		}
		if j == len(r.tasks)-1 {
			return r.suf[i]
		}
		k := bits.Len(uint(j-i+1)) - 1
		acc := r.fw[k][i]
		for i += 1 << k; i <= j; i += 1 << k {
			k = bits.Len(uint(j-i+1)) - 1
			acc = p.cat(&acc, &r.fw[k][i])
		}
		return acc
	}
	k := bits.Len(uint(j-i+1)) - 1
	acc := r.bw[k][j-(1<<k)+1]
	for j -= 1 << k; j >= i; j -= 1 << k {
		k = bits.Len(uint(j-i+1)) - 1
		acc = ls.p.cat(&acc, &r.bw[k][j-(1<<k)+1])
	}
	return acc
}

// segRef returns the summary of a non-empty piece, pointing into the route tables when
// the piece is stored there and computing it into tmp otherwise.
func (ls *localSearch) segRef(pc piece, tmp *seg) *seg {
	p := ls.p
	if pc.r == nil {
		return &p.single[pc.i]
	}
	r, i, j := pc.r, pc.i, pc.j
	switch {
	case i == j:
		return &p.single[r.tasks[i]]
	case j == i+1 && !pc.rev:
		return &r.fw[1][i]
	case j == i+1:
		return &r.bw[1][i]
	case !pc.rev && i == 0:
		return &r.pre[j]
	case !pc.rev && j == len(r.tasks)-1:
		return &r.suf[i]
	case pc.rev && i == 1:
		return &r.rpre[j]
	case pc.rev && j == len(r.tasks)-2:
		return &r.rsuf[i]
	}
	*tmp = ls.segOf(pc)
	return tmp
}

// chain prices a candidate trip made of pieces (the first starts and the last ends at
// the depot) and returns its penalised cost. Because the trip starts at the depot, only
// one row of each summary matters: the fold carries a 2-vector (cost so far, by the
// mode of the last task), four times cheaper than full concatenation.
func (ls *localSearch) chain(pcs ...piece) float64 {
	return ls.pl(ls.raw(pcs...))
}

// pl is the penalised cost of a trip of the given cost and load.
func (ls *localSearch) pl(cost, load int64) float64 {
	return float64(cost) + ls.pen*float64(ls.excess(load))
}

// bound is the penalised cost of a trip of the given load that contains, among
// others, tasks whose own trip costs cost: a lower bound when serving a link never
// costs less than the shortest way across it (then dropping a task from a trip never
// makes it dearer). Otherwise there is no bound and every candidate is priced.
func (ls *localSearch) bound(cost, load int64) float64 {
	if !ls.p.monotone {
		return math.Inf(-1)
	}
	return ls.pl(cost, load)
}

// raw returns the cost and load of the trip made of pieces.
func (ls *localSearch) raw(pcs ...piece) (cost, load int64) {
	N, dd := ls.p.N, ls.p.dd
	var v0, v1 int64
	last := -1
	var tmp seg
	for k := range pcs {
		pc := &pcs[k]
		if pc.r != nil && pc.i > pc.j {
			continue
		}
		sp := ls.segRef(*pc, &tmp)
		if last < 0 {
			v0, v1 = sp.c[0][0], sp.c[0][1]
		} else {
			at := 2*last*N + 2*int(sp.first)
			d := dd[at : at+2]
			e := dd[at+N : at+N+2]
			a0 := min(v0+d[0], v1+e[0])
			a1 := min(v0+d[1], v1+e[1])
			v0 = min(a0+sp.c[0][0], a1+sp.c[1][0], unreachable)
			v1 = min(a0+sp.c[0][1], a1+sp.c[1][1], unreachable)
		}
		load += sp.load
		last = int(sp.last)
	}
	return v0, load
}

// build writes the tasks of a candidate trip (depots dropped) to dst.
func (ls *localSearch) build(dst []int32, pcs ...piece) []int32 {
	dep := int32(ls.p.n)
	add := func(t int32) {
		if t != dep {
			dst = append(dst, t)
		}
	}
	for _, pc := range pcs {
		switch {
		case pc.r == nil:
			add(int32(pc.i))
		case pc.rev:
			for k := pc.j; k >= pc.i; k-- {
				add(pc.r.tasks[k])
			}
		default:
			for k := pc.i; k <= pc.j; k++ {
				add(pc.r.tasks[k])
			}
		}
	}
	return dst
}

const improveEps = 1e-6

// apply replaces routes a and (when distinct) b by the candidate trips.
func (ls *localSearch) apply(a *lsRoute, pa []piece, b *lsRoute, pb []piece) {
	ta := ls.build(nil, pa...)
	var tb []int32
	if b != nil {
		tb = ls.build(nil, pb...)
	}
	ls.moves++
	ls.setRoute(a, ta)
	ls.index(a)
	if b != nil {
		ls.setRoute(b, tb)
		ls.index(b)
	}
}

func (ls *localSearch) index(r *lsRoute) {
	ri := -1
	for k, x := range ls.routes {
		if x == r {
			ri = k
			break
		}
	}
	for i := 1; i < len(r.tasks)-1; i++ {
		t := r.tasks[i]
		ls.routeOf[t] = ri
		ls.posOf[t] = i
	}
}

// run improves the given trips in place of the search state and returns the result.
func (ls *localSearch) run(trips [][]int32, pen float64, maxRoutes int) [][]int32 {
	ls.pen = pen
	ls.maxRoutes = maxRoutes
	ls.topStamp = -1
	ls.load(trips)
	for i := range ls.lastTest {
		ls.lastTest[i] = -1
	}
	for loop := 0; ; loop++ {
		improved := false
		ls.rng.Shuffle(len(ls.order), func(i, j int) { ls.order[i], ls.order[j] = ls.order[j], ls.order[i] })
		for _, u := range ls.order {
			if ls.stop != nil && ls.stop() {
				return ls.result()
			}
			last := ls.lastTest[u]
			ls.lastTest[u] = ls.moves
			for _, v := range ls.p.neigh[u] {
				ru, rv := ls.routes[ls.routeOf[u]], ls.routes[ls.routeOf[v]]
				if loop > 0 && max(ru.stamp, rv.stamp) <= last {
					continue
				}
				if ls.tryPair(u, int(v)) {
					improved = true
				}
			}
			if ls.tryEmpty(u) {
				improved = true
			}
		}
		if !improved {
			break
		}
	}
	return ls.result()
}

func (ls *localSearch) load(trips [][]int32) {
	want := len(trips)
	free := ls.maxRoutes == 0 || len(trips) < ls.maxRoutes
	if free {
		want++ // one empty trip to move tasks into
	}
	for len(ls.routes) < want {
		ls.routes = append(ls.routes, &lsRoute{})
	}
	ls.routes = ls.routes[:want]
	for k, r := range ls.routes {
		if k < len(trips) {
			ls.setRoute(r, trips[k])
		} else {
			ls.setRoute(r, nil)
		}
		ls.index(r)
	}
}

func (ls *localSearch) result() [][]int32 {
	var out [][]int32
	for _, r := range ls.routes {
		if len(r.tasks) > 2 {
			out = append(out, append([]int32(nil), r.tasks[1:len(r.tasks)-1]...))
		}
	}
	return out
}

// tryEmpty moves u alone into an empty trip when that pays (only while the fleet allows
// another trip); afterwards it makes sure an empty trip is available again.
func (ls *localSearch) tryEmpty(u int) bool {
	var e *lsRoute
	used := 0
	for _, r := range ls.routes {
		if len(r.tasks) == 2 {
			if e == nil {
				e = r
			}
		} else {
			used++
		}
	}
	if e == nil || (ls.maxRoutes > 0 && used >= ls.maxRoutes) {
		return false
	}
	ru := ls.routes[ls.routeOf[u]]
	iu := ls.posOf[u]
	if len(ru.tasks) == 3 {
		return false
	}
	L := len(ru.tasks)
	pa := []piece{{ru, 0, iu - 1, false}, {ru, iu + 1, L - 1, false}}
	if !ls.accept(ru, ls.chain(pa...), e, ls.aloneCost(u)) {
		return false
	}
	pb := []piece{{e, 0, 0, false}, {nil, u, u, false}, {e, 1, 1, false}}
	ls.apply(ru, pa, e, pb)
	if ls.maxRoutes == 0 || used+1 < ls.maxRoutes {
		ls.routes = append(ls.routes, &lsRoute{})
		r := ls.routes[len(ls.routes)-1]
		ls.setRoute(r, nil)
	}
	return true
}

// accept tells whether replacing trip a (and b, when not nil) by trips of penalised
// costs na (and nb) improves the objective. It is monotone in na and nb, so calling it
// with lower bounds safely prunes candidates.
func (ls *localSearch) accept(a *lsRoute, na float64, b *lsRoute, nb float64) bool {
	oldSum := a.pcost
	if b != nil {
		oldSum += b.pcost
	}
	newSum := na + nb
	if !ls.minmax {
		return newSum < oldSum-improveEps
	}
	if ls.topStamp != ls.moves {
		ls.refreshTop()
	}
	curMax := ls.routes[ls.top[0]].pcost
	other := 0.0
	for _, k := range ls.top {
		if k >= 0 && ls.routes[k] != a && ls.routes[k] != b {
			other = ls.routes[k].pcost
			break
		}
	}
	newMax := max(other, na, nb)
	if newMax < curMax-improveEps {
		return true
	}
	return newMax <= curMax+improveEps && newSum < oldSum-improveEps
}

// refreshTop finds the three most expensive trips (enough to know the longest trip
// outside any two).
func (ls *localSearch) refreshTop() {
	ls.top = [3]int{-1, -1, -1}
	for k, r := range ls.routes {
		for s := 0; s < 3; s++ {
			if ls.top[s] < 0 || r.pcost > ls.routes[ls.top[s]].pcost {
				copy(ls.top[s+1:], ls.top[s:2])
				ls.top[s] = k
				break
			}
		}
	}
	ls.topStamp = ls.moves
}

// aloneCost is the penalised cost of the trip depot→u→depot.
func (ls *localSearch) aloneCost(u int) float64 {
	dep := &ls.p.single[ls.p.n]
	s := ls.p.cat(dep, &ls.p.single[u])
	s = ls.p.cat(&s, dep)
	return ls.penalised(&s)
}

// tryPair tries every move placing u relative to v and applies the first that improves.
//
// Lower bounds prune most candidates before they are priced in full: with
// shortest-path distances, adding tasks to a trip never makes it cheaper, so a trip
// that receives tasks costs at least what it cost before, and one that exchanges tasks
// at least what it costs without its own. The first trip of a move is priced, then
// checked against the bound of the second, which is priced only when still promising.
func (ls *localSearch) tryPair(u, v int) bool {
	if ls.routeOf[u] == ls.routeOf[v] {
		return ls.tryIntra(u, v)
	}
	ru, rv := ls.routes[ls.routeOf[u]], ls.routes[ls.routeOf[v]]
	iu, iv := ls.posOf[u], ls.posOf[v]
	Lu, Lv := len(ru.tasks), len(rv.tasks)
	hasX := iu+1 <= Lu-2
	hasY := iv+1 <= Lv-2
	U := piece{nil, u, u, false}
	V := piece{nil, v, v, false}
	dem := ls.p.demand
	// try prices trip A (unless ca is already known), then trip B when A and B's lower
	// bound lbB still leave room for an improvement.
	try := func(pa []piece, ca float64, pb []piece, lbB float64) bool {
		if math.IsNaN(ca) {
			ca = ls.chain(pa...)
		}
		if !ls.accept(ru, ca, rv, lbB) {
			return false
		}
		if ls.accept(ru, ca, rv, ls.chain(pb...)) {
			ls.apply(ru, pa, rv, pb)
			return true
		}
		return false
	}
	unknown := math.NaN()
	restU := []piece{{ru, 0, iu - 1, false}, {ru, iu + 1, Lu - 1, false}}
	restUCost, restULoad := ls.rest(u, false)
	restVCost, restVLoad := ls.rest(v, false)
	// relocate u after v, before v
	if lb := ls.bound(rv.cost, rv.load+dem[u]); ls.accept(ru, ls.pl(restUCost, restULoad), rv, lb) {
		if try(restU, ls.pl(restUCost, restULoad), []piece{{rv, 0, iv, false}, U, {rv, iv + 1, Lv - 1, false}}, lb) ||
			try(restU, ls.pl(restUCost, restULoad), []piece{{rv, 0, iv - 1, false}, U, {rv, iv, Lv - 1, false}}, lb) {
			return true
		}
	}
	// swap u and v
	if lbA, lbB := ls.bound(restUCost, restULoad+dem[v]), ls.bound(restVCost, restVLoad+dem[u]); ls.accept(ru, lbA, rv, lbB) &&
		try([]piece{{ru, 0, iu - 1, false}, V, {ru, iu + 1, Lu - 1, false}}, unknown,
			[]piece{{rv, 0, iv - 1, false}, U, {rv, iv + 1, Lv - 1, false}}, lbB) {
		return true
	}
	if hasX {
		x := ru.tasks[iu+1]
		restUX := []piece{{ru, 0, iu - 1, false}, {ru, iu + 2, Lu - 1, false}}
		restUXCost, restUXLoad := ls.rest(u, true)
		// relocate (u, x) after v, as is and reversed
		if lb := ls.bound(rv.cost, rv.load+dem[u]+dem[x]); ls.accept(ru, ls.pl(restUXCost, restUXLoad), rv, lb) {
			if try(restUX, ls.pl(restUXCost, restUXLoad), []piece{{rv, 0, iv, false}, {ru, iu, iu + 1, false}, {rv, iv + 1, Lv - 1, false}}, lb) ||
				try(restUX, ls.pl(restUXCost, restUXLoad), []piece{{rv, 0, iv, false}, {ru, iu, iu + 1, true}, {rv, iv + 1, Lv - 1, false}}, lb) {
				return true
			}
		}
		// swap (u, x) with v
		if lbA, lbB := ls.bound(restUXCost, restUXLoad+dem[v]), ls.bound(restVCost, restVLoad+dem[u]+dem[x]); ls.accept(ru, lbA, rv, lbB) &&
			try([]piece{{ru, 0, iu - 1, false}, V, {ru, iu + 2, Lu - 1, false}}, unknown,
				[]piece{{rv, 0, iv - 1, false}, {ru, iu, iu + 1, false}, {rv, iv + 1, Lv - 1, false}}, lbB) {
			return true
		}
		// swap (u, x) with (v, y)
		if hasY {
			y := rv.tasks[iv+1]
			restVYCost, restVYLoad := ls.rest(v, true)
			if lbA, lbB := ls.bound(restUXCost, restUXLoad+dem[v]+dem[y]), ls.bound(restVYCost, restVYLoad+dem[u]+dem[x]); ls.accept(ru, lbA, rv, lbB) &&
				try([]piece{{ru, 0, iu - 1, false}, {rv, iv, iv + 1, false}, {ru, iu + 2, Lu - 1, false}}, unknown,
					[]piece{{rv, 0, iv - 1, false}, {ru, iu, iu + 1, false}, {rv, iv + 2, Lv - 1, false}}, lbB) {
				return true
			}
		}
	}
	// 2-opt*: exchange tails after u and after v; when v opens its trip, also after the
	// depot before v (u's head then takes all of v's trip).
	for jv := iv; jv >= iv-1 && jv >= 0; jv-- {
		if jv < iv && iv != 1 {
			break
		}
		if try([]piece{{ru, 0, iu, false}, {rv, jv + 1, Lv - 1, false}}, unknown,
			[]piece{{rv, 0, jv, false}, {ru, iu + 1, Lu - 1, false}}, 0) {
			return true
		}
		// 2-opt* with reversal: u's head joins v's head reversed, the tails likewise
		if try([]piece{{ru, 0, iu, false}, {rv, 1, jv, true}, {rv, Lv - 1, Lv - 1, false}}, unknown,
			[]piece{{ru, 0, 0, false}, {ru, iu + 1, Lu - 2, true}, {rv, jv + 1, Lv - 1, false}}, 0) {
			return true
		}
	}
	return false
}

// tryIntra tries moves of u relative to v inside their common trip.
func (ls *localSearch) tryIntra(u, v int) bool {
	r := ls.routes[ls.routeOf[u]]
	iu, iv := ls.posOf[u], ls.posOf[v]
	L := len(r.tasks)
	try := func(pa []piece) bool {
		if ls.accept(r, ls.chain(pa...), nil, 0) {
			ls.apply(r, pa, nil, nil)
			return true
		}
		return false
	}
	// relocate the block starting at u (length 1 or 2, as is or reversed) after w
	moveBlock := func(n int, rev bool, w int) bool {
		if iu+n-1 > L-2 || (w >= iu-1 && w <= iu+n-1) {
			return false
		}
		blk := piece{r, iu, iu + n - 1, rev}
		if w < iu {
			return try([]piece{{r, 0, w, false}, blk, {r, w + 1, iu - 1, false}, {r, iu + n, L - 1, false}})
		}
		return try([]piece{{r, 0, iu - 1, false}, {r, iu + n, w, false}, blk, {r, w + 1, L - 1, false}})
	}
	// A relocated block leaves the trip no cheaper than the trip without it.
	c1, _ := ls.rest(u, false)
	if ls.accept(r, ls.bound(c1, r.load), nil, 0) && (moveBlock(1, false, iv) || moveBlock(1, false, iv-1)) {
		return true
	}
	if iu+1 <= L-2 && ls.accept(r, ls.bound(ls.rest2Cost(u), r.load), nil, 0) &&
		(moveBlock(2, false, iv) || moveBlock(2, true, iv) || moveBlock(2, false, iv-1) || moveBlock(2, true, iv-1)) {
		return true
	}
	a, b := min(iu, iv), max(iu, iv)
	// swap
	if b == a+1 {
		if try([]piece{{r, 0, a - 1, false}, {r, a, b, true}, {r, b + 1, L - 1, false}}) {
			return true
		}
	} else if try([]piece{{r, 0, a - 1, false}, {r, b, b, false}, {r, a + 1, b - 1, false}, {r, a, a, false}, {r, b + 1, L - 1, false}}) {
		return true
	}
	// 2-opt: reverse a+1..b, or a..b-1 (u or v stays put next to the other)
	if try([]piece{{r, 0, a, false}, {r, a + 1, b, true}, {r, b + 1, L - 1, false}}) {
		return true
	}
	if b-1 > a && try([]piece{{r, 0, a - 1, false}, {r, a, b - 1, true}, {r, b, L - 1, false}}) {
		return true
	}
	return false
}
