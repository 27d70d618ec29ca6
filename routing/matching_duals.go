package routing

// This file is the matching's certificate: the dual solution and its objective.

// matchingDuals is the dual solution that certifies a matching: per vertex the doubled
// y, per odd set (blossom) its member vertices and doubled z. Only sets with z > 0 are kept.
type matchingDuals struct {
	scale   int64 // every value (and 2w in slackDbl) is multiplied by it
	y       []int64
	sets    [][]int32
	z       []int64
	setsOf  [][]int32 // per vertex, the indices of the sets holding it, innermost first
	objDbl  int64     // Σ y − Σ z·(|B|-1)/2, doubled
	costDbl int64     // the matching's cost, doubled
}

// commonZ is Σ z over the sets holding both u and v (doubled).
func (d *matchingDuals) commonZ(u, v int) int64 {
	a, b := d.setsOf[u], d.setsOf[v]
	// Sets are nested, so the common ones are a common suffix of both lists.
	var s int64
	for i, j := len(a)-1, len(b)-1; i >= 0 && j >= 0 && a[i] == b[j]; i, j = i-1, j-1 {
		s += d.z[a[i]]
	}
	return s
}

// slackDbl is the doubled reduced cost of pairing u and v at cost w.
func (d *matchingDuals) slackDbl(u, v int, w int64) int64 {
	return 2*d.scale*w - d.y[u] - d.y[v] + d.commonZ(u, v)
}

// duals extracts the certificate and its objective.
func (m *blossomMatcher) duals() *matchingDuals {
	d := &matchingDuals{scale: m.scale, y: append([]int64(nil), m.dual[:m.n]...), setsOf: make([][]int32, m.n)}
	for _, y := range d.y {
		d.objDbl += y
	}
	// Outer sets first would break "innermost first"; visit blossoms from each vertex up.
	index := map[int32]int32{}
	for v := 0; v < m.n; v++ {
		for b := m.parent[v]; b != -1; b = m.parent[b] {
			if m.dual[b] == 0 {
				continue
			}
			id, ok := index[b]
			if !ok {
				id = int32(len(d.sets))
				index[b] = id
				members := m.leaves(b, nil)
				d.sets = append(d.sets, members)
				d.z = append(d.z, m.dual[b])
				d.objDbl -= m.dual[b] * int64(len(members)-1) / 2
			}
			d.setsOf[v] = append(d.setsOf[v], id)
		}
	}
	for v := 0; v < m.n; v++ {
		p := m.mate[v]
		if u := m.end[p]; int(u) > v {
			d.costDbl += m.w2[p>>1]
		}
	}
	return d
}
