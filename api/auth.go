package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gridsweep/gridsweep/data"
)

// principal is who a request speaks for: the scope of its bearer token.
type principal struct {
	TokenID  int64
	Role     role
	AreaID   int64
	WorkerID int64
}

type role string

func principalFrom(ctx context.Context) (principal, bool) {
	p, ok := ctx.Value(ctxPrincipal).(principal)
	return p, ok
}

// mustPrincipal is for handlers behind authed, where a principal always exists.
func mustPrincipal(r *http.Request) principal {
	p, ok := principalFrom(r.Context())
	if !ok {
		panic("api: handler behind authed without a principal")
	}
	return p
}

// authed requires a valid bearer token whose role is one of roles. Area and ownership
// checks need the resource, so the handlers make them (scope.go).
func (s *server) authed(roles []string, h handlerFunc) http.Handler {
	return s.serve(func(w http.ResponseWriter, r *http.Request) error {
		secret, ok := bearerToken(r)
		if !ok {
			return problemf(KindUnauthorized, "send an Authorization: Bearer token")
		}
		tok, err := s.store.Authenticate(r.Context(), secret)
		if errors.Is(err, data.ErrTokenInvalid) {
			return problemf(KindUnauthorized, "the bearer token is unknown, revoked or expired")
		}
		if err != nil {
			return err
		}
		if !slices.Contains(roles, tok.Role) {
			return problemf(KindForbidden, "a %s token cannot %s %s", tok.Role, r.Method, routeTemplate(r))
		}
		if err := s.checkTokenOrigin(r, tok.ID); err != nil {
			return err
		}
		p := principal{TokenID: tok.ID, Role: role(tok.Role), AreaID: tok.AreaID, WorkerID: tok.WorkerID}
		ctx := context.WithValue(r.Context(), ctxPrincipal, p)
		if rec, ok := r.Context().Value(ctxRecorder).(*statusRecorder); ok {
			rec.role, rec.tokenID = tok.Role, tok.ID
		}
		return h(w, r.WithContext(ctx))
	})
}

func routeTemplate(r *http.Request) string {
	if cr := mux.CurrentRoute(r); cr != nil {
		if t, err := cr.GetPathTemplate(); err == nil {
			return t
		}
	}
	return r.URL.Path
}

// requireArea answers 403 unless area is the principal's area or lies below it.
func (s *server) requireArea(r *http.Request, area int64) error {
	p := mustPrincipal(r)
	ok, err := s.store.AreaInScope(r.Context(), p.AreaID, area)
	if err != nil {
		return err
	}
	if !ok {
		return problemf(KindForbidden, "area %d is outside this token's area %d", area, p.AreaID)
	}
	return nil
}

// pathID reads the {id} (or another named) path variable; the route pattern already
// guarantees digits, so only overflow can fail.
func pathID(r *http.Request, name string) (int64, error) {
	v := mux.Vars(r)[name]
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, problemf(KindNotFound, "no %s %q", name, v)
	}
	return id, nil
}

// mapDataError turns the data package's sentinel errors into problems.
func mapDataError(err error) *Problem {
	switch {
	case errors.Is(err, data.ErrRecordNotFound):
		return problemf(KindNotFound, "%s", firstLine(err)).withCause(err)
	case errors.Is(err, data.ErrStaleVersion):
		return problemf(KindConflict, "the resource changed since you read it; fetch it again and retry").withCause(err)
	case errors.Is(err, data.ErrInUse):
		return problemf(KindConflict, "the resource is still referenced by other records").withCause(err)
	case errors.Is(err, data.ErrBadReference):
		return problemf(KindValidation, "the request refers to a record that does not exist").withCause(err)
	case errors.Is(err, data.ErrInvalidValue):
		return problemf(KindValidation, "the database refused a value").withCause(err)
	}
	return nil
}

// firstLine is the first line of a wrapped sentinel chain ("get shop 7: data: record not
// found"): safe and useful to show; errors.Join puts the database's own message on later
// lines, which stay in the logs.
func firstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}
