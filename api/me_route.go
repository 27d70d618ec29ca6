package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// SigninCodeTTL is how long a one-time sign-in code works: long enough to scan a QR code
// from the supervisor's screen, short enough that a photo of it is soon useless.
const SigninCodeTTL = 10 * time.Minute

// handleMyRoute answers the calling worker's route in today's published plan, the same
// GeoJSON as GET /plans/{id}/routes/{worker}; the plan id is in each feature's properties
// and the X-Plan-Id header, so the phone never asks the worker for it.
func (s *server) handleMyRoute(w http.ResponseWriter, r *http.Request) error {
	p := mustPrincipal(r)
	pub, err := s.store.TodaysPlanOf(r.Context(), p.WorkerID)
	if errors.Is(err, data.ErrRecordNotFound) {
		return problemf(KindNotFound, "no plan with a route for worker %d is published for today", p.WorkerID).withCause(err)
	}
	if err != nil {
		return err
	}
	rows, err := s.store.PlanRoutes(r.Context(), pub.PlanID, p.WorkerID)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		// Published and then re-planned without this worker between the two reads.
		return problemf(KindNotFound, "no plan with a route for worker %d is published for today", p.WorkerID)
	}
	w.Header().Set("X-Plan-Id", strconv.FormatInt(pub.PlanID, 10))
	w.Header().Set("Cache-Control", "no-store")
	return writeRoute(w, pub.PlanID, p.WorkerID, rows)
}

// handleCreateSigninCode makes a one-time code for a worker in scope (supervisor): the
// console shows url as a QR code or link; the phone exchanges the code once for a worker
// token (POST /api/v1/signin).
func (s *server) handleCreateSigninCode(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	wk, err := s.loadWorker(r, id)
	if err != nil {
		return err
	}
	if !wk.Active {
		return problemf(KindValidation, "worker %d is not active", id)
	}
	c, err := s.store.CreateSigninCode(r.Context(), id, mustPrincipal(r).TokenID, SigninCodeTTL)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, map[string]any{
		"code": c.Code, "url": "/worker?code=" + c.Code, "worker_id": c.WorkerID, "expires_at": c.ExpiresAt,
	})
}

// handleSignin exchanges a one-time code for a worker token; it needs no token. A code
// works once: a second exchange, an expired or an unknown code answer 401.
func (s *server) handleSignin(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if b.Code == "" {
		return problemf(KindValidation, "code is required")
	}
	secret, tok, err := s.store.RedeemSigninCode(r.Context(), b.Code)
	if errors.Is(err, data.ErrCodeInvalid) {
		return problemf(KindUnauthorized, "the sign-in code is unknown, expired or already used; ask for a new one")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	out := map[string]any{"token": secret, "token_id": tok.ID, "role": tok.Role, "area_id": tok.AreaID,
		"worker_id": tok.WorkerID, "expires_at": tok.ExpiresAt}
	return writeJSON(w, http.StatusOK, out)
}
