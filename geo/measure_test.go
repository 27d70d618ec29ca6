package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestLengthM(t *testing.T) {
	// One degree of latitude on orb's sphere (radius 6378137 m) is 111319.49 m.
	if got := LengthM(orb.LineString{{24.9, 60}, {24.9, 61}}); math.Abs(got-111319.49) > 0.01 {
		t.Errorf("1° of latitude = %.2f m", got)
	}
	// A degree of longitude shrinks with cos(latitude).
	if got := LengthM(orb.LineString{{0, 60}, {0.001, 60}}); math.Abs(got-55.66) > 0.01 {
		t.Errorf("0.001° of longitude at 60°N = %.3f m, want 55.66", got)
	}
	if got := LengthM(orb.LineString{{1, 1}, {1, 1.001}, {1.001, 1.001}}); math.Abs(got-2*111.32) > 0.05 {
		t.Errorf("two legs = %.3f m", got)
	}
	if got := LengthM(orb.LineString{{1, 1}}); got != 0 {
		t.Errorf("one point = %v", got)
	}
}

func TestLocalProjection(t *testing.T) {
	origin := orb.Point{24.94, 60.17} // Helsinki
	proj := NewLocalProjection(origin)
	if got := proj.ToMetres(origin); got != (orb.Point{}) {
		t.Errorf("origin → %v", got)
	}
	// Within a couple of kilometres the projected distance matches the haversine one
	// to well under 0.1%.
	for _, q := range []orb.Point{{24.95, 60.17}, {24.94, 60.18}, {24.96, 60.185}, {24.92, 60.16}} {
		m := proj.ToMetres(q)
		planar := math.Hypot(m[0], m[1])
		sphere := DistanceM(origin, q)
		if math.Abs(planar-sphere)/sphere > 0.001 {
			t.Errorf("%v: planar %.2f m, haversine %.2f m", q, planar, sphere)
		}
		back := proj.ToLonLat(m)
		if math.Abs(back[0]-q[0]) > 1e-12 || math.Abs(back[1]-q[1]) > 1e-12 {
			t.Errorf("%v round trip → %v", q, back)
		}
	}
	ls := proj.LineString(orb.LineString{origin, {24.95, 60.17}})
	if len(ls) != 2 || ls[0] != (orb.Point{}) || ls[1][0] <= 0 || math.Abs(ls[1][1]) > 1e-9 {
		t.Errorf("LineString = %v", ls)
	}
}
