package data

import (
	"context"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/gridsweep/gridsweep/geo"
)

// tileFixture: two crossing streets (east-west "Main", north-south "Cross") and a far
// street in another z14 tile, a shop and a station, one area around the crossing, two
// workers and a plan that gives Main to the first worker.
type tileFixture struct {
	s                *Store
	area             int64
	main, cross, far int64
	worker, worker2  int64
	plan             int64
	shop             int64
	tile             maptile.Tile
	planCreated, t0  time.Time
}

func newTileFixture(t *testing.T) *tileFixture {
	t.Helper()
	ctx := context.Background()
	s := openTest(t)
	ext := &geo.Extract{
		Blocks: []geo.Block{
			{SourceID: "w1:0", WayID: 1, From: 1, To: 2, Geometry: orb.LineString{{1.5200, 42.5000}, {1.5210, 42.5000}},
				LengthM: 82, Highway: "residential", Name: "Main"},
			{SourceID: "w2:0", WayID: 2, From: 3, To: 4, Geometry: orb.LineString{{1.5205, 42.4995}, {1.5205, 42.5005}},
				LengthM: 111, Highway: "footway", Name: "Cross"},
			{SourceID: "w3:0", WayID: 3, From: 5, To: 6, Geometry: orb.LineString{{1.5600, 42.5000}, {1.5610, 42.5000}},
				LengthM: 82, Highway: "residential", Name: "Far"},
		},
		Shops:    []geo.Shop{{SourceID: "n10", Name: "Bakery", Category: geo.CategoryRestaurant, Point: orb.Point{1.5202, 42.5001}}},
		Stations: []geo.Station{{SourceID: "n20", Kind: "recycling", Point: orb.Point{1.5207, 42.4999}}},
		Areas: []geo.Area{{SourceID: "A", Name: "Centre", Geometry: orb.MultiPolygon{{{
			{1.519, 42.499}, {1.522, 42.499}, {1.522, 42.502}, {1.519, 42.502}, {1.519, 42.499}}}}}},
	}
	if _, err := s.ImportOSM(ctx, ext); err != nil {
		t.Fatal(err)
	}
	f := &tileFixture{s: s, tile: maptile.At(orb.Point{1.5205, 42.5}, 14)}
	if maptile.At(orb.Point{1.5605, 42.5}, 14) == f.tile {
		t.Fatal("fixture: the far street must lie in another z14 tile")
	}
	q := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := s.pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	f.area = q(`SELECT id FROM areas WHERE source_id = 'A'`)
	f.main = q(`SELECT id FROM blocks WHERE source_id = 'w1:0'`)
	f.cross = q(`SELECT id FROM blocks WHERE source_id = 'w2:0'`)
	f.far = q(`SELECT id FROM blocks WHERE source_id = 'w3:0'`)
	f.shop = q(`SELECT id FROM shops WHERE source_id = 'n10'`)
	f.worker = q(`INSERT INTO workers (area_id, name) VALUES ($1, 'Ana') RETURNING id`, f.area)
	f.worker2 = q(`INSERT INTO workers (area_id, name) VALUES ($1, 'Bo') RETURNING id`, f.area)
	f.planCreated = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	f.plan = q(`INSERT INTO plans (area_id, mode, status, created_at) VALUES ($1, 'patrol', 'done', $2) RETURNING id`, f.area, f.planCreated)
	q(`INSERT INTO plan_assignments (plan_id, block_id, worker_id) VALUES ($1, $2, $3), ($1, $4, $5) RETURNING 1`,
		f.plan, f.main, f.worker, f.cross, f.worker2)
	f.t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	return f
}

var visitSeq int

// visit records a check-in through the real insert path.
func (f *tileFixture) visit(t *testing.T, worker int64, block, shop *int64, at time.Time, plan *int64) {
	t.Helper()
	visitSeq++
	_, err := f.s.InsertVisits(context.Background(), []VisitInput{{
		ClientKey: "k" + time.Now().Format("150405.000000000") + string(rune('a'+visitSeq%26)) + at.String(),
		WorkerID:  worker, BlockID: block, ShopID: shop, VisitedAt: at, PlanID: plan,
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

func decodeLayer(t *testing.T, b []byte, name string) []*geojson.Feature {
	t.Helper()
	if len(b) == 0 {
		return nil
	}
	layers, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatalf("decode mvt: %v", err)
	}
	for _, l := range layers {
		if l.Name == name {
			if l.Extent != MVTExtent {
				t.Errorf("layer %s extent %d, want %d", name, l.Extent, MVTExtent)
			}
			return l.Features
		}
	}
	t.Fatalf("no layer %q in tile (layers %d)", name, len(layers))
	return nil
}

func byID(fs []*geojson.Feature) map[int64]*geojson.Feature {
	m := map[int64]*geojson.Feature{}
	for _, f := range fs {
		switch id := f.ID.(type) {
		case float64:
			m[int64(id)] = f
		case uint64:
			m[int64(id)] = f
		case int64:
			m[id] = f
		}
	}
	return m
}

func num(t *testing.T, f *geojson.Feature, key string) float64 {
	t.Helper()
	v, ok := f.Properties[key]
	if !ok {
		t.Fatalf("feature %v has no %s: %v", f.ID, key, f.Properties)
	}
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	t.Fatalf("feature %v: %s is %T", f.ID, key, v)
	return 0
}

func TestBaseLayerTiles(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx := context.Background()

	b, err := f.s.VectorTile(ctx, LayerStreets, f.tile, CoverageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	streets := byID(decodeLayer(t, b, LayerStreets))
	if len(streets) != 2 || streets[f.main] == nil || streets[f.cross] == nil {
		t.Fatalf("streets tile has %v, want Main and Cross only", streets)
	}
	if p := streets[f.main].Properties; p["name"] != "Main" || p["highway"] != "residential" || p["oneway"] != false {
		t.Errorf("Main properties %v", p)
	}
	// The geometry decodes back near its source (the tile grid is ~0.6 m at z14).
	streetsLayers, _ := mvt.Unmarshal(b)
	streetsLayers.ProjectToWGS84(f.tile)
	ls := byID(streetsLayers[0].Features)[f.main].Geometry.(orb.LineString)
	if math.Abs(ls[0][0]-1.5200) > 1e-5 || math.Abs(ls[0][1]-42.5) > 1e-5 {
		t.Errorf("Main starts at %v, want about (1.5200, 42.5000)", ls[0])
	}

	b, err = f.s.VectorTile(ctx, LayerShops, f.tile, CoverageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	shops := decodeLayer(t, b, LayerShops)
	if len(shops) != 1 || shops[0].Properties["name"] != "Bakery" || shops[0].Properties["category"] != "restaurant" {
		t.Errorf("shops tile: %v", shops)
	}
	b, err = f.s.VectorTile(ctx, LayerStations, f.tile, CoverageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if st := decodeLayer(t, b, LayerStations); len(st) != 1 || st[0].Properties["kind"] != "recycling" {
		t.Errorf("stations tile: %v", st)
	}

	// A tile with nothing in it is empty, not an error.
	empty, err := f.s.VectorTile(ctx, LayerStreets, maptile.New(0, 0, 14), CoverageFilter{})
	if err != nil || len(empty) != 0 {
		t.Errorf("empty tile: %d bytes, %v", len(empty), err)
	}
}

func TestCoverageTile(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx := context.Background()
	// Main: three sweeps (two by Ana, one by Bo with the plan named), Cross: none, Far: one.
	f.visit(t, f.worker, &f.main, nil, f.t0, nil)
	f.visit(t, f.worker, &f.main, nil, f.t0.Add(48*time.Hour), nil)
	f.visit(t, f.worker2, &f.main, nil, f.t0.Add(24*time.Hour), &f.plan)
	f.visit(t, f.worker, &f.far, nil, f.t0, nil)
	// A check-in at the shop only counts for heat.
	f.visit(t, f.worker, nil, &f.shop, f.t0, nil)

	get := func(flt CoverageFilter) map[int64]*geojson.Feature {
		t.Helper()
		b, err := f.s.VectorTile(ctx, LayerCoverage, f.tile, flt)
		if err != nil {
			t.Fatal(err)
		}
		return byID(decodeLayer(t, b, LayerCoverage))
	}
	tests := []struct {
		name       string
		flt        CoverageFilter
		mainSweeps float64
		mainLast   time.Time
	}{
		{"all time", CoverageFilter{}, 3, f.t0.Add(48 * time.Hour)},
		{"area", CoverageFilter{AreaID: f.area}, 3, f.t0.Add(48 * time.Hour)},
		{"window", CoverageFilter{Since: f.t0.Add(time.Hour), Until: f.t0.Add(30 * time.Hour)}, 1, f.t0.Add(24 * time.Hour)},
		{"open until", CoverageFilter{Until: f.t0.Add(30 * time.Hour)}, 2, f.t0.Add(24 * time.Hour)},
		{"worker", CoverageFilter{WorkerID: f.worker}, 2, f.t0.Add(48 * time.Hour)},
	}
	for _, tt := range tests {
		fs := get(tt.flt)
		if len(fs) != 2 {
			t.Errorf("%s: %d features, want Main and Cross", tt.name, len(fs))
			continue
		}
		if got := num(t, fs[f.main], "sweeps"); got != tt.mainSweeps {
			t.Errorf("%s: Main sweeps %v, want %v", tt.name, got, tt.mainSweeps)
		}
		if got := num(t, fs[f.main], "last_swept"); int64(got) != tt.mainLast.Unix() {
			t.Errorf("%s: Main last_swept %v, want %v", tt.name, time.Unix(int64(got), 0).UTC(), tt.mainLast)
		}
		if got := num(t, fs[f.cross], "sweeps"); got != 0 {
			t.Errorf("%s: Cross sweeps %v, want 0", tt.name, got)
		}
		if _, ok := fs[f.cross].Properties["last_swept"]; ok {
			t.Errorf("%s: never-swept Cross has last_swept", tt.name)
		}
	}

	// Plan: Main is Ana's and done; Cross is Bo's and not done.
	fs := get(CoverageFilter{PlanID: f.plan})
	if fs[f.main].Properties["planned"] != true || fs[f.main].Properties["done"] != true || num(t, fs[f.main], "worker_id") != float64(f.worker) {
		t.Errorf("plan: Main %v", fs[f.main].Properties)
	}
	if fs[f.cross].Properties["planned"] != true || fs[f.cross].Properties["done"] != false {
		t.Errorf("plan: Cross %v", fs[f.cross].Properties)
	}
	// Only Bo's blocks are planned for Bo; Main was swept by Bo naming the plan, but it is
	// not Bo's, so it is not planned for him.
	fs = get(CoverageFilter{PlanID: f.plan, WorkerID: f.worker2})
	if fs[f.main].Properties["planned"] != false || fs[f.cross].Properties["planned"] != true {
		t.Errorf("plan+worker: Main %v, Cross %v", fs[f.main].Properties, fs[f.cross].Properties)
	}
	// A window before any sweep: Main planned but not done.
	fs = get(CoverageFilter{PlanID: f.plan, Until: f.t0})
	if fs[f.main].Properties["done"] != false {
		t.Errorf("plan before sweeps: Main %v", fs[f.main].Properties)
	}

	// A z18 tile wholly inside the area (the area test is skipped per feature) still draws
	// the blocks through it.
	inner := maptile.At(orb.Point{1.5205, 42.5}, 18)
	b, err := f.s.VectorTile(ctx, LayerCoverage, inner, CoverageFilter{AreaID: f.area})
	if err != nil {
		t.Fatal(err)
	}
	if fs := byID(decodeLayer(t, b, LayerCoverage)); len(fs) != 2 || num(t, fs[f.main], "sweeps") != 3 {
		t.Errorf("z18 tile inside the area: %v", fs)
	}

	// An area elsewhere keeps nothing in this tile.
	other := f.otherArea(t)
	if fs := get(CoverageFilter{AreaID: other}); len(fs) != 0 {
		t.Errorf("other area: %d features", len(fs))
	}

	// The running totals agree with the events.
	cov, err := f.s.BlockCoverageOf(ctx, []int64{f.main, f.cross, f.far})
	if err != nil {
		t.Fatal(err)
	}
	if len(cov) != 2 || cov[0].Sweeps+cov[1].Sweeps != 4 {
		t.Errorf("block coverage %+v, want Main 3 and Far 1", cov)
	}
	// Deleting a check-in recomputes the block's running maximum.
	if _, err := f.s.pool.Exec(ctx, `DELETE FROM visits WHERE block_id = $1 AND visited_at = $2`, f.main, f.t0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	fs = get(CoverageFilter{})
	if num(t, fs[f.main], "sweeps") != 2 || int64(num(t, fs[f.main], "last_swept")) != f.t0.Add(24*time.Hour).Unix() {
		t.Errorf("after delete: Main %v", fs[f.main].Properties)
	}
}

func (f *tileFixture) otherArea(t *testing.T) int64 {
	t.Helper()
	if _, err := f.s.ImportAreas(context.Background(), []geo.Area{{SourceID: "F", Name: "Far", Geometry: orb.MultiPolygon{{{
		{1.559, 42.499}, {1.562, 42.499}, {1.562, 42.502}, {1.559, 42.502}, {1.559, 42.499}}}}}}); err != nil {
		t.Fatal(err)
	}
	id, err := f.s.AreaIDByRef(context.Background(), "F")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestHeatTileCountsEverySweepOnceInBothPaths(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx := context.Background()
	for i := range 5 {
		f.visit(t, f.worker, &f.main, nil, f.t0.Add(time.Duration(i)*time.Hour), nil)
	}
	f.visit(t, f.worker, &f.cross, nil, f.t0, nil)
	f.visit(t, f.worker2, nil, &f.shop, f.t0, nil)
	f.visit(t, f.worker, &f.far, nil, f.t0, nil)

	sum := func(flt CoverageFilter) (float64, int) {
		t.Helper()
		b, err := f.s.VectorTile(ctx, LayerHeat, f.tile, flt)
		if err != nil {
			t.Fatal(err)
		}
		var n float64
		fs := decodeLayer(t, b, LayerHeat)
		for _, ft := range fs {
			n += num(t, ft, "count")
		}
		return n, len(fs)
	}
	// Main's 5 at its middle, Cross's 1 at its middle (the same point: they cross there)
	// and the shop's 1: 7 in the tile, Far's elsewhere.
	for _, tt := range []struct {
		name string
		flt  CoverageFilter
		want float64
	}{
		{"materialised", CoverageFilter{}, 7},
		{"events", CoverageFilter{Since: f.t0.Add(-time.Hour)}, 7},
		{"worker", CoverageFilter{WorkerID: f.worker2}, 1},
		{"window", CoverageFilter{Since: f.t0.Add(90 * time.Minute)}, 3},
		{"area materialised", CoverageFilter{AreaID: f.otherArea(t)}, 0},
	} {
		if got, _ := sum(tt.flt); got != tt.want {
			t.Errorf("%s: heat sums to %v, want %v", tt.name, got, tt.want)
		}
	}
	// A check-in with its own position counts there, in both paths.
	lon, lat := 1.5203, 42.5002
	if _, err := f.s.InsertVisits(ctx, []VisitInput{{ClientKey: "pos", WorkerID: f.worker, BlockID: &f.main,
		VisitedAt: f.t0, Lon: &lon, Lat: &lat}}); err != nil {
		t.Fatal(err)
	}
	for _, flt := range []CoverageFilter{{}, {Since: f.t0.Add(-time.Hour)}} {
		if got, _ := sum(flt); got != 8 {
			t.Errorf("with a positioned check-in (%+v): heat sums to %v, want 8", flt, got)
		}
	}
	if _, err := f.s.pool.Exec(ctx, `DELETE FROM visits WHERE client_key = 'pos'`); err != nil {
		t.Fatal(err)
	}

	// Bins: the shop and the crossing, 25 m apart, lie in different bins at z16 (2.4 m).
	z16 := maptile.At(orb.Point{1.5205, 42.5}, 16)
	if maptile.At(orb.Point{1.5202, 42.5001}, 16) != z16 {
		t.Fatal("fixture: the shop and the crossing must share a z16 tile")
	}
	bins, err := f.s.HeatBins(ctx, z16, 0, CoverageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(bins, func(a, b int) bool { return bins[a].N > bins[b].N })
	if len(bins) != 2 || bins[0].N != 6 || bins[1].N != 1 {
		t.Errorf("z18 bins %+v, want the crossing with 6 and the shop with 1 (z16)", bins)
	}
}

func TestGPSMapMatchingUsesDirectionOfTravel(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx := context.Background()
	// Ana walks east along Main, 2 m north of it. At the crossing the fixes are nearer
	// to Cross's line than... no: they are 2 m from Main and up to ~40 m from Cross; the
	// interesting fix is the one 1 m east of the crossing, 2 m north: 1 m from Cross and
	// 2 m from Main. Direction of travel (east) must pick Main there.
	var fixes []GPSFix
	lat := 42.5 + 2.0/111320
	for i := 0; i <= 10; i++ {
		lon := 1.5200 + float64(i)*0.0001
		if i == 5 {
			lon = 1.5205 + 1.0/(111320*math.Cos(42.5*math.Pi/180))
		}
		fixes = append(fixes, GPSFix{RecordedAt: f.t0.Add(time.Duration(i) * 10 * time.Second), Lon: lon, Lat: lat})
	}
	// A fix 30 m off any street matches nothing.
	fixes = append(fixes, GPSFix{RecordedAt: f.t0.Add(200 * time.Second), Lon: 1.5205, Lat: 42.5 + 30.0/111320 + 0.0005})
	if _, err := f.s.InsertGPS(ctx, f.worker, fixes); err != nil {
		t.Fatal(err)
	}
	rows, err := f.s.pool.Query(ctx, `
		SELECT g.recorded_at, m.block_id FROM gps_points g LEFT JOIN gps_matches m ON m.gps_point_id = g.id
		ORDER BY g.recorded_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var at time.Time
		var block *int64
		if err := rows.Scan(&at, &block); err != nil {
			t.Fatal(err)
		}
		switch {
		case i == len(fixes)-1:
			if block != nil {
				t.Errorf("fix 30 m off the streets matched block %d", *block)
			}
		case block == nil || *block != f.main:
			t.Errorf("fix %d (%v) matched %v, want Main %d", i, at, block, f.main)
		}
		i++
	}
	if i != len(fixes) {
		t.Fatalf("%d fixes stored, want %d", i, len(fixes))
	}
	// The walk spans Main: one GPS sweep of Main, none of Cross, counted in coverage.
	var sweeps []int64
	rows2, err := f.s.pool.Query(ctx, `SELECT block_id FROM gps_sweeps ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows2.Next() {
		var b int64
		if err := rows2.Scan(&b); err != nil {
			t.Fatal(err)
		}
		sweeps = append(sweeps, b)
	}
	if len(sweeps) != 1 || sweeps[0] != f.main {
		t.Fatalf("gps sweeps %v, want one of Main %d", sweeps, f.main)
	}
	// The same pass sent again later in another batch is not a second sweep.
	more := []GPSFix{{RecordedAt: f.t0.Add(110 * time.Second), Lon: 1.5209, Lat: lat}, {RecordedAt: f.t0.Add(115 * time.Second), Lon: 1.52095, Lat: lat}}
	if _, err := f.s.InsertGPS(ctx, f.worker, more); err != nil {
		t.Fatal(err)
	}
	cov, err := f.s.BlockCoverageOf(ctx, []int64{f.main, f.cross})
	if err != nil {
		t.Fatal(err)
	}
	if len(cov) != 1 || cov[0].BlockID != f.main || cov[0].Sweeps != 1 {
		t.Errorf("coverage after GPS %+v, want Main swept once", cov)
	}

	// Bo walks north along Cross with a phone heading: Cross, not Main, at the crossing.
	var north []GPSFix
	lon := 1.5205 + 2.0/(111320*math.Cos(42.5*math.Pi/180))
	for i := 0; i <= 10; i++ {
		north = append(north, GPSFix{RecordedAt: f.t0.Add(time.Duration(i) * 10 * time.Second),
			Lon: lon, Lat: 42.4995 + float64(i)*0.0001, HeadingDeg: ptr(float32(1))})
	}
	if _, err := f.s.InsertGPS(ctx, f.worker2, north); err != nil {
		t.Fatal(err)
	}
	var wrong int
	if err := f.s.pool.QueryRow(ctx, `SELECT count(*) FROM gps_matches WHERE worker_id = $1 AND block_id <> $2`, f.worker2, f.cross).Scan(&wrong); err != nil {
		t.Fatal(err)
	}
	if wrong != 0 {
		t.Errorf("%d of Bo's fixes heading north matched another block than Cross", wrong)
	}
}

func TestTileChangesAreNotifiedWithTheChangedBoxes(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := make(chan TileChange, 16)
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- f.s.ListenTileChanges(ctx, func(c TileChange) { changes <- c }, func() { close(ready) })
	}()
	<-ready
	f.visit(t, f.worker, &f.far, nil, f.t0, nil)
	c := <-changes
	if c.All || len(c.Boxes) != 1 || len(c.Layers) != 2 || c.Layers[0] != LayerCoverage || c.Layers[1] != LayerHeat {
		t.Fatalf("change %+v, want coverage and heat in one box", c)
	}
	want := orb.Bound{Min: orb.Point{1.56, 42.5}, Max: orb.Point{1.561, 42.5}}
	if b := c.Boxes[0]; math.Abs(b.Min[0]-want.Min[0]) > 1e-6 || math.Abs(b.Max[0]-want.Max[0]) > 1e-6 ||
		math.Abs(b.Min[1]-want.Min[1]) > 1e-6 || math.Abs(b.Max[1]-want.Max[1]) > 1e-6 {
		t.Errorf("box %v, want Far's %v", b, want)
	}
	// A plan edit notifies the coverage layer around the reassigned block.
	if _, err := f.s.pool.Exec(ctx, `UPDATE plan_assignments SET worker_id = $1 WHERE block_id = $2`, f.worker2, f.main); err != nil {
		t.Fatal(err)
	}
	c = <-changes
	if len(c.Layers) != 1 || c.Layers[0] != LayerCoverage || len(c.Boxes) != 1 || math.Abs(c.Boxes[0].Min[0]-1.52) > 1e-6 {
		t.Errorf("plan change %+v", c)
	}
	// Moving an area's boundary redraws coverage and heat inside the old and the new one.
	if _, err := f.s.pool.Exec(ctx, `UPDATE areas SET geom = ST_Multi(ST_MakeEnvelope(1.5, 42.4, 1.6, 42.6, 4326)) WHERE id = $1`, f.area); err != nil {
		t.Fatal(err)
	}
	c = <-changes
	if len(c.Layers) != 2 || c.Layers[0] != LayerCoverage || c.Layers[1] != LayerHeat || len(c.Boxes) != 2 {
		t.Errorf("area change %+v, want coverage and heat in the old and the new box", c)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("listener ended with %v", err)
	}
}

func TestAreaCoverageOverTime(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	f.visit(t, f.worker, &f.main, nil, day(2), nil)  // 82 m
	f.visit(t, f.worker, &f.cross, nil, day(4), nil) // 111 m
	f.visit(t, f.worker, &f.far, nil, day(4), nil)   // outside the area
	pts, err := f.s.AreaCoverage(ctx, f.area, day(1), day(5), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 82, 82, 111, 111} // two-day trailing window
	if len(pts) != len(want) {
		t.Fatalf("%d points, want %d", len(pts), len(want))
	}
	for i, p := range pts {
		if p.SweptM != want[i] || p.TotalM != 193 || math.Abs(p.Percent-100*want[i]/193) > 1e-9 {
			t.Errorf("day %d: %+v, want %v of 193 m", i+1, p, want[i])
		}
		if !p.Day.Equal(time.Date(2026, 11, i+1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("point %d is for %v", i, p.Day)
		}
	}
}
