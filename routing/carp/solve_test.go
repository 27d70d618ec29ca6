package carp

import (
	"context"
	"errors"
	"math/bits"
	"math/rand"
	"reflect"
	"testing"
)

// randomInstance makes a small connected mixed graph: a spanning path plus random
// chords, some of them one-way, with nReq required links.
func randomInstance(seed int64, vertices, extra, nReq int, capacity int64, arcs bool) *Instance {
	rng := rand.New(rand.NewSource(seed))
	in := &Instance{Name: "random", Vertices: vertices, Depot: rng.Intn(vertices), Capacity: capacity}
	seen := map[[2]int]bool{}
	add := func(a, b int, directed bool) {
		if a == b || seen[[2]int{a, b}] || seen[[2]int{b, a}] {
			return
		}
		seen[[2]int{a, b}] = true
		c := int64(1 + rng.Intn(20))
		in.Links = append(in.Links, Link{From: a, To: b, Directed: directed, TravCost: c})
	}
	perm := rng.Perm(vertices)
	for i := 1; i < vertices; i++ {
		add(perm[i-1], perm[i], false)
	}
	for k := 0; k < extra; k++ {
		add(rng.Intn(vertices), rng.Intn(vertices), arcs && rng.Intn(2) == 0)
	}
	for _, i := range rng.Perm(len(in.Links))[:nReq] {
		l := &in.Links[i]
		l.Required = true
		l.Demand = int64(1 + rng.Intn(4))
		l.ServCost = l.TravCost + int64(rng.Intn(5))
	}
	return in
}

// floyd returns all-pairs shortest deadheading distances, computed independently of
// the solver's Dijkstra.
func floyd(in *Instance) [][]int64 {
	n := in.Vertices
	d := make([][]int64, n)
	for i := range d {
		d[i] = make([]int64, n)
		for j := range d[i] {
			if i != j {
				d[i][j] = unreachable
			}
		}
	}
	for _, l := range in.Links {
		d[l.From][l.To] = min(d[l.From][l.To], l.TravCost)
		if !l.Directed {
			d[l.To][l.From] = min(d[l.To][l.From], l.TravCost)
		}
	}
	for k := 0; k < n; k++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if d[i][k]+d[k][j] < d[i][j] {
					d[i][j] = d[i][k] + d[k][j]
				}
			}
		}
	}
	return d
}

// bruteForce finds the optimum by enumerating every order of the required links, every
// way to cut it into trips and every service direction.
func bruteForce(in *Instance) int64 {
	total, _ := bruteForceObjective(in, TotalCost, 0)
	return total
}

// bruteForceObjective is bruteForce for either objective with at most maxTrips trips
// (0: any number); it returns the optimal (total, longest) pair, compared by total for
// TotalCost and by longest, then total, for MinMax.
func bruteForceObjective(in *Instance, obj Objective, maxTrips int) (bestTotal, bestLongest int64) {
	d := floyd(in)
	req := in.Required()
	n := len(req)
	bestTotal, bestLongest = unreachable, unreachable
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	var permute func(k int)
	eval := func() {
		for cuts := 0; cuts < 1<<(n-1); cuts++ {
			for dirs := 0; dirs < 1<<n; dirs++ {
				var total, load, trip, longest int64
				at := in.Depot
				ok := maxTrips == 0 || bits.OnesCount(uint(cuts)) < maxTrips
				for i, pi := range perm {
					l := in.Links[req[pi]]
					from, to := l.From, l.To
					if dirs>>i&1 == 1 {
						if l.Directed {
							ok = false
							break
						}
						from, to = to, from
					}
					if i > 0 && cuts>>(i-1)&1 == 1 {
						trip += d[at][in.Depot]
						total += trip
						longest = max(longest, trip)
						at, load, trip = in.Depot, 0, 0
					}
					load += l.Demand
					if in.Capacity > 0 && load > in.Capacity {
						ok = false
						break
					}
					trip += d[at][from] + l.ServCost
					at = to
				}
				if !ok {
					continue
				}
				trip += d[at][in.Depot]
				total += trip
				longest = max(longest, trip)
				if obj == MinMax {
					if longest < bestLongest || (longest == bestLongest && total < bestTotal) {
						bestTotal, bestLongest = total, longest
					}
				} else if total < bestTotal {
					bestTotal, bestLongest = total, longest
				}
			}
		}
	}
	permute = func(k int) {
		if k == n {
			eval()
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			permute(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	permute(0)
	return bestTotal, bestLongest
}

// checkSolution verifies s independently of the solver's internals: every required
// link served exactly once in an allowed direction, capacity held, walks continuous
// from and to the depot over existing links, and the cost equal to the walks' cost.
func checkSolution(t *testing.T, in *Instance, s *Solution) {
	t.Helper()
	served := map[int]int{}
	for ti, tr := range s.Trips {
		var load int64
		for _, sv := range tr.Services {
			l := in.Links[sv.Link]
			if !l.Required {
				t.Fatalf("trip %d serves non-required link %d", ti, sv.Link)
			}
			if l.Directed && sv.Reverse {
				t.Fatalf("trip %d serves arc %d against its direction", ti, sv.Link)
			}
			served[sv.Link]++
			load += l.Demand
		}
		if in.Capacity > 0 && load > in.Capacity {
			t.Fatalf("trip %d load %d > capacity %d", ti, load, in.Capacity)
		}
	}
	for _, i := range in.Required() {
		if served[i] != 1 {
			t.Fatalf("required link %d served %d times", i, served[i])
		}
	}
	var walkCost int64
	for wi, w := range s.Walks(in) {
		at := in.Depot
		for _, m := range w {
			l := in.Links[m.Link]
			from, to := l.From, l.To
			if m.Reverse {
				if l.Directed {
					t.Fatalf("walk %d traverses arc %d backwards", wi, m.Link)
				}
				from, to = to, from
			}
			if from != at {
				t.Fatalf("walk %d jumps from vertex %d to link %d at %d", wi, at, m.Link, from)
			}
			at = to
			if m.Serve {
				walkCost += l.ServCost
			} else {
				walkCost += l.TravCost
			}
		}
		if at != in.Depot {
			t.Fatalf("walk %d ends at %d, not the depot %d", wi, at, in.Depot)
		}
	}
	if walkCost != s.Cost {
		t.Fatalf("solution cost %d, walks cost %d", s.Cost, walkCost)
	}
	if c := Cost(in, s); c != s.Cost {
		t.Fatalf("solution cost %d, Cost() %d", s.Cost, c)
	}
}

func TestSolveReachesBruteForceOptimum(t *testing.T) {
	tests := []struct {
		name     string
		seed     int64
		capacity int64
		arcs     bool
	}{
		{"edges tight capacity", 1, 5, false},
		{"edges loose capacity", 2, 9, false},
		{"mixed graph", 3, 6, true},
		{"mixed graph unlimited", 4, 0, true},
		{"mixed graph 2", 5, 7, true},
		{"edges unlimited", 6, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := randomInstance(tc.seed, 8, 8, 6, tc.capacity, tc.arcs)
			want := bruteForce(in)
			s, err := Solve(context.Background(), in, Options{Seconds: 30, Seed: 7, MaxIterations: 3000})
			if err != nil {
				t.Fatal(err)
			}
			checkSolution(t, in, s)
			if s.Cost != want {
				t.Fatalf("cost %d, brute-force optimum %d", s.Cost, want)
			}
		})
	}
}

func TestSolveDeterministic(t *testing.T) {
	in := randomInstance(11, 30, 40, 35, 12, true)
	for _, threads := range []int{1, 2} {
		opt := Options{Seconds: 60, Seed: 42, Threads: threads, MaxIterations: 150}
		a, err := Solve(context.Background(), in, opt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Solve(context.Background(), in, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("threads=%d: two runs with seed 42 differ: %d vs %d", threads, a.Cost, b.Cost)
		}
		checkSolution(t, in, a)
	}
}

func TestSolveCancelledReturnsValidSolution(t *testing.T) {
	in := randomInstance(12, 40, 50, 45, 10, true)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// An hour-long budget: only the cancelled context can make this return.
	s, err := Solve(ctx, in, Options{Seconds: 3600, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkSolution(t, in, s)
}

func TestSolveUnlimitedCapacityIsOneTrip(t *testing.T) {
	in := randomInstance(13, 40, 40, 50, 0, true)
	s, err := Solve(context.Background(), in, Options{Seed: 1, MaxIterations: 40})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Trips) != 1 {
		t.Fatalf("unlimited capacity gave %d trips, want 1", len(s.Trips))
	}
	checkSolution(t, in, s)
}

func TestSolveMaxTrips(t *testing.T) {
	in := randomInstance(14, 30, 30, 30, 20, false)
	s, err := Solve(context.Background(), in, Options{Seed: 1, MaxIterations: 120, MaxTrips: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Trips) > 4 {
		t.Fatalf("%d trips, MaxTrips 4", len(s.Trips))
	}
	served := 0
	for _, tr := range s.Trips {
		served += len(tr.Services)
	}
	if served != 30 {
		t.Fatalf("served %d links, want 30", served)
	}
}

func TestSolveArcsOnlyForward(t *testing.T) {
	// A directed cycle 0→1→2→0 with the depot at 0: serving arc 1→2 forces the whole loop.
	in := &Instance{Name: "cycle", Vertices: 3, Depot: 0, Links: []Link{
		{From: 0, To: 1, Directed: true, TravCost: 1},
		{From: 1, To: 2, Directed: true, Required: true, TravCost: 1, ServCost: 3, Demand: 1},
		{From: 2, To: 0, Directed: true, TravCost: 1},
	}}
	s, err := Solve(context.Background(), in, Options{MaxIterations: 5})
	if err != nil {
		t.Fatal(err)
	}
	checkSolution(t, in, s)
	if s.Cost != 5 {
		t.Fatalf("cost %d, want 5", s.Cost)
	}
}

func TestSolveErrors(t *testing.T) {
	// The required arc 1→2 cannot be left: no path back to the depot.
	in := &Instance{Name: "trap", Vertices: 3, Depot: 0, Links: []Link{
		{From: 0, To: 1, TravCost: 1},
		{From: 1, To: 2, Directed: true, Required: true, TravCost: 1, ServCost: 1, Demand: 1},
	}}
	if _, err := Solve(context.Background(), in, Options{MaxIterations: 1}); err == nil {
		t.Fatal("no error for a link that cannot be served on a closed trip")
	}
	empty := &Instance{Name: "empty", Vertices: 2, Links: []Link{{From: 0, To: 1, TravCost: 1}}}
	s, err := Solve(context.Background(), empty, Options{MaxIterations: 1})
	if err != nil || len(s.Trips) != 0 {
		t.Fatalf("empty instance: %v, %+v", err, s)
	}
}

// TestSegMatchesRouteCost checks the O(1) concatenation summaries against the
// reference dynamic programme on random sequences.
func TestSegMatchesRouteCost(t *testing.T) {
	in := randomInstance(21, 20, 25, 20, 0, true)
	p, err := newProblem(in, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	ls := newLocalSearch(p, rng)
	for k := 0; k < 200; k++ {
		perm := rng.Perm(p.n)[:1+rng.Intn(p.n)]
		tasks := make([]int32, len(perm))
		for i, v := range perm {
			tasks[i] = int32(v)
		}
		want, _ := p.routeCost(tasks)
		r := &lsRoute{}
		ls.setRoute(r, tasks)
		if r.cost != want {
			t.Fatalf("seg cost %d, DP cost %d", r.cost, want)
		}
		// A middle piece reversed and put back must price like the reversed list.
		L := len(r.tasks)
		i := 1 + rng.Intn(L-2)
		j := i + rng.Intn(L-1-i)
		got := ls.chain(piece{r, 0, i - 1, false}, piece{r, i, j, true}, piece{r, j + 1, L - 1, false})
		rev := append([]int32(nil), tasks...)
		for a, b := i-1, j-1; a < b; a, b = a+1, b-1 {
			rev[a], rev[b] = rev[b], rev[a]
		}
		want, _ = p.routeCost(rev)
		if int64(got) != want {
			t.Fatalf("reversed piece %d..%d: chain %v, DP %d", i, j, got, want)
		}
	}
}

func TestSolveMinMaxReachesBruteForceOptimum(t *testing.T) {
	tests := []struct {
		name     string
		seed     int64
		capacity int64
		trips    int
	}{
		{"unlimited capacity, 2 workers", 31, 0, 2},
		{"unlimited capacity, 3 workers", 32, 0, 3},
		{"capacitated, 3 trips", 33, 8, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := randomInstance(tc.seed, 8, 8, 6, tc.capacity, true)
			_, want := bruteForceObjective(in, MinMax, tc.trips)
			s, err := Solve(context.Background(), in, Options{Seed: 3, MaxIterations: 1500, Objective: MinMax, MaxTrips: tc.trips})
			if err != nil {
				t.Fatal(err)
			}
			checkSolution(t, in, s)
			if len(s.Trips) > tc.trips {
				t.Fatalf("%d trips, MaxTrips %d", len(s.Trips), tc.trips)
			}
			var longest int64
			for _, tr := range s.Trips {
				longest = max(longest, Cost(in, &Solution{Trips: []Trip{tr}}))
			}
			if longest != want {
				t.Fatalf("longest trip %d, brute-force optimum %d", longest, want)
			}
		})
	}
	in := randomInstance(34, 8, 8, 6, 0, false)
	if _, err := Solve(context.Background(), in, Options{Objective: MinMax}); err == nil {
		t.Fatal("MinMax without MaxTrips accepted")
	}
}

// gridGraph is a w×h street grid of unit-cost two-way streets, all of them required:
// a Chinese postman problem whose optimum is known in closed form.
func gridGraph(w, h int) *Instance {
	in := &Instance{Name: "grid", Vertices: w * h}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := y*w + x
			if x+1 < w {
				in.Links = append(in.Links, Link{From: v, To: v + 1, Required: true, TravCost: 1, ServCost: 1, Demand: 1})
			}
			if y+1 < h {
				in.Links = append(in.Links, Link{From: v, To: v + w, Required: true, TravCost: 1, ServCost: 1, Demand: 1})
			}
		}
	}
	return in
}

func TestSolveOneTripChinesePostmanGrid(t *testing.T) {
	// The odd vertices of a w×w grid are the non-corner boundary vertices, w-2 per
	// side, best paired along the boundary: at unit cost when w-2 is even; when it is
	// odd, two of the pairs must go round a corner at cost 2.
	tests := []struct {
		w    int
		want int64
	}{
		{6, 60 + 8},    // 16 odd vertices, 8 unit pairs
		{7, 84 + 12},   // 20 odd vertices: 8 unit pairs and 2 corner pairs
		{15, 420 + 28}, // 52 odd vertices: 24 unit pairs and 2 corner pairs
	}
	for _, tc := range tests {
		in := gridGraph(tc.w, tc.w)
		s, err := Solve(context.Background(), in, Options{Seed: 5, MaxIterations: 3})
		if err != nil {
			t.Fatal(err)
		}
		checkSolution(t, in, s)
		if len(s.Trips) != 1 || s.Cost != tc.want {
			t.Errorf("%d×%d grid: %d trips costing %d, want one trip of %d", tc.w, tc.w, len(s.Trips), s.Cost, tc.want)
		}
	}
}

func TestEulerTourIsPermutation(t *testing.T) {
	for seed := int64(0); seed < 20; seed++ {
		in := randomInstance(seed, 30, 30, 25, 0, seed%2 == 0)
		p, err := newProblem(in, 1, 8)
		if err != nil {
			t.Fatal(err)
		}
		tour := p.eulerTour(rand.New(rand.NewSource(seed)))
		if tour == nil {
			continue // allowed: the search then starts from other tours
		}
		seen := make([]bool, p.n)
		for _, x := range tour {
			if seen[x] {
				t.Fatalf("seed %d: task %d twice", seed, x)
			}
			seen[x] = true
		}
		if len(tour) != p.n {
			t.Fatalf("seed %d: %d of %d tasks", seed, len(tour), p.n)
		}
	}
}

func TestSolveTooFewTripsIsAnError(t *testing.T) {
	// Six links of demand 3 with capacity 6 need three trips.
	in := gridGraph(3, 2)
	for i := range in.Links {
		in.Links[i].Demand = 3
	}
	in.Links = in.Links[:6]
	in.Capacity = 6
	_, err := Solve(context.Background(), in, Options{MaxIterations: 30, MaxTrips: 2})
	if !errors.Is(err, ErrInfeasible) {
		t.Fatalf("err = %v, want ErrInfeasible", err)
	}
	s, err := Solve(context.Background(), in, Options{MaxIterations: 30, MaxTrips: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkSolution(t, in, s)
}
