package geo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// MaxTileZoom is the deepest zoom the tile server answers: at z22 a 256-pixel tile spans
// about 10 m, finer than any block or GPS fix deserves.
const MaxTileZoom = 22

// ErrBadTile is the sentinel of every malformed or out-of-range z/x/y.
var ErrBadTile = errors.New("geo: bad tile address")

// ParseTile reads the z, x and y path segments of a slippy-map tile URL. Only plain
// decimal digits are accepted (no sign, no spaces, no leading "+"), z must be at most
// MaxTileZoom and x, y below 2^z.
func ParseTile(z, x, y string) (maptile.Tile, error) {
	zz, err := parseTileInt("z", z)
	if err != nil {
		return maptile.Tile{}, err
	}
	if zz > MaxTileZoom {
		return maptile.Tile{}, fmt.Errorf("%w: zoom %d above %d", ErrBadTile, zz, MaxTileZoom)
	}
	xx, err := parseTileInt("x", x)
	if err != nil {
		return maptile.Tile{}, err
	}
	yy, err := parseTileInt("y", y)
	if err != nil {
		return maptile.Tile{}, err
	}
	n := uint64(1) << zz
	if xx >= n || yy >= n {
		return maptile.Tile{}, fmt.Errorf("%w: %d/%d/%d is outside the 2^%d grid", ErrBadTile, zz, xx, yy, zz)
	}
	return maptile.New(uint32(xx), uint32(yy), maptile.Zoom(zz)), nil
}

func parseTileInt(name, s string) (uint64, error) {
	// strconv.ParseUint alone would accept "0x10" with base 0 and "+1" nowhere, but being
	// explicit keeps URLs canonical: one tile, one URL, one cache key.
	if s == "" || len(s) > 10 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%w: %s %q is not a non-negative integer", ErrBadTile, name, s)
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%w: %s %q has a leading zero", ErrBadTile, name, s)
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q: %v", ErrBadTile, name, s, err)
	}
	return v, nil
}

// TileBuffer is the fraction of a tile's width drawn around it: 64 of the 4096 MVT units,
// the usual buffer, so lines crossing a tile edge join without gaps. The same margin decides
// which cached tiles a data change touches.
const TileBuffer = 64.0 / 4096.0

// BufferedTileBound returns the lon/lat bound of t grown by buffer times its width (and
// height) on every side, measured in Web Mercator like the tile itself.
func BufferedTileBound(t maptile.Tile, buffer float64) orb.Bound {
	n := float64(uint64(1) << t.Z)
	x0, x1 := (float64(t.X)-buffer)/n, (float64(t.X)+1+buffer)/n
	y0, y1 := (float64(t.Y)-buffer)/n, (float64(t.Y)+1+buffer)/n
	return orb.Bound{
		Min: orb.Point{fracToLon(x0), fracToLat(y1)},
		Max: orb.Point{fracToLon(x1), fracToLat(y0)},
	}
}

// TileRange returns the inclusive x and y ranges of the zoom-z tiles whose buffered
// bounds (see BufferedTileBound) intersect b, clamped to the grid.
func TileRange(b orb.Bound, z maptile.Zoom, buffer float64) (minX, minY, maxX, maxY uint32) {
	n := float64(uint64(1) << z)
	fx0, fx1 := lonToFrac(b.Min[0])*n, lonToFrac(b.Max[0])*n
	// Latitude grows northwards, tile y southwards.
	fy0, fy1 := latToFrac(b.Max[1])*n, latToFrac(b.Min[1])*n
	clamp := func(v float64) uint32 {
		return uint32(math.Max(0, math.Min(n-1, v)))
	}
	// A tile x intersects when x-buffer <= fx1 and x+1+buffer >= fx0.
	return clamp(math.Ceil(fx0 - 1 - buffer)), clamp(math.Ceil(fy0 - 1 - buffer)),
		clamp(math.Floor(fx1 + buffer)), clamp(math.Floor(fy1 + buffer))
}

// BoundsIntersect reports whether two bounds share at least a point (touching counts:
// a point on a tile's edge is drawn in both neighbours' buffers).
func BoundsIntersect(a, b orb.Bound) bool {
	return a.Min[0] <= b.Max[0] && b.Min[0] <= a.Max[0] && a.Min[1] <= b.Max[1] && b.Min[1] <= a.Max[1]
}

const maxMercatorLat = 85.0511287798066

func lonToFrac(lon float64) float64 { return (lon + 180) / 360 }

func latToFrac(lat float64) float64 {
	lat = math.Max(-maxMercatorLat, math.Min(maxMercatorLat, lat))
	s := math.Sin(lat * math.Pi / 180)
	return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

func fracToLon(f float64) float64 { return f*360 - 180 }

func fracToLat(f float64) float64 {
	return 180 / math.Pi * math.Atan(math.Sinh(math.Pi*(1-2*f)))
}
