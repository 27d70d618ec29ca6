package api

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestVisitsIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	w := f.tok["worker:A"]
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)

	// One check-in as an object, with a position.
	one := map[string]any{"client_key": "phone1-1", "block_id": f.blockA, "visited_at": at,
		"position": map[string]any{"type": "Point", "coordinates": []float64{10.0012, 50.001}}}
	res := f.do("POST", "/api/v1/visits", w, one)
	if res.status != 200 || num(res.json["created"]) != 1 {
		t.Fatalf("single check-in: %v", res)
	}
	res = f.do("POST", "/api/v1/visits", w, one)
	if res.status != 200 || num(res.json["created"]) != 0 || num(res.json["duplicates"]) != 1 {
		t.Fatalf("repeated check-in: %v", res)
	}

	// A batch mixing new keys, an old one and a key repeated inside the batch.
	batch := []map[string]any{
		{"client_key": "phone1-2", "shop_id": f.shopA, "visited_at": at},
		{"client_key": "phone1-1", "block_id": f.blockA, "visited_at": at},
		{"client_key": "phone1-3", "block_id": f.blockA, "visited_at": at},
		{"client_key": "phone1-3", "block_id": f.blockA, "visited_at": at},
	}
	res = f.do("POST", "/api/v1/visits", w, batch)
	if res.status != 200 || num(res.json["created"]) != 2 || num(res.json["duplicates"]) != 2 {
		t.Fatalf("batch: %v", res)
	}
	results := res.json["results"].([]any)
	statuses := ""
	for _, r := range results {
		statuses += r.(map[string]any)["status"].(string) + " "
	}
	if statuses != "created duplicate created duplicate " {
		t.Fatalf("batch statuses %q", statuses)
	}
	if n, _ := f.store.CountVisits(ctx, f.workerA); n != 3 {
		t.Fatalf("%d visits stored, want 3", n)
	}

	// Another worker reusing a key stores nothing and is told so.
	res = f.do("POST", "/api/v1/visits", f.tok["supervisor:A"], map[string]any{"client_key": "phone1-2",
		"worker_id": f.workerA2, "block_id": f.blockA, "visited_at": at})
	if res.status != 200 || num(res.json["key_taken"]) != 1 {
		t.Fatalf("key reuse by another worker: %v", res)
	}
	if n, _ := f.store.CountVisits(ctx, f.workerA2); n != 0 {
		t.Fatalf("key reuse stored %d visits", n)
	}

	// Invalid batches store nothing.
	for _, tc := range []struct {
		name string
		body any
		kind string
	}{
		{"no key", map[string]any{"block_id": f.blockA, "visited_at": at}, KindValidation},
		{"no time", map[string]any{"client_key": "x1", "block_id": f.blockA}, KindValidation},
		{"block and shop", map[string]any{"client_key": "x2", "block_id": f.blockA, "shop_id": f.shopA, "visited_at": at}, KindValidation},
		{"neither block nor shop", map[string]any{"client_key": "x3", "visited_at": at}, KindValidation},
		{"unknown block", []map[string]any{{"client_key": "x4", "block_id": f.blockA, "visited_at": at}, {"client_key": "x5", "block_id": 999999, "visited_at": at}}, KindValidation},
		{"bad position", map[string]any{"client_key": "x6", "block_id": f.blockA, "visited_at": at, "position": map[string]any{"type": "Point", "coordinates": []float64{10}}}, KindInvalidGeoJSON},
		{"bad time", `{"client_key":"x7","block_id":1,"visited_at":"yesterday"}`, KindMalformedJSON},
		{"empty batch", `[]`, KindValidation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do("POST", "/api/v1/visits", w, tc.body)
			status := map[string]int{KindValidation: 422, KindInvalidGeoJSON: 422, KindMalformedJSON: 400}[tc.kind]
			wantProblem(t, res, status, tc.kind)
		})
	}
	if n, _ := f.store.CountVisits(ctx, f.workerA); n != 3 {
		t.Fatalf("%d visits after invalid batches, want still 3", n)
	}
}

// TestVisitsConcurrentRetries sends the same offline queue from many goroutines at once,
// as a phone retrying on a flaky network would, and checks each check-in landed once.
func TestVisitsConcurrentRetries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const keys, senders = 50, 8
	batch := make([]map[string]any, keys)
	for i := range batch {
		batch[i] = map[string]any{"client_key": fmt.Sprintf("queue-%d", i), "block_id": f.blockA,
			"visited_at": time.Date(2026, 3, 1, 9, i, 0, 0, time.UTC).Format(time.RFC3339)}
	}
	var wg sync.WaitGroup
	created := make([]int64, senders)
	errs := make(chan string, senders)
	for g := range senders {
		wg.Go(func() {
			res := f.do("POST", "/api/v1/visits", f.tok["worker:A"], batch)
			if res.status != 200 {
				errs <- res.String()
				return
			}
			created[g] = num(res.json["created"])
			if num(res.json["created"])+num(res.json["duplicates"]) != keys {
				errs <- "results do not add up: " + res.String()
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var total int64
	for _, c := range created {
		total += c
	}
	if total != keys {
		t.Fatalf("responses claim %d created, want %d", total, keys)
	}
	if n, _ := f.store.CountVisits(context.Background(), f.workerA); n != keys {
		t.Fatalf("%d rows stored, want %d", n, keys)
	}
}

func TestGPSBatches(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	pts := make([]map[string]any, 20)
	for i := range pts {
		pts[i] = map[string]any{"t": t0.Add(time.Duration(i) * 5 * time.Second).Format(time.RFC3339),
			"lon": 10.001 + float64(i)*0.0001, "lat": 50.001, "accuracy_m": 5, "heading_deg": 90}
	}
	res := f.do("POST", "/api/v1/gps", f.tok["worker:A"], map[string]any{"points": pts})
	if res.status != 200 || num(res.json["stored"]) != 20 {
		t.Fatalf("gps batch: %v", res)
	}
	res = f.do("POST", "/api/v1/gps", f.tok["worker:A"], map[string]any{"points": pts[10:]})
	if res.status != 200 || num(res.json["stored"]) != 0 || num(res.json["received"]) != 10 {
		t.Fatalf("re-sent gps batch: %v", res)
	}
	wantProblem(t, f.do("POST", "/api/v1/gps", f.tok["worker:A"], map[string]any{"points": []map[string]any{{"t": t0.Format(time.RFC3339), "lon": 10, "lat": 95}}}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/gps", f.tok["worker:A"], map[string]any{"points": []map[string]any{}}), 422, KindValidation)
}
