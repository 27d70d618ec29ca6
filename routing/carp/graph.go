package carp

import (
	"container/heap"
	"sync"

	"github.com/gridsweep/gridsweep/routing"
)

// unreachable is the distance between vertices with no path. It is far above any real
// route cost yet small enough that a handful of them summed cannot overflow int64.
const unreachable int64 = 1 << 50

// graph is the traversal view of an instance: for every vertex, the links that may be
// deadheaded out of it. Required links are traversable too, at their TravCost.
type graph struct {
	out [][]arc
}

// arc is one direction of travel along a link.
type arc struct {
	to      int
	link    int
	reverse bool
	cost    int64
}

func newGraph(in *Instance) *graph {
	g := &graph{out: make([][]arc, in.Vertices)}
	for i, l := range in.Links {
		g.out[l.From] = append(g.out[l.From], arc{to: l.To, link: i, cost: l.TravCost})
		if !l.Directed {
			g.out[l.To] = append(g.out[l.To], arc{to: l.From, link: i, reverse: true, cost: l.TravCost})
		}
	}
	return g
}

// shortestTree holds single-source shortest paths: dist per vertex and, for path
// reconstruction, the arc used to enter each vertex.
type shortestTree struct {
	dist []int64
	via  []arc // via[v].link < 0 at the source and at unreached vertices
	from []int // predecessor vertex on the path
}

// dijkstra computes shortest deadheading paths from src. The graphs are sparse street
// networks (about 1.3 links per vertex), so a binary heap is the right tool.
func (g *graph) dijkstra(src int) *shortestTree {
	n := len(g.out)
	t := &shortestTree{dist: make([]int64, n), via: make([]arc, n), from: make([]int, n)}
	for v := range t.dist {
		t.dist[v] = unreachable
		t.via[v].link = -1
		t.from[v] = -1
	}
	t.dist[src] = 0
	h := &distHeap{{v: src}}
	for h.Len() > 0 {
		it := heap.Pop(h).(heapItem)
		if it.d > t.dist[it.v] {
			continue
		}
		for _, a := range g.out[it.v] {
			nd := it.d + a.cost
			if nd < t.dist[a.to] {
				t.dist[a.to] = nd
				t.via[a.to] = a
				t.from[a.to] = it.v
				heap.Push(h, heapItem{v: a.to, d: nd})
			}
		}
	}
	return t
}

// path returns the moves from the tree's source to v, or nil when v is the source or
// unreachable.
func (t *shortestTree) path(v int) []routing.Move {
	var rev []routing.Move
	for t.from[v] >= 0 {
		a := t.via[v]
		rev = append(rev, routing.Move{Link: a.link, Reverse: a.reverse})
		v = t.from[v]
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

type heapItem struct {
	v int
	d int64
}

type distHeap []heapItem

func (h distHeap) Len() int           { return len(h) }
func (h distHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h distHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *distHeap) Push(x any)        { *h = append(*h, x.(heapItem)) }
func (h *distHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// keyDistances returns the matrix of shortest distances between the given key vertices
// (row = from, column = to, flattened), running one Dijkstra per key on up to workers
// goroutines. Only keys are kept, so the memory is len(keys)² whatever the graph size,
// and each search stops as soon as every key is settled: on a territory inside a city
// graph that is long before the whole city is explored.
func (g *graph) keyDistances(keys []int, workers int) []int64 {
	k := len(keys)
	d := make([]int64, k*k)
	if workers < 1 {
		workers = 1
	}
	keyIdx := make([]int32, len(g.out))
	for i := range keyIdx {
		keyIdx[i] = -1
	}
	distinct := 0
	for i, v := range keys {
		if keyIdx[v] < 0 {
			distinct++
		}
		keyIdx[v] = int32(i)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSearch(len(g.out))
			for i := range next {
				row := d[i*k : (i+1)*k]
				for j := range row {
					row[j] = unreachable
				}
				left := distinct
				s.run(g, keys[i], func(v int, dist int64) bool {
					if j := keyIdx[v]; j >= 0 {
						row[j] = dist
						left--
					}
					return left > 0
				})
				// Duplicate keys share a vertex; keyIdx holds the last of them.
				for j, v := range keys {
					row[j] = row[keyIdx[v]]
				}
			}
		}()
	}
	for i := range keys {
		next <- i
	}
	close(next)
	wg.Wait()
	return d
}

// search is a reusable Dijkstra with a typed binary heap; stamps avoid clearing the
// distance array between runs.
type search struct {
	dist  []int64
	stamp []uint32
	done  []uint32
	gen   uint32
	heap  []heapItem
}

func newSearch(n int) *search {
	return &search{dist: make([]int64, n), stamp: make([]uint32, n), done: make([]uint32, n)}
}

// run settles vertices in order of distance from src, calling settle for each until it
// returns false.
func (s *search) run(g *graph, src int, settle func(v int, d int64) bool) {
	s.gen++
	s.heap = append(s.heap[:0], heapItem{v: src})
	s.dist[src], s.stamp[src] = 0, s.gen
	for len(s.heap) > 0 {
		it := s.pop()
		if s.done[it.v] == s.gen || it.d > s.dist[it.v] {
			continue
		}
		s.done[it.v] = s.gen
		if !settle(it.v, it.d) {
			return
		}
		for _, a := range g.out[it.v] {
			nd := it.d + a.cost
			if s.stamp[a.to] != s.gen || nd < s.dist[a.to] {
				s.dist[a.to], s.stamp[a.to] = nd, s.gen
				s.push(heapItem{v: a.to, d: nd})
			}
		}
	}
}

func (s *search) push(it heapItem) {
	h := append(s.heap, it)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].d <= it.d {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = it
	s.heap = h
}

func (s *search) pop() heapItem {
	h := s.heap
	top := h[0]
	last := h[len(h)-1]
	h = h[:len(h)-1]
	n := len(h)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1].d < h[c].d {
			c++
		}
		if last.d <= h[c].d {
			break
		}
		h[i] = h[c]
		i = c
	}
	if n > 0 {
		h[i] = last
	}
	s.heap = h
	return top
}
