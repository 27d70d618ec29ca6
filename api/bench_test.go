package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// The API benchmarks go through a real TCP listener on 127.0.0.1 and the real database,
// so they measure what one node serves: HTTP, auth (one token lookup per request), JSON
// and the insert. docs/benchmarks.md records the figures.

func benchServer(b *testing.B) (*fixture, *httptest.Server, *http.Client) {
	f := newFixture(b)
	srv := httptest.NewServer(f.h)
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	return f, srv, &http.Client{Transport: tr}
}

func benchPost(b *testing.B, c *http.Client, url, token string, body []byte) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Errorf("status %d", resp.StatusCode)
	}
}

// gridBlocks returns the ids of the blocks in grid A1 after addStreetGrid.
func gridBlocks(b *testing.B, f *fixture) []int64 {
	f.addStreetGrid()
	bs, err := f.store.ListBlocks(context.Background(), f.gridA1, nil, data.ListPage{Limit: 100})
	if err != nil || len(bs) < 24 {
		b.Fatalf("grid blocks: %d %v", len(bs), err)
	}
	ids := make([]int64, len(bs))
	for i, x := range bs {
		ids[i] = x.ID
	}
	return ids
}

// BenchmarkCheckinSingle posts one check-in per request from parallel clients, spread over
// the 24 blocks of a street grid (check-ins of one block serialise on its coverage row).
func BenchmarkCheckinSingle(b *testing.B) {
	f, srv, c := benchServer(b)
	blocks := gridBlocks(b, f)
	var seq atomic.Int64
	at := time.Now().UTC().Format(time.RFC3339)
	// Phones wait on the network, not the CPU: more clients than cores.
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			body, _ := json.Marshal(map[string]any{"client_key": fmt.Sprintf("b%d", n), "block_id": blocks[n%int64(len(blocks))], "visited_at": at})
			benchPost(b, c, srv.URL+"/api/v1/visits", f.tok["worker:A"], body)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkCheckinBatch posts an offline queue of 100 check-ins per request.
func BenchmarkCheckinBatch(b *testing.B) {
	const size = 100
	f, srv, c := benchServer(b)
	blocks := gridBlocks(b, f)
	var seq atomic.Int64
	at := time.Now().UTC().Format(time.RFC3339)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		batch := make([]map[string]any, size)
		for pb.Next() {
			for i := range batch {
				n := seq.Add(1)
				batch[i] = map[string]any{"client_key": fmt.Sprintf("b%d", n), "block_id": blocks[n%int64(len(blocks))], "visited_at": at}
			}
			body, _ := json.Marshal(batch)
			benchPost(b, c, srv.URL+"/api/v1/visits", f.tok["worker:A"], body)
		}
	})
	b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "visits/s")
}

// BenchmarkShopsList reads one page of shops in a bounding box.
func BenchmarkShopsList(b *testing.B) {
	f, srv, c := benchServer(b)
	url := srv.URL + "/api/v1/shops?bbox=10,50,10.01,50.01"
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+f.tok["viewer:A"])
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
