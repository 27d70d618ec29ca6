package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// WorkerRecord is a grid worker as the API shows it; Start is a GeoJSON Point or null;
// End is where their route ends: null (back at the start), [lon, lat] or "open" (after
// the last served block).
type WorkerRecord struct {
	ID              int64           `json:"id"`
	AreaID          int64           `json:"area_id"`
	Name            string          `json:"name"`
	Start           json.RawMessage `json:"start"`
	End             json.RawMessage `json:"end"`
	ShiftMinutes    int             `json:"shift_minutes"`
	WalkSpeedKmh    float64         `json:"walk_speed_kmh"`
	ServiceSpeedKmh float64         `json:"service_speed_kmh"`
	Active          bool            `json:"active"`
	UpdatedAt       string          `json:"updated_at"`
}

// WorkerInput creates or changes a worker; nil fields keep their value (or take the
// schema default on create).
type WorkerInput struct {
	AreaID *int64
	Name   *string
	Start  json.RawMessage
	// End, when set, changes where the route ends (a zero WorkerEnd: back at the start).
	End             *WorkerEnd
	ShiftMinutes    *int
	WalkSpeedKmh    *float64
	ServiceSpeedKmh *float64
	Active          *bool
}

// WorkerEnd is where a worker's route ends: at Point, open (Open), or back at the start
// (neither).
type WorkerEnd struct {
	Point *orb.Point
	Open  bool
}

const workerColumns = `id, area_id, name, ST_AsGeoJSON(start_geom, 7)::text, ST_X(end_geom), ST_Y(end_geom), end_open,
	shift_minutes, walk_speed_kmh, service_speed_kmh, active,
	to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

func scanWorker(row pgx.Row) (WorkerRecord, error) {
	var w WorkerRecord
	var start *string
	var endX, endY *float64
	var endOpen bool
	err := row.Scan(&w.ID, &w.AreaID, &w.Name, &start, &endX, &endY, &endOpen, &w.ShiftMinutes, &w.WalkSpeedKmh,
		&w.ServiceSpeedKmh, &w.Active, &w.UpdatedAt)
	w.Start = json.RawMessage("null")
	if start != nil {
		w.Start = json.RawMessage(*start)
	}
	w.End = json.RawMessage("null")
	switch {
	case endOpen:
		w.End = json.RawMessage(`"open"`)
	case endX != nil && endY != nil:
		w.End = json.RawMessage(fmt.Sprintf("[%s,%s]", strconv.FormatFloat(*endX, 'f', -1, 64), strconv.FormatFloat(*endY, 'f', -1, 64)))
	}
	return w, err
}

// endArgs are the SQL arguments of a WorkerEnd: whether to set it, the point's lon and
// lat (NULL for none) and open.
func endArgs(e *WorkerEnd) (set bool, lon, lat *float64, open bool) {
	if e == nil {
		return false, nil, nil, false
	}
	if e.Point != nil {
		x, y := e.Point[0], e.Point[1]
		return true, &x, &y, false
	}
	return true, nil, nil, e.Open
}

// ListWorkers returns the workers of the areas at or below root, in id order.
func (s *Store) ListWorkers(ctx context.Context, root int64, page ListPage) ([]WorkerRecord, error) {
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM areas WHERE id = $1
			UNION
			SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id
		)
		SELECT `+workerColumns+` FROM workers WHERE area_id IN (SELECT id FROM sub) AND id > $2
		ORDER BY id LIMIT $3`, root, page.After, page.Limit)
	if err != nil {
		return nil, fmt.Errorf("list workers: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (WorkerRecord, error) { return scanWorker(r) })
	if err != nil {
		return nil, fmt.Errorf("list workers: %w", err)
	}
	return out, nil
}

// GetWorker returns one worker.
func (s *Store) GetWorker(ctx context.Context, id int64) (WorkerRecord, error) {
	w, err := scanWorker(s.pool.QueryRow(ctx, `SELECT `+workerColumns+` FROM workers WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return w, fmt.Errorf("worker %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("get worker %d: %w", id, err)
	}
	return w, nil
}

// CreateWorker inserts a worker.
func (s *Store) CreateWorker(ctx context.Context, in WorkerInput) (WorkerRecord, error) {
	_, endLon, endLat, endOpen := endArgs(in.End)
	w, err := scanWorker(s.pool.QueryRow(ctx, `
		INSERT INTO workers (area_id, name, start_geom, shift_minutes, walk_speed_kmh, service_speed_kmh, active,
		                     end_geom, end_open)
		VALUES ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), coalesce($4, 480), coalesce($5, 4.5),
		        coalesce($6, 3), coalesce($7, true), ST_SetSRID(ST_MakePoint($8, $9), 4326), $10)
		RETURNING `+workerColumns,
		in.AreaID, in.Name, geomArg(in.Start), in.ShiftMinutes, in.WalkSpeedKmh, in.ServiceSpeedKmh, in.Active,
		endLon, endLat, endOpen))
	if err != nil {
		return w, fmt.Errorf("create worker: %w", classifyPgError(err))
	}
	return w, nil
}

// UpdateWorker changes the given fields of a worker.
func (s *Store) UpdateWorker(ctx context.Context, id int64, in WorkerInput) (WorkerRecord, error) {
	endSet, endLon, endLat, endOpen := endArgs(in.End)
	w, err := scanWorker(s.pool.QueryRow(ctx, `
		UPDATE workers SET area_id = coalesce($2, area_id), name = coalesce($3, name),
			start_geom = coalesce(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), start_geom),
			shift_minutes = coalesce($5, shift_minutes), walk_speed_kmh = coalesce($6, walk_speed_kmh),
			service_speed_kmh = coalesce($7, service_speed_kmh), active = coalesce($8, active),
			end_geom = CASE WHEN $9 THEN ST_SetSRID(ST_MakePoint($10, $11), 4326) ELSE end_geom END,
			end_open = CASE WHEN $9 THEN $12 ELSE end_open END,
			updated_at = now()
		WHERE id = $1 RETURNING `+workerColumns,
		id, in.AreaID, in.Name, geomArg(in.Start), in.ShiftMinutes, in.WalkSpeedKmh, in.ServiceSpeedKmh, in.Active,
		endSet, endLon, endLat, endOpen))
	if errors.Is(err, pgx.ErrNoRows) {
		return w, fmt.Errorf("worker %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("update worker %d: %w", id, classifyPgError(err))
	}
	return w, nil
}

// DeleteWorker removes a worker with their routes, visits and tokens (ON DELETE CASCADE):
// deactivating (active=false) is the way to keep history.
func (s *Store) DeleteWorker(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM workers WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete worker %d: %w", id, classifyPgError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("worker %d: %w", id, ErrRecordNotFound)
	}
	return nil
}
