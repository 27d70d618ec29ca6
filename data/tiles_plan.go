package data

// LayerPlanCoverage is the layer of one plan's blocks, each done or not done.
const LayerPlanCoverage = "plan-coverage"

// planCoverageTiles draws the blocks of one plan (of one of its workers, with WorkerID) as
// done or not done, for a supervisor following the day: unlike the coverage layer it
// draws nothing outside the plan and needs no window.
type planCoverageTiles struct{}

func (planCoverageTiles) layer() TileLayer {
	return TileLayer{
		Name:        LayerPlanCoverage,
		Description: "The blocks of one plan (plan= is required), each done or not done.",
		Fields: map[string]string{
			"name":      "String: street name",
			"worker_id": "Number: the worker the plan assigns the block to",
			"done":      "Boolean: " + planDoneRule,
			"done_at":   "Number: when it was first done, Unix seconds (absent: not done)",
		},
		Filter: FilterPlanRequired | FilterWorker,
		Live:   true,
		// Check-ins, GPS passes, re-assignments and block edits all notify "coverage".
		ChangedBy: []string{LayerCoverage},
	}
}

func (planCoverageTiles) extentTable() string { return "blocks" }

// planDoneRule says when a plan's block is done; planDoneSQL is the same rule in SQL.
const planDoneRule = "checked in naming the plan, or checked in or passed by GPS by its worker, since the plan was made (each block counts once)"

// planDoneSQL yields done_at for block b assigned to pa.worker_id in plan p: the first sweep
// that counts, NULL when none does. Each (block_id, time) index is probed once per source.
const planDoneSQL = `
		LEFT JOIN LATERAL (
			SELECT min(e.t) AS done_at FROM (
				SELECT min(v.visited_at) AS t FROM visits v
				WHERE v.block_id = b.id AND v.visited_at >= p.created_at
				  AND (v.plan_id = p.id OR v.worker_id = pa.worker_id)
				UNION ALL
				SELECT min(g.swept_at) FROM gps_sweeps g
				WHERE g.block_id = b.id AND g.swept_at >= p.created_at AND g.worker_id = pa.worker_id
			) e
		) d ON true`

func (planCoverageTiles) tileSQL(CoverageFilter) string {
	return `WITH` + tileBounds + `
	SELECT COALESCE(ST_AsMVT(t, '` + LayerPlanCoverage + `', @extent, 'geom', 'id'), '') FROM (
		SELECT b.id, b.name, pa.worker_id, d.done_at IS NOT NULL AS done,
		       extract(epoch FROM d.done_at)::bigint AS done_at,
		       ST_AsMVTGeom(ST_Transform(b.geom, 3857), bounds.env, @extent, @buffer, true) AS geom
		FROM bounds
		CROSS JOIN plans p
		JOIN plan_assignments pa ON pa.plan_id = p.id AND (@worker = 0 OR pa.worker_id = @worker)
		JOIN blocks b ON b.id = pa.block_id` + planDoneSQL + `
		WHERE p.id = @plan AND b.geom && bounds.box
	) t`
}
