package data

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// NormalizeOrigins checks and normalises browser origins as a browser writes them in
// the Origin header: scheme://host[:port], http or https, lower case, no default port,
// no path, query or user. Duplicates are dropped; order is kept.
func NormalizeOrigins(origins []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, raw := range origins {
		o, err := normalizeOrigin(strings.TrimSpace(raw))
		if err != nil {
			return nil, err
		}
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out, nil
}

func normalizeOrigin(raw string) (string, error) {
	u, err := url.Parse(raw)
	bad := func(why string) error {
		return fmt.Errorf("origin %q: %s (want scheme://host[:port], e.g. https://dash.example)", raw, why)
	}
	switch {
	case err != nil:
		return "", bad("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return "", bad("scheme must be http or https")
	case u.User != nil || u.Opaque != "":
		return "", bad("no user or opaque part allowed")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", strings.HasSuffix(raw, "?"), strings.HasSuffix(raw, "#"):
		return "", bad("an origin has no path, query or fragment")
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if host == "" || strings.ContainsAny(host, " ;,'\"*") {
		return "", bad("no valid host")
	}
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6 literal
	}
	return u.Scheme + "://" + host, nil
}

// CreateTokenForOrigins creates a viewer token (as CreateToken) that only the given
// browser origins may use and frame; none means any origin.
func (s *Store) CreateTokenForOrigins(ctx context.Context, p NewTokenParams, origins []string) (string, Token, error) {
	origins, err := NormalizeOrigins(origins)
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	if len(origins) > 0 && p.Role != RoleViewer {
		return "", Token{}, fmt.Errorf("create token: origins are for viewer tokens, not %s tokens", p.Role)
	}
	p.Origins = origins
	return s.CreateToken(ctx, p)
}

// TokenOrigins lists the origins token id is limited to (empty: any).
func (s *Store) TokenOrigins(ctx context.Context, id int64) ([]string, error) {
	var origins []string
	err := s.pool.QueryRow(ctx, `SELECT origins FROM api_tokens WHERE id = $1`, id).Scan(&origins)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("token %d origins: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("token %d origins: %w", id, err)
	}
	return origins, nil
}

// OriginsOfSecret lists the origins of the unrevoked token secret (empty: any), for the
// embed page, which names its token in the URL and is served before any API call. An
// unknown or revoked secret is ErrTokenInvalid.
func (s *Store) OriginsOfSecret(ctx context.Context, secret string) ([]string, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 128 {
		return nil, ErrTokenInvalid
	}
	hash := sha256.Sum256([]byte(secret))
	var origins []string
	err := s.pool.QueryRow(ctx, `SELECT origins FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL`, hash[:]).Scan(&origins)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("token origins: %w", err)
	}
	return origins, nil
}
