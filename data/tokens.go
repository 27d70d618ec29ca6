package data

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Token roles.
const (
	RoleSupervisor = "supervisor"
	RoleWorker     = "worker"
	RoleViewer     = "viewer"
)

// tokenPrefix makes gridsweep tokens recognisable in a leaked-secret scan.
const tokenPrefix = "gst_"

// Token is an API token as stored: its scope, never its secret.
type Token struct {
	ID     int64
	Role   string
	AreaID int64
	// WorkerID is set for worker tokens only.
	WorkerID int64
	Label    string
	// ExpiresAt is when the token stops working; nil means never.
	ExpiresAt *time.Time
}

// DefaultWorkerTokenTTL is how long a worker token lives when its creator names no
// expiry: a phone that is lost stops opening routes after one season.
const DefaultWorkerTokenTTL = 90 * 24 * time.Hour

// ErrTokenInvalid: the presented token is unknown, revoked or expired.
var ErrTokenInvalid = errors.New("data: token unknown, revoked or expired")

// NewTokenParams are the scope of a new token.
type NewTokenParams struct {
	Role     string
	AreaID   int64
	WorkerID int64 // required for RoleWorker, refused otherwise
	Label    string
	// ExpiresAt ends the token; nil means never, except for worker tokens, which then
	// expire after DefaultWorkerTokenTTL unless NoExpiry is set.
	ExpiresAt *time.Time
	NoExpiry  bool
	// Origins are the browser origins that alone may use a viewer token (normalised, see
	// NormalizeOrigins; CreateTokenForOrigins checks them); none means any.
	Origins []string
}

// CreateToken makes a random 32-byte token, stores its SHA-256 and returns the secret,
// which is shown once and cannot be recovered later.
func (s *Store) CreateToken(ctx context.Context, p NewTokenParams) (string, Token, error) {
	switch p.Role {
	case RoleSupervisor, RoleViewer:
		if p.WorkerID != 0 {
			return "", Token{}, fmt.Errorf("create token: a %s token names no worker", p.Role)
		}
	case RoleWorker:
		if p.WorkerID == 0 {
			return "", Token{}, errors.New("create token: a worker token needs a worker")
		}
	default:
		return "", Token{}, fmt.Errorf("create token: unknown role %q (supervisor, worker or viewer)", p.Role)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	hash := sha256.Sum256([]byte(secret))

	if p.Role == RoleWorker {
		// A worker token is scoped to the worker's own area; refuse a mismatch rather
		// than mint a token whose checks would contradict each other.
		var area int64
		err := s.pool.QueryRow(ctx, `SELECT area_id FROM workers WHERE id = $1`, p.WorkerID).Scan(&area)
		if errors.Is(err, pgx.ErrNoRows) {
			return "", Token{}, fmt.Errorf("create token: worker %d: %w", p.WorkerID, ErrRecordNotFound)
		}
		if err != nil {
			return "", Token{}, fmt.Errorf("create token: %w", err)
		}
		if area != p.AreaID {
			return "", Token{}, fmt.Errorf("create token: worker %d belongs to area %d, not %d", p.WorkerID, area, p.AreaID)
		}
	}
	t := Token{Role: p.Role, AreaID: p.AreaID, WorkerID: p.WorkerID, Label: p.Label}
	origins := p.Origins
	if origins == nil {
		origins = []string{}
	}
	err := s.pool.QueryRow(ctx, `
		INSERT INTO api_tokens (hash, role, area_id, worker_id, label, expires_at, origins)
		VALUES ($1, $2, $3, NULLIF($4, 0::bigint), $5, $6, $7) RETURNING id, expires_at`,
		hash[:], p.Role, p.AreaID, p.WorkerID, p.Label, tokenExpiry(p, time.Now()), origins).Scan(&t.ID, &t.ExpiresAt)
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", classifyPgError(err))
	}
	return secret, t, nil
}

// Authenticate returns the scope of a valid token: neither revoked nor expired. Nothing is
// cached, so a revocation or expiry holds from the next request on, on every replica.
func (s *Store) Authenticate(ctx context.Context, secret string) (Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 128 {
		return Token{}, ErrTokenInvalid
	}
	hash := sha256.Sum256([]byte(secret))
	var (
		t      Token
		stored []byte
		worker *int64
	)
	err := s.pool.QueryRow(ctx, `
		SELECT id, hash, role, area_id, worker_id, label FROM api_tokens
		WHERE hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`, hash[:]).
		Scan(&t.ID, &stored, &t.Role, &t.AreaID, &worker, &t.Label)
	if errors.Is(err, pgx.ErrNoRows) {
		return Token{}, ErrTokenInvalid
	}
	if err != nil {
		return Token{}, fmt.Errorf("authenticate: %w", err)
	}
	// The index lookup already matched; the constant-time compare guards against any
	// future change of lookup (e.g. by a prefix) turning into a timing oracle.
	if subtle.ConstantTimeCompare(stored, hash[:]) != 1 {
		return Token{}, ErrTokenInvalid
	}
	if worker != nil {
		t.WorkerID = *worker
	}
	return t, nil
}

// RevokeToken stops a token from working.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoke token %d: %w", id, ErrRecordNotFound)
	}
	return nil
}

// AreaIDByRef resolves how a person names an area on the command line: its numeric id,
// its source id, or its name when exactly one area has it.
func (s *Store) AreaIDByRef(ctx context.Context, ref string) (int64, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id FROM areas WHERE id::text = $1 OR source_id = $1
		UNION
		SELECT id FROM areas WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM areas WHERE id::text = $1 OR source_id = $1)
		LIMIT 2`, ref)
	if err != nil {
		return 0, fmt.Errorf("find area %q: %w", ref, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("find area %q: %w", ref, err)
	}
	switch len(ids) {
	case 0:
		return 0, fmt.Errorf("area %q: %w", ref, ErrRecordNotFound)
	case 1:
		return ids[0], nil
	}
	return 0, fmt.Errorf("area %q: several areas have that name; use the id or source id", ref)
}
