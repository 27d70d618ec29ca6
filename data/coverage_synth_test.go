package data

import (
	"context"
	"testing"
)

func TestSynthesizeCheckInsIsRepeatableBySeed(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx := context.Background()
	run := func(seed uint64) (string, SynthSummary) {
		t.Helper()
		sum, err := f.s.SynthesizeCheckIns(ctx, SynthOptions{Seed: seed, CheckIns: 1500, Days: 10, Workers: 3, AreaID: f.area})
		if err != nil {
			t.Fatal(err)
		}
		var digest string
		err = f.s.pool.QueryRow(ctx, `
			SELECT md5(string_agg(v.client_key || w.name || v.block_id || v.visited_at::text, ',' ORDER BY v.client_key))
			FROM visits v JOIN workers w ON w.id = v.worker_id WHERE v.client_key LIKE 'synth-' || $1::bigint || '-%'`, int64(seed)).Scan(&digest)
		if err != nil {
			t.Fatal(err)
		}
		return digest, sum
	}
	d1, s1 := run(7)
	d2, s2 := run(7)
	d3, _ := run(8)
	if d1 != d2 {
		t.Error("the same seed made different check-ins")
	}
	if d1 == d3 {
		t.Error("different seeds made the same check-ins")
	}
	if s1.CheckIns != 1500 || s2.Replaced != 1500 || s2.Workers != 3 || s2.Blocks != 3 {
		t.Errorf("summaries %+v, %+v", s1, s2)
	}
	// The triggers counted every check-in of both seeds once.
	var total int64
	if err := f.s.pool.QueryRow(ctx, `SELECT sum(sweeps) FROM block_coverage`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != 3000 {
		t.Errorf("block_coverage counts %d sweeps, want 3000", total)
	}
	var heat int64
	if err := f.s.pool.QueryRow(ctx, `SELECT sum(n) FROM heat_cells`).Scan(&heat); err != nil {
		t.Fatal(err)
	}
	if heat != 3000 {
		t.Errorf("heat_cells count %d, want 3000", heat)
	}
}
