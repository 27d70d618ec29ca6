package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CoveragePoint is an area's coverage on one day: the share of its street length swept
// within the trailing window that ends with that day.
type CoveragePoint struct {
	Day     time.Time `json:"day"`
	SweptM  float64   `json:"swept_m"`
	TotalM  float64   `json:"total_m"`
	Percent float64   `json:"percent"`
}

// AreaCoverage returns one point per UTC day from..to (inclusive): of the blocks that
// intersect the area, the length swept (checked in or passed by GPS) in the window days
// ending at the end of that day, as metres and as a percentage of the area's street length.
func (s *Store) AreaCoverage(ctx context.Context, area int64, from, to time.Time, window int) ([]CoveragePoint, error) {
	if window < 1 {
		return nil, fmt.Errorf("area %d coverage: window must be at least one day, not %d", area, window)
	}
	rows, err := s.pool.Query(ctx, `
		WITH a AS (SELECT geom FROM areas WHERE id = $1),
		ab AS (SELECT b.id, b.length_m FROM blocks b, a WHERE ST_Intersects(b.geom, a.geom)),
		total AS (SELECT COALESCE(sum(length_m), 0) AS m FROM ab),
		days AS (SELECT d::date AS day FROM generate_series($2::date, $3::date, interval '1 day') AS d),
		swept AS (
			SELECT days.day, COALESCE(sum(ab.length_m), 0) AS m
			FROM days LEFT JOIN ab ON EXISTS (
				SELECT 1 FROM (
					SELECT visited_at AS t FROM visits WHERE block_id = ab.id
					UNION ALL SELECT swept_at FROM gps_sweeps WHERE block_id = ab.id
				) e
				WHERE e.t < (days.day + 1)::timestamp AT TIME ZONE 'UTC'
				  AND e.t >= (days.day + 1 - $4::int)::timestamp AT TIME ZONE 'UTC')
			GROUP BY days.day
		)
		SELECT (swept.day::timestamp AT TIME ZONE 'UTC'), swept.m, total.m,
		       CASE WHEN total.m > 0 THEN 100 * swept.m / total.m ELSE 0 END
		FROM swept, total, a
		ORDER BY swept.day`, area, from.UTC(), to.UTC(), window)
	if err != nil {
		return nil, fmt.Errorf("area %d coverage: %w", area, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CoveragePoint, error) {
		var p CoveragePoint
		err := r.Scan(&p.Day, &p.SweptM, &p.TotalM, &p.Percent)
		p.Day = p.Day.UTC()
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("area %d coverage: %w", area, err)
	}
	if len(out) == 0 {
		if _, err := s.GetArea(ctx, area); err != nil {
			return nil, fmt.Errorf("area %d coverage: %w", area, err)
		}
	}
	return out, nil
}

// PlanAreaID returns the area a plan belongs to (ErrRecordNotFound when there is no such
// plan), so the tile server can check a token's scope before drawing the plan.
func (s *Store) PlanAreaID(ctx context.Context, plan int64) (int64, error) {
	var area int64
	err := s.pool.QueryRow(ctx, `SELECT area_id FROM plans WHERE id = $1`, plan).Scan(&area)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("plan %d: %w", plan, ErrRecordNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("plan %d: %w", plan, err)
	}
	return area, nil
}

// WorkerAreaID returns the area a worker belongs to (ErrRecordNotFound when there is none).
func (s *Store) WorkerAreaID(ctx context.Context, worker int64) (int64, error) {
	var area int64
	err := s.pool.QueryRow(ctx, `SELECT area_id FROM workers WHERE id = $1`, worker).Scan(&area)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("worker %d: %w", worker, ErrRecordNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("worker %d: %w", worker, err)
	}
	return area, nil
}

// BlockCoverage is the running all-time coverage of one block.
type BlockCoverage struct {
	BlockID   int64
	LastSwept time.Time
	Sweeps    int64
}

// BlockCoverageOf returns the all-time coverage of the given blocks that were ever swept.
func (s *Store) BlockCoverageOf(ctx context.Context, blocks []int64) ([]BlockCoverage, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT block_id, last_swept, sweeps FROM block_coverage WHERE block_id = ANY ($1) ORDER BY block_id`, blocks)
	if err != nil {
		return nil, fmt.Errorf("block coverage: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BlockCoverage, error) {
		var c BlockCoverage
		err := r.Scan(&c.BlockID, &c.LastSwept, &c.Sweeps)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("block coverage: %w", err)
	}
	return out, nil
}

// RebuildCoverage recomputes the running totals (block_coverage, heat_cells) from every
// sweep event. The triggers keep them right on their own; this is for bulk loads that ran
// with the triggers off and for repairs.
func (s *Store) RebuildCoverage(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			`TRUNCATE block_coverage, heat_cells`,
			`INSERT INTO block_coverage (block_id, last_swept, sweeps)
			 SELECT block_id, max(swept_at), count(*) FROM sweep_events WHERE block_id IS NOT NULL GROUP BY block_id`,
			`SELECT heat_cells_add(ARRAY(SELECT geom FROM sweep_events), 1)`,
			`SELECT tiles_notify(ARRAY['coverage', 'heat'], ARRAY[Box2D(ST_MakeEnvelope(-180, -90, 180, 90))])`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild coverage: %w", err)
	}
	return nil
}
