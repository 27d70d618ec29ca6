package api

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

var planStatuses = []string{data.PlanQueued, data.PlanRunning, data.PlanDone, data.PlanFailed, data.PlanCancelled}

// handleListPlans lists the plans of an area in scope (?area=, default the token's) and
// the areas below it, newest first: ?status= keeps one status, ?published=true|false keeps
// plans that are (not) published for some day, ?published=YYYY-MM-DD those published for
// that day. ?after= is the last id seen.
func (s *server) handleListPlans(w http.ResponseWriter, r *http.Request) error {
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := data.PlanFilter{Root: area, Status: q.Get("status")}
	if f.Status != "" && !slices.Contains(planStatuses, f.Status) {
		return problemf(KindValidation, "status must be one of queued, running, done, failed, cancelled")
	}
	if v := q.Get("published"); v != "" {
		if b, err := strconv.ParseBool(v); err == nil {
			f.Published = &b
		} else if _, err := time.Parse(data.DateLayout, v); err == nil {
			f.PublishedOn = v
		} else {
			return problemf(KindValidation, "published must be true, false or a date YYYY-MM-DD")
		}
	}
	plans, err := s.store.ListPlans(r.Context(), f, fetchPage(page))
	if err != nil {
		return err
	}
	return writeList(w, r, plans, page, func(p data.PlanListItem) int64 { return p.ID })
}

// checkPlanCanStart refuses at once (422) a plan request that the job could only fail:
// an area without active workers or streets, or a named worker who is not active.
func (s *server) checkPlanCanStart(r *http.Request, b planBody) error {
	if b.AreaID == nil {
		return nil // the create handler reports the missing field
	}
	why, err := s.store.PlanCanStart(r.Context(), *b.AreaID, b.Workers)
	if err != nil {
		return err
	}
	if why != "" {
		return problemf(KindValidation, "the plan cannot start: %s", why)
	}
	return nil
}
