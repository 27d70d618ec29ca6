package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gridsweep/gridsweep/geo"
)

// tileChangeEvent is what a dashboard receives when tiles changed: the layers and the lon/lat
// boxes ([west, south, east, north]) to refetch. all means "refetch everything".
type tileChangeEvent struct {
	Layers []string     `json:"layers,omitempty"`
	Boxes  [][4]float64 `json:"boxes,omitempty"`
	All    bool         `json:"all,omitempty"`
}

// handleTileEvents streams tile changes as Server-Sent Events ("tiles" events with a
// tileChangeEvent), so a dashboard refetches the tiles of a new sweep as soon as it is
// committed instead of polling. Changes are limited to the boxes that meet the token's area.
func (ts *tileService) handleTileEvents(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return tileProblem("the tile event stream takes no query parameters")
	}
	p := mustPrincipal(r)
	area, err := ts.s.store.AreaBounds(r.Context(), p.AreaID)
	if err != nil {
		return err
	}
	changes, unsubscribe := ts.events.subscribe(64)
	defer unsubscribe()

	rc := http.NewResponseController(w)
	// The server's WriteTimeout would cut a long stream; this response has no deadline.
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, ": tile changes\n\n"); err != nil {
		return nil
	}
	_ = rc.Flush()

	beat := time.NewTicker(15 * time.Second)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			_ = rc.Flush()
		case c := <-changes:
			ev := tileChangeEvent{Layers: c.Layers, All: c.All}
			for _, b := range c.Boxes {
				if !geo.BoundsIntersect(b, area) {
					continue
				}
				ev.Boxes = append(ev.Boxes, [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]})
			}
			if !ev.All && len(ev.Boxes) == 0 {
				continue // nothing in this token's area
			}
			if err := writeTileEvent(w, ev); err != nil {
				return streamEnd(err)
			}
			// Layers drawn from the changed data (a plan's coverage from check-ins) follow
			// in an event of their own, so each event keeps naming what its notification named.
			if derived := ts.derivedLayers(c.Layers); !ev.All && len(derived) > 0 {
				if err := writeTileEvent(w, tileChangeEvent{Layers: derived, Boxes: ev.Boxes}); err != nil {
					return streamEnd(err)
				}
			}
			_ = rc.Flush()
		}
	}
}

// derivedLayers lists the layers a change makes stale beyond those it names.
func (ts *tileService) derivedLayers(changed []string) []string {
	var out []string
	for _, l := range ts.layers.stale(changed) {
		if !slices.Contains(changed, l) {
			out = append(out, l)
		}
	}
	return out
}

// writeTileEvent writes one "tiles" event; errClientGone when the client went away.
func writeTileEvent(w http.ResponseWriter, ev tileChangeEvent) error {
	msg, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "event: tiles\ndata: %s\n\n", msg); err != nil {
		return errClientGone
	}
	return nil
}

// errClientGone ends an event stream whose client went away.
var errClientGone = errors.New("tile events: client went away")

// streamEnd is what the handler returns after a failed write: nothing to answer to a client
// that went away.
func streamEnd(err error) error {
	if errors.Is(err, errClientGone) {
		return nil
	}
	return err
}
