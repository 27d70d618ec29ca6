package data

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Position is where and when a worker was last seen.
type Position struct {
	Lon float64   `json:"lon"`
	Lat float64   `json:"lat"`
	At  time.Time `json:"at"`
}

// WorkerActivity is one worker's day in a plan: the blocks and shops of the worker's route
// and how many are done, counted between From and To (the plan's day).
type WorkerActivity struct {
	WorkerID     int64
	Name         string
	ShiftMinutes int
	BlocksTotal  int
	BlocksDone   int
	LengthM      float64 // street length of the worker's blocks
	DoneM        float64 // of which done
	ShopsTotal   int
	ShopsVisited int
	// LastPosition is the latest GPS fix or positioned check-in of the day.
	LastPosition  *Position
	FirstActivity *time.Time
	LastActivity  *time.Time
}

// doneBlock is the SQL test that block a.block_id was swept in the day ($2..$3) or checked
// in for plan $1: a check-in (by anyone) or a GPS pass.
const doneBlock = `(EXISTS (SELECT 1 FROM visits v WHERE v.block_id = a.block_id
	                   AND (v.plan_id = $1 OR (v.visited_at >= $2 AND v.visited_at < $3)))
	 OR EXISTS (SELECT 1 FROM gps_sweeps g WHERE g.block_id = a.block_id AND g.swept_at >= $2 AND g.swept_at < $3))`

// PlanActivity counts each worker's progress in plan between from and to. Each block is
// counted once, whoever swept it and however often; a shop counts as visited with a
// check-in or a shop ledger entry. Workers are those with a route or a block in the plan.
func (s *Store) PlanActivity(ctx context.Context, plan int64, from, to time.Time) ([]WorkerActivity, error) {
	if err := s.EnsurePlanShops(ctx, plan); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `
		WITH a AS (
			SELECT pa.worker_id, pa.block_id, b.length_m
			FROM plan_assignments pa JOIN blocks b ON b.id = pa.block_id WHERE pa.plan_id = $1
		),
		ad AS (SELECT a.*, `+doneBlock+` AS done FROM a),
		blk AS (
			SELECT worker_id, count(*) AS n, count(*) FILTER (WHERE done) AS done,
			       sum(length_m) AS len, coalesce(sum(length_m) FILTER (WHERE done), 0) AS done_m
			FROM ad GROUP BY worker_id
		),
		sh AS (
			SELECT a.worker_id, count(*) AS n, count(*) FILTER (WHERE
				EXISTS (SELECT 1 FROM visits v WHERE v.shop_id = ps.shop_id
				        AND (v.plan_id = $1 OR (v.visited_at >= $2 AND v.visited_at < $3)))
				OR EXISTS (SELECT 1 FROM ledger_events e WHERE e.shop_id = ps.shop_id AND e.worker_id IS NOT NULL
				           AND e.observed_at >= $2 AND e.observed_at < $3)) AS visited
			FROM plan_shops ps JOIN a ON a.block_id = ps.block_id
			WHERE ps.plan_id = $1 GROUP BY a.worker_id
		),
		ws AS (SELECT worker_id FROM routes WHERE plan_id = $1 UNION SELECT worker_id FROM a)
		SELECT w.id, w.name, w.shift_minutes,
		       coalesce(blk.n, 0), coalesce(blk.done, 0), coalesce(blk.len, 0), coalesce(blk.done_m, 0),
		       coalesce(sh.n, 0), coalesce(sh.visited, 0),
		       g.recorded_at, ST_X(g.geom), ST_Y(g.geom),
		       vl.visited_at, ST_X(vl.geom), ST_Y(vl.geom),
		       least(gf.t0, vf.t0), greatest(g.recorded_at, vf.t1)
		FROM ws JOIN workers w ON w.id = ws.worker_id
		LEFT JOIN blk ON blk.worker_id = w.id
		LEFT JOIN sh ON sh.worker_id = w.id
		LEFT JOIN LATERAL (SELECT recorded_at, geom FROM gps_points
		                   WHERE worker_id = w.id AND recorded_at >= $2 AND recorded_at < $3
		                   ORDER BY recorded_at DESC LIMIT 1) g ON true
		LEFT JOIN LATERAL (SELECT min(recorded_at) AS t0 FROM gps_points
		                   WHERE worker_id = w.id AND recorded_at >= $2 AND recorded_at < $3) gf ON true
		LEFT JOIN LATERAL (SELECT min(visited_at) AS t0, max(visited_at) AS t1 FROM visits
		                   WHERE worker_id = w.id AND visited_at >= $2 AND visited_at < $3) vf ON true
		LEFT JOIN LATERAL (SELECT visited_at, geom FROM visits
		                   WHERE worker_id = w.id AND geom IS NOT NULL AND visited_at >= $2 AND visited_at < $3
		                   ORDER BY visited_at DESC LIMIT 1) vl ON true
		ORDER BY w.id`, plan, from, to)
	if err != nil {
		return nil, fmt.Errorf("activity in plan %d: %w", plan, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (WorkerActivity, error) {
		var a WorkerActivity
		var gAt, vAt *time.Time
		var gLon, gLat, vLon, vLat *float64
		err := r.Scan(&a.WorkerID, &a.Name, &a.ShiftMinutes, &a.BlocksTotal, &a.BlocksDone, &a.LengthM, &a.DoneM,
			&a.ShopsTotal, &a.ShopsVisited, &gAt, &gLon, &gLat, &vAt, &vLon, &vLat, &a.FirstActivity, &a.LastActivity)
		if gAt != nil {
			a.LastPosition = &Position{Lon: *gLon, Lat: *gLat, At: *gAt}
		}
		if vAt != nil && (a.LastPosition == nil || vAt.After(a.LastPosition.At)) {
			a.LastPosition = &Position{Lon: *vLon, Lat: *vLat, At: *vAt}
		}
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("activity in plan %d: %w", plan, err)
	}
	return out, nil
}

// MissedBlock is a block of a worker's route not done in the day.
type MissedBlock struct {
	WorkerID int64   `json:"worker_id"`
	BlockID  int64   `json:"block_id"`
	Street   string  `json:"street"`
	LengthM  float64 `json:"length_m"`
}

// PlanMissedBlocks lists the blocks of plan not done between from and to, by worker and
// street name.
func (s *Store) PlanMissedBlocks(ctx context.Context, plan int64, from, to time.Time) ([]MissedBlock, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT a.worker_id, a.block_id, b.name, b.length_m
		FROM plan_assignments a JOIN blocks b ON b.id = a.block_id
		WHERE a.plan_id = $1 AND NOT `+doneBlock+`
		ORDER BY a.worker_id, b.name, a.block_id`, plan, from, to)
	if err != nil {
		return nil, fmt.Errorf("missed blocks of plan %d: %w", plan, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[MissedBlock])
	if err != nil {
		return nil, fmt.Errorf("missed blocks of plan %d: %w", plan, err)
	}
	return out, nil
}
