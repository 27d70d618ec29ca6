package data

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// signinPrefix marks one-time sign-in codes, as tokenPrefix marks tokens.
const signinPrefix = "gsc_"

// ErrCodeInvalid: the sign-in code is unknown, expired or already used.
var ErrCodeInvalid = errors.New("data: sign-in code unknown, expired or used")

// SigninCode is a new one-time code: the secret is returned once, only its hash is kept.
type SigninCode struct {
	Code      string
	WorkerID  int64
	ExpiresAt time.Time
}

// CreateSigninCode makes a one-time code that signs worker in once within ttl; createdBy
// is the supervisor's token (0 for none).
func (s *Store) CreateSigninCode(ctx context.Context, worker, createdBy int64, ttl time.Duration) (SigninCode, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return SigninCode{}, fmt.Errorf("create sign-in code: %w", err)
	}
	code := signinPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	hash := sha256.Sum256([]byte(code))
	out := SigninCode{Code: code, WorkerID: worker}
	err := s.pool.QueryRow(ctx, `
		INSERT INTO signin_codes (hash, worker_id, area_id, created_by, expires_at)
		SELECT $1, w.id, w.area_id, NULLIF($3, 0::bigint), now() + make_interval(secs => $4)
		FROM workers w WHERE w.id = $2
		RETURNING expires_at`, hash[:], worker, createdBy, ttl.Seconds()).Scan(&out.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return SigninCode{}, fmt.Errorf("create sign-in code: worker %d: %w", worker, ErrRecordNotFound)
	}
	if err != nil {
		return SigninCode{}, fmt.Errorf("create sign-in code: %w", classifyPgError(err))
	}
	return out, nil
}

// RedeemSigninCode exchanges a valid code for a new worker token (the default worker
// expiry), once: the code is marked used in the same statement that checks it, so two
// exchanges racing with one code get one token between them. It fails with ErrCodeInvalid.
func (s *Store) RedeemSigninCode(ctx context.Context, code string) (string, Token, error) {
	if !strings.HasPrefix(code, signinPrefix) || len(code) > 64 {
		return "", Token{}, ErrCodeInvalid
	}
	hash := sha256.Sum256([]byte(code))
	var id, worker, area int64
	err := s.pool.QueryRow(ctx, `
		UPDATE signin_codes SET used_at = now()
		WHERE hash = $1 AND used_at IS NULL AND expires_at > now()
		RETURNING id, worker_id, area_id`, hash[:]).Scan(&id, &worker, &area)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", Token{}, ErrCodeInvalid
	}
	if err != nil {
		return "", Token{}, fmt.Errorf("redeem sign-in code: %w", err)
	}
	// The worker's current area: a worker moved since the code was made signs in there.
	if err := s.pool.QueryRow(ctx, `SELECT area_id FROM workers WHERE id = $1 AND active`, worker).Scan(&area); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return "", Token{}, ErrCodeInvalid
		}
		return "", Token{}, fmt.Errorf("redeem sign-in code: %w", err)
	}
	secret, tok, err := s.CreateToken(ctx, NewTokenParams{Role: RoleWorker, AreaID: area, WorkerID: worker,
		Label: fmt.Sprintf("sign-in code %d", id)})
	if err != nil {
		return "", Token{}, fmt.Errorf("redeem sign-in code: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE signin_codes SET token_id = $2 WHERE id = $1`, id, tok.ID); err != nil {
		return "", Token{}, fmt.Errorf("redeem sign-in code: %w", err)
	}
	return secret, tok, nil
}
