package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// BenchmarkGPSIngest posts a phone's GPS queue in batches of 100 fixes walking along
// a street (map matching runs on every batch) from parallel workers' phones.
func BenchmarkGPSIngest(b *testing.B) {
	f, srv, c := benchServer(b)
	f.addStreetGrid()
	ctx := context.Background()
	const phones = 4
	toks := make([]string, phones)
	for i := range toks {
		area, name := f.gridA1, fmt.Sprintf("phone %d", i)
		w, err := f.store.CreateWorker(ctx, data.WorkerInput{AreaID: &area, Name: &name})
		if err != nil {
			b.Fatal(err)
		}
		toks[i] = f.workerToken(w.ID, f.gridA1)
	}
	var seq, phone atomic.Int64
	t0 := time.Now().Add(-24 * time.Hour)
	b.SetParallelism(2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		tok := toks[phone.Add(1)%phones]
		for pb.Next() {
			n := seq.Add(1)
			pts := make([]map[string]any, 100)
			for i := range pts {
				k := int(n)*100 + i
				// Along row 0 of the grid, one fix a second, back and forth.
				pts[i] = map[string]any{"t": t0.Add(time.Duration(k) * time.Second).Format(time.RFC3339Nano),
					"lon": 10.0005 + float64(k%300)*0.00001, "lat": 50.0005, "accuracy_m": 5}
			}
			body, _ := json.Marshal(map[string]any{"points": pts})
			benchPost(b, c, srv.URL+"/api/v1/gps", tok, body)
		}
	})
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkPlanProgress counts the progress of a 53-worker plan (760 blocks) on a day with
// 1,000 check-ins and 10,000 GPS fixes: GET /api/v1/plans/{id}/progress through the router.
func BenchmarkPlanProgress(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	// A 21 x 21 street grid filling community A (0.01 degrees): 840 blocks.
	const n, step = 21, 0.00045
	node := func(i, j int) int64 { return int64(5000 + i*n + j) }
	pt := func(i, j int) orb.Point { return orb.Point{10.0003 + float64(j)*step, 50.0003 + float64(i)*step} }
	var blocks []geo.Block
	for i := range n {
		for j := range n {
			if j+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("p%d-%d-e", i, j), WayID: int64(300 + i), From: node(i, j), To: node(i, j+1),
					Geometry: orb.LineString{pt(i, j), pt(i, j+1)}, Highway: "residential", Name: fmt.Sprintf("Row %d", i)})
			}
			if i+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("p%d-%d-n", i, j), WayID: int64(400 + j), From: node(i, j), To: node(i+1, j),
					Geometry: orb.LineString{pt(i, j), pt(i+1, j)}, Highway: "residential", Name: fmt.Sprintf("Column %d", j)})
			}
		}
	}
	var shops []geo.Shop
	for k := range 300 {
		shops = append(shops, geo.Shop{SourceID: fmt.Sprintf("bs%d", k), Name: fmt.Sprintf("Shop %d", k), Category: geo.CategoryOther,
			Point: orb.Point{10.0003 + float64(k%20)*step + step/2, 50.0003 + float64(k/20)*step + 0.00002}})
	}
	for i := range blocks {
		blocks[i].LengthM = geo.LengthM(blocks[i].Geometry)
	}
	if _, err := f.store.ImportOSM(ctx, &geo.Extract{Blocks: blocks, Shops: shops}); err != nil {
		b.Fatal(err)
	}
	bs, err := f.store.ListBlocks(ctx, f.areaA, nil, data.ListPage{Limit: 1000})
	if err != nil {
		b.Fatal(err)
	}
	const workers = 53
	routes := map[int64][]int64{}
	ids := make([]int64, workers)
	for i := range ids {
		area, name := f.areaA, fmt.Sprintf("W%d", i)
		w, err := f.store.CreateWorker(ctx, data.WorkerInput{AreaID: &area, Name: &name})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = w.ID
	}
	for k, blk := range bs {
		routes[ids[k%workers]] = append(routes[ids[k%workers]], blk.ID)
	}
	plan := f.addRoutePlan(f.areaA, routes)
	if res := f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", plan), f.tok["supervisor:A"], map[string]any{}); res.status != 200 {
		b.Fatalf("publish: %s", res)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	day := time.Now().Add(-time.Hour)
	visits := make([]data.VisitInput, 1000)
	for i := range visits {
		k := rng.IntN(len(bs))
		blk := bs[k].ID
		visits[i] = data.VisitInput{ClientKey: fmt.Sprintf("pb%d", i), WorkerID: ids[k%workers], PlanID: &plan, BlockID: &blk,
			VisitedAt: day.Add(time.Duration(i) * time.Second)}
	}
	if _, err := f.store.InsertVisits(ctx, visits); err != nil {
		b.Fatal(err)
	}
	for w := range workers {
		fixes := make([]data.GPSFix, 10000/workers+1)
		for i := range fixes {
			fixes[i] = data.GPSFix{RecordedAt: day.Add(time.Duration(i) * 15 * time.Second),
				Lon: 10.0003 + rng.Float64()*0.009, Lat: 50.0003 + rng.Float64()*0.009}
		}
		if _, err := f.store.InsertGPS(ctx, ids[w], fixes); err != nil {
			b.Fatal(err)
		}
	}
	path := fmt.Sprintf("/api/v1/plans/%d/progress", plan)
	res := f.do("GET", path, f.tok["supervisor:A"], nil)
	if res.status != 200 || len(res.json["workers"].([]any)) != workers {
		b.Fatalf("progress: %.300s", res)
	}
	b.ResetTimer()
	for b.Loop() {
		if res := f.do("GET", path, f.tok["supervisor:A"], nil); res.status != http.StatusOK {
			b.Fatalf("progress: %d", res.status)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/req")
}
