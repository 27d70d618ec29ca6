package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/puddle/v2"
	"github.com/paulmach/orb"
)

// TileChannel is the NOTIFY channel the triggers of migration 00100 write to.
const TileChannel = "gridsweep_tiles"

// TileChange says which layers changed inside which lon/lat boxes. All is set instead when
// the listener may have missed notifications (it reconnected), so every tile is stale.
type TileChange struct {
	Layers []string
	Boxes  []orb.Bound
	All    bool
}

// ParseTileChange decodes a gridsweep_tiles payload: {"layers":[...],"boxes":[[x0,y0,x1,y1],...]}.
func ParseTileChange(payload string) (TileChange, error) {
	var p struct {
		Layers []string     `json:"layers"`
		Boxes  [][4]float64 `json:"boxes"`
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return TileChange{}, fmt.Errorf("tile change %q: %w", payload, err)
	}
	c := TileChange{Layers: p.Layers, Boxes: make([]orb.Bound, len(p.Boxes))}
	for i, b := range p.Boxes {
		c.Boxes[i] = orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
	}
	return c, nil
}

// ListenTileChanges calls fn for every tile change any writer commits, on this or any other
// replica, until ctx ends or the store is closed. It holds one dedicated connection (LISTEN
// needs a session; a pooled one would be handed to other queries). ready, if not nil, is
// called each time LISTEN is in effect. After a lost connection it reconnects with backoff
// and reports a change of All, because notifications sent meanwhile are lost.
//
// It returns nil when ctx ends or the store is closed, and an error only when the database
// itself is gone (dropped or refusing this role), where retrying cannot help.
func (s *Store) ListenTileChanges(ctx context.Context, fn func(TileChange), ready func()) error {
	backoff := 100 * time.Millisecond
	first := true
	for {
		err := s.listenOnce(ctx, fn, func() {
			if !first {
				fn(TileChange{All: true})
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
			return fmt.Errorf("listen %s: %w", TileChannel, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

func (s *Store) listenOnce(ctx context.Context, fn func(TileChange), ready func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+TileChannel); err != nil {
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
		c, err := ParseTileChange(n.Payload)
		if err != nil {
			// A payload we cannot read still means something changed somewhere.
			c = TileChange{All: true}
		}
		fn(c)
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
