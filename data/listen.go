package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/puddle/v2"
)

// listen calls onPayload with every NOTIFY payload on channel, from this or any other
// replica, until ctx ends or the store is closed. It holds one dedicated connection
// (LISTEN needs a session; a pooled one would be handed to other queries). ready, if not
// nil, is called each time LISTEN is in effect. After a lost connection it reconnects
// with backoff and calls missed, because notifications sent meanwhile are lost.
//
// It returns nil when ctx ends or the store is closed, and an error only when the
// database itself is gone (dropped or refusing this role), where retrying cannot help.
func (s *Store) listen(ctx context.Context, channel string, onPayload func(string), missed, ready func()) error {
	backoff := 100 * time.Millisecond
	first := true
	for {
		err := s.listenSession(ctx, channel, onPayload, func() {
			if !first {
				missed()
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
			return fmt.Errorf("listen %s: %w", channel, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// listenSession holds one connection listening on channel and calls onPayload with each
// payload until the connection or ctx ends.
func (s *Store) listenSession(ctx context.Context, channel string, onPayload func(string), ready func()) error {
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
		onPayload(n.Payload)
	}
}

// closed reports whether Close was called: the pool refuses new connections then.
func (s *Store) closed() bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		// pgxpool hands out puddle's sentinel unwrapped.
		return errors.Is(err, puddle.ErrClosedPool)
	}
	c.Release()
	return false
}

// permanent reports errors that no retry will fix: the database no longer exists or this
// role may not connect.
func permanent(err error) bool {
	var pe interface{ SQLState() string }
	if errors.As(err, &pe) {
		switch pe.SQLState() {
		case "3D000", "28000", "28P01":
			return true
		}
	}
	return false
}
