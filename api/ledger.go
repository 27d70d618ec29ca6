package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/fieldwork"
)

// Field work (issue 9): the shop ledger, inspection campaigns. Who may do what:
//   - workers check in at shops of their token's area (ledger and campaign answers) and read
//     one shop's ledger there, for the phone;
//   - supervisors do the same anywhere in their area and also list, filter and export the
//     ledger and manage campaigns;
//   - viewers (dashboards) see only the aggregate reopening summary: per-shop needs and
//     notes (loans, staff) are business information not meant for a public screen.

// Caps on ledger text: a phone's note, not a document store.
const (
	maxLedgerText  = 2000
	maxLedgerDocs  = 20
	maxLedgerBatch = 500
)

// registerFieldWork adds the ledger, campaign, station duty and team routes. a registers one route with the
// roles allowed.
func (s *server) registerFieldWork(r *mux.Router, v1 string) {
	all := []string{data.RoleSupervisor, data.RoleWorker, data.RoleViewer}
	sup := []string{data.RoleSupervisor}
	supWorker := []string{data.RoleSupervisor, data.RoleWorker}
	a := func(path string, roles []string, h handlerFunc, methods ...string) {
		r.Handle(v1+path, s.authed(roles, h)).Methods(methods...)
	}
	a("/ledger/checkins", supWorker, s.handlePostLedger, http.MethodPost)
	a("/ledger", sup, s.handleListLedger, http.MethodGet)
	a("/ledger.csv", sup, s.handleLedgerCSV, http.MethodGet)
	a("/ledger/summary", all, s.handleLedgerSummary, http.MethodGet)
	a("/shops/{id:[0-9]+}/ledger", supWorker, s.handleShopLedger, http.MethodGet)
	s.registerCampaigns(a, sup, supWorker)
	s.registerDuty(a, all, sup, supWorker)
	s.registerTeams(a, sup, supWorker)
}

type ledgerBody struct {
	ClientKey  string     `json:"client_key"`
	ShopID     *int64     `json:"shop_id"`
	WorkerID   *int64     `json:"worker_id"`
	ObservedAt *time.Time `json:"observed_at"`
	Status     *string    `json:"status"`
	NeedTags   *[]string  `json:"need_tags"`
	Needs      *string    `json:"needs"`
	Documents  []string   `json:"documents"`
	Note       string     `json:"note"`
}

// decodeBatch reads one JSON object or an array of them (a phone's offline queue).
func decodeBatch[T any](r *http.Request, max int) ([]T, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	var out []T
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = decodeStrict(trimmed, &out)
	} else {
		var one T
		err = decodeStrict(trimmed, &one)
		out = []T{one}
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, problemf(KindValidation, "the batch is empty")
	}
	if len(out) > max {
		return nil, problemf(KindValidation, "at most %d check-ins per request", max)
	}
	return out, nil
}

// checkinWorker decides which worker a check-in speaks for: a worker token's own, or the
// one a supervisor names (nil: an office entry). It returns a problem for someone else's.
func (s *server) checkinWorker(r *http.Request, named *int64, checked map[int64]bool) (*int64, error) {
	p := mustPrincipal(r)
	if p.Role == data.RoleWorker {
		if named != nil && *named != p.WorkerID {
			return nil, problemf(KindForbidden, "a worker token checks in only for worker %d", p.WorkerID)
		}
		id := p.WorkerID
		return &id, nil
	}
	if named != nil && !checked[*named] {
		if _, err := s.loadWorker(r, *named); err != nil {
			return nil, err
		}
		checked[*named] = true
	}
	return named, nil
}

// requireShopInScope answers 403 unless the shop lies in the token's area (404 if unknown).
func (s *server) requireShopInScope(r *http.Request, shop int64, checked map[int64]bool) error {
	if checked[shop] {
		return nil
	}
	if _, err := s.store.GetPoint(r.Context(), data.ShopsTable, shop); err != nil {
		return err
	}
	p := mustPrincipal(r)
	ok, err := s.store.PointInArea(r.Context(), data.ShopsTable, shop, p.AreaID)
	if err != nil {
		return err
	}
	if !ok {
		return problemf(KindForbidden, "shop %d lies outside this token's area %d", shop, p.AreaID)
	}
	checked[shop] = true
	return nil
}

func validText(s string) bool { return len(s) <= maxLedgerText }

// handlePostLedger stores ledger check-ins: each is recorded once per client key, joins
// the shop's history and updates its current state.
func (s *server) handlePostLedger(w http.ResponseWriter, r *http.Request) error {
	bodies, err := decodeBatch[ledgerBody](r, maxLedgerBatch)
	if err != nil {
		return err
	}
	p := mustPrincipal(r)
	inputs := make([]data.LedgerInput, len(bodies))
	var errs []FieldError
	shops, workers := map[int64]bool{}, map[int64]bool{}
	for i, b := range bodies {
		field := func(name string) string { return fmt.Sprintf("[%d].%s", i, name) }
		in := data.LedgerInput{ClientKey: b.ClientKey, TokenID: p.TokenID, Status: b.Status, Needs: b.Needs,
			Documents: b.Documents, Note: b.Note}
		if b.ClientKey == "" || len(b.ClientKey) > maxClientKey {
			errs = append(errs, FieldError{field("client_key"), fmt.Sprintf("required, at most %d bytes", maxClientKey)})
		}
		if b.ObservedAt == nil {
			errs = append(errs, FieldError{field("observed_at"), "required (RFC 3339 time)"})
		} else {
			in.ObservedAt = *b.ObservedAt
		}
		if b.Status != nil && !slices.Contains(data.ShopStatuses(), *b.Status) {
			errs = append(errs, FieldError{field("status"), "must be one of " + strings.Join(data.ShopStatuses(), ", ")})
		}
		if b.NeedTags != nil {
			in.NeedTags = []string{}
			for _, t := range *b.NeedTags {
				if !slices.Contains(data.NeedTags(), t) {
					errs = append(errs, FieldError{field("need_tags"), "tags are " + strings.Join(data.NeedTags(), ", ")})
					break
				}
				if !slices.Contains(in.NeedTags, t) {
					in.NeedTags = append(in.NeedTags, t)
				}
			}
		}
		if (b.Needs != nil && !validText(*b.Needs)) || !validText(b.Note) {
			errs = append(errs, FieldError{field("note"), fmt.Sprintf("needs and note hold at most %d bytes", maxLedgerText)})
		}
		if len(b.Documents) > maxLedgerDocs || slices.ContainsFunc(b.Documents, func(d string) bool { return d == "" || len(d) > 200 }) {
			errs = append(errs, FieldError{field("documents"), fmt.Sprintf("at most %d non-empty names of up to 200 bytes", maxLedgerDocs)})
		}
		if b.Status == nil && b.NeedTags == nil && b.Needs == nil && len(b.Documents) == 0 && b.Note == "" {
			errs = append(errs, FieldError{field("status"), "a ledger check-in changes or notes something: give status, need_tags, needs, documents or note"})
		}
		if b.ShopID == nil {
			errs = append(errs, FieldError{field("shop_id"), "required"})
		} else {
			in.ShopID = *b.ShopID
			if err := s.requireShopInScope(r, *b.ShopID, shops); err != nil {
				return err
			}
		}
		in.WorkerID, err = s.checkinWorker(r, b.WorkerID, workers)
		if err != nil {
			return err
		}
		inputs[i] = in
	}
	if len(errs) > 0 {
		pr := problemf(KindValidation, "some ledger check-ins are invalid; nothing was stored")
		pr.Errors = errs
		return pr
	}
	results, err := s.store.RecordLedger(r.Context(), inputs)
	if err != nil {
		return err
	}
	return writeBatchResults(w, results, func(r data.LedgerResult) string { return r.Status })
}

// ledgerFilter reads ?area=&status=&category=&need=.
func (s *server) ledgerFilter(r *http.Request) (data.LedgerFilter, error) {
	area, err := s.areaParam(r)
	if err != nil {
		return data.LedgerFilter{}, err
	}
	q := r.URL.Query()
	f := data.LedgerFilter{Area: area, Status: q.Get("status"), Category: q.Get("category"), Need: q.Get("need")}
	if f.Status != "" && !slices.Contains(data.ShopStatuses(), f.Status) {
		return f, problemf(KindValidation, "unknown status %q", f.Status)
	}
	if f.Category != "" && !shopCategories[f.Category] {
		return f, problemf(KindValidation, "unknown category %q", f.Category)
	}
	if f.Need != "" && !slices.Contains(data.NeedTags(), f.Need) {
		return f, problemf(KindValidation, "unknown need tag %q", f.Need)
	}
	return f, nil
}

func (s *server) handleListLedger(w http.ResponseWriter, r *http.Request) error {
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	f, err := s.ledgerFilter(r)
	if err != nil {
		return err
	}
	items, err := s.store.ListLedger(r.Context(), f, fetchPage(page))
	if err != nil {
		return err
	}
	return writeList(w, r, items, page, func(e fieldwork.LedgerEntry) int64 { return e.ShopID })
}

// handleLedgerCSV exports the filtered ledger of an area as CSV (RFC 4180, UTF-8, header
// row), all pages at once.
func (s *server) handleLedgerCSV(w http.ResponseWriter, r *http.Request) error {
	f, err := s.ledgerFilter(r)
	if err != nil {
		return err
	}
	all, err := s.store.ListAllLedger(r.Context(), f)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := fieldwork.WriteLedgerCSV(&buf, all); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ledger-area-%d.csv"`, f.Area))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}

// handleLedgerSummary reports an area's reopening progress: counts by status now and at
// ?points= instants ?step_days= apart (default 8 weekly points).
func (s *server) handleLedgerSummary(w http.ResponseWriter, r *http.Request) error {
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	stepDays, points := 7.0, 8
	if v := q.Get("step_days"); v != "" {
		if stepDays, err = strconv.ParseFloat(v, 64); err != nil || stepDays <= 0 || stepDays > 366 {
			return problemf(KindValidation, "step_days must be a number of days in (0, 366]")
		}
	}
	if v := q.Get("points"); v != "" {
		if points, err = strconv.Atoi(v); err != nil || points < 1 || points > 104 {
			return problemf(KindValidation, "points must be an integer from 1 to 104")
		}
	}
	now := time.Now()
	if v := q.Get("at"); v != "" {
		if now, err = time.Parse(time.RFC3339, v); err != nil {
			return problemf(KindValidation, "at must be an RFC 3339 time")
		}
	}
	sum, err := s.store.SummarizeLedger(r.Context(), area, now, time.Duration(stepDays*24*float64(time.Hour)), points)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sum)
}

func (s *server) handleShopLedger(w http.ResponseWriter, r *http.Request) error {
	pt, err := s.loadPoint(r, shopKind)
	if err != nil {
		return err
	}
	cur, hist, err := s.store.ShopLedger(r.Context(), pt.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"current": cur, "history": hist})
}
