package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// Progress stream timing: changes are coalesced for progressDebounce (a batch of GPS
// fixes and its matched sweeps arrive as several notifications), and the progress is
// recounted every progressRecount anyway, because idle and behind change with the clock.
const (
	progressDebounce = 150 * time.Millisecond
	progressRecount  = 30 * time.Second
)

// progressHub fans progress changes from one LISTEN connection per replica out to the
// open progress streams. The connection opens with the first stream.
type progressHub struct {
	once sync.Once
	// ready is closed once LISTEN is first in effect.
	ready     chan struct{}
	readyOnce sync.Once
	changes   broadcast[data.ProgressChange]
}

func (s *server) progressSubscribe() (<-chan data.ProgressChange, func()) {
	h := &s.progress
	h.once.Do(func() {
		h.ready = make(chan struct{})
		go func() {
			err := s.store.ListenProgress(context.Background(), func(c data.ProgressChange) {
				// A full stream gets All, which only costs a recount.
				h.changes.publish(c, data.ProgressChange{All: true})
			}, func() {
				h.readyOnce.Do(func() { close(h.ready) })
			})
			if err != nil {
				s.log.Error("progress notifications stopped; progress streams recount on their timer only", slog.String("error", err.Error()))
			}
		}()
	})
	return h.changes.subscribe(16)
}

// handlePlanProgressEvents streams a plan's progress as Server-Sent Events: an "progress"
// event with the whole GET /plans/{id}/progress document at once and whenever it changes
// (a check-in, a GPS fix, an edit or a publication committed on any replica, or the clock
// turning a worker idle or behind). Comments keep an idle stream open.
func (s *server) handlePlanProgressEvents(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.loadPlan(r)
	if err != nil {
		return err
	}
	// Subscribe before the first count: a change committed in between is not lost.
	changes, unsubscribe := s.progressSubscribe()
	defer unsubscribe()
	select { // the first stream of a replica waits for its LISTEN (briefly)
	case <-s.progress.ready:
	case <-time.After(2 * time.Second):
	case <-r.Context().Done():
		return nil
	}
	cur, err := s.computeProgress(r, plan)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	// The server's WriteTimeout would cut a long stream; this response has no deadline.
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	var last []byte
	send := func(p planProgress) bool {
		// as_of changes every time; compare the rest.
		asOf := p.AsOf
		p.AsOf = time.Time{}
		key, err := json.Marshal(p)
		if err != nil || bytes.Equal(key, last) {
			return err == nil
		}
		last = key
		p.AsOf = asOf
		b, err := json.Marshal(p)
		if err != nil {
			return false
		}
		if _, err := fmt.Fprintf(w, "event: progress\ndata: %s\n\n", b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(cur) {
		return nil
	}
	workers := map[int64]bool{}
	for _, wp := range cur.Workers {
		workers[wp.Worker] = true
	}
	beat := time.NewTicker(sseHeartbeat)
	defer beat.Stop()
	recount := time.NewTicker(progressRecount)
	defer recount.Stop()
	var debounce <-chan time.Time
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			_ = rc.Flush()
			continue
		case c := <-changes:
			relevant := c.All || slices.Contains(c.Plans, plan.ID) ||
				slices.ContainsFunc(c.Workers, func(id int64) bool { return workers[id] })
			if relevant && debounce == nil {
				debounce = time.After(progressDebounce)
			}
			continue
		case <-debounce:
			debounce = nil
		case <-recount.C:
		}
		p, err := s.computeProgress(r, plan)
		if err != nil {
			if r.Context().Err() != nil {
				return nil
			}
			s.log.ErrorContext(r.Context(), "progress events", "error", err.Error())
			_, _ = fmt.Fprint(w, "event: error\ndata: {\"detail\":\"counting the progress failed\"}\n\n")
			_ = rc.Flush()
			return nil
		}
		for _, wp := range p.Workers {
			workers[wp.Worker] = true
		}
		if !send(p) {
			return nil
		}
	}
}
