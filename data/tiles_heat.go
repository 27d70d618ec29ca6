package data

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/maptile"
)

// heatTiles draws sweep density as one point per bin with its count.
type heatTiles struct{}

func (heatTiles) layer() TileLayer {
	return TileLayer{
		Name: LayerHeat, Description: "Sweep density: one point per bin (1/64 of the tile) with its count; for heatmap layers.",
		Fields: map[string]string{"count": "Number: sweeps in the bin"},
		Filter: FilterArea | FilterWorker | FilterWindow,
		Live:   true, ChangedBy: []string{LayerHeat},
	}
}

func (heatTiles) tileSQL(f CoverageFilter) string { return heatTileSQL(f) }
func (heatTiles) extentTable() string             { return "blocks" }

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
