package data

import (
	"context"
	"fmt"
	"time"
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

// InsertVisits stores a batch of check-ins, each at most once per client key: one
// INSERT ... SELECT FROM unnest(...) ON CONFLICT (client_key) DO NOTHING lets the unique
// index arbitrate concurrent retries, so two requests racing with the same key store one
// row between them. One statement (not one per check-in) keeps a batch to one round trip
// and fires statement-level triggers once. A check-in naming a block or shop that does not
// exist fails the whole batch (ErrBadReference), so the phone keeps its queue and nothing
// half-lands.
func (s *Store) InsertVisits(ctx context.Context, in []VisitInput) ([]VisitResult, error) {
	n := len(in)
	keys := make([]string, n)
	workers := make([]int64, n)
	plans, blocks, shops := make([]*int64, n), make([]*int64, n), make([]*int64, n)
	at := make([]time.Time, n)
	lon, lat := make([]*float64, n), make([]*float64, n)
	for i, v := range in {
		keys[i], workers[i], at[i] = v.ClientKey, v.WorkerID, v.VisitedAt
		plans[i], blocks[i], shops[i] = v.PlanID, v.BlockID, v.ShopID
		lon[i], lat[i] = v.Lon, v.Lat
	}
	rows, err := s.pool.Query(ctx, `
		INSERT INTO visits (client_key, worker_id, plan_id, block_id, shop_id, visited_at, geom)
		SELECT u.k, u.w, u.p, u.b, u.s, u.t,
		       CASE WHEN u.lon IS NULL OR u.lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) END
		FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::timestamptz[], $7::float8[], $8::float8[])
		     WITH ORDINALITY AS u(k, w, p, b, s, t, lon, lat, ord)
		ORDER BY u.ord
		ON CONFLICT (client_key) DO NOTHING
		RETURNING client_key, id`, keys, workers, plans, blocks, shops, at, lon, lat)
	if err != nil {
		return nil, fmt.Errorf("insert visits: %w", classifyPgError(err))
	}
	created := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("insert visits: %w", err)
		}
		created[k] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insert visits: %w", classifyPgError(err))
	}
	out := make([]VisitResult, n)
	var missing []string
	seen := map[string]bool{}
	for i, v := range in {
		out[i].ClientKey = v.ClientKey
		if id, ok := created[v.ClientKey]; ok && !seen[v.ClientKey] {
			out[i].ID, out[i].Status = id, VisitCreated
		} else if !ok {
			missing = append(missing, v.ClientKey)
		}
		seen[v.ClientKey] = true
	}
	// Keys stored earlier (or by a concurrent request: the insert waited for it to
	// commit, and this new statement's snapshot sees it).
	existing := map[string][2]int64{}
	if len(missing) > 0 {
		rows, err := s.pool.Query(ctx, `SELECT client_key, id, worker_id FROM visits WHERE client_key = ANY($1)`, missing)
		if err != nil {
			return nil, fmt.Errorf("insert visits: look up duplicates: %w", err)
		}
		for rows.Next() {
			var k string
			var id, w int64
			if err := rows.Scan(&k, &id, &w); err != nil {
				rows.Close()
				return nil, fmt.Errorf("insert visits: look up duplicates: %w", err)
			}
			existing[k] = [2]int64{id, w}
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("insert visits: look up duplicates: %w", err)
		}
	}
	for i, v := range in {
		if out[i].Status != "" {
			continue
		}
		if id, ok := created[v.ClientKey]; ok {
			// A key repeated inside the batch: its first occurrence was stored.
			out[i].ID, out[i].Status = id, VisitDuplicate
			continue
		}
		e, ok := existing[v.ClientKey]
		if !ok {
			return nil, fmt.Errorf("insert visits: key %q neither stored nor found", v.ClientKey)
		}
		out[i].ID, out[i].Status = e[0], VisitDuplicate
		if e[1] != v.WorkerID {
			out[i].ID, out[i].Status = 0, VisitKeyTaken
		}
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
		return 0, fmt.Errorf("insert gps of worker %d: %w", worker, classifyPgError(err))
	}
	return int(tag.RowsAffected()), nil
}
