package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/fieldwork"
)

// Station duty. Supervisors define windows and rosters; workers check in on post at
// stations of their area; everyone with a token of the area (viewers too: it is what the
// dashboard shows) reads the report of met and missed windows.

const maxDutyDays = 366

func (s *server) registerDuty(a func(string, []string, handlerFunc, ...string), all, sup, supWorker []string) {
	a("/duty/windows", all, s.handleListDutyWindows, http.MethodGet)
	a("/duty/windows", sup, s.handleCreateDutyWindow, http.MethodPost)
	a("/duty/windows/{id:[0-9]+}", sup, s.handleDeleteDutyWindow, http.MethodDelete)
	a("/duty/roster", supWorker, s.handleGetRoster, http.MethodGet)
	a("/duty/roster", sup, s.handleBuildRoster, http.MethodPost)
	a("/duty/checkins", supWorker, s.handlePostDutyCheckins, http.MethodPost)
	a("/duty/report", all, s.handleDutyReport, http.MethodGet)
	a("/duty/route", supWorker, s.handleDutyRoute, http.MethodGet)
}

// requireStationInScope answers 404 for an unknown station and 403 for one outside the
// token's area.
func (s *server) requireStationInScope(r *http.Request, station int64) error {
	if _, err := s.store.GetPoint(r.Context(), data.StationsTable, station); err != nil {
		return err
	}
	p := mustPrincipal(r)
	ok, err := s.store.PointInArea(r.Context(), data.StationsTable, station, p.AreaID)
	if err != nil {
		return err
	}
	if !ok {
		return problemf(KindForbidden, "station %d lies outside this token's area %d", station, p.AreaID)
	}
	return nil
}

type dutyWindowBody struct {
	StationID *int64 `json:"station_id"`
	Starts    string `json:"starts"`
	Ends      string `json:"ends"`
	TimeZone  string `json:"time_zone"`
	Weekdays  []int  `json:"weekdays"`
}

func (s *server) handleCreateDutyWindow(w http.ResponseWriter, r *http.Request) error {
	var b dutyWindowBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if b.TimeZone == "" {
		b.TimeZone = DefaultTimeZone
	}
	if b.Weekdays == nil {
		b.Weekdays = []int{1, 2, 3, 4, 5, 6, 7}
	}
	win := fieldwork.DutyWindow{Starts: b.Starts, Ends: b.Ends, TimeZone: b.TimeZone, Weekdays: b.Weekdays}
	var errs []FieldError
	if b.StationID == nil {
		errs = append(errs, FieldError{"station_id", "required"})
	} else {
		win.StationID = *b.StationID
	}
	if _, err := time.LoadLocation(b.TimeZone); err != nil {
		errs = append(errs, FieldError{"time_zone", "an IANA zone name such as Asia/Shanghai"})
	} else if _, _, _, err := win.Occurrence(time.UTC, 2026, 1, 1); err != nil || b.Starts >= b.Ends || len(b.Starts) != 5 || len(b.Ends) != 5 {
		errs = append(errs, FieldError{"starts", "starts and ends are HH:MM local times, starts before ends (windows do not cross midnight)"})
	}
	if len(b.Weekdays) == 0 || slices.ContainsFunc(b.Weekdays, func(d int) bool { return d < 1 || d > 7 }) {
		errs = append(errs, FieldError{"weekdays", "ISO weekdays 1 (Monday) to 7 (Sunday)"})
	}
	if len(errs) > 0 {
		pr := problemf(KindValidation, "the duty window is invalid")
		pr.Errors = errs
		return pr
	}
	if err := s.requireStationInScope(r, win.StationID); err != nil {
		return err
	}
	out, err := s.store.CreateDutyWindow(r.Context(), win)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/duty/windows/"+itoa(out.ID))
	return writeJSON(w, http.StatusCreated, out)
}

func (s *server) handleDeleteDutyWindow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	win, err := s.store.GetDutyWindow(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.requireStationInScope(r, win.StationID); err != nil {
		return err
	}
	if err := s.store.DeleteDutyWindow(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) handleListDutyWindows(w http.ResponseWriter, r *http.Request) error {
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	ws, err := s.store.DutyWindows(r.Context(), area, 0)
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []fieldwork.DutyWindow{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": ws})
}

// dayRange reads ?first= and ?last= (YYYY-MM-DD, inclusive).
func dayRange(first, last string) ([]time.Time, error) {
	f, err1 := time.Parse(time.DateOnly, first)
	l, err2 := time.Parse(time.DateOnly, last)
	if err1 != nil || err2 != nil || l.Before(f) {
		return nil, problemf(KindValidation, "first and last are YYYY-MM-DD days, last not before first")
	}
	var days []time.Time
	for d := f; !d.After(l); d = d.AddDate(0, 0, 1) {
		if len(days) == maxDutyDays {
			return nil, problemf(KindValidation, "at most %d days at once", maxDutyDays)
		}
		days = append(days, d)
	}
	return days, nil
}

// dutyStations returns the stations of area that have windows.
func (s *server) dutyStations(r *http.Request, area int64) ([]fieldwork.DutyWindow, []int64, error) {
	ws, err := s.store.DutyWindows(r.Context(), area, 0)
	if err != nil {
		return nil, nil, err
	}
	return ws, fieldwork.DutyStations(ws), nil
}

type rosterBody struct {
	AreaID *int64 `json:"area_id"`
	First  string `json:"first"`
	Last   string `json:"last"`
	Staff  []struct {
		WorkerID int64 `json:"worker_id"`
		DaysOff  []int `json:"days_off"`
	} `json:"staff"`
}

// handleBuildRoster rosters the given staff to the area's stations with duty windows for
// each day from first to last, fairly and respecting days off, replacing the roster of
// those days. The same request gives the same roster, so retrying is safe.
func (s *server) handleBuildRoster(w http.ResponseWriter, r *http.Request) error {
	var b rosterBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	area := mustPrincipal(r).AreaID
	if b.AreaID != nil {
		area = *b.AreaID
		if err := s.requireArea(r, area); err != nil {
			return err
		}
	}
	days, err := dayRange(b.First, b.Last)
	if err != nil {
		return err
	}
	if len(b.Staff) == 0 || len(b.Staff) > 1000 {
		return problemf(KindValidation, "give 1 to 1000 staff")
	}
	var people []fieldwork.RosterPerson
	for i, st := range b.Staff {
		wk, err := s.loadWorker(r, st.WorkerID)
		if err != nil {
			return err
		}
		if ok, err := s.store.AreaInScope(r.Context(), area, wk.AreaID); err != nil {
			return err
		} else if !ok {
			return problemf(KindValidation, "staff[%d]: worker %d does not belong to area %d", i, st.WorkerID, area)
		}
		p := fieldwork.RosterPerson{WorkerID: st.WorkerID}
		for _, d := range st.DaysOff {
			if d < 1 || d > 7 {
				return problemf(KindValidation, "staff[%d].days_off: ISO weekdays 1 (Monday) to 7 (Sunday)", i)
			}
			p.DaysOff = append(p.DaysOff, time.Weekday(d%7))
		}
		people = append(people, p)
	}
	_, stations, err := s.dutyStations(r, area)
	if err != nil {
		return err
	}
	if len(stations) == 0 {
		return problemf(KindValidation, "area %d has no stations with duty windows", area)
	}
	slots, unfilled := fieldwork.BuildRoster(days, stations, people)
	if err := s.store.ReplaceRoster(r.Context(), stations, b.First, b.Last, slots); err != nil {
		return err
	}
	counts := map[string]int{}
	for _, p := range people {
		counts[strconv.FormatInt(p.WorkerID, 10)] = 0
	}
	for _, sl := range slots {
		counts[strconv.FormatInt(sl.WorkerID, 10)]++
	}
	if unfilled == nil {
		unfilled = []fieldwork.RosterSlot{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"slots": slots, "unfilled": unfilled, "per_worker": counts})
}

func (s *server) handleGetRoster(w http.ResponseWriter, r *http.Request) error {
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if _, err := dayRange(q.Get("first"), q.Get("last")); err != nil {
		return err
	}
	_, stations, err := s.dutyStations(r, area)
	if err != nil {
		return err
	}
	slots, err := s.store.Roster(r.Context(), stations, q.Get("first"), q.Get("last"))
	if err != nil {
		return err
	}
	if slots == nil {
		slots = []fieldwork.RosterSlot{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": slots})
}

type dutyCheckinBody struct {
	ClientKey string     `json:"client_key"`
	StationID *int64     `json:"station_id"`
	WorkerID  *int64     `json:"worker_id"`
	At        *time.Time `json:"at"`
}

// handlePostDutyCheckins stores on-post check-ins (idempotent by client_key) and says for
// each whether it counts, i.e. falls within a duty window of its station. One outside
// every window is kept (it is evidence) but counts for nothing.
func (s *server) handlePostDutyCheckins(w http.ResponseWriter, r *http.Request) error {
	bodies, err := decodeBatch[dutyCheckinBody](r, maxLedgerBatch)
	if err != nil {
		return err
	}
	inputs := make([]data.DutyCheckinInput, len(bodies))
	var errs []FieldError
	workers, stations := map[int64]bool{}, map[int64]bool{}
	for i, b := range bodies {
		field := func(name string) string { return fmt.Sprintf("[%d].%s", i, name) }
		in := data.DutyCheckinInput{ClientKey: b.ClientKey}
		if b.ClientKey == "" || len(b.ClientKey) > maxClientKey {
			errs = append(errs, FieldError{field("client_key"), fmt.Sprintf("required, at most %d bytes", maxClientKey)})
		}
		if b.At == nil {
			errs = append(errs, FieldError{field("at"), "required (RFC 3339 time)"})
		} else {
			in.At = *b.At
		}
		if b.StationID == nil {
			errs = append(errs, FieldError{field("station_id"), "required"})
		} else if in.StationID = *b.StationID; !stations[in.StationID] {
			if err := s.requireStationInScope(r, in.StationID); err != nil {
				return err
			}
			stations[in.StationID] = true
		}
		wk, err := s.checkinWorker(r, b.WorkerID, workers)
		if err != nil {
			return err
		}
		if wk == nil {
			errs = append(errs, FieldError{field("worker_id"), "required with a supervisor token"})
		} else {
			in.WorkerID = *wk
		}
		inputs[i] = in
	}
	if len(errs) > 0 {
		pr := problemf(KindValidation, "some check-ins are invalid; nothing was stored")
		pr.Errors = errs
		return pr
	}
	results, err := s.store.RecordDutyCheckins(r.Context(), inputs)
	if err != nil {
		return err
	}
	type result struct {
		data.LedgerResult
		Counted  bool   `json:"counted"`
		WindowID int64  `json:"window_id,omitempty"`
		Day      string `json:"day,omitempty"`
	}
	out := make([]result, len(results))
	windows := map[int64][]fieldwork.DutyWindow{}
	for i, res := range results {
		st := inputs[i].StationID
		if _, ok := windows[st]; !ok {
			if windows[st], err = s.store.DutyWindows(r.Context(), 0, st); err != nil {
				return err
			}
		}
		win, day, ok, err := fieldwork.MatchDutyWindow(windows[st], st, inputs[i].At)
		if err != nil {
			return err
		}
		out[i] = result{LedgerResult: res, Counted: ok && res.Status != data.VisitKeyTaken, WindowID: win.ID, Day: day}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"results": out})
}

// handleDutyReport judges each duty window from ?first= to ?last= (local days) in ?area=
// as met, missed, open or upcoming as of ?at= (default now), and lists the check-ins that
// fell in no window (not counted).
func (s *server) handleDutyReport(w http.ResponseWriter, r *http.Request) error {
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	now := time.Now()
	if v := q.Get("at"); v != "" {
		if now, err = time.Parse(time.RFC3339, v); err != nil {
			return problemf(KindValidation, "at must be an RFC 3339 time")
		}
	}
	if _, err := dayRange(q.Get("first"), q.Get("last")); err != nil {
		return err
	}
	rep, err := fieldwork.StationReport(r.Context(), s.store, area, q.Get("first"), q.Get("last"), now)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}
