package matching

// This file lets a solved matcher take more edges and go on from its optimum: pricing
// rounds (routing's exact pairing of odd nodes) add a few pairs at a time.

// AddEdges adds edges (eu[k], ev[k], cost w[k]) to a solved matcher and repairs what they
// break, so that Run can go on from the previous optimum instead of starting over. Only the
// neighbourhood of a violated new edge is undone: the blossoms around its ends are
// dissolved (each member's dual lowered by half the blossom's z keeps every edge feasible
// and every edge inside tight), its ends' duals lowered until it is feasible, and matched
// pairs that are no longer tight are unmatched. Everything is doubled first so that these
// changes stay even and the free vertices keep one parity.
func (m *Matcher) AddEdges(eu, ev []int32, w []int64) {
	for i := range m.dual {
		m.dual[i] *= 2
	}
	for k := range m.w2 {
		m.w2[k] *= 2
	}
	m.scale *= 2
	first := int32(len(m.w2))
	for k := range eu {
		if eu[k] == ev[k] {
			continue
		}
		kk := int32(len(m.w2))
		m.end = append(m.end, eu[k], ev[k])
		m.w2 = append(m.w2, 2*m.scale*w[k])
		m.incident[eu[k]] = append(m.incident[eu[k]], 2*kk+1)
		m.incident[ev[k]] = append(m.incident[ev[k]], 2*kk)
	}
	m.allowed = make([]bool, len(m.w2))
	for k := first; k < int32(len(m.w2)); k++ {
		if m.fullSlack(k) >= 0 {
			continue
		}
		u, v := m.end[2*k], m.end[2*k+1]
		m.makeTrivial(u)
		m.makeTrivial(v)
		s := m.slack(k)
		if s >= 0 {
			continue
		}
		drop := (-s + 1) / 2
		drop += drop % 2
		m.dual[u] -= drop
		m.dual[v] -= drop
		m.unmatchIfLoose(u)
		m.unmatchIfLoose(v)
	}
}

// fullSlack is edge k's reduced cost including the z of the blossoms holding both ends.
func (m *Matcher) fullSlack(k int32) int64 {
	s := m.slack(k)
	u, v := m.end[2*k], m.end[2*k+1]
	for b := m.parent[u]; b != -1; b = m.parent[b] {
		for c := m.parent[v]; c != -1; c = m.parent[c] {
			if c == b {
				s += m.dual[b]
			}
		}
	}
	return s
}

// makeTrivial dissolves every blossom holding v, outermost first.
func (m *Matcher) makeTrivial(v int32) {
	for m.inBlossom[v] != v {
		m.dissolve(m.inBlossom[v])
	}
}

// dissolve removes top-level blossom b, moving its z onto its members' duals.
func (m *Matcher) dissolve(b int32) {
	half := m.dual[b] / 2
	for _, x := range m.leaves(b, nil) {
		m.dual[x] -= half
	}
	for _, c := range m.childs[b] {
		m.parent[c] = -1
		for _, x := range m.leaves(c, m.buf[:0]) {
			m.inBlossom[x] = c
		}
	}
	base := m.base[b]
	m.recycle(b)
	// The base's matched edge leaves b, so it lost half of z.
	m.unmatchIfLoose(base)
}

func (m *Matcher) unmatchIfLoose(v int32) {
	p := m.mate[v]
	if p < 0 || m.fullSlack(p>>1) == 0 {
		return
	}
	u := m.end[p]
	m.mate[v], m.mate[u] = -1, -1
}
