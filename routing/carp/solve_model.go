package carp

import (
	"fmt"
	"sort"
)

// problem is the solver's compact view of an instance. Every required link is a task
// with two service modes (0 = From→To, 1 = To→From); an arc's mode 1 duplicates mode 0,
// so the direction choice needs no special case and never picks a forbidden direction.
// Node 2t+m stands for task t served in mode m; the depot is the pseudo-task n whose two
// nodes both sit at the depot vertex. dd[a*N+b] is the shortest deadheading distance
// from where node a ends to where node b starts.
type problem struct {
	in       *Instance
	n        int     // number of tasks
	link     []int   // task → index into in.Links
	serv     []int64 // service cost per task; the depot pseudo-task costs 0
	demand   []int64
	capacity int64 // 0 = unlimited
	N        int   // number of nodes, 2n+2
	dd       []int64
	single   []seg     // the one-task sequence of every task and of the depot
	neigh    [][]int32 // granular neighbourhood: closest tasks first
	totDem   int64
	maxDD    int64 // largest finite task-to-task distance, to scale penalties
	// monotone holds when every service costs at least the shortest deadhead across its
	// link: removing a task from a trip then never makes the trip dearer, which the
	// local search uses to prune.
	monotone bool
}

// newProblem builds the task model and the distance matrix over task endpoints. Only
// the depot and endpoints of required links are Dijkstra sources, so the cost is
// (2·tasks+1) sparse searches whatever the size of the street graph.
func newProblem(in *Instance, workers, granularity int) (*problem, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := &problem{in: in, capacity: in.Capacity}
	for i, l := range in.Links {
		if l.Required {
			p.link = append(p.link, i)
			p.serv = append(p.serv, l.ServCost)
			p.demand = append(p.demand, l.Demand)
			p.totDem += l.Demand
		}
	}
	p.n = len(p.link)
	p.serv = append(p.serv, 0)
	p.demand = append(p.demand, 0)
	p.N = 2*p.n + 2

	keyOf := map[int]int{}
	var keys []int
	key := func(v int) int {
		if k, ok := keyOf[v]; ok {
			return k
		}
		keyOf[v] = len(keys)
		keys = append(keys, v)
		return len(keys) - 1
	}
	start := make([]int, p.N)
	end := make([]int, p.N)
	for t, li := range p.link {
		l := in.Links[li]
		a, b := key(l.From), key(l.To)
		start[2*t], end[2*t] = a, b
		if l.Directed {
			start[2*t+1], end[2*t+1] = a, b
		} else {
			start[2*t+1], end[2*t+1] = b, a
		}
	}
	dep := key(in.Depot)
	for _, x := range []int{2 * p.n, 2*p.n + 1} {
		start[x], end[x] = dep, dep
	}
	kd := newGraph(in).keyDistances(keys, workers)
	nk := len(keys)
	p.dd = make([]int64, p.N*p.N)
	for a := 0; a < p.N; a++ {
		row := kd[end[a]*nk:]
		for b := 0; b < p.N; b++ {
			d := row[start[b]]
			p.dd[a*p.N+b] = d
			if d < unreachable && d > p.maxDD {
				p.maxDD = d
			}
		}
	}
	for t := 0; t < p.n; t++ {
		ok := false
		for m := 0; m < 2; m++ {
			if p.dd[(2*p.n)*p.N+2*t+m] < unreachable && p.dd[(2*t+m)*p.N+2*p.n] < unreachable {
				ok = true
			}
		}
		if !ok {
			l := in.Links[p.link[t]]
			return nil, fmt.Errorf("instance %s: required link (%d,%d) cannot be served on a trip from and back to depot %d", in.Name, l.From+1, l.To+1, in.Depot+1)
		}
	}
	p.monotone = true
	for t := 0; t < p.n; t++ {
		for m := 0; m < 2; m++ {
			// dd from the start of mode m to its own end: the node pair (opposite mode
			// ends where m starts) exists only for edges; arcs use the key matrix.
			l := in.Links[p.link[t]]
			s, e := keyOf[l.From], keyOf[l.To]
			if m == 1 && !l.Directed {
				s, e = e, s
			}
			if p.serv[t] < kd[s*nk+e] {
				p.monotone = false
			}
		}
	}
	p.single = make([]seg, p.n+1)
	for t := 0; t <= p.n; t++ {
		s := seg{first: int32(t), last: int32(t), load: p.demand[t]}
		s.c = [2][2]int64{{p.serv[t], unreachable}, {unreachable, p.serv[t]}}
		if t == p.n {
			s.c = [2][2]int64{}
		}
		p.single[t] = s
	}
	p.buildNeighbours(granularity)
	return p, nil
}

// taskDist is the closeness of two tasks used for granular search: the shortest
// deadhead from a's end to b's start over both modes of each.
func (p *problem) taskDist(a, b int) int64 {
	best := unreachable
	for x := 0; x < 2; x++ {
		for y := 0; y < 2; y++ {
			if d := p.dd[(2*a+x)*p.N+2*b+y]; d < best {
				best = d
			}
		}
	}
	return best
}

// buildNeighbours keeps, for every task u, the k tasks v with the smallest
// min(dist(v→u), dist(u→v)): moves only ever place u next to one of them.
func (p *problem) buildNeighbours(k int) {
	if k > p.n-1 {
		k = p.n - 1
	}
	p.neigh = make([][]int32, p.n)
	type cand struct {
		v int
		d int64
	}
	cs := make([]cand, 0, p.n)
	for u := 0; u < p.n; u++ {
		cs = cs[:0]
		for v := 0; v < p.n; v++ {
			if v != u {
				cs = append(cs, cand{v, min(p.taskDist(u, v), p.taskDist(v, u))})
			}
		}
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].d != cs[j].d {
				return cs[i].d < cs[j].d
			}
			return cs[i].v < cs[j].v
		})
		nb := make([]int32, k)
		for i := 0; i < k; i++ {
			nb[i] = int32(cs[i].v)
		}
		p.neigh[u] = nb
	}
}

// seg summarises a sequence of tasks for O(1) concatenation: c[a][b] is the cheapest
// cost of serving the whole sequence, first task in mode a, last in mode b, including
// service and the deadheading between its tasks; unreachable when impossible.
type seg struct {
	c           [2][2]int64
	load        int64
	first, last int32
}

// cat concatenates two sequences, choosing the best modes at the junction.
func (p *problem) cat(a, b *seg) seg {
	row := 2 * int(a.last) * p.N
	col := 2 * int(b.first)
	d00, d01 := p.dd[row+col], p.dd[row+col+1]
	d10, d11 := p.dd[row+p.N+col], p.dd[row+p.N+col+1]
	var m [2][2]int64 // m[x][j]: from the end of a's last in mode x, through b, ending in mode j
	for j := 0; j < 2; j++ {
		m[0][j] = min(d00+b.c[0][j], d01+b.c[1][j])
		m[1][j] = min(d10+b.c[0][j], d11+b.c[1][j])
	}
	r := seg{load: a.load + b.load, first: a.first, last: b.last}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			v := min(a.c[i][0]+m[0][j], a.c[i][1]+m[1][j])
			if v > unreachable {
				v = unreachable
			}
			r.c[i][j] = v
		}
	}
	return r
}

// routeCost is the cost of a depot-to-depot trip serving tasks in order with the best
// service directions, and the modes achieving it. It is the reference evaluation the
// faster incremental structures must agree with.
func (p *problem) routeCost(tasks []int32) (int64, []uint8) {
	if len(tasks) == 0 {
		return 0, nil
	}
	// f[m]: cheapest cost from the depot to the end of tasks[i] served in mode m.
	k := len(tasks)
	back := make([][2]uint8, k)
	var f [2]int64
	dep := 2 * p.n
	for m := 0; m < 2; m++ {
		f[m] = p.dd[dep*p.N+2*int(tasks[0])+m] + p.serv[tasks[0]]
	}
	for i := 1; i < k; i++ {
		var g [2]int64
		for m := 0; m < 2; m++ {
			to := 2*int(tasks[i]) + m
			b0 := f[0] + p.dd[(2*int(tasks[i-1]))*p.N+to]
			b1 := f[1] + p.dd[(2*int(tasks[i-1])+1)*p.N+to]
			if b1 < b0 {
				g[m], back[i][m] = b1, 1
			} else {
				g[m] = b0
			}
			g[m] += p.serv[tasks[i]]
		}
		f = g
	}
	last := 2 * int(tasks[k-1])
	c0 := f[0] + p.dd[last*p.N+dep]
	c1 := f[1] + p.dd[(last+1)*p.N+dep]
	modes := make([]uint8, k)
	cost := c0
	if c1 < c0 {
		cost, modes[k-1] = c1, 1
	}
	for i := k - 1; i > 0; i-- {
		modes[i-1] = back[i][modes[i]]
	}
	return cost, modes
}

// trip converts a task sequence with modes to the public representation.
func (p *problem) trip(tasks []int32, modes []uint8) Trip {
	tr := Trip{Services: make([]Service, len(tasks))}
	for i, t := range tasks {
		li := p.link[t]
		tr.Services[i] = Service{Link: li, Reverse: modes[i] == 1 && !p.in.Links[li].Directed}
	}
	return tr
}
