package data

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// VisitInput is one check-in from a worker's phone. ClientKey is the phone's own id for
// it, so that replaying an offline queue records each check-in once.
type VisitInput struct {
	ClientKey string
	WorkerID  int64
	PlanID    *int64
	BlockID   *int64
	ShopID    *int64
	VisitedAt time.Time
	// Lon and Lat are the optional position of the check-in.
	Lon, Lat *float64
}

// Visit outcomes.
const (
	VisitCreated   = "created"
	VisitDuplicate = "duplicate"
	// VisitKeyTaken: another worker already used that client key; nothing was stored.
	VisitKeyTaken = "key_taken"
)

// VisitResult says what happened to one check-in of a batch.
type VisitResult struct {
	ClientKey string `json:"client_key"`
	ID        int64  `json:"id,omitempty"`
	Status    string `json:"status"`
}

// InsertVisits stores a batch of check-ins, each at most once per client key: INSERT ...
// ON CONFLICT (client_key) DO NOTHING lets the unique index arbitrate concurrent retries,
// so two requests racing with the same key store one row between them. The batch is one
// transaction: a check-in naming a block or shop that does not exist fails it whole
// (ErrBadReference), so the phone keeps its queue and nothing half-lands.
func (s *Store) InsertVisits(ctx context.Context, in []VisitInput) ([]VisitResult, error) {
	out := make([]VisitResult, len(in))
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var b pgx.Batch
		for _, v := range in {
			b.Queue(`
				INSERT INTO visits (client_key, worker_id, plan_id, block_id, shop_id, visited_at, geom)
				VALUES ($1, $2, $3, $4, $5, $6,
				        CASE WHEN $7::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($7, $8), 4326) END)
				ON CONFLICT (client_key) DO NOTHING
				RETURNING id`,
				v.ClientKey, v.WorkerID, v.PlanID, v.BlockID, v.ShopID, v.VisitedAt, v.Lon, v.Lat)
		}
		br := tx.SendBatch(ctx, &b)
		for i, v := range in {
			out[i].ClientKey = v.ClientKey
			err := br.QueryRow().Scan(&out[i].ID)
			switch {
			case err == nil:
				out[i].Status = VisitCreated
			case errors.Is(err, pgx.ErrNoRows):
				// Resolved below, once the batch's results are drained.
			default:
				br.Close()
				return apiClassify(err)
			}
		}
		if err := br.Close(); err != nil {
			return apiClassify(err)
		}
		for i, v := range in {
			if out[i].Status != "" {
				continue
			}
			// The conflicting row is committed (the insert waited for it), and this
			// statement takes a fresh snapshot under READ COMMITTED, so it sees it.
			var worker int64
			err := tx.QueryRow(ctx, `SELECT id, worker_id FROM visits WHERE client_key = $1`, v.ClientKey).
				Scan(&out[i].ID, &worker)
			if err != nil {
				return fmt.Errorf("look up duplicate %q: %w", v.ClientKey, err)
			}
			out[i].Status = VisitDuplicate
			if worker != v.WorkerID {
				out[i].Status, out[i].ID = VisitKeyTaken, 0
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insert visits: %w", err)
	}
	return out, nil
}

// CountVisits returns how many check-ins a worker has recorded (tests and dashboards).
func (s *Store) CountVisits(ctx context.Context, worker int64) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM visits WHERE worker_id = $1`, worker).Scan(&n); err != nil {
		return 0, fmt.Errorf("count visits of worker %d: %w", worker, err)
	}
	return n, nil
}

// GPSFix is one position from a worker's phone.
type GPSFix struct {
	RecordedAt time.Time
	Lon, Lat   float64
	AccuracyM  *float32
	SpeedMPS   *float32
	HeadingDeg *float32
}

// InsertGPS stores a batch of fixes for one worker in one statement; fixes already stored
// (same worker and instant) are skipped, so a re-sent batch is harmless. It returns how
// many were new.
func (s *Store) InsertGPS(ctx context.Context, worker int64, fixes []GPSFix) (int, error) {
	n := len(fixes)
	ts := make([]time.Time, n)
	lon, lat := make([]float64, n), make([]float64, n)
	acc, spd, hdg := make([]*float32, n), make([]*float32, n), make([]*float32, n)
	for i, f := range fixes {
		ts[i], lon[i], lat[i] = f.RecordedAt, f.Lon, f.Lat
		acc[i], spd[i], hdg[i] = f.AccuracyM, f.SpeedMPS, f.HeadingDeg
	}
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO gps_points (worker_id, recorded_at, geom, accuracy_m, speed_mps, heading_deg)
		SELECT $1, u.t, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326), u.acc, u.spd, u.hdg
		FROM unnest($2::timestamptz[], $3::float8[], $4::float8[], $5::real[], $6::real[], $7::real[])
		     AS u(t, lon, lat, acc, spd, hdg)
		ON CONFLICT (worker_id, recorded_at) DO NOTHING`,
		worker, ts, lon, lat, acc, spd, hdg)
	if err != nil {
		return 0, fmt.Errorf("insert gps of worker %d: %w", worker, apiClassify(err))
	}
	return int(tag.RowsAffected()), nil
}
