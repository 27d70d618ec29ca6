package geo

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// CRS is the coordinate system of input coordinates. OSM is WGS-84; shop registers made
// in China come from AMap or Tencent (GCJ-02, the obfuscated "Mars" coordinates every
// map published in China must use) or from Baidu (BD-09, a further shift of GCJ-02). Left
// unconverted they are 300-500 m off, which puts a shop on the wrong street.
type CRS int

// The coordinate systems gridsweep converts from. The zero value is WGS-84, so a caller
// that says nothing gets no shift.
const (
	WGS84 CRS = iota
	GCJ02
	BD09
)

// String is the name ParseCRS reads.
func (c CRS) String() string {
	switch c {
	case WGS84:
		return "wgs84"
	case GCJ02:
		return "gcj02"
	case BD09:
		return "bd09"
	}
	return fmt.Sprintf("CRS(%d)", int(c))
}

// ParseCRS reads wgs84, gcj02 or bd09 (case, dashes, underscores and colons ignored:
// "WGS-84", "EPSG:4326", "GCJ_02", "bd09ll" for Baidu's own name).
func ParseCRS(s string) (CRS, error) {
	norm := strings.NewReplacer("-", "", "_", "", " ", "", ":", "").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch norm {
	case "wgs84", "epsg4326", "":
		return WGS84, nil
	case "gcj02", "gcj", "mars":
		return GCJ02, nil
	case "bd09", "bd09ll", "baidu":
		return BD09, nil
	}
	return 0, fmt.Errorf("unknown coordinate system %q (want wgs84, gcj02 or bd09)", s)
}

// ToWGS84 converts a lon/lat point in c to WGS-84.
func (c CRS) ToWGS84(p orb.Point) orb.Point {
	switch c {
	case GCJ02:
		return GCJ02ToWGS84(p)
	case BD09:
		return BD09ToWGS84(p)
	}
	return p
}

// FromWGS84 converts a WGS-84 lon/lat point to c.
func (c CRS) FromWGS84(p orb.Point) orb.Point {
	switch c {
	case GCJ02:
		return WGS84ToGCJ02(p)
	case BD09:
		return WGS84ToBD09(p)
	}
	return p
}

// The GCJ-02 constants of the widely published formula: the Krasovsky 1940 ellipsoid's
// semi-major axis and first eccentricity squared.
const (
	gcjA  = 6378245.0
	gcjEE = 0.00669342162296594323
	// bdXPi is the angle factor of the BD-09 shift.
	bdXPi = math.Pi * 3000.0 / 180.0
	// inverseTolerance is where the iterative inverses stop, in degrees (about 0.1 mm).
	inverseTolerance = 1e-9
	inverseMaxSteps  = 30
)

// OutOfChina reports whether GCJ-02 leaves a point unshifted. The rule is the bounding
// rectangle of China used by the published implementations (lon 72.004..137.8347, lat
// 0.8293..55.8271): coarse on purpose, it shifts parts of neighbouring countries (and Hong
// Kong, Macau and Taiwan, whose maps are not obfuscated) and leaves the rest of the world
// alone. Data from Chinese map providers is produced with the same rule, so matching it
// inverts their shift exactly.
func OutOfChina(p orb.Point) bool {
	return p[0] < 72.004 || p[0] > 137.8347 || p[1] < 0.8293 || p[1] > 55.8271
}

// WGS84ToGCJ02 applies the GCJ-02 obfuscation to a WGS-84 point.
func WGS84ToGCJ02(p orb.Point) orb.Point {
	if OutOfChina(p) {
		return p
	}
	dLon, dLat := gcjDelta(p[0], p[1])
	return orb.Point{p[0] + dLon, p[1] + dLat}
}

// GCJ02ToWGS84 inverts WGS84ToGCJ02. The shift has no closed-form inverse; since it
// changes slowly, the fixed-point iteration w ← w + (g − f(w)) converges in a few steps,
// here to 1e-9° (the well-known one-step approximation is only good to a metre or two).
func GCJ02ToWGS84(g orb.Point) orb.Point {
	if OutOfChina(g) {
		return g
	}
	return invert(g, WGS84ToGCJ02)
}

// GCJ02ToBD09 applies Baidu's BD-09 shift to a GCJ-02 point.
func GCJ02ToBD09(g orb.Point) orb.Point {
	x, y := g[0], g[1]
	z := math.Sqrt(x*x+y*y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return orb.Point{z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006}
}

// BD09ToGCJ02 inverts GCJ02ToBD09, by iteration from the published approximate inverse
// (which alone is off by up to about 1e-6°).
func BD09ToGCJ02(b orb.Point) orb.Point {
	x, y := b[0]-0.0065, b[1]-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	start := orb.Point{z * math.Cos(theta), z * math.Sin(theta)}
	return refine(b, start, GCJ02ToBD09)
}

// WGS84ToBD09 is GCJ-02 then BD-09.
func WGS84ToBD09(p orb.Point) orb.Point { return GCJ02ToBD09(WGS84ToGCJ02(p)) }

// BD09ToWGS84 is the inverse of WGS84ToBD09.
func BD09ToWGS84(b orb.Point) orb.Point { return GCJ02ToWGS84(BD09ToGCJ02(b)) }

// invert finds w with forward(w) = target, starting from target itself.
func invert(target orb.Point, forward func(orb.Point) orb.Point) orb.Point {
	return refine(target, target, forward)
}

// refine improves w until forward(w) is within inverseTolerance of target.
func refine(target, w orb.Point, forward func(orb.Point) orb.Point) orb.Point {
	for range inverseMaxSteps {
		f := forward(w)
		dx, dy := target[0]-f[0], target[1]-f[1]
		if math.Abs(dx) < inverseTolerance && math.Abs(dy) < inverseTolerance {
			break
		}
		w = orb.Point{w[0] + dx, w[1] + dy}
	}
	return w
}

// gcjDelta is the GCJ-02 offset in degrees at a WGS-84 point: the published polynomial
// and sine terms in metres around (105°E, 35°N), turned into degrees on the Krasovsky
// ellipsoid.
func gcjDelta(lon, lat float64) (dLon, dLat float64) {
	x, y := lon-105.0, lat-35.0
	dLat = gcjLat(x, y)
	dLon = gcjLon(x, y)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dLat = (dLat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = (dLon * 180.0) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dLon, dLat
}

func gcjLat(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func gcjLon(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}
