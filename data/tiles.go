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

// VectorTile returns the Mapbox Vector Tile of layer at t, made by PostGIS in one query.
// Features whose geometry ST_AsMVTGeom drops (outside the buffer, collapsed to nothing) are
// skipped by ST_AsMVT itself; filtering them in SQL would run ST_AsMVTGeom twice.
// A tile with no features is empty (zero bytes, a valid MVT without layers). The filter
// applies to the coverage and heat layers only.
func (s *Store) VectorTile(ctx context.Context, layer string, t maptile.Tile, f CoverageFilter) ([]byte, error) {
	var q string
	switch layer {
	case LayerStreets:
		q = streetsTileSQL
	case LayerShops:
		q = shopsTileSQL
	case LayerStations:
		q = stationsTileSQL
	case LayerCoverage:
		q = coverageTileSQL(f)
	case LayerHeat:
		q = heatTileSQL(f)
	default:
		return nil, fmt.Errorf("vector tile: unknown layer %q", layer)
	}
	args := f.args(t)
	// Heat points one bin beyond the edge land in the MVT buffer, so a heatmap layer's
	// kernel has its neighbours' data at the seams.
	args["pad"], args["bins"] = 1, HeatBins
	var mvt []byte
	if err := s.pool.QueryRow(ctx, q, args).Scan(&mvt); err != nil {
		return nil, fmt.Errorf("vector tile %s %d/%d/%d: %w", layer, t.Z, t.X, t.Y, err)
	}
	return mvt, nil
}

const streetsTileSQL = `WITH` + tileBounds + `
	SELECT COALESCE(ST_AsMVT(t, 'streets', @extent, 'geom', 'id'), '') FROM (
		SELECT b.id, b.name, b.highway, b.oneway, round(b.length_m::numeric, 1)::float8 AS length_m,
		       ST_AsMVTGeom(ST_Transform(b.geom, 3857), bounds.env, @extent, @buffer, true) AS geom
		FROM blocks b, bounds
		WHERE b.geom && bounds.box
	) t`

const shopsTileSQL = `WITH` + tileBounds + `
	SELECT COALESCE(ST_AsMVT(t, 'shops', @extent, 'geom', 'id'), '') FROM (
		SELECT s.id, s.name, s.category, s.kind, COALESCE(l.status, 'unknown') AS status,
		       ST_AsMVTGeom(ST_Transform(s.geom, 3857), bounds.env, @extent, @buffer, true) AS geom
		FROM shops s CROSS JOIN bounds LEFT JOIN shop_ledger l ON l.shop_id = s.id
		WHERE s.geom && bounds.box
	) t`

const stationsTileSQL = `WITH` + tileBounds + `
	SELECT COALESCE(ST_AsMVT(t, 'stations', @extent, 'geom', 'id'), '') FROM (
		SELECT s.id, s.name, s.kind,
		       ST_AsMVTGeom(ST_Transform(s.geom, 3857), bounds.env, @extent, @buffer, true) AS geom
		FROM stations s, bounds
		WHERE s.geom && bounds.box
	) t`

// coverageTileSQL draws every block of the tile (and area) with its sweeps: last_swept
// (Unix seconds, absent when never swept), sweeps (count in the window) and, for a plan,
// planned (assigned in the plan, to the worker if one is given), worker_id (the assignee)
// and done (a planned block swept since the plan was made, within the window, by its
// assignee or with a check-in that names the plan).
func coverageTileSQL(f CoverageFilter) string {
	q := `WITH` + tileBounds + `,` + areaFilter("bounds") + `,
	plan AS (SELECT id, created_at FROM plans WHERE id = @plan)
	SELECT COALESCE(ST_AsMVT(t, 'coverage', @extent, 'geom', 'id'), '') FROM (
		SELECT b.id, b.name, b.highway, round(b.length_m::numeric, 1)::float8 AS length_m,
		       extract(epoch FROM c.last_swept)::bigint AS last_swept, COALESCE(c.sweeps, 0)::bigint AS sweeps,`
	if f.PlanID != 0 {
		q += `
		       pa.worker_id IS NOT NULL AS planned, pa.worker_id,
		       pa.worker_id IS NOT NULL AND EXISTS (
		           SELECT 1 FROM plan p WHERE EXISTS (
		               SELECT 1 FROM visits v WHERE v.block_id = b.id AND v.visited_at >= p.created_at
		                 AND (v.plan_id = p.id OR v.worker_id = pa.worker_id)
		                 AND (@since::timestamptz IS NULL OR v.visited_at >= @since)
		                 AND (@until::timestamptz IS NULL OR v.visited_at < @until))
		           OR EXISTS (
		               SELECT 1 FROM gps_sweeps g WHERE g.block_id = b.id AND g.swept_at >= p.created_at
		                 AND g.worker_id = pa.worker_id
		                 AND (@since::timestamptz IS NULL OR g.swept_at >= @since)
		                 AND (@until::timestamptz IS NULL OR g.swept_at < @until))) AS done,`
	}
	q += `
		       ST_AsMVTGeom(ST_Transform(b.geom, 3857), bounds.env, @extent, @buffer, true) AS geom
		FROM bounds CROSS JOIN blocks b`
	if f.materialised() {
		q += `
		LEFT JOIN block_coverage c ON c.block_id = b.id`
	} else {
		q += `
		LEFT JOIN LATERAL (
			SELECT max(e.t) AS last_swept, count(*) AS sweeps FROM (
				SELECT v.visited_at AS t FROM visits v
				WHERE v.block_id = b.id AND (@worker = 0 OR v.worker_id = @worker)
				  AND (@since::timestamptz IS NULL OR v.visited_at >= @since)
				  AND (@until::timestamptz IS NULL OR v.visited_at < @until)
				UNION ALL
				SELECT g.swept_at FROM gps_sweeps g
				WHERE g.block_id = b.id AND (@worker = 0 OR g.worker_id = @worker)
				  AND (@since::timestamptz IS NULL OR g.swept_at >= @since)
				  AND (@until::timestamptz IS NULL OR g.swept_at < @until)
			) e
		) c ON true`
	}
	if f.PlanID != 0 {
		q += `
		LEFT JOIN plan_assignments pa ON pa.plan_id = @plan AND pa.block_id = b.id
		     AND (@worker = 0 OR pa.worker_id = @worker)`
	}
	q += `
		WHERE b.geom && bounds.box`
	if f.AreaID != 0 {
		q += `
		  AND EXISTS (SELECT 1 FROM area WHERE area.covers OR ST_Intersects(b.geom, area.geom))`
	}
	q += `
	) t`
	return q
}

// heatPointsSQL yields (geom 3857, n) sweep positions near the tile: the 8 m cells of
// heat_cells for all-time totals, else the matching sweep events, each located like
// sweep_events does (own position, else block middle, else shop) and found through the
// indexes of whichever table carries the position.
func heatPointsSQL(f CoverageFilter) string {
	if f.materialised() {
		q := `
	pts AS (
		SELECT h.geom, h.n FROM heat_cells h, wide
		WHERE h.geom && wide.env`
		if f.AreaID != 0 {
			q += ` AND EXISTS (SELECT 1 FROM area WHERE area.covers OR ST_Intersects(h.geom, area.geom3857))`
		}
		return q + `
	)`
	}
	win := func(col string) string {
		return fmt.Sprintf(` AND (@worker = 0 OR %[1]s.worker_id = @worker)
			AND (@since::timestamptz IS NULL OR %[2]s >= @since)
			AND (@until::timestamptz IS NULL OR %[2]s < @until)`, col[:1], col)
	}
	// Check-ins without their own position are counted per block (or shop) through the
	// (block_id, visited_at) index and placed once at its middle, not located one by one.
	// num_nulls(geom) = 1 says "geom IS NULL" in a form the planner cannot answer from the
	// GIST index on geom, which it otherwise ANDs in and reads whole (a million entries).
	q := `
	ev AS (
		SELECT v.geom AS loc, 1::bigint AS n FROM visits v, wide
		WHERE v.geom && wide.box` + win("v.visited_at") + `
		UNION ALL
		SELECT m.mid, c.n FROM wide, blocks b
		CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(b.geom, 0.5) AS mid) m
		CROSS JOIN LATERAL (
			SELECT count(*) AS n FROM visits v
			WHERE v.block_id = b.id AND num_nulls(v.geom) = 1` + win("v.visited_at") + `) c
		WHERE b.geom && wide.box AND m.mid && wide.box AND c.n > 0
		UNION ALL
		SELECT s.geom, c.n FROM wide, shops s
		CROSS JOIN LATERAL (
			SELECT count(*) AS n FROM visits v
			WHERE v.shop_id = s.id AND num_nulls(v.geom, v.block_id) = 2` + win("v.visited_at") + `) c
		WHERE s.geom && wide.box AND c.n > 0
		UNION ALL
		SELECT m.mid, c.n FROM wide, blocks b
		CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(b.geom, 0.5) AS mid) m
		CROSS JOIN LATERAL (
			SELECT count(*) AS n FROM gps_sweeps g
			WHERE g.block_id = b.id` + win("g.swept_at") + `) c
		WHERE b.geom && wide.box AND m.mid && wide.box AND c.n > 0
	),
	pts AS (
		SELECT ST_Transform(loc, 3857) AS geom, n FROM ev`
	if f.AreaID != 0 {
		q += ` WHERE EXISTS (SELECT 1 FROM area WHERE area.covers OR ST_Intersects(ev.loc, area.geom))`
	}
	return q + `
	)`
}

// heatBinsSQL counts the sweep positions per bin of a HeatBins×HeatBins grid over the tile,
// including @pad bins around it (for the PNG kernel and MVT buffer). Bin (i, j) counts from
// the tile's top-left corner; bins outside the tile have i or j below 0 or at least HeatBins.
func heatBinsSQL(f CoverageFilter) string {
	return `WITH` + tileBounds + `,
	wide AS (
		SELECT ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * @pad / @bins) AS env,
		       ST_Transform(ST_Expand(env, (ST_XMax(env) - ST_XMin(env)) * @pad / @bins), 4326) AS box,
		       ST_XMin(env) AS x0, ST_YMax(env) AS y1, (ST_XMax(env) - ST_XMin(env)) / @bins AS size
		FROM bounds
	),` + areaFilter("wide") + `,` + heatPointsSQL(f) + `,
	bins AS (
		SELECT floor((ST_X(pts.geom) - wide.x0) / wide.size)::int AS i,
		       floor((wide.y1 - ST_Y(pts.geom)) / wide.size)::int AS j,
		       sum(pts.n)::bigint AS n
		FROM pts, wide
		GROUP BY 1, 2
	)`
}

func heatTileSQL(f CoverageFilter) string {
	return heatBinsSQL(f) + `
	SELECT COALESCE(ST_AsMVT(t, 'heat', @extent, 'geom'), '') FROM (
		SELECT bins.n AS count,
		       ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(wide.x0 + (bins.i + 0.5) * wide.size,
		                                            wide.y1 - (bins.j + 0.5) * wide.size), 3857),
		                    bounds.env, @extent, @buffer, true) AS geom
		FROM bins, wide, bounds
		WHERE bins.i BETWEEN -@pad AND @bins - 1 + @pad AND bins.j BETWEEN -@pad AND @bins - 1 + @pad
	) t`
}

// HeatBin is the number of sweeps in one bin of a heat tile's grid.
type HeatBin struct {
	I, J int
	N    int64
}

// HeatBins returns the non-empty bins of the HeatBins×HeatBins grid over t, with pad
// extra bins on each side, for rendering a raster heatmap whose kernel reaches across
// tile edges.
func (s *Store) HeatBins(ctx context.Context, t maptile.Tile, pad int, f CoverageFilter) ([]HeatBin, error) {
	args := f.args(t)
	args["pad"], args["bins"] = pad, HeatBins
	q := heatBinsSQL(f) + `
	SELECT i, j, n FROM bins
	WHERE i BETWEEN -@pad AND @bins - 1 + @pad AND j BETWEEN -@pad AND @bins - 1 + @pad`
	rows, err := s.pool.Query(ctx, q, args)
	if err != nil {
		return nil, fmt.Errorf("heat bins %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HeatBin, error) {
		var b HeatBin
		err := r.Scan(&b.I, &b.J, &b.N)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("heat bins %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return out, nil
}

// LayerBounds returns the lon/lat extent of a layer's features (of the area's, when area
// is not 0), for TileJSON; ok is false when there are none.
func (s *Store) LayerBounds(ctx context.Context, layer string, area int64) (b orb.Bound, ok bool, err error) {
	table := "blocks"
	switch layer {
	case LayerShops:
		table = "shops"
	case LayerStations:
		table = "stations"
	}
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
