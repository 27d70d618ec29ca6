// Package retention deletes personal data the service no longer needs: today the workers'
// GPS positions, after a retention period (docs/retention.md says why). It owns its own
// ticker so any number of replicas can run it; deleting is idempotent.
package retention

import (
	"context"
	"log/slog"
	"time"
)

// DefaultGPS is how long GPS positions are kept.
const DefaultGPS = 30 * 24 * time.Hour

// DefaultEvery is how often the deletion runs.
const DefaultEvery = time.Hour

// Deleter deletes the positions recorded before cutoff and says how many.
type Deleter interface {
	DeleteGPSBefore(ctx context.Context, cutoff time.Time) (int64, error)
}

// Run deletes positions older than keep at once and then every every, until ctx ends.
// Failures are logged and retried at the next tick: a database briefly away must not
// stop the server.
func Run(ctx context.Context, d Deleter, keep, every time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := d.DeleteGPSBefore(ctx, time.Now().Add(-keep))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("gps retention", slog.String("error", err.Error()))
		case n > 0:
			log.Info("gps retention: deleted old positions", slog.Int64("deleted", n), slog.Duration("keep", keep))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
