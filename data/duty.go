package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gridsweep/gridsweep/fieldwork"
)

const dutyWindowColumns = `id, station_id, to_char(starts_at, 'HH24:MI'), to_char(ends_at, 'HH24:MI'), time_zone, weekdays::int[]`

func scanDutyWindow(row pgx.Row) (fieldwork.DutyWindow, error) {
	var w fieldwork.DutyWindow
	err := row.Scan(&w.ID, &w.StationID, &w.Starts, &w.Ends, &w.TimeZone, &w.Weekdays)
	return w, err
}

// CreateDutyWindow stores a window; the caller has checked the station and the times.
func (s *Store) CreateDutyWindow(ctx context.Context, w fieldwork.DutyWindow) (fieldwork.DutyWindow, error) {
	out, err := scanDutyWindow(s.pool.QueryRow(ctx, `INSERT INTO duty_windows (station_id, starts_at, ends_at, time_zone, weekdays)
		VALUES ($1, $2::time, $3::time, $4, $5::smallint[]) RETURNING `+dutyWindowColumns,
		w.StationID, w.Starts, w.Ends, w.TimeZone, w.Weekdays))
	if err != nil {
		return out, fmt.Errorf("create duty window at station %d: %w", w.StationID, classifyPgError(err))
	}
	return out, nil
}

// DeleteDutyWindow removes a window.
func (s *Store) DeleteDutyWindow(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM duty_windows WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete duty window %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("duty window %d: %w", id, ErrRecordNotFound)
	}
	return nil
}

// GetDutyWindow returns one window.
func (s *Store) GetDutyWindow(ctx context.Context, id int64) (fieldwork.DutyWindow, error) {
	w, err := scanDutyWindow(s.pool.QueryRow(ctx, `SELECT `+dutyWindowColumns+` FROM duty_windows WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return w, fmt.Errorf("duty window %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("get duty window %d: %w", id, err)
	}
	return w, nil
}

// DutyWindows returns the windows of the stations inside area (station 0) or of one
// station, in station then start order.
func (s *Store) DutyWindows(ctx context.Context, area, station int64) ([]fieldwork.DutyWindow, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+dutyWindowColumns+` FROM duty_windows w
		WHERE ($2 <> 0 AND w.station_id = $2)
		   OR ($2 = 0 AND EXISTS (SELECT 1 FROM stations p, areas a WHERE p.id = w.station_id AND a.id = $1
		                          AND p.geom && a.geom AND ST_Intersects(p.geom, a.geom)))
		ORDER BY station_id, starts_at, id`, area, station)
	if err != nil {
		return nil, fmt.Errorf("duty windows of area %d: %w", area, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (fieldwork.DutyWindow, error) { return scanDutyWindow(r) })
	if err != nil {
		return nil, fmt.Errorf("duty windows of area %d: %w", area, err)
	}
	return out, nil
}

// ReplaceRoster stores slots as the roster of stations from the first to the last day
// (YYYY-MM-DD, inclusive), replacing what was there, in one transaction.
func (s *Store) ReplaceRoster(ctx context.Context, stations []int64, first, last string, slots []fieldwork.RosterSlot) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM duty_roster WHERE station_id = ANY($1) AND day BETWEEN $2::date AND $3::date`,
			stations, first, last); err != nil {
			return err
		}
		st, day, wk := make([]int64, len(slots)), make([]string, len(slots)), make([]int64, len(slots))
		for i, sl := range slots {
			st[i], day[i], wk[i] = sl.StationID, sl.Day, sl.WorkerID
		}
		_, err := tx.Exec(ctx, `INSERT INTO duty_roster (station_id, day, worker_id)
			SELECT * FROM unnest($1::bigint[], $2::date[], $3::bigint[])`, st, day, wk)
		return err
	})
	if err != nil {
		return fmt.Errorf("replace roster %s..%s: %w", first, last, classifyPgError(err))
	}
	return nil
}

// Roster returns the roster rows of stations between two days (inclusive).
func (s *Store) Roster(ctx context.Context, stations []int64, first, last string) ([]fieldwork.RosterSlot, error) {
	rows, err := s.pool.Query(ctx, `SELECT station_id, to_char(day, 'YYYY-MM-DD'), worker_id FROM duty_roster
		WHERE station_id = ANY($1) AND day BETWEEN $2::date AND $3::date ORDER BY day, station_id`, stations, first, last)
	if err != nil {
		return nil, fmt.Errorf("roster %s..%s: %w", first, last, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (fieldwork.RosterSlot, error) {
		var sl fieldwork.RosterSlot
		err := r.Scan(&sl.StationID, &sl.Day, &sl.WorkerID)
		return sl, err
	})
	if err != nil {
		return nil, fmt.Errorf("roster %s..%s: %w", first, last, err)
	}
	return out, nil
}

// DutyCheckinInput is an on-post check-in: someone is at a station.
type DutyCheckinInput struct {
	ClientKey string
	StationID int64
	WorkerID  int64
	At        time.Time
}

// RecordDutyCheckins stores on-post check-ins, each once per client key (VisitCreated,
// VisitDuplicate, VisitKeyTaken), in one statement.
func (s *Store) RecordDutyCheckins(ctx context.Context, in []DutyCheckinInput) ([]LedgerResult, error) {
	out := make([]LedgerResult, len(in))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for i, v := range in {
			out[i].ClientKey = v.ClientKey
			err := tx.QueryRow(ctx, `INSERT INTO duty_checkins (client_key, station_id, worker_id, checked_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (client_key) DO NOTHING RETURNING id`,
				v.ClientKey, v.StationID, v.WorkerID, v.At).Scan(&out[i].EventID)
			if errors.Is(err, pgx.ErrNoRows) {
				var worker int64
				if err := tx.QueryRow(ctx, `SELECT id, worker_id FROM duty_checkins WHERE client_key = $1`, v.ClientKey).
					Scan(&out[i].EventID, &worker); err != nil {
					return fmt.Errorf("look up duty key %q: %w", v.ClientKey, err)
				}
				out[i].Status = VisitDuplicate
				if worker != v.WorkerID {
					out[i].EventID, out[i].Status = 0, VisitKeyTaken
				}
				continue
			}
			if err != nil {
				return err
			}
			out[i].Status = VisitCreated
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record duty check-ins: %w", classifyPgError(err))
	}
	return out, nil
}

// DutyCheckins returns the check-ins at stations between two instants, in time order.
func (s *Store) DutyCheckins(ctx context.Context, stations []int64, from, to time.Time) ([]fieldwork.DutyCheckin, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, station_id, worker_id, checked_at FROM duty_checkins
		WHERE station_id = ANY($1) AND checked_at >= $2 AND checked_at < $3 ORDER BY checked_at, id`, stations, from, to)
	if err != nil {
		return nil, fmt.Errorf("duty check-ins: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (fieldwork.DutyCheckin, error) {
		var c fieldwork.DutyCheckin
		err := r.Scan(&c.ID, &c.StationID, &c.WorkerID, &c.At)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("duty check-ins: %w", err)
	}
	return out, nil
}
