package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// SpreadPoints picks k of pts spread over them in proportion to their weights: it splits
// the points into k compact groups (weighted k-means in metres, started from the
// weighted centre and then always the point farthest from those chosen, so the result is
// the same on every run) and returns, per group, the point nearest its weighted centre.
// With street midpoints weighted by length it places k workers' homes so that each has a
// part of the streets around them. Fewer than k points give them all.
func SpreadPoints(pts []orb.Point, weights []float64, k int) []orb.Point {
	if k <= 0 || len(pts) == 0 {
		return nil
	}
	if len(pts) <= k {
		return append([]orb.Point(nil), pts...)
	}
	proj := NewLocalProjection(pts[0])
	xy := make([]orb.Point, len(pts))
	for i, p := range pts {
		xy[i] = proj.ToMetres(p)
	}
	w := func(i int) float64 {
		if i < len(weights) && weights[i] > 0 {
			return weights[i]
		}
		return 1
	}
	nearest := func(c orb.Point) int {
		best, bd := 0, math.Inf(1)
		for i, p := range xy {
			if d := sq(p, c); d < bd {
				best, bd = i, d
			}
		}
		return best
	}
	var mean orb.Point
	var sum float64
	for i, p := range xy {
		mean[0], mean[1], sum = mean[0]+w(i)*p[0], mean[1]+w(i)*p[1], sum+w(i)
	}
	centres := []orb.Point{xy[nearest(orb.Point{mean[0] / sum, mean[1] / sum})]}
	dist := make([]float64, len(xy))
	for i, p := range xy {
		dist[i] = sq(p, centres[0])
	}
	for len(centres) < k {
		far := 0
		for i := range dist {
			if dist[i] > dist[far] {
				far = i
			}
		}
		centres = append(centres, xy[far])
		for i, p := range xy {
			dist[i] = math.Min(dist[i], sq(p, xy[far]))
		}
	}
	group := make([]int, len(xy))
	for range 50 {
		moved := false
		for i, p := range xy {
			best, bd := 0, math.Inf(1)
			for c, q := range centres {
				if d := sq(p, q); d < bd {
					best, bd = c, d
				}
			}
			if group[i] != best {
				group[i], moved = best, true
			}
		}
		sums := make([]orb.Point, k)
		ws := make([]float64, k)
		for i, p := range xy {
			g := group[i]
			sums[g][0], sums[g][1], ws[g] = sums[g][0]+w(i)*p[0], sums[g][1]+w(i)*p[1], ws[g]+w(i)
		}
		for c := range centres {
			if ws[c] > 0 {
				centres[c] = orb.Point{sums[c][0] / ws[c], sums[c][1] / ws[c]}
			}
		}
		if !moved {
			break
		}
	}
	out := make([]orb.Point, k)
	for c, q := range centres {
		out[c] = pts[nearest(q)]
	}
	return out
}

func sq(a, b orb.Point) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}
