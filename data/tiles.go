package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Tile layers: the names in URLs, in TileJSON and inside the MVT.
const (
	LayerStreets  = "streets"
	LayerShops    = "shops"
	LayerStations = "stations"
	LayerCoverage = "coverage"
	LayerHeat     = "heat"
)

// MVTExtent and MVTBuffer are the tile grid of every vector tile: 4096 units, 64 of them
// drawn around the edge (geo.TileBuffer is the same margin as a fraction).
const (
	MVTExtent = 4096
	MVTBuffer = 64
)

// HeatBins is how many bins a heat tile has along each side: 64 bins of 4 pixels on a
// 256-pixel tile, fine enough for a smooth kernel and small enough to query fast.
const HeatBins = 64

// CoverageFilter narrows the coverage and heat layers. The zero value means all areas,
// all time, every worker and no plan.
type CoverageFilter struct {
	// AreaID keeps blocks (and sweep positions) that intersect the area; 0 keeps all.
	AreaID int64
	// PlanID adds planned/done/worker_id to the coverage layer; 0 for none.
	PlanID int64
	// WorkerID counts only this worker's sweeps; 0 counts everyone's.
	WorkerID int64
	// Since and Until bound the sweeps counted: Since <= t < Until. Zero means open.
	Since, Until time.Time
}

// materialised reports whether the all-time running totals (block_coverage, heat_cells)
// answer f, which is much cheaper than counting sweep events.
func (f CoverageFilter) materialised() bool {
	return f.WorkerID == 0 && f.Since.IsZero() && f.Until.IsZero()
}

func (f CoverageFilter) args(t maptile.Tile) pgx.NamedArgs {
	a := pgx.NamedArgs{
		"z": int(t.Z), "x": int(t.X), "y": int(t.Y),
		"extent": MVTExtent, "buffer": MVTBuffer, "margin": float64(MVTBuffer) / MVTExtent,
		"area": f.AreaID, "plan": f.PlanID, "worker": f.WorkerID,
		"since": nil, "until": nil,
	}
	if !f.Since.IsZero() {
		a["since"] = f.Since
	}
	if !f.Until.IsZero() {
		a["until"] = f.Until
	}
	return a
}

// tileBounds is the common head of every tile query: the tile envelope in Web Mercator
// and the buffered envelope in lon/lat for the GIST index on the 4326 columns.
const tileBounds = `
	bounds AS (
		SELECT ST_TileEnvelope(@z, @x, @y) AS env,
		       ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => @margin), 4326) AS box
	)`

// areaFilter is the optional area as a one-row CTE (boxes names the CTE with the query's box), materialised so that its geometry is
// read, transformed and tested against the tile once per query, not once per feature:
// covers says the whole (buffered) tile lies inside the area, so no feature needs a test.
// No row (an unknown area) matches nothing; the API checks the area first.
func areaFilter(boxes string) string {
	return `
	area AS MATERIALIZED (
		SELECT a.geom, ST_Transform(a.geom, 3857) AS geom3857, ST_Covers(a.geom, ` + boxes + `.box) AS covers
		FROM areas a, ` + boxes + ` WHERE a.id = @area
	)`
}

// TileFilter says which parts of a CoverageFilter a tile layer takes.
type TileFilter uint8

// The parts of a CoverageFilter a layer may take.
const (
	// FilterArea: AreaID narrows the features to an area.
	FilterArea TileFilter = 1 << iota
	// FilterPlan: PlanID adds a plan's assignments.
	FilterPlan
	// FilterWorker: WorkerID narrows to one worker's sweeps or blocks.
	FilterWorker
	// FilterWindow: Since and Until bound the sweeps counted.
	FilterWindow
	// FilterPlanRequired: the layer draws one plan and cannot be drawn without PlanID.
	FilterPlanRequired
)

// TileLayer describes one vector tile layer: what its features carry, what it may be asked
// and when its tiles change. The tile server builds its routes, query parsing, cache policy
// and TileJSON from these, so a new layer is one tileSource here and nothing in api.
type TileLayer struct {
	// Name is the layer in tile URLs, in TileJSON, in tile-change notifications and inside
	// the MVT.
	Name string
	// Description and Fields (name → "Type: meaning") are TileJSON's vector_layers entry.
	Description string
	Fields      map[string]string
	// Filter lists the parts of CoverageFilter the layer takes; zero means none.
	Filter TileFilter
	// Live says the tiles change with field work (check-ins, GPS, the shop ledger), not
	// only with imports and edits.
	Live bool
	// ChangedBy lists the layers named in tile-change notifications (see TileChange) after
	// which this layer's tiles in the changed boxes are stale.
	ChangedBy []string
}

// tileSource is one tile layer as data knows it: one type per layer owns its description
// and the query that draws its tiles.
type tileSource interface {
	layer() TileLayer
	// tileSQL is the query of one tile: named arguments from CoverageFilter.args, one row
	// with the MVT bytes.
	tileSQL(f CoverageFilter) string
	// extentTable names the table (with a geom column in SRID 4326) whose features bound
	// the layer.
	extentTable() string
}

// tileSources registers every vector tile layer, in the order TileLayers lists them.
var tileSources = []tileSource{streetsTiles{}, shopsTiles{}, stationsTiles{}, coverageTiles{}, heatTiles{}, planCoverageTiles{}}

func tileSourceOf(name string) (tileSource, bool) {
	for _, s := range tileSources {
		if s.layer().Name == name {
			return s, true
		}
	}
	return nil, false
}

// TileLayers returns every vector tile layer data can draw.
func TileLayers() []TileLayer {
	out := make([]TileLayer, len(tileSources))
	for i, s := range tileSources {
		out[i] = s.layer()
	}
	return out
}

// VectorTile returns the Mapbox Vector Tile of layer at t, made by PostGIS in one query.
// Features whose geometry ST_AsMVTGeom drops (outside the buffer, collapsed to nothing) are
// skipped by ST_AsMVT itself; filtering them in SQL would run ST_AsMVTGeom twice.
// A tile with no features is empty (zero bytes, a valid MVT without layers). Layers that
// take no filter ignore f.
func (s *Store) VectorTile(ctx context.Context, layer string, t maptile.Tile, f CoverageFilter) ([]byte, error) {
	src, ok := tileSourceOf(layer)
	if !ok {
		return nil, fmt.Errorf("vector tile: unknown layer %q", layer)
	}
	args := f.args(t)
	// Heat points one bin beyond the edge land in the MVT buffer, so a heatmap layer's
	// kernel has its neighbours' data at the seams.
	args["pad"], args["bins"] = 1, HeatBins
	var mvt []byte
	if err := s.pool.QueryRow(ctx, src.tileSQL(f), args).Scan(&mvt); err != nil {
		return nil, fmt.Errorf("vector tile %s %d/%d/%d: %w", layer, t.Z, t.X, t.Y, err)
	}
	return mvt, nil
}

// LayerBounds returns the lon/lat extent of a layer's features (of the area's, when area
// is not 0), for TileJSON; ok is false when there are none.
func (s *Store) LayerBounds(ctx context.Context, layer string, area int64) (b orb.Bound, ok bool, err error) {
	src, ok := tileSourceOf(layer)
	if !ok {
		return b, false, fmt.Errorf("%s bounds: unknown layer", layer)
	}
	table := src.extentTable()
	var x0, y0, x1, y1 *float64
	err = s.pool.QueryRow(ctx, `
		WITH e AS (
			SELECT ST_Extent(t.geom) AS box FROM `+table+` t
			WHERE $1 = 0 OR EXISTS (SELECT 1 FROM areas a WHERE a.id = $1 AND ST_Intersects(t.geom, a.geom)))
		SELECT ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box) FROM e`, area).Scan(&x0, &y0, &x1, &y1)
	if err != nil {
		return b, false, fmt.Errorf("%s bounds: %w", layer, err)
	}
	if x0 == nil {
		return b, false, nil
	}
	return orb.Bound{Min: orb.Point{*x0, *y0}, Max: orb.Point{*x1, *y1}}, true, nil
}

// AreaBounds returns the lon/lat extent of an area (ErrRecordNotFound when there is none).
func (s *Store) AreaBounds(ctx context.Context, area int64) (orb.Bound, error) {
	var x0, y0, x1, y1 float64
	err := s.pool.QueryRow(ctx, `
		SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM areas WHERE id = $1`, area).
		Scan(&x0, &y0, &x1, &y1)
	if errors.Is(err, pgx.ErrNoRows) {
		return orb.Bound{}, fmt.Errorf("area %d: %w", area, ErrRecordNotFound)
	}
	if err != nil {
		return orb.Bound{}, fmt.Errorf("area %d bounds: %w", area, err)
	}
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}, nil
}
