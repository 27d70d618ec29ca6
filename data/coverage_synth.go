package data

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

// SynthOptions describe a synthetic load of check-ins for benchmarks.
type SynthOptions struct {
	// Seed makes the load repeatable: the same seed on the same map gives the same rows.
	Seed uint64
	// CheckIns is how many to make.
	CheckIns int
	// Days spreads them over the Days before End.
	Days int
	// End is the end of the period; the zero value means 2026-11-01T00:00Z (fixed, so a
	// run is repeatable whatever the date).
	End time.Time
	// Workers is how many synthetic workers share the blocks.
	Workers int
	// AreaID is the workers' area; 0 picks the largest top-level area.
	AreaID int64
	// Progress, if set, is called after each batch with the count stored so far.
	Progress func(done int)
}

// SynthSummary reports a synthetic load.
type SynthSummary struct {
	AreaID   int64
	Workers  int
	Blocks   int
	CheckIns int
	Replaced int64
}

// synthBatch is the rows per COPY: each batch is one statement, so the coverage triggers
// run once per batch and dashboards see the load arrive in steps.
const synthBatch = 100_000

// SynthesizeCheckIns writes synthetic check-ins through the ordinary visits table (so the
// coverage triggers and notifications run as for real ones). Blocks are drawn from a Zipf
// law over a seeded shuffle (a few busy streets, a long tail, some never swept); each block
// has a home worker who makes 90% of its check-ins. Rows of an earlier run with the same
// seed are replaced; client keys are "synth-<seed>-<n>".
func (s *Store) SynthesizeCheckIns(ctx context.Context, o SynthOptions) (SynthSummary, error) {
	var sum SynthSummary
	if o.CheckIns < 0 || o.Days < 1 || o.Workers < 1 {
		return sum, fmt.Errorf("synthesize check-ins: need check-ins >= 0, days >= 1 and workers >= 1")
	}
	end := o.End
	if end.IsZero() {
		end = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	area := o.AreaID
	if area == 0 {
		var err error
		if area, err = s.LargestTopArea(ctx); err != nil {
			return sum, fmt.Errorf("synthesize check-ins: no area to put workers in (import a map first): %w", err)
		}
	}
	sum.AreaID = area

	rows, err := s.pool.Query(ctx, `SELECT id FROM blocks ORDER BY id`)
	if err != nil {
		return sum, fmt.Errorf("synthesize check-ins: %w", err)
	}
	blocks, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return sum, fmt.Errorf("synthesize check-ins: %w", err)
	}
	if len(blocks) == 0 {
		return sum, fmt.Errorf("synthesize check-ins: the database has no blocks (import a map first)")
	}
	sum.Blocks = len(blocks)

	prefix := fmt.Sprintf("synth-%d-", o.Seed)
	workers := make([]int64, o.Workers)
	for i := range workers {
		name := fmt.Sprintf("%sworker-%d", prefix, i)
		err := s.pool.QueryRow(ctx, `
			WITH found AS (SELECT id FROM workers WHERE name = $1 AND area_id = $2 ORDER BY id LIMIT 1),
			made AS (INSERT INTO workers (area_id, name) SELECT $2, $1 WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)
			SELECT id FROM found UNION ALL SELECT id FROM made`, name, area).Scan(&workers[i])
		if err != nil {
			return sum, fmt.Errorf("synthesize check-ins: worker %s: %w", name, err)
		}
	}
	sum.Workers = len(workers)

	tag, err := s.pool.Exec(ctx, `DELETE FROM visits WHERE client_key LIKE $1 || '%'`, prefix)
	if err != nil {
		return sum, fmt.Errorf("synthesize check-ins: remove the previous run: %w", err)
	}
	sum.Replaced = tag.RowsAffected()

	r := rand.New(rand.NewPCG(o.Seed, 0x6772696473776565))
	order := r.Perm(len(blocks))
	zipf := rand.NewZipf(r, 1.07, 20, uint64(len(blocks)-1))
	span := int64(o.Days) * 24 * 3600
	for start := 0; start < o.CheckIns; start += synthBatch {
		n := min(synthBatch, o.CheckIns-start)
		batch := make([][]any, n)
		for i := range batch {
			bi := order[zipf.Uint64()]
			w := workers[bi%len(workers)]
			if r.IntN(10) == 0 {
				w = workers[r.IntN(len(workers))]
			}
			at := end.Add(-time.Duration(1+r.Int64N(span)) * time.Second)
			batch[i] = []any{fmt.Sprintf("%s%d", prefix, start+i), w, blocks[bi], at}
		}
		_, err := s.pool.CopyFrom(ctx, pgx.Identifier{"visits"},
			[]string{"client_key", "worker_id", "block_id", "visited_at"}, pgx.CopyFromRows(batch))
		if err != nil {
			return sum, fmt.Errorf("synthesize check-ins: copy rows %d..%d: %w", start, start+n, err)
		}
		sum.CheckIns += n
		if o.Progress != nil {
			o.Progress(sum.CheckIns)
		}
	}
	return sum, nil
}

// SessionPIDs lists the server processes of every session on this database, so a
// benchmark on the same machine can read their CPU time from /proc.
func (s *Store) SessionPIDs(ctx context.Context) ([]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		return nil, fmt.Errorf("session pids: %w", err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, fmt.Errorf("session pids: %w", err)
	}
	out := make([]int, len(pids))
	for i, p := range pids {
		out[i] = int(p)
	}
	return out, nil
}
