package matching

import (
	"context"
	"errors"
	"fmt"
)

// This file is a minimum-cost perfect matching on a sparse graph: Edmonds' primal-dual
// blossom algorithm, all free vertices growing alternating trees at once, one
// augmentation per stage. It works on the LP
//
//	min Σ w·x   subject to  x(δ(v)) = 1 for every v,  x(E(B)) ≤ (|B|-1)/2 for every odd set B,  x ≥ 0
//
// whose dual is
//
//	max Σ y_v − Σ z_B·(|B|-1)/2   subject to  w_uv − y_u − y_v + Σ_{B ⊇ {u,v}} z_B ≥ 0,  z ≥ 0.
//
// Every perfect matching is feasible for the primal, so a feasible dual whose objective
// equals a matching's cost proves that matching optimal (weak duality). The algorithm ends
// with such a pair; Duals keeps the dual so that callers can extend the proof to
// pairs the sparse graph left out (routing does so for a metric closure).
//
// All values are kept doubled (weights 2w, duals 2y and 2z) so that they stay integers:
// every vertex starts with the same dual, so all free vertices have equal duals throughout
// (each is a tree root in every stage), every outer vertex is joined to a root by tight
// edges, and so the slack of an edge between two outer vertices is always even.

const (
	labelFree  int8 = 0 // not in any tree this stage
	labelOuter int8 = 1 // S: even distance from a root
	labelInner int8 = 2 // T: odd distance from a root
	labelCrumb int8 = 4 // marks outer blossoms visited by traceBack
)

// ErrNoPerfectMatching is returned when the graph has no perfect matching.
var ErrNoPerfectMatching = errors.New("matching: the graph has no perfect matching")

// Matcher holds the state of one run. Vertices are 0..n-1, blossoms n..2n-1; a
// vertex is its own trivial blossom. Edge k has endpoints 2k (at eu[k]) and 2k+1 (at
// ev[k]); endpoint p's vertex is end[p] and p^1 is the other end of the same edge.
type Matcher struct {
	n        int
	end      []int32
	w2       []int64   // weights × 2 × scale
	scale    int64     // doubled by each AddEdges, so that its repairs stay in even integers
	incident [][]int32 // per vertex, the far endpoints of its edges

	mate      []int32 // per vertex, the far endpoint of its matched edge, or -1
	label     []int8  // per vertex and blossom
	labelEnd  []int32 // endpoint through which the label came (at the labelling vertex), -1 for roots
	inBlossom []int32 // per vertex, its top-level blossom
	parent    []int32 // per blossom, its enclosing blossom or -1
	childs    [][]int32
	endps     [][]int32 // endps[b][i] joins childs[i] (end[endps]) to childs[i+1] (end[endps^1])
	base      []int32   // per blossom, its base vertex; -1 for unused blossom slots
	best      []int32   // least-slack edge to an outer blossom (see scan)
	bestList  [][]int32 // per outer blossom, its least-slack edges to other outer blossoms
	hasList   []bool
	unused    []int32
	dual      []int64 // doubled y (vertices) and doubled z (blossoms)
	allowed   []bool  // edge known tight this stage
	queue     []int32
	bestTo    []int32 // scratch for addBlossom
	labelled  []int32 // top-level blossoms labelled this stage (may repeat or be stale)
	reached   []int32 // vertices given a best edge this stage (may repeat or be stale)
	stamp     []int32
	stampNow  int32
	buf       []int32
}

// Solve returns a minimum-cost perfect matching of the graph on n vertices with edges
// (eu[k], ev[k]) of cost w[k] ≥ 0, as a solved Matcher: read it with Mates and Duals, or
// give it more edges (AddEdges) and Run it again from where it stopped. The error wraps
// ErrNoPerfectMatching when the graph has no perfect matching, or is ctx's error.
func Solve(ctx context.Context, n int, eu, ev []int32, w []int64) (*Matcher, error) {
	if n%2 == 1 {
		return nil, fmt.Errorf("matching: %d vertices: %w", n, ErrNoPerfectMatching)
	}
	m := newBlossomMatcher(n, eu, ev, w)
	m.greedyStart()
	if err := m.Run(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// Mates returns each vertex's partner: mate[v] is the vertex matched to v.
func (m *Matcher) Mates() []int32 {
	mate := make([]int32, m.n)
	for v := range mate {
		mate[v] = m.end[m.mate[v]]
	}
	return mate
}

func newBlossomMatcher(n int, eu, ev []int32, w []int64) *Matcher {
	m := &Matcher{n: n, scale: 1}
	m.end = make([]int32, 0, 2*len(eu))
	m.w2 = make([]int64, 0, len(eu))
	m.incident = make([][]int32, n)
	minW := int64(-1)
	for k := range eu {
		if eu[k] == ev[k] {
			continue // a loop can never be in a matching
		}
		kk := int32(len(m.w2))
		m.end = append(m.end, eu[k], ev[k])
		m.w2 = append(m.w2, 2*w[k])
		m.incident[eu[k]] = append(m.incident[eu[k]], 2*kk+1)
		m.incident[ev[k]] = append(m.incident[ev[k]], 2*kk)
		if minW < 0 || w[k] < minW {
			minW = w[k]
		}
	}
	m.mate = make([]int32, n)
	m.inBlossom = make([]int32, n)
	m.label = make([]int8, 2*n)
	m.labelEnd = make([]int32, 2*n)
	m.parent = make([]int32, 2*n)
	m.childs = make([][]int32, 2*n)
	m.endps = make([][]int32, 2*n)
	m.base = make([]int32, 2*n)
	m.best = make([]int32, 2*n)
	m.bestList = make([][]int32, 2*n)
	m.hasList = make([]bool, 2*n)
	m.dual = make([]int64, 2*n)
	m.bestTo = make([]int32, 2*n)
	m.stamp = make([]int32, 2*n)
	m.allowed = make([]bool, len(m.w2))
	for v := 0; v < n; v++ {
		m.mate[v] = -1
		m.inBlossom[v] = int32(v)
		m.base[v] = int32(v)
		// y_v = min w / 2 for all v keeps every edge feasible; doubled, that is min w.
		m.dual[v] = max(minW, 0)
	}
	for b := n; b < 2*n; b++ {
		m.base[b] = -1
		m.unused = append(m.unused, int32(b))
	}
	for i := range m.parent {
		m.parent[i] = -1
		m.bestTo[i] = -1
	}
	return m
}

// greedyStart gives each vertex half its cheapest edge as dual (doubled: that edge's
// cost), which keeps every edge feasible, and matches tight edges greedily. Free vertices
// must start with duals of one parity (see the file comment), so odd ones are lowered by
// one.
func (m *Matcher) greedyStart() {
	for v := 0; v < m.n; v++ {
		m.dual[v] = -1
	}
	for k := range m.w2 {
		for _, v := range m.end[2*k : 2*k+2] {
			if c := m.w2[k] / 2; m.dual[v] < 0 || c < m.dual[v] {
				m.dual[v] = c
			}
		}
	}
	for v := 0; v < m.n; v++ {
		m.dual[v] = max(m.dual[v], 0)
	}
	for v := 0; v < m.n; v++ {
		if m.mate[v] >= 0 {
			continue
		}
		for _, p := range m.incident[v] {
			if u := m.end[p]; m.mate[u] < 0 && m.slack(p>>1) == 0 {
				m.mate[v], m.mate[u] = p, p^1
				break
			}
		}
	}
	for v := 0; v < m.n; v++ {
		if m.mate[v] < 0 && m.dual[v]%2 != 0 {
			m.dual[v]--
		}
	}
}

func (m *Matcher) slack(k int32) int64 {
	return m.w2[k] - m.dual[m.end[2*k]] - m.dual[m.end[2*k+1]]
}

// leaves appends the vertices inside blossom b to out.
func (m *Matcher) leaves(b int32, out []int32) []int32 {
	if int(b) < m.n {
		return append(out, b)
	}
	for _, c := range m.childs[b] {
		out = m.leaves(c, out)
	}
	return out
}

// Run solves from the current state (after AddEdges). It is the stage loop: each stage labels every free vertex as a root, grows the trees
// over tight edges (changing duals when none is left) and ends with one augmentation.
func (m *Matcher) Run(ctx context.Context) error {
	for stage := 0; ; stage++ {
		if stage%16 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		free := 0
		for v := 0; v < m.n; v++ {
			if m.mate[v] < 0 {
				free++
			}
		}
		if free == 0 {
			return nil
		}
		m.startStage()
		for {
			if m.grow() {
				break
			}
			if err := m.changeDuals(); err != nil {
				return err
			}
		}
		// Outer blossoms whose z fell to zero are no longer needed.
		for b := m.n; b < 2*m.n; b++ {
			if m.parent[b] == -1 && m.base[b] >= 0 && m.label[b] == labelOuter && m.dual[b] == 0 {
				m.expand(int32(b), true)
			}
		}
	}
}

func (m *Matcher) startStage() {
	clear(m.label)
	for i := range m.best {
		m.best[i] = -1
	}
	for b := m.n; b < 2*m.n; b++ {
		m.bestList[b] = nil
		m.hasList[b] = false
	}
	clear(m.allowed)
	m.queue = m.queue[:0]
	m.labelled, m.reached = m.labelled[:0], m.reached[:0]
	for v := 0; v < m.n; v++ {
		if m.mate[v] < 0 && m.label[m.inBlossom[v]] == labelFree {
			m.assignLabel(int32(v), labelOuter, -1)
		}
	}
}

// grow scans the queued outer vertices; it reports whether it augmented the matching.
func (m *Matcher) grow() bool {
	for len(m.queue) > 0 {
		v := m.queue[len(m.queue)-1]
		m.queue = m.queue[:len(m.queue)-1]
		for _, p := range m.incident[v] {
			k := p >> 1
			w := m.end[p]
			if m.inBlossom[v] == m.inBlossom[w] {
				continue
			}
			var ks int64
			if !m.allowed[k] {
				ks = m.slack(k)
				if ks <= 0 {
					m.allowed[k] = true
				}
			}
			bw := m.inBlossom[w]
			switch {
			case m.allowed[k] && m.label[bw] == labelFree:
				m.assignLabel(w, labelInner, p^1)
			case m.allowed[k] && m.label[bw] == labelOuter:
				if base := m.traceBack(v, w); base >= 0 {
					m.addBlossom(base, k)
				} else {
					m.augment(k)
					return true
				}
			case m.allowed[k]:
				// w lies in an inner blossom: remember how it was reached in case that
				// blossom is expanded later.
				if m.label[w] == labelFree {
					m.label[w] = labelInner
					m.labelEnd[w] = p ^ 1
				}
			case m.label[bw] == labelOuter:
				if b := m.inBlossom[v]; m.best[b] == -1 || ks < m.slack(m.best[b]) {
					m.best[b] = k
				}
			case m.label[w] == labelFree:
				if m.best[w] == -1 {
					m.reached = append(m.reached, w)
					m.best[w] = k
				} else if ks < m.slack(m.best[w]) {
					m.best[w] = k
				}
			}
		}
	}
	return false
}

// changeDuals moves the duals by the largest step that keeps them feasible and acts on
// what the step made possible: a new tight edge, or an inner blossom to expand.
func (m *Matcher) changeDuals() error {
	const none = int64(1) << 62
	delta, kind, arg := none, 0, int32(-1)
	// Only what this stage labelled or reached can bound the step: scanning those lists
	// instead of every vertex keeps stages with few free vertices cheap.
	for _, v := range m.reached {
		if m.label[m.inBlossom[v]] == labelFree && m.best[v] != -1 {
			if s := m.slack(m.best[v]); s < delta {
				delta, kind, arg = s, 1, m.best[v]
			}
		}
	}
	for _, b := range m.labelled {
		if m.parent[b] != -1 || (int(b) >= m.n && m.base[b] < 0) {
			continue
		}
		switch {
		case m.label[b] == labelOuter && m.best[b] != -1:
			s := m.slack(m.best[b])
			if s%2 != 0 {
				return fmt.Errorf("matching: odd slack %d between outer vertices (internal error)", s)
			}
			if s/2 < delta {
				delta, kind, arg = s/2, 2, m.best[b]
			}
		case m.label[b] == labelInner && int(b) >= m.n && m.dual[b]/2 < delta:
			delta, kind, arg = m.dual[b]/2, 3, b
		}
	}
	if kind == 0 {
		return ErrNoPerfectMatching
	}
	m.stampNow++
	for _, b := range m.labelled {
		if m.parent[b] != -1 || (int(b) >= m.n && m.base[b] < 0) || m.label[b] == labelFree || m.stamp[b] == m.stampNow {
			continue
		}
		m.stamp[b] = m.stampNow
		d := delta
		if m.label[b] == labelInner {
			d = -delta
		}
		if int(b) >= m.n {
			m.dual[b] += 2 * d
		}
		m.buf = m.leaves(b, m.buf[:0])
		for _, x := range m.buf {
			m.dual[x] += d
		}
	}
	switch kind {
	case 1:
		m.allowed[arg] = true
		i := m.end[2*arg]
		if m.label[m.inBlossom[i]] == labelFree {
			i = m.end[2*arg+1]
		}
		m.queue = append(m.queue, i)
	case 2:
		m.allowed[arg] = true
		m.queue = append(m.queue, m.end[2*arg])
	case 3:
		m.expand(arg, false)
	}
	return nil
}

// assignLabel labels w's top-level blossom, reached through endpoint p. An inner blossom's
// base is matched (only free vertices are roots), and its mate becomes outer.
func (m *Matcher) assignLabel(w int32, t int8, p int32) {
	b := m.inBlossom[w]
	m.labelled = append(m.labelled, b)
	m.label[w], m.label[b] = t, t
	m.labelEnd[w], m.labelEnd[b] = p, p
	m.best[w], m.best[b] = -1, -1
	if t == labelOuter {
		m.queue = m.leaves(b, m.queue)
		return
	}
	mp := m.mate[m.base[b]]
	m.assignLabel(m.end[mp], labelOuter, mp^1)
}

// traceBack walks from outer vertices v and w toward their roots, alternately, and returns
// the base of the first blossom both reach (a new blossom closes there), or -1 when the
// roots differ (an augmenting path).
func (m *Matcher) traceBack(v, w int32) int32 {
	path := m.buf[:0]
	base := int32(-1)
	for v != -1 {
		b := m.inBlossom[v]
		if m.label[b]&labelCrumb != 0 {
			base = m.base[b]
			break
		}
		path = append(path, b)
		m.label[b] = labelOuter | labelCrumb
		if m.labelEnd[b] == -1 {
			v = -1
		} else {
			t := m.inBlossom[m.end[m.labelEnd[b]]]
			v = m.end[m.labelEnd[t]]
		}
		if w != -1 {
			v, w = w, v
		}
	}
	for _, b := range path {
		m.label[b] = labelOuter
	}
	m.buf = path
	return base
}

// addBlossom makes a new outer blossom from the odd cycle closed by edge k through base.
func (m *Matcher) addBlossom(base, k int32) {
	v, w := m.end[2*k], m.end[2*k+1]
	bb := m.inBlossom[base]
	bv, bw := m.inBlossom[v], m.inBlossom[w]
	b := m.unused[len(m.unused)-1]
	m.unused = m.unused[:len(m.unused)-1]
	m.base[b] = base
	m.parent[b] = -1
	m.parent[bb] = b
	var path, endps []int32
	for bv != bb {
		m.parent[bv] = b
		path = append(path, bv)
		endps = append(endps, m.labelEnd[bv])
		bv = m.inBlossom[m.end[m.labelEnd[bv]]]
	}
	path = append(path, bb)
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	for i, j := 0, len(endps)-1; i < j; i, j = i+1, j-1 {
		endps[i], endps[j] = endps[j], endps[i]
	}
	endps = append(endps, 2*k)
	for bw != bb {
		m.parent[bw] = b
		path = append(path, bw)
		endps = append(endps, m.labelEnd[bw]^1)
		bw = m.inBlossom[m.end[m.labelEnd[bw]]]
	}
	m.childs[b], m.endps[b] = path, endps
	m.label[b] = labelOuter
	m.labelled = append(m.labelled, b)
	m.labelEnd[b] = m.labelEnd[bb]
	m.dual[b] = 0
	leaves := m.leaves(b, m.buf[:0])
	for _, x := range leaves {
		if m.label[m.inBlossom[x]] == labelInner {
			// Inner vertices become outer inside the new blossom and must be scanned.
			m.queue = append(m.queue, x)
		}
		m.inBlossom[x] = b
	}
	m.buf = leaves
	m.mergeBest(b, path)
}

// mergeBest computes the new blossom's least-slack edges to each other outer blossom from
// those of its children (or from all their edges when a child kept no list).
func (m *Matcher) mergeBest(b int32, path []int32) {
	var touched []int32
	consider := func(k int32) {
		i, j := m.end[2*k], m.end[2*k+1]
		if m.inBlossom[j] == b {
			i, j = j, i
		}
		_ = i
		bj := m.inBlossom[j]
		if bj == b || m.label[bj] != labelOuter {
			return
		}
		if m.bestTo[bj] == -1 {
			touched = append(touched, bj)
			m.bestTo[bj] = k
		} else if m.slack(k) < m.slack(m.bestTo[bj]) {
			m.bestTo[bj] = k
		}
	}
	for _, bv := range path {
		if m.hasList[bv] {
			for _, k := range m.bestList[bv] {
				consider(k)
			}
		} else {
			for _, x := range m.leaves(bv, m.buf[:0]) {
				for _, p := range m.incident[x] {
					consider(p >> 1)
				}
			}
		}
		m.bestList[bv], m.hasList[bv] = nil, false
		m.best[bv] = -1
	}
	list := make([]int32, 0, len(touched))
	m.best[b] = -1
	for _, bj := range touched {
		k := m.bestTo[bj]
		m.bestTo[bj] = -1
		list = append(list, k)
		if m.best[b] == -1 || m.slack(k) < m.slack(m.best[b]) {
			m.best[b] = k
		}
	}
	m.bestList[b], m.hasList[b] = list, true
}

// wrap maps a possibly negative position onto a blossom's child list.
func wrap(j, n int) int {
	return ((j % n) + n) % n
}

// expand dissolves blossom b into its children. At the end of a stage (endStage) nested
// outer blossoms with z = 0 go too; during a stage b is inner with z = 0, and its
// children on the even path from its entry to its base are relabelled so that the tree
// stays alternating.
func (m *Matcher) expand(b int32, endStage bool) {
	for _, s := range m.childs[b] {
		m.parent[s] = -1
		switch {
		case int(s) < m.n:
			m.inBlossom[s] = s
		case endStage && m.dual[s] == 0:
			m.expand(s, endStage)
		default:
			for _, x := range m.leaves(s, m.buf[:0]) {
				m.inBlossom[x] = s
			}
		}
	}
	if !endStage && m.label[b] == labelInner {
		m.relabelExpanded(b)
	}
	m.recycle(b)
}

// recycle returns blossom slot b to the pool.
func (m *Matcher) recycle(b int32) {
	m.label[b], m.labelEnd[b] = labelFree, -1
	m.parent[b] = -1
	m.childs[b], m.endps[b] = nil, nil
	m.base[b] = -1
	m.dual[b] = 0
	m.bestList[b], m.hasList[b] = nil, false
	m.best[b] = -1
	m.unused = append(m.unused, b)
}

// relabelExpanded gives the children of an expanded inner blossom their labels: the ones
// on the even-length way round from the entry child to the base alternate inner/outer,
// the others are free unless an outer vertex already reached them.
func (m *Matcher) relabelExpanded(b int32) {
	childs, endps := m.childs[b], m.endps[b]
	L := len(childs)
	entry := m.inBlossom[m.end[m.labelEnd[b]^1]]
	j := 0
	for childs[j] != entry {
		j++
	}
	step, trick := -1, 1
	if j&1 == 1 {
		j -= L
		step, trick = 1, 0
	}
	p := m.labelEnd[b]
	for j != 0 {
		m.label[m.end[p^1]] = labelFree
		q := endps[wrap(j-trick, L)] ^ int32(trick)
		m.label[m.end[q^1]] = labelFree
		m.assignLabel(m.end[p^1], labelInner, p)
		m.allowed[endps[wrap(j-trick, L)]>>1] = true
		j += step
		p = endps[wrap(j-trick, L)] ^ int32(trick)
		m.allowed[p>>1] = true
		j += step
	}
	// The base child becomes inner without going on to its mate, which is already outer.
	bv := childs[wrap(j, L)]
	m.label[m.end[p^1]], m.label[bv] = labelInner, labelInner
	m.labelled = append(m.labelled, bv)
	m.labelEnd[m.end[p^1]], m.labelEnd[bv] = p, p
	m.best[bv] = -1
	j += step
	for childs[wrap(j, L)] != entry {
		bv := childs[wrap(j, L)]
		j += step
		if m.label[bv] == labelOuter {
			continue // labelled through a neighbour already
		}
		var reached int32 = -1
		for _, x := range m.leaves(bv, m.buf[:0]) {
			if m.label[x] != labelFree {
				reached = x
				break
			}
		}
		if reached >= 0 {
			m.label[reached] = labelFree
			m.label[m.end[m.mate[m.base[bv]]]] = labelFree
			m.assignLabel(reached, labelInner, m.labelEnd[reached])
		}
	}
}

// rotate rematches blossom b so that vertex v becomes its base, recursively inside
// sub-blossoms, by flipping the even-length way round from v's child to the base child.
func (m *Matcher) rotate(b, v int32) {
	t := v
	for m.parent[t] != b {
		t = m.parent[t]
	}
	if int(t) >= m.n {
		m.rotate(t, v)
	}
	childs, endps := m.childs[b], m.endps[b]
	L := len(childs)
	i := 0
	for childs[i] != t {
		i++
	}
	j := i
	step, trick := -1, 1
	if i&1 == 1 {
		j -= L
		step, trick = 1, 0
	}
	for j != 0 {
		j += step
		t = childs[wrap(j, L)]
		p := endps[wrap(j-trick, L)] ^ int32(trick)
		if int(t) >= m.n {
			m.rotate(t, m.end[p])
		}
		j += step
		t = childs[wrap(j, L)]
		if int(t) >= m.n {
			m.rotate(t, m.end[p^1])
		}
		m.mate[m.end[p]] = p ^ 1
		m.mate[m.end[p^1]] = p
	}
	m.childs[b] = append(append([]int32(nil), childs[i:]...), childs[:i]...)
	m.endps[b] = append(append([]int32(nil), endps[i:]...), endps[:i]...)
	m.base[b] = m.base[m.childs[b][0]]
}

// augment flips the augmenting path through edge k (between two trees) back to both roots.
func (m *Matcher) augment(k int32) {
	for side := int32(0); side < 2; side++ {
		s := m.end[2*k+side]
		p := 2*k + 1 - side
		for {
			bs := m.inBlossom[s]
			if int(bs) >= m.n {
				m.rotate(bs, s)
			}
			m.mate[s] = p
			if m.labelEnd[bs] == -1 {
				break // reached the root
			}
			t := m.end[m.labelEnd[bs]]
			bt := m.inBlossom[t]
			s = m.end[m.labelEnd[bt]]
			j := m.end[m.labelEnd[bt]^1]
			if int(bt) >= m.n {
				m.rotate(bt, j)
			}
			m.mate[j] = m.labelEnd[bt]
			p = m.labelEnd[bt] ^ 1
		}
	}
}
