package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/riverqueue/river"

	"github.com/gridsweep/gridsweep/geo"
)

// Plan statuses (the plans table checks the same list).
const (
	PlanQueued    = "queued"
	PlanRunning   = "running"
	PlanDone      = "done"
	PlanFailed    = "failed"
	PlanCancelled = "cancelled"
)

// PlanRecord is a plan as the API shows it.
type PlanRecord struct {
	ID         int64           `json:"id"`
	AreaID     int64           `json:"area_id"`
	Mode       string          `json:"mode"`
	Status     string          `json:"status"`
	Version    int             `json:"version"`
	Params     json.RawMessage `json:"params"`
	Stats      json.RawMessage `json:"stats"`
	Progress   json.RawMessage `json:"progress"`
	Error      string          `json:"error,omitempty"`
	JobID      *int64          `json:"job_id"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	StartedAt  *time.Time      `json:"started_at"`
	FinishedAt *time.Time      `json:"finished_at"`
}

const planColumns = `id, area_id, mode, status, version, params::text, stats::text, progress::text, error,
	job_id, created_at, updated_at, started_at, finished_at`

func scanPlan(row pgx.Row) (PlanRecord, error) {
	var p PlanRecord
	var params, stats, progress string
	err := row.Scan(&p.ID, &p.AreaID, &p.Mode, &p.Status, &p.Version, &params, &stats, &progress, &p.Error,
		&p.JobID, &p.CreatedAt, &p.UpdatedAt, &p.StartedAt, &p.FinishedAt)
	p.Params, p.Stats, p.Progress = json.RawMessage(params), json.RawMessage(stats), json.RawMessage(progress)
	return p, err
}

// NewPlanJob is a plan to create together with the job that computes it.
type NewPlanJob struct {
	AreaID int64
	Mode   string
	// Params are what the job reads back (plans.params).
	Params json.RawMessage
	// Teams get the routes of their leads in the new plan (team_routes).
	Teams []Team
	// Job makes the job's arguments once the plan has its id.
	Job     func(planID int64) river.JobArgs
	JobOpts *river.InsertOpts
}

// CreatePlanJob inserts a queued plan, links its teams' routes and inserts the job that
// will compute it on q (river's InsertTx), all in one transaction: either both the plan
// and its job exist or neither does, so a crash between the two cannot leave a plan that
// no job will ever run.
func (s *Store) CreatePlanJob(ctx context.Context, q *JobQueue, p NewPlanJob) (PlanRecord, error) {
	var rec PlanRecord
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO plans (area_id, mode, params) VALUES ($1, $2, $3) RETURNING id`,
			p.AreaID, p.Mode, string(p.Params)).Scan(&id); err != nil {
			return classifyPgError(err)
		}
		if err := LinkTeamRoutesTx(ctx, tx, id, p.Teams); err != nil {
			return err
		}
		job, err := q.client.InsertTx(ctx, tx, p.Job(id), p.JobOpts)
		if err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		rec, err = scanPlan(tx.QueryRow(ctx, `UPDATE plans SET job_id = $2 WHERE id = $1 RETURNING `+planColumns, id, job.Job.ID))
		return err
	})
	if err != nil {
		return rec, fmt.Errorf("create plan: %w", err)
	}
	return rec, nil
}

// GetPlan returns one plan.
func (s *Store) GetPlan(ctx context.Context, id int64) (PlanRecord, error) {
	p, err := scanPlan(s.pool.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("plan %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("get plan %d: %w", id, err)
	}
	return p, nil
}

// StartPlan marks a queued (or retried running) plan running. It reports false when the
// plan was cancelled or already finished, and the job should do nothing.
func (s *Store) StartPlan(ctx context.Context, id int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE plans SET status = 'running', started_at = now(), updated_at = now(), error = ''
		WHERE id = $1 AND status IN ('queued', 'running')`, id)
	if err != nil {
		return false, fmt.Errorf("start plan %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// SetPlanProgress records the live progress of a running plan.
func (s *Store) SetPlanProgress(ctx context.Context, id int64, progress any) error {
	b, err := json.Marshal(progress)
	if err != nil {
		return fmt.Errorf("plan %d progress: %w", id, err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE plans SET progress = $2 WHERE id = $1 AND status = 'running'`, id, string(b)); err != nil {
		return fmt.Errorf("plan %d progress: %w", id, err)
	}
	return nil
}

// FailPlan records why a plan failed (unless it was cancelled meanwhile).
func (s *Store) FailPlan(ctx context.Context, id int64, reason string) error {
	_, err := s.pool.Exec(ctx, `UPDATE plans SET status = 'failed', error = $2, finished_at = now(), updated_at = now()
		WHERE id = $1 AND status IN ('queued', 'running')`, id, reason)
	if err != nil {
		return fmt.Errorf("fail plan %d: %w", id, err)
	}
	return nil
}

// CancelPlan marks a queued or running plan cancelled and returns it; a finished plan is
// returned unchanged (cancelling is idempotent). It leaves the plan's job alone: for a
// store without a job queue, whose job finds the plan cancelled when it starts or saves
// and does nothing. With a queue, use CancelPlanJob.
func (s *Store) CancelPlan(ctx context.Context, id int64) (PlanRecord, error) {
	return s.cancelPlan(ctx, nil, id)
}

// CancelPlanJob cancels a queued or running plan and its job on q in one transaction
// (river's JobCancelTx), so either both are cancelled or neither is: a failure between the
// two cannot leave a cancelled plan whose job still computes, or a cancelled job under a
// plan still shown queued. A running job is told to stop once the transaction commits. A
// finished plan is returned unchanged and its job is not touched; a plan already cancelled
// has its job cancelled again (a no-op for a job river has finished), and a job river has
// already deleted is not an error.
func (s *Store) CancelPlanJob(ctx context.Context, q *JobQueue, id int64) (PlanRecord, error) {
	if q == nil {
		return PlanRecord{}, fmt.Errorf("cancel plan %d: no job queue", id)
	}
	return s.cancelPlan(ctx, q, id)
}

// cancelPlan is CancelPlan, and with a non-nil q CancelPlanJob. The row lock orders it
// with SavePlanResult: a plan is either saved done or cancelled, never both.
func (s *Store) cancelPlan(ctx context.Context, q *JobQueue, id int64) (PlanRecord, error) {
	var p PlanRecord
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		p, err = scanPlan(tx.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE id = $1 FOR UPDATE`, id))
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrRecordNotFound
		}
		if err != nil {
			return err
		}
		if p.Status == PlanQueued || p.Status == PlanRunning {
			p, err = scanPlan(tx.QueryRow(ctx, `UPDATE plans SET status = 'cancelled', finished_at = now(),
				updated_at = now(), version = version + 1 WHERE id = $1 RETURNING `+planColumns, id))
			if err != nil {
				return err
			}
		}
		if q == nil || p.Status != PlanCancelled || p.JobID == nil {
			return nil
		}
		if _, err := q.client.JobCancelTx(ctx, tx, *p.JobID); err != nil && !errors.Is(err, river.ErrNotFound) {
			return fmt.Errorf("job %d: %w", *p.JobID, err)
		}
		return nil
	})
	if err != nil {
		return PlanRecord{}, fmt.Errorf("cancel plan %d: %w", id, err)
	}
	return p, nil
}

// PlanRoute is one worker's computed route to store: the DB ids of the blocks it serves,
// its line, and the steps as the phone shows them.
type PlanRoute struct {
	WorkerID  int64
	Seq       int
	Geometry  orb.Geometry // LineString or MultiLineString, lon/lat
	LengthM   float64
	DurationS float64
	Steps     json.RawMessage
	BlockIDs  []int64
}

// SavePlanResult stores the routes and block assignments of a finished plan and marks it
// done, in one transaction; if the plan was cancelled meanwhile nothing is stored.
func (s *Store) SavePlanResult(ctx context.Context, id int64, routes []PlanRoute, stats any) (bool, error) {
	st, err := json.Marshal(stats)
	if err != nil {
		return false, fmt.Errorf("save plan %d: %w", id, err)
	}
	saved := false
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM plans WHERE id = $1 FOR UPDATE`, id).Scan(&status); err != nil {
			return err
		}
		if status != PlanRunning {
			return nil
		}
		// A retried job may have stored part of an earlier attempt.
		if _, err := tx.Exec(ctx, `DELETE FROM routes WHERE plan_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_assignments WHERE plan_id = $1`, id); err != nil {
			return err
		}
		var b pgx.Batch
		for _, r := range routes {
			steps := r.Steps
			if steps == nil {
				steps = json.RawMessage("[]")
			}
			b.Queue(`INSERT INTO routes (plan_id, worker_id, seq, geom, length_m, duration_s, steps)
				VALUES ($1, $2, $3, ST_GeomFromEWKB($4::bytea), $5, $6, $7)`,
				id, r.WorkerID, r.Seq, ewkb.Value(r.Geometry, SRID), r.LengthM, r.DurationS, string(steps))
			for _, blk := range r.BlockIDs {
				b.Queue(`INSERT INTO plan_assignments (plan_id, block_id, worker_id) VALUES ($1, $2, $3)
					ON CONFLICT (plan_id, block_id) DO NOTHING`, id, blk, r.WorkerID)
			}
		}
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return classifyPgError(err)
		}
		// A re-plan keeps its locks locked: a block locked in the plan it re-plans (by
		// PATCH, or named in its locks) that kept its worker stays locked here, so the
		// next re-plan keeps it too.
		if _, err := tx.Exec(ctx, `UPDATE plan_assignments pa SET locked = true
			FROM plans p, plan_assignments prev
			WHERE pa.plan_id = $1 AND p.id = $1 AND jsonb_typeof(p.params->'replan_of') = 'number'
				AND prev.plan_id = (p.params->>'replan_of')::bigint AND prev.block_id = pa.block_id
				AND prev.worker_id = pa.worker_id
				AND (prev.locked OR COALESCE(p.params->'locks' @> to_jsonb(pa.block_id), false))`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE plans SET status = 'done', stats = $2, finished_at = now(), updated_at = now(),
			version = version + 1 WHERE id = $1`, id, string(st)); err != nil {
			return err
		}
		saved = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("save plan %d: %w", id, err)
	}
	return saved, nil
}

// Assignment moves or locks one block in a plan.
type Assignment struct {
	BlockID  int64 `json:"block_id"`
	WorkerID int64 `json:"worker_id"`
	Locked   bool  `json:"locked"`
}

// EditPlanAssignments applies a supervisor's hand edits if the plan is still at version
// (optimistic locking: two supervisors editing the same plan cannot overwrite each other
// silently); otherwise it fails with ErrStaleVersion and changes nothing.
func (s *Store) EditPlanAssignments(ctx context.Context, id int64, version int, edits []Assignment) (PlanRecord, error) {
	var p PlanRecord
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE plans SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`, id, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM plans WHERE id = $1)`, id).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return fmt.Errorf("plan %d: %w", id, ErrRecordNotFound)
			}
			return fmt.Errorf("plan %d at version %d: %w", id, version, ErrStaleVersion)
		}
		var b pgx.Batch
		for _, e := range edits {
			b.Queue(`INSERT INTO plan_assignments (plan_id, block_id, worker_id, locked) VALUES ($1, $2, $3, $4)
				ON CONFLICT (plan_id, block_id) DO UPDATE SET worker_id = excluded.worker_id, locked = excluded.locked`,
				id, e.BlockID, e.WorkerID, e.Locked)
		}
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return classifyPgError(err)
		}
		p, err = scanPlan(tx.QueryRow(ctx, `SELECT `+planColumns+` FROM plans WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return p, fmt.Errorf("edit plan %d: %w", id, err)
	}
	return p, nil
}

// PlanAssignments returns block → assignment for a plan.
func (s *Store) PlanAssignments(ctx context.Context, id int64) ([]Assignment, error) {
	rows, err := s.pool.Query(ctx, `SELECT block_id, worker_id, locked FROM plan_assignments WHERE plan_id = $1 ORDER BY block_id`, id)
	if err != nil {
		return nil, fmt.Errorf("plan %d assignments: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Assignment])
	if err != nil {
		return nil, fmt.Errorf("plan %d assignments: %w", id, err)
	}
	return out, nil
}

// PlanData is what planning an area needs from the database: its blocks (BlockIDs[i] is
// the row id of Blocks[i]), shops, stations and active workers.
type PlanData struct {
	Blocks   []geo.Block
	BlockIDs []int64
	Shops    []geo.Shop
	Stations []geo.Station
	Workers  []WorkerRecord
	// Starts holds each worker's start point, or nil when some worker has none (the
	// planner then picks one for everyone).
	Starts []orb.Point
}

// LoadPlanData reads the blocks, shops and stations that intersect area and the active
// workers of area and the areas below it, in id order.
func (s *Store) LoadPlanData(ctx context.Context, area int64) (PlanData, error) {
	var d PlanData
	var err error
	if d.Blocks, d.BlockIDs, err = s.areaBlocks(ctx, area); err != nil {
		return d, fmt.Errorf("plan data of area %d: %w", area, err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT p.source_id, p.name, p.category, p.kind, p.address, ST_AsBinary(p.geom)
		FROM shops p, areas a WHERE a.id = $1 AND ST_Intersects(p.geom, a.geom) ORDER BY p.id`, area)
	if err != nil {
		return d, fmt.Errorf("plan data of area %d: shops: %w", area, err)
	}
	for rows.Next() {
		var sh geo.Shop
		var cat string
		if err := rows.Scan(&sh.SourceID, &sh.Name, &cat, &sh.Kind, &sh.Address, ewkb.Scanner(&sh.Point)); err != nil {
			rows.Close()
			return d, fmt.Errorf("plan data of area %d: shops: %w", area, err)
		}
		sh.Category = geo.Category(cat)
		d.Shops = append(d.Shops, sh)
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("plan data of area %d: shops: %w", area, err)
	}
	rows, err = s.pool.Query(ctx, `
		SELECT p.source_id, p.name, p.kind, ST_AsBinary(p.geom)
		FROM stations p, areas a WHERE a.id = $1 AND ST_Intersects(p.geom, a.geom) ORDER BY p.id`, area)
	if err != nil {
		return d, fmt.Errorf("plan data of area %d: stations: %w", area, err)
	}
	for rows.Next() {
		var st geo.Station
		if err := rows.Scan(&st.SourceID, &st.Name, &st.Kind, ewkb.Scanner(&st.Point)); err != nil {
			rows.Close()
			return d, fmt.Errorf("plan data of area %d: stations: %w", area, err)
		}
		d.Stations = append(d.Stations, st)
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("plan data of area %d: stations: %w", area, err)
	}
	for page := (ListPage{Limit: 1000}); ; {
		ws, err := s.ListWorkers(ctx, area, page)
		if err != nil {
			return d, fmt.Errorf("plan data of area %d: %w", area, err)
		}
		for _, w := range ws {
			if w.Active {
				d.Workers = append(d.Workers, w)
			}
		}
		if len(ws) < page.Limit {
			break
		}
		page.After = ws[len(ws)-1].ID
	}
	return d, nil
}

// PlanRouteRow is a stored route as the API serves it.
type PlanRouteRow struct {
	Seq       int             `json:"seq"`
	Geometry  json.RawMessage `json:"geometry"`
	LengthM   float64         `json:"length_m"`
	DurationS float64         `json:"duration_s"`
	Steps     json.RawMessage `json:"steps"`
}

// PlanRoutes returns a worker's route in a plan, trip by trip (seq order).
func (s *Store) PlanRoutes(ctx context.Context, plan, worker int64) ([]PlanRouteRow, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, ST_AsGeoJSON(geom, 7)::text, length_m, duration_s, steps::text
		FROM routes WHERE plan_id = $1 AND worker_id = $2 ORDER BY seq`, plan, worker)
	if err != nil {
		return nil, fmt.Errorf("routes of worker %d in plan %d: %w", worker, plan, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PlanRouteRow, error) {
		var x PlanRouteRow
		var g, steps string
		err := r.Scan(&x.Seq, &g, &x.LengthM, &x.DurationS, &steps)
		x.Geometry, x.Steps = json.RawMessage(g), json.RawMessage(steps)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("routes of worker %d in plan %d: %w", worker, plan, err)
	}
	return out, nil
}

// WithSessionLock runs fn while holding the session advisory lock key, so that callers on
// several replicas (river's migrations at start-up, which cannot run in a single
// transaction) take turns. fn may use the pool freely.
func (s *Store) WithSessionLock(ctx context.Context, key int64, fn func() error) error {
	// The lock lives on its own connection, outside the pool: waiters holding pool
	// connections could otherwise starve the lock holder's fn of connections.
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("advisory lock %d: %w", key, err)
	}
	// Closing the session releases the lock, whatever happened in fn.
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("advisory lock %d: %w", key, err)
	}
	return fn()
}
