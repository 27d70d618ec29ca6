package data

import (
	"context"
	"encoding/json"
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
// other replica, until ctx ends or the store is closed (see listen); ready (if not nil) is
// called each time LISTEN is in effect. After a lost connection, or on a payload it cannot
// read, it reports All. It returns an error only when the database itself is gone.
func (s *Store) ListenProgress(ctx context.Context, fn func(ProgressChange), ready func()) error {
	return s.listen(ctx, ProgressChannel, func(payload string) {
		var c ProgressChange
		if json.Unmarshal([]byte(payload), &c) != nil {
			c = ProgressChange{All: true}
		}
		fn(c)
	}, func() { fn(ProgressChange{All: true}) }, ready)
}
