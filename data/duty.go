package data

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// DutyWindow is a daily span of local time during which a station must be staffed.
type DutyWindow struct {
	ID        int64  `json:"id"`
	StationID int64  `json:"station_id"`
	Starts    string `json:"starts"` // HH:MM
	Ends      string `json:"ends"`   // HH:MM
	TimeZone  string `json:"time_zone"`
	// Weekdays are ISO (1 Monday .. 7 Sunday).
	Weekdays []int `json:"weekdays"`
}

const dutyWindowColumns = `id, station_id, to_char(starts_at, 'HH24:MI'), to_char(ends_at, 'HH24:MI'), time_zone, weekdays::int[]`

func scanDutyWindow(row pgx.Row) (DutyWindow, error) {
	var w DutyWindow
	err := row.Scan(&w.ID, &w.StationID, &w.Starts, &w.Ends, &w.TimeZone, &w.Weekdays)
	return w, err
}

// CreateDutyWindow stores a window; the caller has checked the station and the times.
func (s *Store) CreateDutyWindow(ctx context.Context, w DutyWindow) (DutyWindow, error) {
	out, err := scanDutyWindow(s.pool.QueryRow(ctx, `INSERT INTO duty_windows (station_id, starts_at, ends_at, time_zone, weekdays)
		VALUES ($1, $2::time, $3::time, $4, $5::smallint[]) RETURNING `+dutyWindowColumns,
		w.StationID, w.Starts, w.Ends, w.TimeZone, w.Weekdays))
	if err != nil {
		return out, fmt.Errorf("create duty window at station %d: %w", w.StationID, apiClassify(err))
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
func (s *Store) GetDutyWindow(ctx context.Context, id int64) (DutyWindow, error) {
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
func (s *Store) DutyWindows(ctx context.Context, area, station int64) ([]DutyWindow, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+dutyWindowColumns+` FROM duty_windows w
		WHERE ($2 <> 0 AND w.station_id = $2)
		   OR ($2 = 0 AND EXISTS (SELECT 1 FROM stations p, areas a WHERE p.id = w.station_id AND a.id = $1
		                          AND p.geom && a.geom AND ST_Intersects(p.geom, a.geom)))
		ORDER BY station_id, starts_at, id`, area, station)
	if err != nil {
		return nil, fmt.Errorf("duty windows of area %d: %w", area, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DutyWindow, error) { return scanDutyWindow(r) })
	if err != nil {
		return nil, fmt.Errorf("duty windows of area %d: %w", area, err)
	}
	return out, nil
}

// ReplaceRoster stores slots as the roster of stations from the first to the last day
// (YYYY-MM-DD, inclusive), replacing what was there, in one transaction.
func (s *Store) ReplaceRoster(ctx context.Context, stations []int64, first, last string, slots []RosterSlot) error {
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
		return fmt.Errorf("replace roster %s..%s: %w", first, last, apiClassify(err))
	}
	return nil
}

// Roster returns the roster rows of stations between two days (inclusive).
func (s *Store) Roster(ctx context.Context, stations []int64, first, last string) ([]RosterSlot, error) {
	rows, err := s.pool.Query(ctx, `SELECT station_id, to_char(day, 'YYYY-MM-DD'), worker_id FROM duty_roster
		WHERE station_id = ANY($1) AND day BETWEEN $2::date AND $3::date ORDER BY day, station_id`, stations, first, last)
	if err != nil {
		return nil, fmt.Errorf("roster %s..%s: %w", first, last, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RosterSlot, error) {
		var sl RosterSlot
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

// DutyCheckin is a stored on-post check-in.
type DutyCheckin struct {
	ID        int64     `json:"id"`
	StationID int64     `json:"station_id"`
	WorkerID  int64     `json:"worker_id"`
	At        time.Time `json:"at"`
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
		return nil, fmt.Errorf("record duty check-ins: %w", apiClassify(err))
	}
	return out, nil
}

// DutyCheckins returns the check-ins at stations between two instants, in time order.
func (s *Store) DutyCheckins(ctx context.Context, stations []int64, from, to time.Time) ([]DutyCheckin, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, station_id, worker_id, checked_at FROM duty_checkins
		WHERE station_id = ANY($1) AND checked_at >= $2 AND checked_at < $3 ORDER BY checked_at, id`, stations, from, to)
	if err != nil {
		return nil, fmt.Errorf("duty check-ins: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DutyCheckin, error) {
		var c DutyCheckin
		err := r.Scan(&c.ID, &c.StationID, &c.WorkerID, &c.At)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("duty check-ins: %w", err)
	}
	return out, nil
}

// DutyReport is the duty record of an area's stations over some days.
type DutyReport struct {
	// Counts holds how many window occurrences are met, missed, open and upcoming.
	Counts  map[string]int   `json:"counts"`
	Missed  []DutyOccurrence `json:"missed"`
	Windows []DutyOccurrence `json:"windows"`
	// NotCounted are check-ins that fell in no window.
	NotCounted []DutyCheckin `json:"not_counted"`
}

// StationDutyReport judges the windows of area's stations from the first to the last local
// day (YYYY-MM-DD, inclusive) as of now.
func (s *Store) StationDutyReport(ctx context.Context, area int64, first, last string, now time.Time) (DutyReport, error) {
	rep := DutyReport{Counts: map[string]int{DutyMet: 0, DutyMissed: 0, DutyOpen: 0, DutyUpcoming: 0},
		Missed: []DutyOccurrence{}, Windows: []DutyOccurrence{}, NotCounted: []DutyCheckin{}}
	f, err1 := time.Parse(time.DateOnly, first)
	l, err2 := time.Parse(time.DateOnly, last)
	if err := errors.Join(err1, err2); err != nil {
		return rep, fmt.Errorf("duty report: %w", err)
	}
	windows, err := s.DutyWindows(ctx, area, 0)
	if err != nil {
		return rep, err
	}
	var stations []int64
	for _, w := range windows {
		if !slices.Contains(stations, w.StationID) {
			stations = append(stations, w.StationID)
		}
	}
	roster, err := s.Roster(ctx, stations, first, last)
	if err != nil {
		return rep, err
	}
	// Local days lie within UTC-12..UTC+14 of the calendar days.
	checkins, err := s.DutyCheckins(ctx, stations, f.Add(-14*time.Hour), l.Add(36*time.Hour))
	if err != nil {
		return rep, err
	}
	occ, outside, err := BuildDutyReport(windows, roster, checkins, first, last, now)
	if err != nil {
		return rep, err
	}
	for _, o := range occ {
		rep.Counts[o.Status]++
		if o.Status == DutyMissed {
			rep.Missed = append(rep.Missed, o)
		}
	}
	rep.Windows = append(rep.Windows, occ...)
	rep.NotCounted = append(rep.NotCounted, outside...)
	return rep, nil
}
