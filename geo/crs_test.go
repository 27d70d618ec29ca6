package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// Known coordinate pairs. Sources (the values are published test vectors of independent
// implementations of the same public formulas):
//   - eviltransform: github.com/googollee/eviltransform, python/test.py, TESTS (Shanghai,
//     Shenzhen, Beijing; WGS-84 → GCJ-02);
//   - coordtransform: github.com/wandergis/coordtransform, test/app.js, the results printed
//     for (116.404, 39.915);
//   - gcoord: github.com/hujiulong/gcoord, test/unit/crs/GCJ02.spec.js, GCJ-02 (123, 45).
var (
	wgsToGCJPairs = []struct {
		name     string
		wgs, gcj orb.Point
	}{
		{"eviltransform shanghai", orb.Point{121.5272106, 31.1774276}, orb.Point{121.531541859215, 31.17530398364597}},
		{"eviltransform shenzhen", orb.Point{113.912316, 22.543847}, orb.Point{113.9171764808363, 22.540796131694766}},
		{"eviltransform beijing", orb.Point{116.377817, 39.911954}, orb.Point{116.38404722455657, 39.91334545536069}},
		{"coordtransform wgs84togcj02", orb.Point{116.404, 39.915}, orb.Point{116.41024449916938, 39.91640428150164}},
	}
	gcjToBDPairs = []struct {
		name    string
		gcj, bd orb.Point
	}{
		{"coordtransform gcj02tobd09", orb.Point{116.404, 39.915}, orb.Point{116.41036949371029, 39.92133699351021}},
		{"gcoord GCJ02 to BD09", orb.Point{123, 45}, orb.Point{123.00636499, 45.00636899}},
	}
)

func TestWGS84ToGCJ02Known(t *testing.T) {
	for _, tc := range wgsToGCJPairs {
		got := WGS84ToGCJ02(tc.wgs)
		if !near(got, tc.gcj, 1e-9) {
			t.Errorf("%s: WGS84ToGCJ02(%v) = %v, want %v", tc.name, tc.wgs, got, tc.gcj)
		}
		// The exact inverse lands back on the WGS-84 point.
		if back := GCJ02ToWGS84(tc.gcj); !near(back, tc.wgs, 1e-7) {
			t.Errorf("%s: GCJ02ToWGS84(%v) = %v, want %v", tc.name, tc.gcj, back, tc.wgs)
		}
		// The shift is what makes this matter: hundreds of metres.
		if d := DistanceM(tc.wgs, tc.gcj); d < 100 || d > 1000 {
			t.Errorf("%s: shift %.0f m, want 100..1000", tc.name, d)
		}
	}
}

func TestGCJ02ToBD09Known(t *testing.T) {
	for _, tc := range gcjToBDPairs {
		// gcoord publishes 8 decimals only.
		if got := GCJ02ToBD09(tc.gcj); !near(got, tc.bd, 1e-8) {
			t.Errorf("%s: GCJ02ToBD09(%v) = %v, want %v", tc.name, tc.gcj, got, tc.bd)
		}
		if back := BD09ToGCJ02(tc.bd); !near(back, tc.gcj, 1e-8) {
			t.Errorf("%s: BD09ToGCJ02(%v) = %v, want %v", tc.name, tc.bd, back, tc.gcj)
		}
	}
}

func TestApproximateInversesKnown(t *testing.T) {
	// These published results come from the one-step approximate inverses, which are
	// off by up to a couple of metres; the exact inverse must agree with them to that
	// accuracy, and be closer to the true answer than they are.
	tests := []struct {
		name     string
		from, to orb.Point
		conv     func(orb.Point) orb.Point
		forward  func(orb.Point) orb.Point
		tolM     float64
	}{
		// coordtransform gcj02towgs84(116.404, 39.915), one step.
		{"coordtransform gcj02towgs84", orb.Point{116.404, 39.915}, orb.Point{116.39775550083061, 39.91359571849836}, GCJ02ToWGS84, WGS84ToGCJ02, 2},
		// coordtransform bd09togcj02(116.404, 39.915), the approximate formula.
		{"coordtransform bd09togcj02", orb.Point{116.404, 39.915}, orb.Point{116.39762729119315, 39.90865673957631}, BD09ToGCJ02, GCJ02ToBD09, 0.5},
		// Not eviltransform's TESTS_bd: its BD-09 uses sin(y·π) where coordtransform, gcoord
		// and most published code use sin(y·3000π/180); the two disagree by 10-40 m.
		// gcoord GCJ02 → WGS84 (123, 45), checked there to 5 decimals.
		{"gcoord GCJ02 to WGS84", orb.Point{123, 45}, orb.Point{122.99395597, 44.99804071}, GCJ02ToWGS84, WGS84ToGCJ02, 2},
	}
	for _, tc := range tests {
		got := tc.conv(tc.from)
		if d := DistanceM(got, tc.to); d > tc.tolM {
			t.Errorf("%s: %v → %v, %.2f m from the published %v", tc.name, tc.from, got, d, tc.to)
		}
		exactErr := DistanceM(tc.forward(got), tc.from)
		publishedErr := DistanceM(tc.forward(tc.to), tc.from)
		if exactErr > 0.001 || exactErr > publishedErr {
			t.Errorf("%s: exact inverse misses by %.4f m, published by %.4f m", tc.name, exactErr, publishedErr)
		}
	}
}

func TestOutOfChinaUnshifted(t *testing.T) {
	for _, p := range []orb.Point{
		{24.94, 60.17},   // Helsinki
		{1.52, 42.51},    // Andorra la Vella
		{-0.1276, 51.50}, // London
		{151.2, -33.87},  // Sydney
		{183, 45},        // gcoord's "not in China" case
	} {
		if got := WGS84ToGCJ02(p); got != p {
			t.Errorf("WGS84ToGCJ02(%v) = %v, want unshifted", p, got)
		}
		if got := GCJ02ToWGS84(p); got != p {
			t.Errorf("GCJ02ToWGS84(%v) = %v, want unshifted", p, got)
		}
	}
}

func TestCRSRoundTrip(t *testing.T) {
	// A grid over China, including Changsha (112.98, 28.2) and the Beijing extract.
	for lon := 73.0; lon <= 135; lon += 3.1 {
		for lat := 18.0; lat <= 53; lat += 2.3 {
			p := orb.Point{lon, lat}
			for _, c := range []CRS{WGS84, GCJ02, BD09} {
				q := c.ToWGS84(c.FromWGS84(p))
				if d := DistanceM(p, q); d > 1 || math.IsNaN(d) {
					t.Fatalf("%v round trip of %v: %v, %.3f m off", c, p, q, d)
				}
				if d := DistanceM(p, q); d > 0.001 {
					t.Errorf("%v round trip of %v: %.4f m off, want < 1 mm", c, p, d)
				}
			}
		}
	}
}

func TestParseCRS(t *testing.T) {
	tests := []struct {
		in   string
		want CRS
		ok   bool
	}{
		{"wgs84", WGS84, true}, {"WGS-84", WGS84, true}, {"", WGS84, true}, {"EPSG:4326", WGS84, true},
		{"gcj02", GCJ02, true}, {"GCJ-02", GCJ02, true}, {"gcj_02", GCJ02, true},
		{"bd09", BD09, true}, {"BD-09", BD09, true}, {"bd09ll", BD09, true},
		{"utm", 0, false}, {"bd09mc", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseCRS(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseCRS(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok {
			if again, err := ParseCRS(got.String()); err != nil || again != got {
				t.Errorf("ParseCRS(%v.String()) = %v, %v", got, again, err)
			}
		}
	}
}

func near(a, b orb.Point, tol float64) bool {
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}
