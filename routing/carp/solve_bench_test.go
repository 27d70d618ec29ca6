package carp

import (
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/gridsweep/gridsweep/geo/fixture"
)

// benchProblem loads a benchmark instance (val10A: 50 vertices, 97 required edges)
// when the shared data is present, else a random instance of similar size.
func benchProblem(b *testing.B, capacity bool) *problem {
	b.Helper()
	var in *Instance
	if dir := fixture.Find("carp"); dir != "" {
		in = readInstanceFile(b, filepath.Join(dir, "val", "val10A.dat"))
	} else {
		in = randomInstance(1, 50, 60, 97, 250, false)
	}
	if !capacity {
		in.Capacity = 0
	}
	p, err := newProblem(in, 1, granularity)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func randomTour(rng *rand.Rand, n int) []int32 {
	t := make([]int32, n)
	for i, v := range rng.Perm(n) {
		t[i] = int32(v)
	}
	return t
}

func BenchmarkSplit(b *testing.B) {
	p := benchProblem(b, true)
	s := newSplitter(p)
	tour := randomTour(rand.New(rand.NewSource(1)), p.n)
	b.ResetTimer()
	for b.Loop() {
		s.split(tour, 1, 0)
	}
}

// BenchmarkLocalSearch runs the local search to a local optimum from a random split
// giant tour: the unit of work of one genetic iteration.
func BenchmarkLocalSearch(b *testing.B) {
	for _, tc := range []struct {
		name     string
		capacity bool
	}{{"capacitated", true}, {"one trip", false}} {
		b.Run(tc.name, func(b *testing.B) {
			p := benchProblem(b, tc.capacity)
			rng := rand.New(rand.NewSource(1))
			s := newSplitter(p)
			ls := newLocalSearch(p, rng)
			maxR := 0
			if !tc.capacity {
				maxR = 1
			}
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				trips := s.split(randomTour(rng, p.n), 1, maxR)
				b.StartTimer()
				ls.run(trips, 1, maxR)
			}
		})
	}
}

// BenchmarkMoveEvaluation prices one relocation candidate (two chains), the innermost
// operation of the local search.
func BenchmarkMoveEvaluation(b *testing.B) {
	p := benchProblem(b, true)
	rng := rand.New(rand.NewSource(1))
	ls := newLocalSearch(p, rng)
	ls.pen = 1
	ls.load(newSplitter(p).split(randomTour(rng, p.n), 1, 0))
	ru, rv := ls.routes[0], ls.routes[1]
	iu, iv := len(ru.tasks)/2, len(rv.tasks)/2
	u := int(ru.tasks[iu])
	b.ResetTimer()
	for b.Loop() {
		ls.chain(piece{ru, 0, iu - 1, false}, piece{ru, iu + 1, len(ru.tasks) - 1, false})
		ls.chain(piece{rv, 0, iv, false}, piece{nil, u, u, false}, piece{rv, iv + 1, len(rv.tasks) - 1, false})
	}
}

func BenchmarkDistanceMatrix(b *testing.B) {
	in := randomInstance(2, 3000, 900, 400, 0, true)
	b.ResetTimer()
	for b.Loop() {
		if _, err := newProblem(in, 1, granularity); err != nil {
			b.Fatal(err)
		}
	}
}
