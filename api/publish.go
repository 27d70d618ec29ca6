package api

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// publishBody is the optional body of POST /plans/{id}/publish: {} publishes for today in
// the area's time zone.
type publishBody struct {
	Date       string `json:"date"`
	ShiftStart string `json:"shift_start"`
}

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// timeZone is the zone of an area: its own or an ancestor's, else the server's default.
func (s *server) timeZone(r *http.Request, area int64) (*time.Location, error) {
	name, err := s.store.AreaTimeZone(r.Context(), area)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = s.opts.TimeZone
	}
	if name == "" {
		name = DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Names are checked when stored; one this binary's zone database lacks is a server fault.
		return nil, err
	}
	return loc, nil
}

// handlePublishPlan makes a finished plan the one its area's workers get on a day; a
// newer publication for the same area and day replaces the older one.
func (s *server) handlePublishPlan(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.loadPlan(r)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	var b publishBody
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := decodeStrict(raw, &b); err != nil {
			return err
		}
	}
	if plan.Status != data.PlanDone {
		return problemf(KindValidation, "plan %d is %s: only a finished plan can be published", plan.ID, plan.Status)
	}
	loc, err := s.timeZone(r, plan.AreaID)
	if err != nil {
		return err
	}
	day := time.Now().In(loc)
	if b.Date != "" {
		if day, err = time.ParseInLocation(data.DateLayout, b.Date, loc); err != nil {
			return problemf(KindValidation, "date must be YYYY-MM-DD, not %q", b.Date)
		}
	}
	if b.ShiftStart != "" && !hhmm.MatchString(b.ShiftStart) {
		return problemf(KindValidation, "shift_start must be HH:MM (24 h), not %q", b.ShiftStart)
	}
	pub, err := s.store.PublishPlan(r.Context(), data.PublishInput{
		PlanID: plan.ID, AreaID: plan.AreaID, Date: day, TimeZone: loc.String(),
		ShiftStart: b.ShiftStart, TokenID: mustPrincipal(r).TokenID,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pub)
}
