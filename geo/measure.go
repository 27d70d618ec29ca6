package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// EarthRadiusM is the sphere radius orb/geo uses for its haversine distances (the WGS-84
// equatorial radius, 6378137 m); the local projection uses the same so that lengths
// measured either way agree.
const EarthRadiusM = orb.EarthRadius

// LengthM is the geodesic length of a lon/lat line in metres, by the haversine formula on
// a sphere of radius EarthRadiusM. At street scale its error against the WGS-84 ellipsoid
// is below 0.5%, far less than the width of the street.
func LengthM(ls orb.LineString) float64 {
	return geo.LengthHaversine(ls)
}

// DistanceM is the haversine distance between two lon/lat points in metres.
func DistanceM(a, b orb.Point) float64 {
	return geo.DistanceHaversine(a, b)
}

// LocalProjection is an equirectangular projection around a reference point: x metres
// east and y metres north of it. Within a few kilometres of the reference its distortion
// is well under 0.1%, which is what snapping a GPS point to a street or taking the
// centroid of a community needs, at the cost of two multiplications per point.
type LocalProjection struct {
	Origin orb.Point
	// metres per degree of longitude (at the origin's latitude) and of latitude
	mx, my float64
}

// NewLocalProjection returns the local projection around origin (lon/lat).
func NewLocalProjection(origin orb.Point) LocalProjection {
	my := EarthRadiusM * math.Pi / 180
	return LocalProjection{Origin: origin, mx: my * math.Cos(origin[1]*math.Pi/180), my: my}
}

// ToMetres projects a lon/lat point to metres east and north of the origin.
func (p LocalProjection) ToMetres(q orb.Point) orb.Point {
	return orb.Point{(q[0] - p.Origin[0]) * p.mx, (q[1] - p.Origin[1]) * p.my}
}

// ToLonLat is the inverse of ToMetres.
func (p LocalProjection) ToLonLat(q orb.Point) orb.Point {
	return orb.Point{p.Origin[0] + q[0]/p.mx, p.Origin[1] + q[1]/p.my}
}

// LineString projects a whole line to metres.
func (p LocalProjection) LineString(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, q := range ls {
		out[i] = p.ToMetres(q)
	}
	return out
}
