package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// tokenExpiry is when a new token ends: the expiry asked for, else DefaultWorkerTokenTTL
// from now for a worker token (unless NoExpiry), else never (nil).
func tokenExpiry(p NewTokenParams, now time.Time) *time.Time {
	if p.ExpiresAt == nil && p.Role == RoleWorker && !p.NoExpiry {
		e := now.Add(DefaultWorkerTokenTTL)
		return &e
	}
	return p.ExpiresAt
}

// TokenRecord is a token as a list shows it: its scope and state, never its secret.
type TokenRecord struct {
	ID        int64      `json:"id"`
	Role      string     `json:"role"`
	AreaID    int64      `json:"area_id"`
	WorkerID  *int64     `json:"worker_id"`
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	// Status is active, expired or revoked.
	Status string `json:"status"`
}

const tokenColumns = `id, role, area_id, worker_id, label, created_at, expires_at, revoked_at,
	CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN expires_at <= now() THEN 'expired' ELSE 'active' END`

func scanTokenRecord(r pgx.Row) (TokenRecord, error) {
	var t TokenRecord
	err := r.Scan(&t.ID, &t.Role, &t.AreaID, &t.WorkerID, &t.Label, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt, &t.Status)
	return t, err
}

// TokenFilter narrows ListTokens.
type TokenFilter struct {
	// Root lists tokens of this area and the areas below it; 0 lists every token.
	Root int64
	// ActiveOnly drops revoked and expired tokens.
	ActiveOnly bool
}

// ListTokens returns tokens newest first: page.After is the last id seen.
func (s *Store) ListTokens(ctx context.Context, f TokenFilter, page ListPage) ([]TokenRecord, error) {
	after := page.After
	if after <= 0 {
		after = 1<<63 - 1
	}
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM areas WHERE id = $1
			UNION
			SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id
		)
		SELECT `+tokenColumns+` FROM api_tokens
		WHERE ($1 = 0 OR area_id IN (SELECT id FROM sub)) AND id < $2
		  AND (NOT $3 OR (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())))
		ORDER BY id DESC LIMIT $4`, f.Root, after, f.ActiveOnly, page.Limit)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TokenRecord, error) { return scanTokenRecord(r) })
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// GetToken returns one token's record.
func (s *Store) GetToken(ctx context.Context, id int64) (TokenRecord, error) {
	t, err := scanTokenRecord(s.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, fmt.Errorf("token %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("get token %d: %w", id, err)
	}
	return t, nil
}

// ParseTokenExpiry reads how long a new token lives: a count of days, hours or minutes
// ("30d", "12h", "90m"), an RFC 3339 instant, or "never". never reports true for "never".
// The instant must lie in the future.
func ParseTokenExpiry(s string, now time.Time) (at *time.Time, never bool, err error) {
	if s == "never" {
		return nil, true, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if !t.After(now) {
			return nil, false, fmt.Errorf("expiry %s is in the past", s)
		}
		return &t, false, nil
	}
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute}
	if len(s) >= 2 {
		if u, ok := unit[s[len(s)-1]]; ok {
			var n int64
			if _, err := fmt.Sscanf(s[:len(s)-1], "%d", &n); err == nil && n > 0 && n <= 100*366 && fmt.Sprint(n) == s[:len(s)-1] {
				t := now.Add(time.Duration(n) * u)
				return &t, false, nil
			}
		}
	}
	return nil, false, fmt.Errorf("expiry %q: give a count of days, hours or minutes (30d, 12h, 90m), an RFC 3339 time or never", s)
}
