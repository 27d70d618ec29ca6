package data

import (
	"context"
	"fmt"
	"time"
)

// gpsDeleteBatch bounds one delete statement, so that pruning a large backlog never holds
// locks or builds a transaction for long while phones keep uploading.
const gpsDeleteBatch = 10000

// DeleteGPSBefore deletes the GPS fixes recorded before cutoff (their block matches go with
// them) and returns how many. The GPS passes derived from them (gps_sweeps) stay: they
// record that a block was swept, like a check-in, not where a person walked.
func (s *Store) DeleteGPSBefore(ctx context.Context, cutoff time.Time) (int64, error) {
	var total int64
	for {
		tag, err := s.pool.Exec(ctx, `
			DELETE FROM gps_points WHERE id IN (
				SELECT id FROM gps_points WHERE recorded_at < $1 LIMIT $2)`, cutoff, gpsDeleteBatch)
		if err != nil {
			return total, fmt.Errorf("delete gps before %s: %w", cutoff.Format(time.RFC3339), err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < gpsDeleteBatch {
			return total, nil
		}
	}
}

// CountGPS returns how many GPS fixes of worker are stored (tests and dashboards).
func (s *Store) CountGPS(ctx context.Context, worker int64) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM gps_points WHERE worker_id = $1`, worker).Scan(&n); err != nil {
		return 0, fmt.Errorf("count gps of worker %d: %w", worker, err)
	}
	return n, nil
}
