package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridsweep/gridsweep/routing"
)

// DateLayout is how a publication's day is written: YYYY-MM-DD.
const DateLayout = "2006-01-02"

// Publication is the plan an area's workers get on a day.
type Publication struct {
	AreaID int64  `json:"area_id"`
	Date   string `json:"date"`
	PlanID int64  `json:"plan_id"`
	// TimeZone is the zone the date is read in (the area's, resolved when published).
	TimeZone string `json:"time_zone"`
	// ShiftStart is when the day's shift begins, HH:MM local time.
	ShiftStart  string    `json:"shift_start"`
	PublishedAt time.Time `json:"published_at"`
	// Replaced is the plan this publication replaced for the same area and day, if any.
	Replaced *int64 `json:"replaced_plan_id"`
}

// PublishInput publishes a finished plan for a day.
type PublishInput struct {
	PlanID     int64
	AreaID     int64
	Date       time.Time // only the date counts
	TimeZone   string
	ShiftStart string // HH:MM; "" means 08:00
	TokenID    int64
}

// AreaTimeZone returns the time zone an area sets, or inherits from the nearest ancestor
// that sets one; "" when none in its chain does (the caller's default applies).
func (s *Store) AreaTimeZone(ctx context.Context, area int64) (string, error) {
	var tz *string
	if err := s.pool.QueryRow(ctx, `SELECT area_time_zone($1)`, area).Scan(&tz); err != nil {
		return "", fmt.Errorf("time zone of area %d: %w", area, err)
	}
	if tz == nil {
		return "", nil
	}
	return *tz, nil
}

// SetAreaTimeZone stores an area's own time zone (nil: inherit it again). The caller
// checks the name against the IANA database.
func (s *Store) SetAreaTimeZone(ctx context.Context, area int64, tz *string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE areas SET time_zone = $2, updated_at = now() WHERE id = $1`, area, tz)
	if err != nil {
		return fmt.Errorf("set time zone of area %d: %w", area, classifyPgError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("area %d: %w", area, ErrRecordNotFound)
	}
	return nil
}

const publicationColumns = `area_id, to_char(day, 'YYYY-MM-DD'), plan_id, time_zone, to_char(shift_start, 'HH24:MI'), published_at`

func scanPublication(row pgx.Row) (Publication, error) {
	var p Publication
	err := row.Scan(&p.AreaID, &p.Date, &p.PlanID, &p.TimeZone, &p.ShiftStart, &p.PublishedAt)
	return p, err
}

// PublishPlan makes plan the one its area's workers get on the day, replacing an earlier
// publication for the same area and day, and records which shops the plan visits (for
// progress). Publishing the same plan again updates its shift start.
func (s *Store) PublishPlan(ctx context.Context, in PublishInput) (Publication, error) {
	if in.ShiftStart == "" {
		in.ShiftStart = "08:00"
	}
	var out Publication
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var prev *int64
		err := tx.QueryRow(ctx, `SELECT plan_id FROM plan_publications WHERE area_id = $1 AND day = $2 FOR UPDATE`,
			in.AreaID, in.Date.Format(DateLayout)).Scan(&prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		out, err = scanPublication(tx.QueryRow(ctx, `
			INSERT INTO plan_publications (area_id, day, plan_id, time_zone, shift_start, published_by)
			VALUES ($1, $2, $3, $4, $5::time, NULLIF($6, 0::bigint))
			ON CONFLICT (area_id, day) DO UPDATE SET plan_id = EXCLUDED.plan_id, time_zone = EXCLUDED.time_zone,
				shift_start = EXCLUDED.shift_start, published_at = now(), published_by = EXCLUDED.published_by
			RETURNING `+publicationColumns,
			in.AreaID, in.Date.Format(DateLayout), in.PlanID, in.TimeZone, in.ShiftStart, in.TokenID))
		if err != nil {
			return classifyPgError(err)
		}
		if prev != nil && *prev != in.PlanID {
			out.Replaced = prev
		}
		return snapPlanShops(ctx, tx, in.PlanID)
	})
	if err != nil {
		return out, fmt.Errorf("publish plan %d for %s: %w", in.PlanID, in.Date.Format(DateLayout), err)
	}
	return out, nil
}

// snapPlanShops records, once per plan, the block each shop of the plan's area lies on:
// the nearest block within the planner's snap tolerance, kept when the plan assigns it.
func snapPlanShops(ctx context.Context, q pgx.Tx, plan int64) error {
	tag, err := q.Exec(ctx, `INSERT INTO plan_shops_done (plan_id) VALUES ($1) ON CONFLICT DO NOTHING`, plan)
	if err != nil {
		return fmt.Errorf("shops of plan %d: %w", plan, err)
	}
	if tag.RowsAffected() == 0 {
		return nil
	}
	_, err = q.Exec(ctx, `
		INSERT INTO plan_shops (plan_id, shop_id, block_id)
		SELECT $1, p.id, b.id
		FROM plans pl
		JOIN areas a ON a.id = pl.area_id
		JOIN shops p ON p.geom && a.geom AND ST_Intersects(p.geom, a.geom)
		CROSS JOIN LATERAL (
			-- 0.01 degree (about 1 km) prefilter lets the GIST index work before the metric test.
			SELECT b.id FROM blocks b
			WHERE b.geom && ST_Expand(p.geom, 0.01) AND ST_DWithin(b.geom::geography, p.geom::geography, $2)
			ORDER BY b.geom::geography <-> p.geom::geography, b.id LIMIT 1) b
		WHERE pl.id = $1
		  AND EXISTS (SELECT 1 FROM plan_assignments pa WHERE pa.plan_id = $1 AND pa.block_id = b.id)
		ON CONFLICT DO NOTHING`, plan, routing.DefaultSnapToleranceM)
	if err != nil {
		return fmt.Errorf("shops of plan %d: %w", plan, err)
	}
	return nil
}

// EnsurePlanShops records the shops of a plan that was never published (progress of a
// draft plan).
func (s *Store) EnsurePlanShops(ctx context.Context, plan int64) error {
	var done bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM plan_shops_done WHERE plan_id = $1)`, plan).Scan(&done); err != nil {
		return fmt.Errorf("shops of plan %d: %w", plan, err)
	}
	if done {
		return nil
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return snapPlanShops(ctx, tx, plan) })
}

// PlanPublications returns the days a plan is published for, newest day first.
func (s *Store) PlanPublications(ctx context.Context, plan int64) ([]Publication, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+publicationColumns+` FROM plan_publications WHERE plan_id = $1 ORDER BY day DESC, area_id`, plan)
	if err != nil {
		return nil, fmt.Errorf("publications of plan %d: %w", plan, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Publication, error) { return scanPublication(r) })
	if err != nil {
		return nil, fmt.Errorf("publications of plan %d: %w", plan, err)
	}
	return out, nil
}

// TodaysPlanOf returns the newest plan published for today (each publication's day read
// in its own time zone) in which worker has a route; ErrRecordNotFound when none.
func (s *Store) TodaysPlanOf(ctx context.Context, worker int64) (Publication, error) {
	p, err := scanPublication(s.pool.QueryRow(ctx, `
		SELECT `+publicationColumns+` FROM plan_publications p
		-- The range lets the day index narrow the search before the zone is applied.
		WHERE p.day BETWEEN current_date - 1 AND current_date + 1
		  AND p.day = (now() AT TIME ZONE p.time_zone)::date
		  AND EXISTS (SELECT 1 FROM routes r WHERE r.plan_id = p.plan_id AND r.worker_id = $1)
		ORDER BY p.published_at DESC LIMIT 1`, worker))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("no plan published today with a route for worker %d: %w", worker, ErrRecordNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("today's plan of worker %d: %w", worker, err)
	}
	return p, nil
}

// PlanFilter narrows ListPlans.
type PlanFilter struct {
	// Root lists plans of this area and the areas below it.
	Root   int64
	Status string // "" for any
	// Published: nil for any, else only plans that are (or are not) published for a day.
	Published *bool
	// PublishedOn keeps plans published for that day ("" for any).
	PublishedOn string
}

// PlanListItem is a plan in a list, with the days it is published for.
type PlanListItem struct {
	PlanRecord
	PublishedOn []string `json:"published_on"`
}

// ListPlans returns plans newest first: page.After is the last id seen (the page holds
// smaller ids).
func (s *Store) ListPlans(ctx context.Context, f PlanFilter, page ListPage) ([]PlanListItem, error) {
	after := page.After
	if after <= 0 {
		after = 1<<63 - 1
	}
	var pubOn *string
	if f.PublishedOn != "" {
		pubOn = &f.PublishedOn
	}
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM areas WHERE id = $1
			UNION
			SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id
		)
		SELECT `+planColumns+`,
		       ARRAY(SELECT to_char(day, 'YYYY-MM-DD') FROM plan_publications x WHERE x.plan_id = plans.id ORDER BY day DESC)
		FROM plans
		WHERE area_id IN (SELECT id FROM sub) AND id < $2
		  AND ($3 = '' OR status = $3)
		  AND ($4::boolean IS NULL OR $4 = EXISTS (SELECT 1 FROM plan_publications x WHERE x.plan_id = plans.id))
		  AND ($5::date IS NULL OR EXISTS (SELECT 1 FROM plan_publications x WHERE x.plan_id = plans.id AND x.day = $5::date))
		ORDER BY id DESC LIMIT $6`, f.Root, after, f.Status, f.Published, pubOn, page.Limit)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", classifyPgError(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PlanListItem, error) {
		var it PlanListItem
		var params, stats, progress string
		p := &it.PlanRecord
		err := r.Scan(&p.ID, &p.AreaID, &p.Mode, &p.Status, &p.Version, &params, &stats, &progress, &p.Error,
			&p.JobID, &p.CreatedAt, &p.UpdatedAt, &p.StartedAt, &p.FinishedAt, &it.PublishedOn)
		p.Params, p.Stats, p.Progress = []byte(params), []byte(stats), []byte(progress)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", classifyPgError(err))
	}
	return out, nil
}

// PlanCanStart says why a plan of area could not start, or "" when it can: the area (with
// the areas below it) needs an active worker (each of workers, when given) and a street block.
func (s *Store) PlanCanStart(ctx context.Context, area int64, workers []int64) (string, error) {
	var active, blocks bool
	var inactive []int64
	err := s.pool.QueryRow(ctx, `
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM areas WHERE id = $1
			UNION
			SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id
		)
		SELECT EXISTS (SELECT 1 FROM workers w WHERE w.area_id IN (SELECT id FROM sub) AND w.active),
		       EXISTS (SELECT 1 FROM blocks b, areas a WHERE a.id = $1 AND b.geom && a.geom AND ST_Intersects(b.geom, a.geom)),
		       ARRAY(SELECT w.id FROM workers w WHERE w.id = ANY ($2) AND NOT w.active ORDER BY w.id)`,
		area, workers).Scan(&active, &blocks, &inactive)
	if err != nil {
		return "", fmt.Errorf("can plan of area %d start: %w", area, err)
	}
	switch {
	case len(inactive) > 0:
		return fmt.Sprintf("worker %d is not active", inactive[0]), nil
	case !active:
		return fmt.Sprintf("area %d has no active workers", area), nil
	case !blocks:
		return fmt.Sprintf("area %d has no street blocks", area), nil
	}
	return "", nil
}
