package matching

// This file is the matching's certificate: the dual solution and its objective.

// Duals is the dual solution that certifies a matching: per vertex the doubled y, per odd
// set (blossom) its member vertices and doubled z. Only sets with z > 0 are kept. Every
// value is doubled and then multiplied by Scale, so that all of them stay integers.
type Duals struct {
	Scale     int64     // every value (and 2w in Slack) is multiplied by it
	Y         []int64   // per vertex, doubled y
	Sets      [][]int32 // odd sets with z > 0, as their member vertices
	Z         []int64   // per set, doubled z
	Objective int64     // Σ y − Σ z·(|B|-1)/2, doubled
	Cost      int64     // the matching's cost, doubled

	setsOf [][]int32 // per vertex, the indices of the sets holding it, innermost first
}

// commonZ is Σ z over the sets holding both u and v (doubled).
func (d *Duals) commonZ(u, v int) int64 {
	a, b := d.setsOf[u], d.setsOf[v]
	// Sets are nested, so the common ones are a common suffix of both lists.
	var s int64
	for i, j := len(a)-1, len(b)-1; i >= 0 && j >= 0 && a[i] == b[j]; i, j = i-1, j-1 {
		s += d.Z[a[i]]
	}
	return s
}

// Slack is the reduced cost of pairing u and v at cost w, doubled and scaled like the
// duals. The matching is optimal for every pair whose slack is not negative.
func (d *Duals) Slack(u, v int, w int64) int64 {
	return 2*d.Scale*w - d.Y[u] - d.Y[v] + d.commonZ(u, v)
}

// Duals extracts the certificate and its objective.
func (m *Matcher) Duals() *Duals {
	d := &Duals{Scale: m.scale, Y: append([]int64(nil), m.dual[:m.n]...), setsOf: make([][]int32, m.n)}
	for _, y := range d.Y {
		d.Objective += y
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
				id = int32(len(d.Sets))
				index[b] = id
				members := m.leaves(b, nil)
				d.Sets = append(d.Sets, members)
				d.Z = append(d.Z, m.dual[b])
				d.Objective -= m.dual[b] * int64(len(members)-1) / 2
			}
			d.setsOf[v] = append(d.setsOf[v], id)
		}
	}
	for v := 0; v < m.n; v++ {
		p := m.mate[v]
		if u := m.end[p]; int(u) > v {
			d.Cost += m.w2[p>>1]
		}
	}
	return d
}
