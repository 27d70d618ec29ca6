package data

import (
	"context"
	"encoding/json"
	"fmt"

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
// replica, until ctx ends or the store is closed (see listen). ready, if not nil, is called
// each time LISTEN is in effect. After a lost connection it reports a change of All,
// because notifications sent meanwhile are lost; so does a payload it cannot read.
func (s *Store) ListenTileChanges(ctx context.Context, fn func(TileChange), ready func()) error {
	return s.listen(ctx, TileChannel, func(payload string) {
		c, err := ParseTileChange(payload)
		if err != nil {
			// A payload we cannot read still means something changed somewhere.
			c = TileChange{All: true}
		}
		fn(c)
	}, func() { fn(TileChange{All: true}) }, ready)
}
