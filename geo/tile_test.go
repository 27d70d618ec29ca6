package geo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

func TestParseTile(t *testing.T) {
	tests := []struct {
		z, x, y string
		want    maptile.Tile
		ok      bool
	}{
		{"0", "0", "0", maptile.New(0, 0, 0), true},
		{"14", "8290", "6013", maptile.New(8290, 6013, 14), true},
		{"22", "4194303", "4194303", maptile.New(4194303, 4194303, 22), true},
		{"23", "0", "0", maptile.Tile{}, false},
		{"1", "2", "0", maptile.Tile{}, false},
		{"1", "0", "2", maptile.Tile{}, false},
		{"-1", "0", "0", maptile.Tile{}, false},
		{"1", "+1", "0", maptile.Tile{}, false},
		{"01", "0", "0", maptile.Tile{}, false},
		{"a", "0", "0", maptile.Tile{}, false},
		{"", "0", "0", maptile.Tile{}, false},
		{"3", "1.5", "0", maptile.Tile{}, false},
		{"3", "99999999999", "0", maptile.Tile{}, false},
	}
	for _, tt := range tests {
		got, err := ParseTile(tt.z, tt.x, tt.y)
		if tt.ok {
			if err != nil || got != tt.want {
				t.Errorf("ParseTile(%s,%s,%s) = %v, %v; want %v", tt.z, tt.x, tt.y, got, err, tt.want)
			}
			continue
		}
		if !errors.Is(err, ErrBadTile) {
			t.Errorf("ParseTile(%s,%s,%s) err = %v, want ErrBadTile", tt.z, tt.x, tt.y, err)
		}
	}
}

func TestBufferedTileBoundWithoutBufferIsMaptileBound(t *testing.T) {
	for _, tl := range []maptile.Tile{maptile.New(0, 0, 0), maptile.New(8290, 6013, 14), maptile.New(3, 5, 4)} {
		got, want := BufferedTileBound(tl, 0), tl.Bound()
		for i := range 2 {
			if d := got.Min[i] - want.Min[i]; d > 1e-9 || d < -1e-9 {
				t.Errorf("%v: min %v want %v", tl, got.Min, want.Min)
			}
			if d := got.Max[i] - want.Max[i]; d > 1e-9 || d < -1e-9 {
				t.Errorf("%v: max %v want %v", tl, got.Max, want.Max)
			}
		}
	}
}

// TileRange must name exactly the tiles whose buffered bound intersects the box: checked
// against brute force over every tile of small zooms.
func TestTileRangeMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		lon, lat := 1.4+r.Float64()*0.2, 42.4+r.Float64()*0.2
		b := orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + r.Float64()*0.01, lat + r.Float64()*0.01}}
		if r.IntN(4) == 0 {
			b.Max = b.Min // a point
		}
		z := maptile.Zoom(8 + r.IntN(8))
		minX, minY, maxX, maxY := TileRange(b, z, TileBuffer)
		// Brute force around the centre: the range is small at these zooms.
		c := maptile.At(b.Center(), z)
		for x := int(c.X) - 4; x <= int(c.X)+4; x++ {
			for y := int(c.Y) - 4; y <= int(c.Y)+4; y++ {
				tl := maptile.New(uint32(x), uint32(y), z)
				want := BoundsIntersect(BufferedTileBound(tl, TileBuffer), b)
				got := uint32(x) >= minX && uint32(x) <= maxX && uint32(y) >= minY && uint32(y) <= maxY
				if got != want {
					t.Fatalf("z%d box %v tile %d/%d: in range %v, intersects %v (range %d..%d, %d..%d)",
						z, b, x, y, got, want, minX, maxX, minY, maxY)
				}
			}
		}
	}
}

// FuzzParseTile: whatever the input, ParseTile either refuses it with ErrBadTile or returns
// a valid tile whose canonical spelling is the input itself (one tile, one URL).
func FuzzParseTile(f *testing.F) {
	f.Add("14", "8290", "6013")
	f.Add("0", "0", "0")
	f.Add("22", "4194304", "1")
	f.Add("01", "+1", " 2")
	f.Fuzz(func(t *testing.T, z, x, y string) {
		tl, err := ParseTile(z, x, y)
		if err != nil {
			if !errors.Is(err, ErrBadTile) {
				t.Fatalf("error %v is not ErrBadTile", err)
			}
			return
		}
		if !tl.Valid() || tl.Z > MaxTileZoom {
			t.Fatalf("invalid tile %v from %q/%q/%q", tl, z, x, y)
		}
		if got := fmt.Sprintf("%d/%d/%d", tl.Z, tl.X, tl.Y); got != z+"/"+x+"/"+y {
			t.Fatalf("%q/%q/%q parsed as %s", z, x, y, got)
		}
	})
}
