package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/gridsweep/gridsweep/data"
)

// Teams: supervisors form teams and give them routes; members (workers) read their team
// and its progress; viewers have no access.

func (s *server) registerTeams(a func(string, []string, handlerFunc, ...string), sup, supWorker []string) {
	a("/teams", sup, s.handleListTeams, http.MethodGet)
	a("/teams", sup, s.handleCreateTeam, http.MethodPost)
	a("/teams/{id:[0-9]+}", supWorker, s.handleGetTeam, http.MethodGet)
	a("/teams/{id:[0-9]+}/routes", sup, s.handleAssignTeamRoute, http.MethodPost)
	a("/teams/{id:[0-9]+}/progress", supWorker, s.handleTeamProgress, http.MethodGet)
}

type teamBody struct {
	AreaID    *int64  `json:"area_id"`
	Name      string  `json:"name"`
	LeadID    *int64  `json:"lead_worker_id"`
	MemberIDs []int64 `json:"member_ids"`
}

func (s *server) handleCreateTeam(w http.ResponseWriter, r *http.Request) error {
	var b teamBody
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
	var errs []FieldError
	if b.Name == "" || len(b.Name) > 200 {
		errs = append(errs, FieldError{"name", "1 to 200 bytes"})
	}
	if b.LeadID == nil {
		errs = append(errs, FieldError{"lead_worker_id", "required"})
	}
	if len(b.MemberIDs) > 100 {
		errs = append(errs, FieldError{"member_ids", "at most 100 members"})
	}
	if len(errs) > 0 {
		pr := problemf(KindValidation, "the team is invalid")
		pr.Errors = errs
		return pr
	}
	for _, id := range append([]int64{*b.LeadID}, b.MemberIDs...) {
		wk, err := s.loadWorker(r, id)
		if err != nil {
			return err
		}
		ok, err := s.store.AreaInScope(r.Context(), area, wk.AreaID)
		if err != nil {
			return err
		}
		if !ok {
			return problemf(KindValidation, "worker %d does not belong to area %d", id, area)
		}
	}
	t, err := s.store.CreateTeam(r.Context(), area, b.Name, *b.LeadID, b.MemberIDs)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/teams/"+itoa(t.ID))
	return writeJSON(w, http.StatusCreated, t)
}

func (s *server) handleListTeams(w http.ResponseWriter, r *http.Request) error {
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	ts, err := s.store.ListTeams(r.Context(), area, fetchPage(page))
	if err != nil {
		return err
	}
	return writeList(w, r, ts, page, func(t data.Team) int64 { return t.ID })
}

// loadTeam fetches the {id} team for a supervisor of its area or one of its members.
func (s *server) loadTeam(r *http.Request) (data.Team, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return data.Team{}, err
	}
	t, err := s.store.GetTeam(r.Context(), id)
	if err != nil {
		return t, err
	}
	p := mustPrincipal(r)
	if p.Role == data.RoleWorker {
		if !slices.Contains(t.MemberIDs, p.WorkerID) {
			return t, problemf(KindForbidden, "worker %d is not a member of team %d", p.WorkerID, id)
		}
		return t, nil
	}
	return t, s.requireArea(r, t.AreaID)
}

func (s *server) handleGetTeam(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadTeam(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

type teamRouteBody struct {
	PlanID   *int64 `json:"plan_id"`
	WorkerID *int64 `json:"worker_id"`
}

// handleAssignTeamRoute gives a route (a worker's route in a plan) to the team; the plan
// must be of an area in scope. Repeating it is harmless.
func (s *server) handleAssignTeamRoute(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadTeam(r)
	if err != nil {
		return err
	}
	var b teamRouteBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if b.PlanID == nil || b.WorkerID == nil {
		return problemf(KindValidation, "plan_id and worker_id name the route")
	}
	plan, err := s.store.GetPlan(r.Context(), *b.PlanID)
	if err != nil {
		return err
	}
	if err := s.requireArea(r, plan.AreaID); err != nil {
		return err
	}
	if err := s.store.AssignTeamRoute(r.Context(), t.ID, plan.ID, *b.WorkerID); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]int64{"team_id": t.ID, "plan_id": plan.ID, "worker_id": *b.WorkerID})
}

// handleTeamProgress counts the stops of the team's routes in ?plan= that any member
// checked in at, each once.
func (s *server) handleTeamProgress(w http.ResponseWriter, r *http.Request) error {
	t, err := s.loadTeam(r)
	if err != nil {
		return err
	}
	plan, err := strconv.ParseInt(r.URL.Query().Get("plan"), 10, 64)
	if err != nil || plan <= 0 {
		return problemf(KindValidation, "plan must be a plan id")
	}
	p, err := s.store.TeamRouteProgress(r.Context(), t.ID, plan)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// teamPlanWorkers checks a plan request's teams (in scope, each lead once) and returns
// them with their leads, who are the plan's workers: a team walks one route.
func (s *server) teamPlanWorkers(r *http.Request, ids []int64) ([]data.Team, []int64, error) {
	var teams []data.Team
	var leads []int64
	for _, id := range ids {
		t, err := s.store.GetTeam(r.Context(), id)
		if errors.Is(err, data.ErrRecordNotFound) {
			return nil, nil, problemf(KindValidation, "team %d: no such team", id).withCause(err)
		}
		if err != nil {
			return nil, nil, err
		}
		if err := s.requireArea(r, t.AreaID); err != nil {
			return nil, nil, err
		}
		if slices.Contains(leads, t.LeadID) {
			return nil, nil, problemf(KindValidation, "worker %d leads two of the teams; a plan gives each team its own route", t.LeadID)
		}
		teams, leads = append(teams, t), append(leads, t.LeadID)
	}
	return teams, leads, nil
}
