package api

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/gridsweep/gridsweep/geo"
)

func TestMemoryTileCacheEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	key := func(x uint32) TileKey { return TileKey{Layer: "streets", Format: "mvt", Tile: maptile.New(x, 0, 10)} }
	tile := func() *CachedTile { return &CachedTile{Body: make([]byte, 100), ETag: `"e"`} }
	// Each entry takes 100 + 3 + 7 + 3 = 113 bytes: three fit in 350, four do not.
	c := NewMemoryTileCache(350)
	for x := range uint32(3) {
		c.Put(key(x), tile(), c.Generation())
	}
	c.Get(key(0)) // 0 is now the most recent; 1 the least
	c.Put(key(3), tile(), c.Generation())
	if _, ok := c.Get(key(1)); ok {
		t.Error("the least recently used tile survived")
	}
	for _, x := range []uint32{0, 2, 3} {
		if _, ok := c.Get(key(x)); !ok {
			t.Errorf("tile %d was evicted", x)
		}
	}
	if c.Len() != 3 || c.Bytes() != 339 {
		t.Errorf("len %d bytes %d, want 3 and 339", c.Len(), c.Bytes())
	}
	// Replacing a tile does not count it twice.
	c.Put(key(3), tile(), c.Generation())
	if c.Len() != 3 || c.Bytes() != 339 {
		t.Errorf("after replace: len %d bytes %d", c.Len(), c.Bytes())
	}
	// A tile rendered before an invalidation is not stored.
	gen := c.Generation()
	c.Invalidate([]string{"heat"}, []orb.Bound{{}})
	c.Put(key(9), tile(), gen)
	if _, ok := c.Get(key(9)); ok {
		t.Error("a tile rendered before an invalidation was cached")
	}
	c.Purge()
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Errorf("after purge: len %d bytes %d", c.Len(), c.Bytes())
	}
}

// Invalidate must drop exactly the tiles whose buffered bounds meet a box, at all zooms and
// for both of its strategies (walking the box's range or the cached tiles).
func TestMemoryTileCacheInvalidatesExactlyIntersectingTiles(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := range 30 {
		c := NewMemoryTileCache(1 << 30)
		var keys []TileKey
		for range 300 {
			z := maptile.Zoom(10 + r.IntN(7))
			tl := maptile.At(orb.Point{1.50 + r.Float64()*0.06, 42.48 + r.Float64()*0.06}, z)
			k := newTileKey([]string{"coverage", "streets"}[r.IntN(2)], []string{"mvt", "png"}[r.IntN(2)], tl, "area=1")
			keys = append(keys, k)
			c.Put(k, &CachedTile{Body: []byte{1}}, c.Generation())
		}
		lon, lat := 1.50+r.Float64()*0.06, 42.48+r.Float64()*0.06
		box := orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + r.Float64()*0.002*float64(round%5), lat + r.Float64()*0.002}}
		c.Invalidate([]string{"coverage"}, []orb.Bound{box})
		for _, k := range keys {
			_, ok := c.Get(k)
			hit := k.Layer == "coverage" && geo.BoundsIntersect(geo.BufferedTileBound(k.Tile, k.Margin), box)
			if ok == hit {
				t.Fatalf("round %d: %v cached %v, intersects %v", round, k, ok, hit)
			}
		}
	}
}
