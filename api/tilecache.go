package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// DefaultTileCacheBytes bounds the default in-memory tile cache: at 5-30 kB a z14 tile,
// tens of thousands of tiles, the whole demo city at every dashboard zoom.
const DefaultTileCacheBytes = 64 << 20

// TileKey names one cached tile: its layer, format ("mvt", "png", "png@2x"), address and
// its normalised query (the same filter always spells the same way).
type TileKey struct {
	Layer  string
	Format string
	Tile   maptile.Tile
	Query  string
	// Margin is how far beyond its edges, as a fraction of its width, the tile's content
	// depends on data: geo.TileBuffer for vector tiles, the kernel's reach for heat PNGs.
	// A change that close to the tile invalidates it.
	Margin float64
}

// CachedTile is a rendered tile with what the handler needs to answer without rendering
// again: its ETag and, for vector tiles, a gzipped copy.
type CachedTile struct {
	Body []byte
	// Gzip is Body gzipped, or nil when gzip does not pay (PNG, empty tiles).
	Gzip []byte
	ETag string
}

func (t *CachedTile) size() int { return len(t.Body) + len(t.Gzip) + len(t.ETag) }

// TileCache stores rendered tiles: the only thing the tile handlers know of a cache, so a
// shared one (Redis, a PostgreSQL table) can replace the in-memory MemoryTileCache through
// TileOptions.Cache without touching them. Implementations are safe for concurrent use.
//
// Generation and Put together keep the cache from holding a tile rendered from data older
// than a change it has already been told about: the handler reads Generation before it
// queries, and Put drops the tile when an invalidation happened since. A shared cache keeps
// its generation shared too (a counter beside the tiles).
//
// The methods return no errors on purpose: a cache is an optimisation, so a shared cache
// that cannot be reached answers Get with a miss and drops a Put, and reports the failure
// itself (its own logger or metrics); tiles are then rendered, never wrong.
//
// Every replica hears every change notification and calls Invalidate or Purge; on a shared
// cache these repeat harmlessly.
type TileCache interface {
	// Get returns the tile stored under k, if any.
	Get(k TileKey) (*CachedTile, bool)
	// Generation counts the invalidations so far.
	Generation() uint64
	// Put stores t under k unless an invalidation happened since gen was read.
	Put(k TileKey, t *CachedTile, gen uint64)
	// Invalidate drops the tiles of the given layers whose bound grown by their Margin
	// intersects any of the boxes, at every zoom, and returns how many it dropped.
	Invalidate(layers []string, boxes []orb.Bound) int
	// Purge drops everything (a change whose extent is unknown).
	Purge()
}

// newTileKey names a tile in the cache with the margin its content depends on: the MVT
// buffer, or for heat PNGs the reach of the kernel (heatPad bins), since a check-in just
// across the edge colours the tile too.
func newTileKey(layer, format string, t maptile.Tile, query string) TileKey {
	margin := geo.TileBuffer
	if strings.HasPrefix(format, "png") {
		margin = float64(heatPad) / data.HeatBins
	}
	return TileKey{Layer: layer, Format: format, Tile: t, Query: query, Margin: margin}
}

// cached returns the tile from the cache or renders and stores it. The generation is read
// before rendering so a change notified meanwhile keeps the (possibly stale) tile out.
func (ts *tileService) cached(r *http.Request, key TileKey, render func(context.Context) ([]byte, error), zip bool) (*CachedTile, error) {
	useCache := ts.listening.Load() && !ts.uncached.Load()
	if t, ok := ts.cache.Get(key); ok && useCache {
		return t, nil
	}
	gen := ts.cache.Generation()
	body, err := render(r.Context())
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, fmt.Errorf("render %s tile %d/%d/%d: %w", key.Layer, key.Tile.Z, key.Tile.X, key.Tile.Y, err)
	}
	sum := sha256.Sum256(body)
	t := &CachedTile{Body: body, ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
	if zip && len(body) > 0 {
		var buf bytes.Buffer
		// A gzip writer allocates about a megabyte of tables: reuse them.
		zw := ts.gzips.Get().(*gzip.Writer)
		zw.Reset(&buf)
		_, err := zw.Write(body)
		if err == nil {
			err = zw.Close()
		}
		ts.gzips.Put(zw)
		if err != nil {
			return nil, fmt.Errorf("gzip tile: %w", err)
		}
		t.Gzip = buf.Bytes()
	}
	if useCache {
		ts.cache.Put(key, t, gen)
	}
	return t, nil
}
