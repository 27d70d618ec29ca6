package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
)

type workerBody struct {
	AreaID          *int64          `json:"area_id"`
	Name            *string         `json:"name"`
	Start           json.RawMessage `json:"start"`
	End             json.RawMessage `json:"end"`
	ShiftMinutes    *int            `json:"shift_minutes"`
	WalkSpeedKmh    *float64        `json:"walk_speed_kmh"`
	ServiceSpeedKmh *float64        `json:"service_speed_kmh"`
	Active          *bool           `json:"active"`
}

func (b workerBody) validate(create bool) (json.RawMessage, error) {
	var errs []FieldError
	if _, err := b.end(); err != nil {
		errs = append(errs, FieldError{"end", err.Error()})
	}
	if create && b.AreaID == nil {
		errs = append(errs, FieldError{"area_id", "required"})
	}
	if (create && b.Name == nil) || (b.Name != nil && *b.Name == "") {
		errs = append(errs, FieldError{"name", "required, not empty"})
	}
	if b.ShiftMinutes != nil && (*b.ShiftMinutes <= 0 || *b.ShiftMinutes > 1440) {
		errs = append(errs, FieldError{"shift_minutes", "must be 1..1440"})
	}
	for _, f := range []struct {
		name string
		v    *float64
	}{{"walk_speed_kmh", b.WalkSpeedKmh}, {"service_speed_kmh", b.ServiceSpeedKmh}} {
		if f.v != nil && (*f.v <= 0 || *f.v > 60) {
			errs = append(errs, FieldError{f.name, "must be in (0, 60]"})
		}
	}
	if len(errs) > 0 {
		p := problemf(KindValidation, "the worker is invalid")
		p.Errors = errs
		return nil, p
	}
	if b.Start == nil || string(b.Start) == "null" {
		return nil, nil
	}
	return checkGeometry("start", b.Start, "Point")
}

// end reads the body's end: absent (nil: unchanged), null (back at the start), "open" or
// [lon, lat].
func (b workerBody) end() (*data.WorkerEnd, error) {
	if b.End == nil {
		return nil, nil
	}
	switch string(b.End) {
	case "null":
		return &data.WorkerEnd{}, nil
	case `"open"`:
		return &data.WorkerEnd{Open: true}, nil
	}
	var xy []float64
	if err := json.Unmarshal(b.End, &xy); err != nil || len(xy) != 2 {
		return nil, errors.New(`must be null (back at the start), "open" or [lon, lat]`)
	}
	if xy[0] < -180 || xy[0] > 180 || xy[1] < -90 || xy[1] > 90 {
		return nil, errors.New("lon must be in [-180,180], lat in [-90,90]")
	}
	return &data.WorkerEnd{Point: &orb.Point{xy[0], xy[1]}}, nil
}

func (s *server) handleListWorkers(w http.ResponseWriter, r *http.Request) error {
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	ws, err := s.store.ListWorkers(r.Context(), area, fetchPage(page))
	if err != nil {
		return err
	}
	return writeList(w, r, ws, page, func(w data.WorkerRecord) int64 { return w.ID })
}

// loadWorker fetches a worker the token may see: a supervisor's area's workers, or a
// worker token's own record.
func (s *server) loadWorker(r *http.Request, id int64) (data.WorkerRecord, error) {
	wk, err := s.store.GetWorker(r.Context(), id)
	if err != nil {
		return wk, err
	}
	p := mustPrincipal(r)
	if p.Role == data.RoleWorker {
		if p.WorkerID != id {
			return wk, problemf(KindForbidden, "a worker token speaks only for worker %d", p.WorkerID)
		}
		return wk, nil
	}
	return wk, s.requireArea(r, wk.AreaID)
}

func (s *server) handleGetWorker(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	wk, err := s.loadWorker(r, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, wk)
}

func (s *server) handleCreateWorker(w http.ResponseWriter, r *http.Request) error {
	var b workerBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	start, err := b.validate(true)
	if err != nil {
		return err
	}
	end, _ := b.end() // checked by validate
	if _, err := s.store.GetArea(r.Context(), *b.AreaID); err != nil {
		return problemf(KindValidation, "area_id %d: no such area", *b.AreaID).withCause(err)
	}
	if err := s.requireArea(r, *b.AreaID); err != nil {
		return err
	}
	wk, err := s.store.CreateWorker(r.Context(), data.WorkerInput{
		AreaID: b.AreaID, Name: b.Name, Start: start, End: end, ShiftMinutes: b.ShiftMinutes,
		WalkSpeedKmh: b.WalkSpeedKmh, ServiceSpeedKmh: b.ServiceSpeedKmh, Active: b.Active,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/workers/"+itoa(wk.ID))
	return writeJSON(w, http.StatusCreated, wk)
}

func (s *server) handleUpdateWorker(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.loadWorker(r, id); err != nil {
		return err
	}
	var b workerBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	start, err := b.validate(false)
	if err != nil {
		return err
	}
	end, _ := b.end() // checked by validate
	if b.AreaID != nil {
		if _, err := s.store.GetArea(r.Context(), *b.AreaID); err != nil {
			return problemf(KindValidation, "area_id %d: no such area", *b.AreaID).withCause(err)
		}
		if err := s.requireArea(r, *b.AreaID); err != nil {
			return err
		}
	}
	wk, err := s.store.UpdateWorker(r.Context(), id, data.WorkerInput{
		AreaID: b.AreaID, Name: b.Name, Start: start, End: end, ShiftMinutes: b.ShiftMinutes,
		WalkSpeedKmh: b.WalkSpeedKmh, ServiceSpeedKmh: b.ServiceSpeedKmh, Active: b.Active,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, wk)
}

func (s *server) handleDeleteWorker(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.loadWorker(r, id); err != nil {
		return err
	}
	if err := s.store.DeleteWorker(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
