package data

// coverageTiles draws every block with its sweeps; the filter narrows area, worker, window
// and adds a plan's assignments.
type coverageTiles struct{}

func (coverageTiles) layer() TileLayer {
	return TileLayer{
		Name: LayerCoverage, Description: "Street blocks with their sweeps in the window (check-ins and GPS passes).",
		Fields: map[string]string{
			"name": "String: street name", "highway": "String: OSM highway value", "length_m": "Number: length in metres",
			"last_swept": "Number: last sweep in the window, Unix seconds (absent: never)",
			"sweeps":     "Number: sweeps in the window",
			"planned":    "Boolean (with plan=): the block is assigned in the plan (to worker= if given)",
			"worker_id":  "Number (with plan=): the assigned worker",
			"done":       "Boolean (with plan=): planned and swept since the plan was made by its worker or naming the plan"},
		Filter: FilterArea | FilterPlan | FilterWorker | FilterWindow,
		Live:   true, ChangedBy: []string{LayerCoverage},
	}
}

func (coverageTiles) tileSQL(f CoverageFilter) string { return coverageTileSQL(f) }
func (coverageTiles) extentTable() string             { return "blocks" }

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
