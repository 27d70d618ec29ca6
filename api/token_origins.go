package api

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"

	"github.com/gridsweep/gridsweep/data"
)

// checkTokenOrigin refuses a browser request made from an origin the token is not
// limited to (gridsweep token create --origins). Requests without an Origin header —
// same-origin GETs of the pages, server-side clients — and those from this server's own
// pages pass: the Origin header binds a leaked embed token to its dashboards in browsers,
// it does not make the token less of a secret. The lookup only happens for requests that
// carry a foreign Origin, so the pages' own calls and plain clients cost nothing more.
func (s *server) checkTokenOrigin(r *http.Request, tokenID int64) error {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == externalBase(r) {
		return nil
	}
	origins, err := s.store.TokenOrigins(r.Context(), tokenID)
	if err != nil {
		return err
	}
	if len(origins) == 0 || slices.Contains(origins, origin) {
		return nil
	}
	return problemf(KindForbidden, "this token may not be used from origin %q", origin)
}

// embedOrigins gives the web package the origins that may frame the embed page: those of
// the viewer token in its ?token= (none: any site). An unknown token frames like none —
// the page shows nothing without a valid one; a database failure keeps the page unframed.
func (s *server) embedOrigins(r *http.Request) ([]string, error) {
	secret := r.URL.Query().Get("token")
	if secret == "" {
		return nil, nil
	}
	origins, err := s.store.OriginsOfSecret(r.Context(), secret)
	if errors.Is(err, data.ErrTokenInvalid) {
		return nil, nil
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "embed frame-ancestors", slog.String("error", err.Error()))
		return nil, err
	}
	return origins, nil
}
