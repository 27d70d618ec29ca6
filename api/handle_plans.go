package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/planning"
)

// maxPlanSeconds bounds a plan's search budget so one request cannot occupy a worker
// slot for long.
const maxPlanSeconds = 600

type planBody struct {
	AreaID    *int64   `json:"area_id"`
	Mode      string   `json:"mode"`
	Workers   []int64  `json:"workers"`
	Seconds   *float64 `json:"seconds"`
	Seed      int64    `json:"seed"`
	CapacityM float64  `json:"capacity_m"`
	// ReplanOf, Locks and LockedWorkers re-plan from a finished plan (patrol mode).
	ReplanOf      int64   `json:"replan_of"`
	Locks         []int64 `json:"locks"`
	LockedWorkers []int64 `json:"locked_workers"`
	// CampaignID plans an inspection round: only the blocks with the campaign's
	// unvisited shops are required (campaign.go).
	CampaignID int64 `json:"campaign_id"`
	// Teams plans for teams instead of individuals: each team's lead is a worker of the
	// plan and the lead's route becomes the team's (team.go).
	Teams []int64 `json:"teams"`
}

// handleCreatePlan queues a plan job for an area in scope and answers 202 with the plan;
// its status, progress and result are read from GET /api/v1/plans/{id}.
func (s *server) handleCreatePlan(w http.ResponseWriter, r *http.Request) error {
	if s.opts.Jobs == nil {
		return problemf(KindUnavailable, "this server does not run plan jobs")
	}
	var b planBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	var errs []FieldError
	if b.AreaID == nil {
		errs = append(errs, FieldError{"area_id", "required"})
	}
	if b.Mode == "" {
		b.Mode = "patrol"
	}
	if b.Mode != "patrol" && b.Mode != "sweeper" {
		errs = append(errs, FieldError{"mode", "must be patrol or sweeper"})
	}
	seconds := 10.0
	if b.Seconds != nil {
		seconds = *b.Seconds
	}
	if seconds <= 0 || seconds > maxPlanSeconds || math.IsNaN(seconds) {
		errs = append(errs, FieldError{"seconds", fmt.Sprintf("must be in (0, %d]", maxPlanSeconds)})
	}
	if b.CapacityM < 0 {
		errs = append(errs, FieldError{"capacity_m", "must not be negative"})
	}
	if b.ReplanOf == 0 && (len(b.Locks) > 0 || len(b.LockedWorkers) > 0) {
		errs = append(errs, FieldError{"locks", "locks keep blocks of a previous plan: name it in replan_of"})
	}
	if b.ReplanOf != 0 && b.Mode != "patrol" {
		errs = append(errs, FieldError{"replan_of", "re-planning supports patrol mode only"})
	}
	if len(errs) > 0 {
		p := problemf(KindValidation, "the plan request is invalid")
		p.Errors = errs
		return p
	}
	if _, err := s.store.GetArea(r.Context(), *b.AreaID); err != nil {
		return problemf(KindValidation, "area_id %d: no such area", *b.AreaID).withCause(err)
	}
	if err := s.requireArea(r, *b.AreaID); err != nil {
		return err
	}
	if err := s.checkPlanCanStart(r, b); err != nil {
		return err
	}
	var teams []data.Team
	if len(b.Teams) > 0 {
		if len(b.Workers) > 0 || b.ReplanOf != 0 {
			return problemf(KindValidation, "teams replaces workers and cannot re-plan")
		}
		var err error
		if teams, b.Workers, err = s.teamPlanWorkers(r, b.Teams); err != nil {
			return err
		}
	}
	for _, id := range b.Workers {
		wk, err := s.store.GetWorker(r.Context(), id)
		if err != nil {
			return problemf(KindValidation, "worker %d: no such worker", id).withCause(err)
		}
		ok, err := s.store.AreaInScope(r.Context(), *b.AreaID, wk.AreaID)
		if err != nil {
			return err
		}
		if !ok {
			return problemf(KindValidation, "worker %d does not belong to area %d", id, *b.AreaID)
		}
	}
	if b.ReplanOf != 0 {
		if err := s.checkReplan(r, *b.AreaID, b); err != nil {
			return err
		}
	}
	if b.CampaignID != 0 {
		if err := s.checkPlanCampaign(r, b.CampaignID, b.ReplanOf); err != nil {
			return err
		}
	}
	req := planning.JobRequest{AreaID: *b.AreaID, Mode: b.Mode, Teams: teams,
		Params: planning.JobParams{Workers: b.Workers, Seconds: seconds, Seed: b.Seed, CapacityM: b.CapacityM,
			ReplanOf: b.ReplanOf, Locks: b.Locks, LockedWorkers: b.LockedWorkers, Campaign: b.CampaignID}}
	if len(teams) > 0 {
		// A few leads stand for the community's workers: whether each grid has one is
		// known now, and a plan that could only fail is refused rather than queued.
		if err := s.opts.Jobs.Check(r.Context(), req); errors.Is(err, planning.ErrBadRequest) {
			return problemf(KindValidation, "the team plan cannot start: %s", err).withCause(err)
		} else if err != nil {
			return err
		}
	}
	plan, err := s.opts.Jobs.Create(r.Context(), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/plans/"+itoa(plan.ID))
	w.Header().Set("ETag", etag(plan.Version))
	return writeJSON(w, http.StatusAccepted, plan)
}

// checkReplan validates a re-plan request: the previous plan is a finished plan of the
// same area, and every locked block and worker is part of it.
func (s *server) checkReplan(r *http.Request, area int64, b planBody) error {
	prev, err := s.store.GetPlan(r.Context(), b.ReplanOf)
	if err != nil {
		return problemf(KindValidation, "replan_of %d: no such plan", b.ReplanOf).withCause(err)
	}
	if prev.AreaID != area || prev.Status != data.PlanDone {
		return problemf(KindValidation, "replan_of %d must be a finished plan of area %d (it is %s, of area %d)", prev.ID, area, prev.Status, prev.AreaID)
	}
	as, err := s.store.PlanAssignments(r.Context(), prev.ID)
	if err != nil {
		return err
	}
	blocks, workers := map[int64]bool{}, map[int64]bool{}
	for _, a := range as {
		blocks[a.BlockID], workers[a.WorkerID] = true, true
	}
	for _, id := range b.Locks {
		if !blocks[id] {
			return problemf(KindValidation, "locks: block %d is not assigned in plan %d", id, prev.ID)
		}
	}
	for _, id := range b.LockedWorkers {
		if !workers[id] {
			return problemf(KindValidation, "locked_workers: worker %d has no blocks in plan %d", id, prev.ID)
		}
	}
	return nil
}

func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// loadPlan fetches a plan whose area is in the token's scope.
func (s *server) loadPlan(r *http.Request) (data.PlanRecord, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return data.PlanRecord{}, err
	}
	plan, err := s.store.GetPlan(r.Context(), id)
	if err != nil {
		return plan, err
	}
	return plan, s.requireArea(r, plan.AreaID)
}

func (s *server) handleGetPlan(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.loadPlan(r)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(plan.Version))
	if r.URL.Query().Get("assignments") == "true" {
		as, err := s.store.PlanAssignments(r.Context(), plan.ID)
		if err != nil {
			return err
		}
		if as == nil {
			as = []data.Assignment{}
		}
		return writeJSON(w, http.StatusOK, struct {
			data.PlanRecord
			Assignments []data.Assignment `json:"assignments"`
		}{plan, as})
	}
	return writeJSON(w, http.StatusOK, plan)
}

type planEditBody struct {
	Version     *int              `json:"version"`
	Assignments []data.Assignment `json:"assignments"`
}

// handleEditPlan moves or locks blocks by hand. The client must say which version it
// edits (If-Match: "N" or a version field); a plan changed since answers 409 and nothing
// is written.
func (s *server) handleEditPlan(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.loadPlan(r)
	if err != nil {
		return err
	}
	var b planEditBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	version := -1
	if im := r.Header.Get("If-Match"); im != "" {
		v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(im, "W/"), `"`))
		if err != nil {
			return problemf(KindValidation, "If-Match must be the plan's ETag, e.g. \"3\"")
		}
		version = v
	}
	if b.Version != nil {
		if version >= 0 && version != *b.Version {
			return problemf(KindValidation, "If-Match and version disagree")
		}
		version = *b.Version
	}
	if version < 0 {
		return problemf(KindPrecondition, "send If-Match with the plan's ETag (or a version field) so edits cannot overwrite each other")
	}
	if len(b.Assignments) == 0 {
		return problemf(KindValidation, "assignments: at least one edit is required")
	}
	checked := map[int64]bool{}
	for i, a := range b.Assignments {
		if a.BlockID <= 0 || a.WorkerID <= 0 {
			return problemf(KindValidation, "assignments[%d]: block_id and worker_id are required", i)
		}
		if checked[a.WorkerID] {
			continue
		}
		wk, err := s.store.GetWorker(r.Context(), a.WorkerID)
		if err != nil {
			return problemf(KindValidation, "assignments[%d]: worker %d does not exist", i, a.WorkerID).withCause(err)
		}
		ok, err := s.store.AreaInScope(r.Context(), plan.AreaID, wk.AreaID)
		if err != nil {
			return err
		}
		if !ok {
			return problemf(KindValidation, "assignments[%d]: worker %d is not in the plan's area", i, a.WorkerID)
		}
		checked[a.WorkerID] = true
	}
	plan, err = s.store.EditPlanAssignments(r.Context(), plan.ID, version, b.Assignments)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(plan.Version))
	return writeJSON(w, http.StatusOK, plan)
}

// handleCancelPlan cancels a queued or running plan (idempotent: a finished plan is
// returned as it is).
func (s *server) handleCancelPlan(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.loadPlan(r)
	if err != nil {
		return err
	}
	// With a job queue the plan and its job are cancelled in one transaction; a server
	// without one can only mark the plan, which its job then finds cancelled.
	cancel := s.store.CancelPlan
	if s.opts.Jobs != nil {
		cancel = s.opts.Jobs.Cancel
	}
	plan, err = cancel(r.Context(), plan.ID)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(plan.Version))
	return writeJSON(w, http.StatusOK, plan)
}

// SSE timing: how often the stream looks at the plan, and how often it sends a comment
// so proxies keep an idle stream open.
const (
	ssePoll      = 250 * time.Millisecond
	sseHeartbeat = 15 * time.Second
)

// handlePlanEvents streams a plan's progress as Server-Sent Events: a "progress" event
// whenever the status or the best makespan changes, then one "done" event with the final
// plan. It polls the plan row, so it works on any replica, whichever one runs the job.
func (s *server) handlePlanEvents(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.loadPlan(r)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	// The server's WriteTimeout would cut a long stream; this response has no deadline.
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	send := func(event string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return err
		}
		return rc.Flush()
	}
	type update struct {
		Status   string          `json:"status"`
		Progress json.RawMessage `json:"progress"`
	}
	last := ""
	poll := time.NewTicker(ssePoll)
	defer poll.Stop()
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	for {
		key := plan.Status + string(plan.Progress)
		if key != last {
			last = key
			if err := send("progress", update{plan.Status, plan.Progress}); err != nil {
				return nil // the client went away
			}
		}
		switch plan.Status {
		case data.PlanDone, data.PlanFailed, data.PlanCancelled:
			_ = send("done", plan)
			return nil
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			_ = rc.Flush()
		case <-poll.C:
		}
		if plan, err = s.store.GetPlan(r.Context(), plan.ID); err != nil {
			if r.Context().Err() != nil {
				return nil
			}
			// Headers are sent; the stream can only say it failed and end.
			s.log.ErrorContext(r.Context(), "plan events", "error", err.Error())
			_ = send("error", map[string]string{"detail": "reading the plan failed"})
			return nil
		}
	}
}
