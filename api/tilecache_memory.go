package api

import (
	"container/list"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/gridsweep/gridsweep/geo"
)

// MemoryTileCache is the default TileCache: an LRU bounded by bytes, with an index by
// layer, zoom and tile so an invalidation visits only the tiles it can touch.
type MemoryTileCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	gen      uint64
	lru      *list.List // of *cacheEntry, most recent first
	entries  map[TileKey]*list.Element
	// index[layer][zoom][x,y] lists the keys of that tile (one per format and query).
	index map[string]map[maptile.Zoom]map[[2]uint32][]TileKey
	// maxMargin is the largest Margin ever stored: candidate ranges use it, then each
	// candidate is checked with its own.
	maxMargin float64
}

type cacheEntry struct {
	key  TileKey
	tile *CachedTile
}

// NewMemoryTileCache returns an empty cache holding at most maxBytes of tiles.
func NewMemoryTileCache(maxBytes int) *MemoryTileCache {
	return &MemoryTileCache{
		maxBytes: maxBytes,
		lru:      list.New(),
		entries:  map[TileKey]*list.Element{},
		index:    map[string]map[maptile.Zoom]map[[2]uint32][]TileKey{},
	}
}

// Get returns the tile and marks it recently used.
func (c *MemoryTileCache) Get(k TileKey) (*CachedTile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).tile, true
}

// Generation counts invalidations.
func (c *MemoryTileCache) Generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// Put stores t unless an invalidation happened after gen was read, evicting the least
// recently used tiles beyond the byte bound. A tile larger than the bound is not stored.
func (c *MemoryTileCache) Put(k TileKey, t *CachedTile, gen uint64) {
	size := t.size() + len(k.Query) + len(k.Layer) + len(k.Format)
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || size > c.maxBytes {
		return
	}
	if e, ok := c.entries[k]; ok {
		c.removeLocked(e)
	}
	c.entries[k] = c.lru.PushFront(&cacheEntry{key: k, tile: t})
	c.bytes += size
	c.maxMargin = max(c.maxMargin, k.Margin)
	zooms := c.index[k.Layer]
	if zooms == nil {
		zooms = map[maptile.Zoom]map[[2]uint32][]TileKey{}
		c.index[k.Layer] = zooms
	}
	tiles := zooms[k.Tile.Z]
	if tiles == nil {
		tiles = map[[2]uint32][]TileKey{}
		zooms[k.Tile.Z] = tiles
	}
	xy := [2]uint32{k.Tile.X, k.Tile.Y}
	tiles[xy] = append(tiles[xy], k)
	for c.bytes > c.maxBytes {
		c.removeLocked(c.lru.Back())
	}
}

func (c *MemoryTileCache) removeLocked(e *list.Element) {
	ce := e.Value.(*cacheEntry)
	k := ce.key
	c.lru.Remove(e)
	delete(c.entries, k)
	c.bytes -= ce.tile.size() + len(k.Query) + len(k.Layer) + len(k.Format)
	tiles := c.index[k.Layer][k.Tile.Z]
	xy := [2]uint32{k.Tile.X, k.Tile.Y}
	keys := slices.DeleteFunc(tiles[xy], func(o TileKey) bool { return o == k })
	if len(keys) == 0 {
		delete(tiles, xy)
		if len(tiles) == 0 {
			delete(c.index[k.Layer], k.Tile.Z)
		}
	} else {
		tiles[xy] = keys
	}
}

// Invalidate implements TileCache. Per zoom it walks whichever is smaller: the range of
// tiles a box covers or the cached tiles of that zoom.
func (c *MemoryTileCache) Invalidate(layers []string, boxes []orb.Bound) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	var doomed []TileKey
	for _, layer := range layers {
		for z, tiles := range c.index[layer] {
			for _, b := range boxes {
				minX, minY, maxX, maxY := geo.TileRange(b, z, c.maxMargin)
				hit := func(keys []TileKey) {
					for _, k := range keys {
						if geo.BoundsIntersect(geo.BufferedTileBound(k.Tile, k.Margin), b) {
							doomed = append(doomed, k)
						}
					}
				}
				span := (uint64(maxX-minX) + 1) * (uint64(maxY-minY) + 1)
				if span <= uint64(len(tiles)) {
					for x := minX; x <= maxX; x++ {
						for y := minY; y <= maxY; y++ {
							hit(tiles[[2]uint32{x, y}])
						}
					}
					continue
				}
				for xy, keys := range tiles {
					if xy[0] >= minX && xy[0] <= maxX && xy[1] >= minY && xy[1] <= maxY {
						hit(keys)
					}
				}
			}
		}
	}
	n := 0
	for _, k := range doomed {
		// Overlapping boxes name a tile twice; the second lookup finds it gone.
		if e, ok := c.entries[k]; ok {
			c.removeLocked(e)
			n++
		}
	}
	return n
}

// Purge implements TileCache.
func (c *MemoryTileCache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.lru.Init()
	c.entries = map[TileKey]*list.Element{}
	c.index = map[string]map[maptile.Zoom]map[[2]uint32][]TileKey{}
	c.bytes = 0
}

// Len returns the number of cached tiles.
func (c *MemoryTileCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Bytes returns the bytes the cached tiles take.
func (c *MemoryTileCache) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
