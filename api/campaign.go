package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"
	// Campaign periods are dates in a named zone; embedding the zone database keeps that
	// working on hosts without /usr/share/zoneinfo (distroless images).
	_ "time/tzdata"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/fieldwork"
	"github.com/gridsweep/gridsweep/routing"
)

// DefaultTimeZone is the zone of campaign periods and duty windows when none is given:
// the product's users are in mainland China.
const DefaultTimeZone = "Asia/Shanghai"

func (s *server) registerCampaigns(a func(string, []string, handlerFunc, ...string), sup, supWorker []string) {
	a("/campaigns", sup, s.handleListCampaigns, http.MethodGet)
	a("/campaigns", sup, s.handleCreateCampaign, http.MethodPost)
	a("/campaigns/{id:[0-9]+}", supWorker, s.handleGetCampaign, http.MethodGet)
	a("/campaigns/{id:[0-9]+}/answers", supWorker, s.handlePostAnswers, http.MethodPost)
	a("/campaigns/{id:[0-9]+}/answers", sup, s.handleListAnswers, http.MethodGet)
	a("/campaigns/{id:[0-9]+}/unvisited", supWorker, s.handleUnvisited, http.MethodGet)
}

type campaignBody struct {
	OwnerArea *int64               `json:"owner_area"`
	Name      string               `json:"name"`
	StartsOn  string               `json:"starts_on"`
	EndsOn    string               `json:"ends_on"`
	TimeZone  string               `json:"time_zone"`
	Questions []fieldwork.Question `json:"questions"`
	Areas     []int64              `json:"areas"`
}

// fieldErrors carries the rules' field errors into a problem's errors.
func fieldErrors(in []fieldwork.FieldError) []FieldError {
	out := make([]FieldError, len(in))
	for i, e := range in {
		out[i] = FieldError{e.Field, e.Message}
	}
	return out
}

func (s *server) handleCreateCampaign(w http.ResponseWriter, r *http.Request) error {
	var b campaignBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	p := mustPrincipal(r)
	owner := p.AreaID
	if b.OwnerArea != nil {
		owner = *b.OwnerArea
	}
	if b.TimeZone == "" {
		b.TimeZone = DefaultTimeZone
	}
	var errs []FieldError
	if b.Name == "" || len(b.Name) > 200 {
		errs = append(errs, FieldError{"name", "1 to 200 bytes"})
	}
	start, err1 := time.Parse(time.DateOnly, b.StartsOn)
	end, err2 := time.Parse(time.DateOnly, b.EndsOn)
	if err1 != nil || err2 != nil || end.Before(start) {
		errs = append(errs, FieldError{"starts_on", "starts_on and ends_on are YYYY-MM-DD dates, ends_on not before starts_on"})
	}
	if _, err := time.LoadLocation(b.TimeZone); err != nil {
		errs = append(errs, FieldError{"time_zone", "an IANA zone name such as Asia/Shanghai"})
	}
	if len(b.Areas) == 0 || len(b.Areas) > 1000 {
		errs = append(errs, FieldError{"areas", "give 1 to 1000 area ids"})
	}
	errs = append(errs, fieldErrors(fieldwork.CheckQuestions(b.Questions))...)
	if len(errs) > 0 {
		pr := problemf(KindValidation, "the campaign is invalid")
		pr.Errors = errs
		return pr
	}
	if err := s.requireArea(r, owner); err != nil {
		return err
	}
	for _, a := range b.Areas {
		ok, err := s.store.AreaInScope(r.Context(), owner, a)
		if err != nil {
			return err
		}
		if !ok {
			return problemf(KindValidation, "area %d is not the campaign's area %d or below it", a, owner)
		}
	}
	c, err := s.store.CreateCampaign(r.Context(), data.CampaignInput{OwnerArea: owner, Name: b.Name, StartsOn: b.StartsOn,
		EndsOn: b.EndsOn, TimeZone: b.TimeZone, Questions: b.Questions, Areas: b.Areas})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/campaigns/"+itoa(c.ID))
	return writeJSON(w, http.StatusCreated, c)
}

func (s *server) handleListCampaigns(w http.ResponseWriter, r *http.Request) error {
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	cs, err := s.store.ListCampaigns(r.Context(), area, fetchPage(page))
	if err != nil {
		return err
	}
	return writeList(w, r, cs, page, func(c data.Campaign) int64 { return c.ID })
}

// loadCampaign fetches the campaign of the {id} path variable if the token may see it: a
// supervisor's own or lower areas' campaigns, and the campaigns of the areas above a
// token's area (a worker answers the checklists of the community that runs them).
func (s *server) loadCampaign(r *http.Request) (data.Campaign, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return data.Campaign{}, err
	}
	c, err := s.store.GetCampaign(r.Context(), id)
	if err != nil {
		return c, err
	}
	p := mustPrincipal(r)
	for _, pair := range [][2]int64{{p.AreaID, c.OwnerArea}, {c.OwnerArea, p.AreaID}} {
		ok, err := s.store.AreaInScope(r.Context(), pair[0], pair[1])
		if err != nil {
			return c, err
		}
		if ok {
			return c, nil
		}
	}
	return c, problemf(KindForbidden, "campaign %d belongs to area %d, outside this token's area %d", id, c.OwnerArea, p.AreaID)
}

func (s *server) handleGetCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCampaign(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

type answerBody struct {
	ClientKey string         `json:"client_key"`
	ShopID    *int64         `json:"shop_id"`
	WorkerID  *int64         `json:"worker_id"`
	VisitedAt *time.Time     `json:"visited_at"`
	Answers   map[string]any `json:"answers"`
	Note      string         `json:"note"`
}

// handlePostAnswers records inspection visits of a campaign (one object or a batch). A
// visit must fall within the campaign's period (its dates read in its time zone) and the
// shop within the campaign's areas and the token's area.
func (s *server) handlePostAnswers(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCampaign(r)
	if err != nil {
		return err
	}
	bodies, err := decodeBatch[answerBody](r, maxLedgerBatch)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("campaign %d zone %q: %w", c.ID, c.TimeZone, err)
	}
	p := mustPrincipal(r)
	inputs := make([]data.CampaignAnswerInput, len(bodies))
	var errs []FieldError
	shops, workers := map[int64]bool{}, map[int64]bool{}
	for i, b := range bodies {
		field := func(name string) string { return fmt.Sprintf("[%d].%s", i, name) }
		in := data.CampaignAnswerInput{ClientKey: b.ClientKey, CampaignID: c.ID, TokenID: p.TokenID, Answers: b.Answers, Note: b.Note}
		if b.ClientKey == "" || len(b.ClientKey) > maxClientKey {
			errs = append(errs, FieldError{field("client_key"), fmt.Sprintf("required, at most %d bytes", maxClientKey)})
		}
		if b.VisitedAt == nil {
			errs = append(errs, FieldError{field("visited_at"), "required (RFC 3339 time)"})
		} else {
			in.VisitedAt = *b.VisitedAt
			if day := b.VisitedAt.In(loc).Format(time.DateOnly); day < c.StartsOn || day > c.EndsOn {
				errs = append(errs, FieldError{field("visited_at"), fmt.Sprintf("outside the campaign's period %s to %s (%s)", c.StartsOn, c.EndsOn, c.TimeZone)})
			}
		}
		if b.Answers == nil {
			errs = append(errs, FieldError{field("answers"), "required (an object keyed by question id)"})
		} else {
			errs = append(errs, fieldErrors(fieldwork.CheckAnswers(field("answers"), c.Questions, b.Answers))...)
		}
		if !validText(b.Note) {
			errs = append(errs, FieldError{field("note"), fmt.Sprintf("at most %d bytes", maxLedgerText)})
		}
		if b.ShopID == nil {
			errs = append(errs, FieldError{field("shop_id"), "required"})
		} else {
			in.ShopID = *b.ShopID
			if err := s.requireShopInScope(r, *b.ShopID, shops); err != nil {
				return err
			}
			if err := s.requireShopInCampaign(r, c, *b.ShopID); err != nil {
				return err
			}
		}
		if in.WorkerID, err = s.checkinWorker(r, b.WorkerID, workers); err != nil {
			return err
		}
		inputs[i] = in
	}
	if len(errs) > 0 {
		pr := problemf(KindValidation, "some answers are invalid; nothing was stored")
		pr.Errors = errs
		return pr
	}
	results, err := s.store.RecordCampaignAnswers(r.Context(), inputs)
	if err != nil {
		return err
	}
	return writeBatchResults(w, results, func(r data.LedgerResult) string { return r.Status })
}

func (s *server) requireShopInCampaign(r *http.Request, c data.Campaign, shop int64) error {
	for _, a := range c.Areas {
		ok, err := s.store.PointInArea(r.Context(), data.ShopsTable, shop, a)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
	return problemf(KindValidation, "shop %d lies outside campaign %d's areas", shop, c.ID)
}

func (s *server) handleListAnswers(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCampaign(r)
	if err != nil {
		return err
	}
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	as, err := s.store.ListCampaignAnswers(r.Context(), c.ID, fetchPage(page))
	if err != nil {
		return err
	}
	return writeList(w, r, as, page, func(a data.CampaignAnswer) int64 { return a.ID })
}

// handleUnvisited lists the campaign's shops without an answer, inside ?area= (default the
// token's area), each with the street block it lies on.
func (s *server) handleUnvisited(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadCampaign(r)
	if err != nil {
		return err
	}
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	us, err := s.store.CampaignUnvisited(r.Context(), c.ID, area, routing.DefaultSnapToleranceM)
	if err != nil {
		return err
	}
	if us == nil {
		us = []data.UnvisitedShop{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"campaign_id": c.ID, "count": len(us), "items": us})
}

// checkPlanCampaign validates a plan request's campaign_id: a campaign the token may see,
// and not combined with a re-plan (which keeps the previous plan's blocks).
func (s *server) checkPlanCampaign(r *http.Request, campaign, replanOf int64) error {
	if replanOf != 0 {
		return problemf(KindValidation, "campaign_id cannot be combined with replan_of")
	}
	c, err := s.store.GetCampaign(r.Context(), campaign)
	if errors.Is(err, data.ErrRecordNotFound) {
		return problemf(KindValidation, "campaign_id %d: no such campaign", campaign).withCause(err)
	}
	if err != nil {
		return err
	}
	return s.requireArea(r, c.OwnerArea)
}
