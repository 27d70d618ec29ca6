package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

type tokenBody struct {
	Role     string  `json:"role"`
	WorkerID *int64  `json:"worker_id"`
	AreaID   *int64  `json:"area_id"`
	Expires  *string `json:"expires"`
	Label    string  `json:"label"`
}

// handleCreateToken lets a supervisor mint worker and viewer tokens for their own area and
// the areas below it, never a supervisor token: a supervisor cannot widen their own reach
// or make peers. The secret is in this answer only.
func (s *server) handleCreateToken(w http.ResponseWriter, r *http.Request) error {
	var b tokenBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	p := mustPrincipal(r)
	switch b.Role {
	case data.RoleWorker, data.RoleViewer:
	case data.RoleSupervisor:
		return problemf(KindForbidden, "supervisor tokens are made on the command line (gridsweep token create), not through the API")
	default:
		return problemf(KindValidation, "role must be worker or viewer")
	}
	params := data.NewTokenParams{Role: b.Role, Label: b.Label}
	if b.Expires != nil {
		at, never, err := data.ParseTokenExpiry(*b.Expires, time.Now())
		if err != nil {
			return problemf(KindValidation, "%v", err)
		}
		params.ExpiresAt, params.NoExpiry = at, never
	}
	if b.Role == data.RoleWorker {
		if b.WorkerID == nil {
			return problemf(KindValidation, "worker_id is required for a worker token")
		}
		wk, err := s.loadWorker(r, *b.WorkerID)
		if errors.Is(err, data.ErrRecordNotFound) {
			return problemf(KindValidation, "worker_id %d: no such worker", *b.WorkerID).withCause(err)
		}
		if err != nil {
			return err
		}
		if b.AreaID != nil && *b.AreaID != wk.AreaID {
			return problemf(KindValidation, "worker %d belongs to area %d, not %d", wk.ID, wk.AreaID, *b.AreaID)
		}
		params.WorkerID, params.AreaID = wk.ID, wk.AreaID
	} else {
		if b.WorkerID != nil {
			return problemf(KindValidation, "a viewer token names no worker")
		}
		params.AreaID = p.AreaID
		if b.AreaID != nil {
			if _, err := s.store.GetArea(r.Context(), *b.AreaID); err != nil {
				return problemf(KindValidation, "area_id %d: no such area", *b.AreaID).withCause(err)
			}
			if err := s.requireArea(r, *b.AreaID); err != nil {
				return err
			}
			params.AreaID = *b.AreaID
		}
	}
	secret, tok, err := s.store.CreateToken(r.Context(), params)
	if err != nil {
		return err
	}
	rec, err := s.store.GetToken(r.Context(), tok.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", "/api/v1/tokens/"+itoa(tok.ID))
	return writeJSON(w, http.StatusCreated, struct {
		data.TokenRecord
		Token string `json:"token"`
	}{rec, secret})
}

// handleListTokens lists the tokens of an area in scope and below it, newest first,
// without their secrets; ?active=true drops revoked and expired ones.
func (s *server) handleListTokens(w http.ResponseWriter, r *http.Request) error {
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	f := data.TokenFilter{Root: area}
	if v := r.URL.Query().Get("active"); v != "" {
		if f.ActiveOnly, err = strconv.ParseBool(v); err != nil {
			return problemf(KindValidation, "active must be true or false")
		}
	}
	toks, err := s.store.ListTokens(r.Context(), f, fetchPage(page))
	if err != nil {
		return err
	}
	return writeList(w, r, toks, page, func(t data.TokenRecord) int64 { return t.ID })
}

// handleRevokeToken revokes a worker or viewer token in scope, or the caller's own token
// (signing out); another supervisor's token is made and revoked on the command line. It
// is idempotent: an already revoked token answers 204 too.
func (s *server) handleRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tok, err := s.store.GetToken(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.requireArea(r, tok.AreaID); err != nil {
		return err
	}
	if tok.Role == data.RoleSupervisor && tok.ID != mustPrincipal(r).TokenID {
		return problemf(KindForbidden, "supervisor tokens are revoked on the command line (gridsweep token revoke)")
	}
	if tok.RevokedAt == nil {
		if err := s.store.RevokeToken(r.Context(), id); err != nil && !errors.Is(err, data.ErrRecordNotFound) {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
