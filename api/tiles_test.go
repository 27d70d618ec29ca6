package api

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
)

// tileTestCity: area A with two crossing streets Main and Cross, a shop and a station;
// area B with street Far (another z14 tile); a worker in A; tokens for A and B.
type tileTestCity struct {
	store             *data.Store
	h                 http.Handler
	cache             *MemoryTileCache
	areaA, areaB      int64
	main, cross, far  int64
	shop              int64
	worker            int64
	viewerA, viewerB  string
	mainZ14, farZ14   maptile.Tile
	mainZ16, emptyZ16 maptile.Tile
}

func newTileTestCity(t *testing.T) *tileTestCity {
	t.Helper()
	ctx := context.Background()
	dbURL := datatest.NewDatabase(t)
	store, err := data.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	sq := func(lon, lat float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{lon, lat}, {lon + 0.003, lat}, {lon + 0.003, lat + 0.003}, {lon, lat + 0.003}, {lon, lat}}}}
	}
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
		// A spans the whole z14 tile around Main (so heat anywhere in it is A's); B is small.
		Areas: []geo.Area{{SourceID: "A", Name: "A", Geometry: orb.MultiPolygon{{{{1.50, 42.49}, {1.545, 42.49}, {1.545, 42.515}, {1.50, 42.515}, {1.50, 42.49}}}}},
			{SourceID: "B", Name: "B", Geometry: sq(1.559, 42.499)}},
	}
	if _, err := store.ImportOSM(ctx, ext); err != nil {
		t.Fatal(err)
	}
	c := &tileTestCity{store: store, cache: NewMemoryTileCache(1 << 20)}
	if c.areaA, err = store.AreaIDByRef(ctx, "A"); err != nil {
		t.Fatal(err)
	}
	if c.areaB, err = store.AreaIDByRef(ctx, "B"); err != nil {
		t.Fatal(err)
	}
	raw := datatest.Connect(t, dbURL)
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := raw.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	c.main = q(`SELECT id FROM blocks WHERE source_id = 'w1:0'`)
	c.cross = q(`SELECT id FROM blocks WHERE source_id = 'w2:0'`)
	c.far = q(`SELECT id FROM blocks WHERE source_id = 'w3:0'`)
	c.shop = q(`SELECT id FROM shops WHERE source_id = 'n10'`)
	c.worker = q(`INSERT INTO workers (area_id, name) VALUES ($1, 'Ana') RETURNING id`, c.areaA)
	tok := func(area int64) string {
		s, _, err := store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleViewer, AreaID: area})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	c.viewerA, c.viewerB = tok(c.areaA), tok(c.areaB)
	c.mainZ14 = maptile.At(orb.Point{1.5205, 42.5}, 14)
	c.farZ14 = maptile.At(orb.Point{1.5605, 42.5}, 14)
	c.mainZ16 = maptile.At(orb.Point{1.5205, 42.5}, 16)
	// A z16 tile at least two columns from Main's inside the same z14 tile, far from every
	// street.
	col := c.mainZ14.X * 4
	if c.mainZ16.X%4 < 2 {
		col += 3
	}
	c.emptyZ16 = maptile.New(col, c.mainZ16.Y, 16)
	if c.emptyZ16.Parent().Parent() != c.mainZ14 || c.mainZ14 == c.farZ14 {
		t.Fatal("fixture tiles are not laid out as the tests assume")
	}

	ready := make(chan struct{}, 4)
	c.h = New(store, Options{Tiles: TileOptions{Cache: c.cache, Listening: func() { ready <- struct{}{} }}})
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("tile cache listener did not start")
	}
	return c
}

type tileResponse struct {
	status int
	header http.Header
	body   []byte
}

func (c *tileTestCity) get(t *testing.T, token, path string, header ...string) tileResponse {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	return tileResponse{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func tilePath(layer string, t maptile.Tile, ext string) string {
	return "/tiles/" + layer + "/" + strconv.Itoa(int(t.Z)) + "/" + strconv.Itoa(int(t.X)) + "/" + strconv.Itoa(int(t.Y)) + ext
}

func mvtFeatures(t *testing.T, body []byte, layer string) map[int64]*geojson.Feature {
	t.Helper()
	out := map[int64]*geojson.Feature{}
	if len(body) == 0 {
		return out
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("decode mvt: %v", err)
	}
	if len(layers) != 1 || layers[0].Name != layer {
		t.Fatalf("tile has %d layers, want only %q", len(layers), layer)
	}
	for _, f := range layers[0].Features {
		id, _ := f.ID.(uint64)
		if id == 0 {
			if fid, ok := f.ID.(float64); ok {
				id = uint64(fid)
			}
		}
		out[int64(id)] = f
	}
	return out
}

func (c *tileTestCity) checkIn(t *testing.T, block int64, at time.Time, key string) {
	t.Helper()
	_, err := c.store.InsertVisits(context.Background(), []data.VisitInput{{
		ClientKey: key, WorkerID: c.worker, BlockID: &block, VisitedAt: at}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestVectorTilesDecodeWithTheirData(t *testing.T) {
	t.Parallel()
	c := newTileTestCity(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	c.checkIn(t, c.main, at, "v1")
	c.checkIn(t, c.main, at.Add(time.Hour), "v2")

	res := c.get(t, c.viewerA, tilePath("streets", c.mainZ14, ".mvt"))
	if res.status != 200 || res.header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("streets: %d %s", res.status, res.body)
	}
	streets := mvtFeatures(t, res.body, "streets")
	if len(streets) != 2 || streets[c.main].Properties["name"] != "Main" || streets[c.cross].Properties["highway"] != "footway" {
		t.Errorf("streets features: %v", streets)
	}

	res = c.get(t, c.viewerA, tilePath("coverage", c.mainZ14, ".mvt"))
	cov := mvtFeatures(t, res.body, "coverage")
	if len(cov) != 2 {
		t.Fatalf("coverage features: %v", cov)
	}
	if p := cov[c.main].Properties; p["sweeps"] != float64(2) && p["sweeps"] != int64(2) && p["sweeps"] != uint64(2) {
		t.Errorf("Main sweeps %v (%T)", p["sweeps"], p["sweeps"])
	}
	if p := cov[c.main].Properties; p["last_swept"] != float64(at.Add(time.Hour).Unix()) && p["last_swept"] != int64(at.Add(time.Hour).Unix()) {
		t.Errorf("Main last_swept %v (%T)", p["last_swept"], p["last_swept"])
	}
	// A window that excludes the second check-in.
	res = c.get(t, c.viewerA, tilePath("coverage", c.mainZ14, ".mvt?until=2026-11-02T09:30:00Z"))
	if p := mvtFeatures(t, res.body, "coverage")[c.main].Properties; p["sweeps"] != int64(1) && p["sweeps"] != float64(1) {
		t.Errorf("windowed Main sweeps %v", p["sweeps"])
	}

	// Area scope: B's viewer sees no coverage in A's tile, and may not ask for A.
	res = c.get(t, c.viewerB, tilePath("coverage", c.mainZ14, ".mvt"))
	if res.status != 200 || len(res.body) != 0 {
		t.Errorf("B's viewer on A's tile: %d, %d bytes; want an empty tile", res.status, len(res.body))
	}
	res = c.get(t, c.viewerB, tilePath("coverage", c.mainZ14, ".mvt?area="+strconv.FormatInt(c.areaA, 10)))
	if res.status != 403 || res.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("B's viewer asking for area A: %d %s", res.status, res.body)
	}

	// The empty tile convention: 200, empty body, with an ETag like any tile.
	res = c.get(t, c.viewerA, tilePath("shops", c.emptyZ16, ".mvt"))
	if res.status != 200 || len(res.body) != 0 || res.header.Get("ETag") == "" {
		t.Errorf("empty tile: %d, %d bytes, etag %q", res.status, len(res.body), res.header.Get("ETag"))
	}

	res = c.get(t, c.viewerA, tilePath("heat", c.mainZ14, ".mvt"))
	var total float64
	for _, f := range mvtFeatures(t, res.body, "heat") {
		switch n := f.Properties["count"].(type) {
		case float64:
			total += n
		case int64:
			total += float64(n)
		case uint64:
			total += float64(n)
		}
	}
	if total != 2 {
		t.Errorf("heat counts sum to %v, want 2", total)
	}
}

func TestTileETagGzipAndErrors(t *testing.T) {
	t.Parallel()
	c := newTileTestCity(t)
	path := tilePath("streets", c.mainZ14, ".mvt")
	res := c.get(t, c.viewerA, path)
	etag := res.header.Get("ETag")
	if res.status != 200 || etag == "" || res.header.Get("Cache-Control") != cacheControlBase {
		t.Fatalf("first get: %d etag %q cache-control %q", res.status, etag, res.header.Get("Cache-Control"))
	}
	if again := c.get(t, c.viewerA, path, "If-None-Match", etag); again.status != 304 || len(again.body) != 0 {
		t.Errorf("matching If-None-Match: %d with %d bytes", again.status, len(again.body))
	}
	if other := c.get(t, c.viewerA, path, "If-None-Match", `"something-else"`); other.status != 200 {
		t.Errorf("other If-None-Match: %d", other.status)
	}
	gz := c.get(t, c.viewerA, path, "Accept-Encoding", "gzip, br")
	if gz.header.Get("Content-Encoding") != "gzip" || gz.header.Get("ETag") == etag {
		t.Fatalf("gzip: encoding %q etag %q", gz.header.Get("Content-Encoding"), gz.header.Get("ETag"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, res.body) {
		t.Errorf("gunzipped tile differs from the plain one (%v)", err)
	}
	if r := c.get(t, c.viewerA, path, "If-None-Match", gz.header.Get("ETag"), "Accept-Encoding", "gzip"); r.status != 304 {
		t.Errorf("gzip ETag revalidation: %d", r.status)
	}
	if r := c.get(t, c.viewerA, path, "Accept-Encoding", "gzip;q=0"); r.header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still gzipped")
	}
	if r := c.get(t, c.viewerA, tilePath("coverage", c.mainZ14, ".mvt")); r.header.Get("Cache-Control") != cacheControlLive {
		t.Errorf("coverage Cache-Control %q", r.header.Get("Cache-Control"))
	}

	bad := []string{
		"/tiles/streets/23/0/0.mvt",
		"/tiles/streets/1/2/0.mvt",
		"/tiles/streets/1/0/2.mvt",
		"/tiles/streets/a/0/0.mvt",
		"/tiles/streets/1/-1/0.mvt",
		"/tiles/streets/01/0/0.mvt",
		"/tiles/heat/1/0/0@3x.png",
		"/tiles/streets/14/0/0.mvt?days=3",
		"/tiles/coverage/14/0/0.mvt?color=red",
		"/tiles/coverage/14/0/0.mvt?days=0",
		"/tiles/coverage/14/0/0.mvt?days=2&since=2026-01-01",
		"/tiles/coverage/14/0/0.mvt?since=2026-02-01&until=2026-01-01",
		"/tiles/coverage/14/0/0.mvt?since=yesterday",
		"/tiles/coverage/14/0/0.mvt?area=abc",
		"/tiles/coverage/14/0/0.mvt?area=1&area=2",
		"/tiles/heat/14/0/0.mvt?plan=1",
		"/tiles/coverage.json?worker=-1",
	}
	for _, p := range bad {
		r := c.get(t, c.viewerA, p)
		var prob Problem
		if r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" ||
			json.Unmarshal(r.body, &prob) != nil || prob.Type != ProblemBase+KindInvalidTileReq || prob.Detail == "" {
			t.Errorf("%s: %d %s %s, want a 400 problem", p, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
	if r := c.get(t, "", path); r.status != 401 {
		t.Errorf("no token: %d", r.status)
	}
	if r := c.get(t, c.viewerA, "/tiles/coverage/14/0/0.mvt?plan=999999"); r.status != 404 {
		t.Errorf("unknown plan: %d %s", r.status, r.body)
	}
}

func TestCheckInInvalidatesExactlyTheAffectedTiles(t *testing.T) {
	t.Parallel()
	c := newTileTestCity(t)
	a := "area=" + strconv.FormatInt(c.areaA, 10)
	type probe struct {
		layer, format string
		tile          maptile.Tile
		query         string
		path          string
		stale         bool // must be dropped by a check-in on Main
	}
	probes := []probe{
		{"coverage", "mvt", c.mainZ14, a, tilePath("coverage", c.mainZ14, ".mvt"), true},
		{"coverage", "mvt", c.mainZ16, a, tilePath("coverage", c.mainZ16, ".mvt"), true},
		{"coverage", "mvt", c.mainZ14.Parent().Parent(), a, tilePath("coverage", c.mainZ14.Parent().Parent(), ".mvt"), true},
		{"heat", "mvt", c.mainZ14, a, tilePath("heat", c.mainZ14, ".mvt"), true},
		{"heat", "png", c.mainZ14, a, tilePath("heat", c.mainZ14, ".png"), true},
		{"heat", "png@2x", c.mainZ16, a, tilePath("heat", c.mainZ16, "@2x.png"), true},
		// Same place, other layer: streets do not change with a check-in.
		{"streets", "mvt", c.mainZ14, "", tilePath("streets", c.mainZ14, ".mvt"), false},
		// Same layer, same z14 parent, but away from Main.
		{"coverage", "mvt", c.emptyZ16, a, tilePath("coverage", c.emptyZ16, ".mvt"), false},
		// Same layer elsewhere.
		{"coverage", "mvt", c.farZ14, a, tilePath("coverage", c.farZ14, ".mvt"), false},
	}
	for _, p := range probes {
		if r := c.get(t, c.viewerA, p.path); r.status != 200 {
			t.Fatalf("%s: %d %s", p.path, r.status, r.body)
		}
	}
	cached := func(p probe) bool {
		_, ok := c.cache.Get(newTileKey(p.layer, p.format, p.tile, p.query))
		return ok
	}
	for _, p := range probes {
		if !cached(p) {
			t.Fatalf("%s was not cached", p.path)
		}
	}
	before := c.get(t, c.viewerA, probes[0].path)

	start := time.Now()
	c.checkIn(t, c.main, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), "fresh")
	// The notification arrives asynchronously; wait for the first stale tile to go.
	deadline := time.Now().Add(10 * time.Second)
	for cached(probes[0]) {
		if time.Now().After(deadline) {
			t.Fatal("the check-in did not invalidate the coverage tile within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("stale tiles dropped %v after the check-in was sent", time.Since(start).Round(time.Millisecond))
	for _, p := range probes {
		if got := cached(p); got == p.stale {
			t.Errorf("%s (%s %s): cached %v after a check-in on Main", p.path, p.layer, p.format, got)
		}
	}
	// A check-in just beyond the edge of an empty tile (3/64 of its width out): the heat
	// PNG's kernel reaches 5/64 across the edge, the vector tiles' buffer only 1/64.
	edge := []probe{
		{"heat", "png", c.emptyZ16, a, tilePath("heat", c.emptyZ16, ".png"), true},
		{"heat", "mvt", c.emptyZ16, a, tilePath("heat", c.emptyZ16, ".mvt"), false},
		{"coverage", "mvt", c.emptyZ16, a, tilePath("coverage", c.emptyZ16, ".mvt"), false},
	}
	for _, p := range edge {
		if r := c.get(t, c.viewerA, p.path); r.status != 200 || !cached(p) {
			t.Fatalf("%s: %d, cached %v", p.path, r.status, cached(p))
		}
	}
	eb := c.emptyZ16.Bound()
	lon := eb.Max[0] + 3.0/64*(eb.Max[0]-eb.Min[0])
	if c.emptyZ16.X%4 == 0 {
		lon = eb.Min[0] - 3.0/64*(eb.Max[0]-eb.Min[0])
	}
	lat := eb.Center()[1]
	if _, err := c.store.InsertVisits(context.Background(), []data.VisitInput{{ClientKey: "edge", WorkerID: c.worker,
		ShopID: &c.shop, VisitedAt: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), Lon: &lon, Lat: &lat}}); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for cached(edge[0]) {
		if time.Now().After(deadline) {
			t.Fatal("a check-in within the kernel's reach did not invalidate the heat PNG")
		}
		time.Sleep(time.Millisecond)
	}
	for _, p := range edge[1:] {
		if !cached(p) {
			t.Errorf("%s was dropped by a check-in 3/64 of a tile beyond its edge", p.path)
		}
	}
	if r := c.get(t, c.viewerA, edge[0].path); r.status != 200 {
		t.Fatalf("%s: %d", edge[0].path, r.status)
	} else if img, err := png.Decode(bytes.NewReader(r.body)); err != nil || maxAlpha(img) == 0 {
		t.Errorf("the heat from just beyond the edge does not show in the PNG (%v)", err)
	}

	after := c.get(t, c.viewerA, probes[0].path)
	if after.header.Get("ETag") == before.header.Get("ETag") {
		t.Error("the coverage tile's ETag did not change with a new sweep")
	}
	if p := mvtFeatures(t, after.body, "coverage")[c.main].Properties; p["sweeps"] != int64(1) && p["sweeps"] != float64(1) {
		t.Errorf("after the check-in Main has sweeps %v", p["sweeps"])
	}
}

func TestHeatPNGTiles(t *testing.T) {
	t.Parallel()
	c := newTileTestCity(t)
	for i := range 20 {
		c.checkIn(t, c.main, time.Date(2026, 11, 2, 9, i, 0, 0, time.UTC), "h"+strconv.Itoa(i))
	}
	for _, tc := range []struct {
		path   string
		size   int
		opaque bool
	}{
		{tilePath("heat", c.mainZ16, ".png"), 256, true},
		{tilePath("heat", c.mainZ16, "@2x.png"), 512, true},
		{tilePath("heat", c.emptyZ16, ".png"), 256, false},
		{tilePath("heat", c.mainZ16, ".png?days=1"), 256, false}, // the check-ins are in the past
	} {
		r := c.get(t, c.viewerA, tc.path)
		if r.status != 200 || r.header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d %s", tc.path, r.status, r.body)
		}
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if b := img.Bounds(); b.Dx() != tc.size || b.Dy() != tc.size {
			t.Errorf("%s: %v, want %d×%d", tc.path, b, tc.size, tc.size)
		}
		if got := maxAlpha(img); (got > 0) != tc.opaque {
			t.Errorf("%s: max alpha %d, want visible heat %v", tc.path, got, tc.opaque)
		}
		if tc.opaque {
			// The heat is where Main's middle is, not in a corner.
			frac := maptile.Fraction(orb.Point{1.5205, 42.5}, 16)
			px := int((frac[0] - float64(c.mainZ16.X)) * float64(tc.size))
			py := int((frac[1] - float64(c.mainZ16.Y)) * float64(tc.size))
			if _, _, _, a := img.At(px, py).RGBA(); a == 0 {
				t.Errorf("%s: transparent at Main's middle (%d,%d)", tc.path, px, py)
			}
			if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
				t.Errorf("%s: corner not transparent", tc.path)
			}
		}
	}
}

func maxAlpha(img image.Image) uint32 {
	var m uint32
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a > m {
				m = a
			}
		}
	}
	return m
}

func TestTileJSON(t *testing.T) {
	t.Parallel()
	c := newTileTestCity(t)
	for _, layer := range []string{"streets", "shops", "stations", "coverage", "heat", "heat-raster"} {
		r := c.get(t, c.viewerA, "/tiles/"+layer+".json?"+map[bool]string{true: "days=7", false: ""}[layer == "coverage"])
		if r.status != 200 {
			t.Fatalf("%s.json: %d %s", layer, r.status, r.body)
		}
		var doc TileJSON
		if err := json.Unmarshal(r.body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || len(doc.Bounds) != 4 || doc.MaxZoom != geo.MaxTileZoom {
			t.Errorf("%s.json: %+v", layer, doc)
		}
		wantURL := "http://example.com/tiles/" + layer + "/{z}/{x}/{y}.mvt"
		if layer == "heat-raster" {
			wantURL = "http://example.com/tiles/heat/{z}/{x}/{y}.png"
		}
		if !strings.HasPrefix(doc.Tiles[0], wantURL) {
			t.Errorf("%s.json tiles %q, want %s...", layer, doc.Tiles[0], wantURL)
		}
		if layer == "heat-raster" {
			if len(doc.VectorLayers) != 0 {
				t.Errorf("raster TileJSON has vector_layers")
			}
			continue
		}
		if len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != layer || len(doc.VectorLayers[0].Fields) == 0 {
			t.Errorf("%s.json vector_layers %+v", layer, doc.VectorLayers)
		}
	}
	// The filter is validated and carried into the tile URL; the bounds are area A's streets.
	r := c.get(t, c.viewerA, "/tiles/coverage.json?days=7")
	var doc TileJSON
	_ = json.Unmarshal(r.body, &doc)
	if !strings.Contains(doc.Tiles[0], "since=") || !strings.Contains(doc.Tiles[0], "area="+strconv.FormatInt(c.areaA, 10)) {
		t.Errorf("coverage TileJSON url %q lacks the filter", doc.Tiles[0])
	}
	if doc.Bounds[0] != 1.52 || doc.Bounds[2] != 1.521 {
		t.Errorf("coverage bounds %v, want area A's streets 1.52..1.521", doc.Bounds)
	}
}

func TestTileEventsStreamNewSweepsOfTheTokensArea(t *testing.T) {
	t.Parallel()
	c := newTileTestCity(t)
	srv := httptest.NewServer(c.h)
	defer srv.Close()
	open := func(token string) (*bufio.Reader, func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/tiles/events", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		br := bufio.NewReader(res.Body)
		if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, ":") {
			t.Fatalf("first line %q, %v", line, err)
		}
		return br, func() { cancel(); res.Body.Close() }
	}
	streamA, closeA := open(c.viewerA)
	defer closeA()
	streamB, closeB := open(c.viewerB)
	defer closeB()
	// The subscription is registered before the handler writes its first line, so a check-in
	// from now on reaches both streams (or is filtered out of B's).
	c.checkIn(t, c.main, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), "ev1")
	c.checkIn(t, c.far, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), "ev2")

	next := func(br *bufio.Reader) tileChangeEvent {
		t.Helper()
		var ev tileChangeEvent
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("stream ended: %v", err)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				if err := json.Unmarshal([]byte(data), &ev); err != nil {
					t.Fatal(err)
				}
				return ev
			}
		}
	}
	// A sees Main's change first (Far is outside A); B sees only Far's.
	evA := next(streamA)
	if len(evA.Boxes) != 1 || evA.Boxes[0][0] != 1.52 || len(evA.Layers) != 2 {
		t.Errorf("A's event %+v, want Main's box in coverage and heat", evA)
	}
	evB := next(streamB)
	if len(evB.Boxes) != 1 || evB.Boxes[0][0] != 1.56 {
		t.Errorf("B's event %+v, want Far's box only", evB)
	}
	if r := c.get(t, c.viewerA, "/tiles/events?x=1"); r.status != 400 {
		t.Errorf("events with a query: %d", r.status)
	}
}
