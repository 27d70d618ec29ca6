package fieldwork

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Duty window outcomes for one day.
const (
	DutyMet      = "met"      // an on-post check-in fell within the window
	DutyMissed   = "missed"   // the window ended without one
	DutyOpen     = "open"     // the window is running and nobody checked in yet
	DutyUpcoming = "upcoming" // the window has not started
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

// DutyCheckin is a stored on-post check-in: someone was at a station.
type DutyCheckin struct {
	ID        int64     `json:"id"`
	StationID int64     `json:"station_id"`
	WorkerID  int64     `json:"worker_id"`
	At        time.Time `json:"at"`
}

// DutyOccurrence is one window on one local day.
type DutyOccurrence struct {
	StationID int64     `json:"station_id"`
	WindowID  int64     `json:"window_id"`
	Day       string    `json:"day"`
	Starts    time.Time `json:"starts"`
	Ends      time.Time `json:"ends"`
	// Rostered is who was on duty that day, nil when the roster has nobody.
	Rostered *int64 `json:"rostered_worker_id"`
	Status   string `json:"status"`
	// Checkins are the on-post check-ins that count for this window.
	Checkins []DutyCheckin `json:"checkins"`
}

func isoWeekday(d time.Weekday) int {
	if d == time.Sunday {
		return 7
	}
	return int(d)
}

func clock(hhmm string) (h, m int, err error) {
	hs, ms, ok := strings.Cut(hhmm, ":")
	if ok {
		h, err = strconv.Atoi(hs)
		if err == nil {
			m, err = strconv.Atoi(ms)
		}
	}
	if !ok || err != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, fmt.Errorf("duty time %q is not HH:MM", hhmm)
	}
	return h, m, nil
}

// Occurrence returns when w runs on the local calendar day (y, mo, d) of its zone, and
// false when it does not run that weekday.
func (w DutyWindow) Occurrence(loc *time.Location, y int, mo time.Month, d int) (start, end time.Time, ok bool, err error) {
	sh, sm, err := clock(w.Starts)
	if err != nil {
		return start, end, false, err
	}
	eh, em, err := clock(w.Ends)
	if err != nil {
		return start, end, false, err
	}
	start = time.Date(y, mo, d, sh, sm, 0, 0, loc)
	end = time.Date(y, mo, d, eh, em, 0, 0, loc)
	return start, end, slices.Contains(w.Weekdays, isoWeekday(start.Weekday())), nil
}

// MatchDutyWindow finds the window of station that at falls in (ends inclusive), and the
// local day it belongs to.
func MatchDutyWindow(windows []DutyWindow, station int64, at time.Time) (DutyWindow, string, bool, error) {
	for _, w := range windows {
		if w.StationID != station {
			continue
		}
		loc, err := time.LoadLocation(w.TimeZone)
		if err != nil {
			return w, "", false, fmt.Errorf("duty window %d zone: %w", w.ID, err)
		}
		local := at.In(loc)
		start, end, ok, err := w.Occurrence(loc, local.Year(), local.Month(), local.Day())
		if err != nil {
			return w, "", false, err
		}
		if ok && !at.Before(start) && !at.After(end) {
			return w, local.Format(time.DateOnly), true, nil
		}
	}
	return DutyWindow{}, "", false, nil
}

// JudgeWindows judges every window occurrence from the first to the last local day
// (YYYY-MM-DD, inclusive) against the check-ins, as of now. Check-ins that fall in no
// window are returned as not counted.
func JudgeWindows(windows []DutyWindow, roster []RosterSlot, checkins []DutyCheckin, first, last string, now time.Time) (occ []DutyOccurrence, outside []DutyCheckin, err error) {
	f, err := time.Parse(time.DateOnly, first)
	if err != nil {
		return nil, nil, fmt.Errorf("duty report: first day: %w", err)
	}
	l, err := time.Parse(time.DateOnly, last)
	if err != nil {
		return nil, nil, fmt.Errorf("duty report: last day: %w", err)
	}
	onDuty := map[string]int64{}
	for _, r := range roster {
		onDuty[fmt.Sprintf("%d/%s", r.StationID, r.Day)] = r.WorkerID
	}
	used := map[int64]bool{}
	for d := f; !d.After(l); d = d.AddDate(0, 0, 1) {
		for _, w := range windows {
			loc, err := time.LoadLocation(w.TimeZone)
			if err != nil {
				return nil, nil, fmt.Errorf("duty window %d zone: %w", w.ID, err)
			}
			start, end, ok, err := w.Occurrence(loc, d.Year(), d.Month(), d.Day())
			if err != nil {
				return nil, nil, err
			}
			if !ok {
				continue
			}
			o := DutyOccurrence{StationID: w.StationID, WindowID: w.ID, Day: d.Format(time.DateOnly),
				Starts: start.UTC(), Ends: end.UTC(), Checkins: []DutyCheckin{}}
			if id, ok := onDuty[fmt.Sprintf("%d/%s", w.StationID, o.Day)]; ok {
				o.Rostered = &id
			}
			for _, c := range checkins {
				if c.StationID == w.StationID && !c.At.Before(start) && !c.At.After(end) {
					o.Checkins = append(o.Checkins, c)
					used[c.ID] = true
				}
			}
			switch {
			case len(o.Checkins) > 0:
				o.Status = DutyMet
			case now.Before(start):
				o.Status = DutyUpcoming
			case !now.After(end):
				o.Status = DutyOpen
			default:
				o.Status = DutyMissed
			}
			occ = append(occ, o)
		}
	}
	for _, c := range checkins {
		if !used[c.ID] {
			outside = append(outside, c)
		}
	}
	return occ, outside, nil
}

// DutyRecords loads what a duty report judges; data.Store provides it.
type DutyRecords interface {
	// DutyWindows returns the windows of the stations inside area (station 0) or of one station.
	DutyWindows(ctx context.Context, area, station int64) ([]DutyWindow, error)
	// Roster returns the roster of stations between two days (inclusive).
	Roster(ctx context.Context, stations []int64, first, last string) ([]RosterSlot, error)
	// DutyCheckins returns the check-ins at stations between two instants.
	DutyCheckins(ctx context.Context, stations []int64, from, to time.Time) ([]DutyCheckin, error)
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

// DutyStations returns the stations the windows belong to, each once, in window order.
func DutyStations(windows []DutyWindow) []int64 {
	var ids []int64
	for _, w := range windows {
		if !slices.Contains(ids, w.StationID) {
			ids = append(ids, w.StationID)
		}
	}
	return ids
}

// StationReport judges the windows of area's stations from the first to the last local
// day (YYYY-MM-DD, inclusive) as of now.
func StationReport(ctx context.Context, src DutyRecords, area int64, first, last string, now time.Time) (DutyReport, error) {
	rep := DutyReport{Counts: map[string]int{DutyMet: 0, DutyMissed: 0, DutyOpen: 0, DutyUpcoming: 0},
		Missed: []DutyOccurrence{}, Windows: []DutyOccurrence{}, NotCounted: []DutyCheckin{}}
	f, err1 := time.Parse(time.DateOnly, first)
	l, err2 := time.Parse(time.DateOnly, last)
	if err := errors.Join(err1, err2); err != nil {
		return rep, fmt.Errorf("duty report: %w", err)
	}
	windows, err := src.DutyWindows(ctx, area, 0)
	if err != nil {
		return rep, err
	}
	stations := DutyStations(windows)
	roster, err := src.Roster(ctx, stations, first, last)
	if err != nil {
		return rep, err
	}
	// Local days lie within UTC-12..UTC+14 of the calendar days.
	checkins, err := src.DutyCheckins(ctx, stations, f.Add(-14*time.Hour), l.Add(36*time.Hour))
	if err != nil {
		return rep, err
	}
	occ, outside, err := JudgeWindows(windows, roster, checkins, first, last, now)
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
