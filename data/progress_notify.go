package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ProgressChannel is the NOTIFY channel the triggers of migration 00202 write to.
const ProgressChannel = "gridsweep_progress"

// ProgressChange names the workers whose check-ins or positions changed, or the plans
// whose assignments or publication did. All is set instead when notifications may have
// been missed (the listener reconnected).
type ProgressChange struct {
	Workers []int64 `json:"workers"`
	Plans   []int64 `json:"plans"`
	All     bool    `json:"-"`
}

// ListenProgress calls fn for every progress change any writer commits, on this or any
// other replica, until ctx ends or the store is closed; ready (if not nil) is called each
// time LISTEN is in effect. After a lost connection it reconnects with backoff and reports
// All. It returns an error only when the database itself is gone.
func (s *Store) ListenProgress(ctx context.Context, fn func(ProgressChange), ready func()) error {
	backoff := 100 * time.Millisecond
	first := true
	for {
		err := s.listenChannel(ctx, ProgressChannel, func(payload string) {
			var c ProgressChange
			if json.Unmarshal([]byte(payload), &c) != nil {
				c = ProgressChange{All: true}
			}
			fn(c)
		}, func() {
			if !first {
				fn(ProgressChange{All: true})
			}
			first = false
			backoff = 100 * time.Millisecond
			if ready != nil {
				ready()
			}
		})
		if ctx.Err() != nil || s.closed() {
			return nil
		}
		if permanent(err) {
			return fmt.Errorf("listen %s: %w", ProgressChannel, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// listenChannel holds one dedicated connection (LISTEN needs a session) and calls fn with
// each payload on channel until the connection or ctx ends.
func (s *Store) listenChannel(ctx context.Context, channel string, fn func(string), ready func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	ready()
	for {
		// Wake up now and then to notice a closed store: the listener must not outlive it.
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, context.DeadlineExceeded) {
				if s.closed() {
					return nil
				}
				continue
			}
			return err
		}
		fn(n.Payload)
	}
}
