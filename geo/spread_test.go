package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestSpreadPoints: two clusters of street midpoints far apart get one point each, and
// the weights pull the chosen point towards the heavy end of a cluster.
func TestSpreadPoints(t *testing.T) {
	var pts []orb.Point
	var ws []float64
	for i := range 10 {
		pts = append(pts, orb.Point{10 + float64(i)*0.0001, 50}, orb.Point{10.1 + float64(i)*0.0001, 50})
		ws = append(ws, 1, float64(1+i*i))
	}
	got := SpreadPoints(pts, ws, 2)
	if len(got) != 2 {
		t.Fatalf("%d points, want 2", len(got))
	}
	west, east := got[0], got[1]
	if west[0] > east[0] {
		west, east = east, west
	}
	if west[0] < 10 || west[0] > 10.001 || east[0] < 10.1 || east[0] > 10.101 {
		t.Errorf("spread %v, want one in each cluster", got)
	}
	if east[0] < 10.1005 {
		t.Errorf("east point %v, want it pulled east by the weights", east)
	}
	again := SpreadPoints(pts, ws, 2)
	if again[0] != got[0] || again[1] != got[1] {
		t.Errorf("second run %v, first %v", again, got)
	}
	if n := len(SpreadPoints(pts[:3], nil, 5)); n != 3 {
		t.Errorf("%d points from 3 for 5, want 3", n)
	}
	if SpreadPoints(pts, ws, 0) != nil {
		t.Error("k = 0 gave points")
	}
}
