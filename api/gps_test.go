package api

import (
	"context"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/retention"
)

func gpsBatch(start time.Time, n int, step time.Duration) map[string]any {
	pts := make([]map[string]any, n)
	for i := range pts {
		pts[i] = map[string]any{"t": start.Add(time.Duration(i) * step).UTC().Format(time.RFC3339Nano),
			"lon": 10.0071 + float64(i)*0.00001, "lat": 50.007, "accuracy_m": 5}
	}
	return map[string]any{"points": pts}
}

// TestGPSReplayStoredOnce: a phone's offline queue sent twice (or a batch repeating a
// fix) stores each fix once: a fix is identified by worker and instant.
func TestGPSReplayStoredOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	wk := f.tok["worker:A"]
	batch := gpsBatch(time.Now().Add(-time.Hour), 5, 15*time.Second)
	res := f.do("POST", "/api/v1/gps", wk, batch)
	if res.status != 200 || num(res.json["stored"]) != 5 {
		t.Fatalf("first send: %s", res)
	}
	res = f.do("POST", "/api/v1/gps", wk, batch)
	if res.status != 200 || num(res.json["received"]) != 5 || num(res.json["stored"]) != 0 {
		t.Fatalf("replay: %s", res)
	}
	pts := batch["points"].([]map[string]any)
	res = f.do("POST", "/api/v1/gps", wk, map[string]any{"points": []map[string]any{pts[0], pts[0]}})
	if res.status != 200 || num(res.json["stored"]) != 0 {
		t.Fatalf("repeat in a batch: %s", res)
	}
	if n, err := f.store.CountGPS(context.Background(), f.workerA); err != nil || n != 5 {
		t.Fatalf("stored %d fixes (%v), want 5", n, err)
	}
}

// TestGPSRetention: positions older than the retention period are deleted; newer ones,
// other workers' and check-ins stay.
func TestGPSRetention(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now()
	for _, b := range []map[string]any{
		gpsBatch(now.Add(-40*24*time.Hour), 7, time.Minute),
		gpsBatch(now.Add(-31*24*time.Hour), 3, time.Minute),
		gpsBatch(now.Add(-29*24*time.Hour), 4, time.Minute),
		gpsBatch(now.Add(-time.Hour), 6, time.Minute),
	} {
		if res := f.do("POST", "/api/v1/gps", f.tok["worker:A"], b); res.status != 200 {
			t.Fatalf("gps: %s", res)
		}
	}
	if res := f.do("POST", "/api/v1/gps", f.tok["worker:B"], gpsBatch(now.Add(-time.Hour), 2, time.Minute)); res.status != 200 {
		t.Fatalf("gps B: %s", res)
	}
	if res := f.do("POST", "/api/v1/visits", f.tok["worker:A"], map[string]any{"client_key": "old-visit", "block_id": f.blockA,
		"visited_at": now.Add(-40 * 24 * time.Hour).UTC().Format(time.RFC3339)}); res.status != 200 {
		t.Fatalf("visit: %s", res)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { retention.Run(runCtx, f.store, retention.DefaultGPS, time.Hour, nil); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := f.store.CountGPS(ctx, f.workerA)
		if err != nil {
			t.Fatal(err)
		}
		if n == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker A keeps %d fixes, want the 10 of the last 30 days", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	if n, err := f.store.CountGPS(ctx, f.workerB); err != nil || n != 2 {
		t.Fatalf("worker B keeps %d (%v), want 2", n, err)
	}
	if n, err := f.store.CountVisits(ctx, f.workerA); err != nil || n != 1 {
		t.Fatalf("check-ins %d (%v), want 1: retention is for positions only", n, err)
	}
	// A second run finds nothing more.
	if n, err := f.store.DeleteGPSBefore(ctx, now.Add(-retention.DefaultGPS)); err != nil || n != 0 {
		t.Fatalf("second run deleted %d (%v)", n, err)
	}
}
