package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
)

// fixture is a small city in a fresh database: two communities A and B (A has a grid
// A1 inside it), a street block, a shop and a station in each, a worker in each, and a
// token for every role in each community.
type fixture struct {
	t     testing.TB
	store *data.Store
	h     http.Handler
	// dbURL names the fixture's own database (datatest.NewDatabase).
	dbURL string
	raw   *datatest.DB

	areaA, gridA1, areaB       int64
	blockA, blockB             int64
	shopA, shopB               int64
	stationA, stationB         int64
	workerA, workerA2, workerB int64
	tok                        map[string]string // "supervisor:A", "worker:B", ...
}

func square(lon, lat, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	dbURL := datatest.NewDatabase(t)
	store, err := data.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	ext := &geo.Extract{
		Blocks: []geo.Block{
			{SourceID: "w1:0", WayID: 1, From: 1, To: 2, Geometry: orb.LineString{{10.007, 50.007}, {10.008, 50.007}},
				LengthM: 71.5, Highway: "residential", Name: "A Street"},
			{SourceID: "w2:0", WayID: 2, From: 3, To: 4, Geometry: orb.LineString{{11.001, 50.001}, {11.002, 50.001}},
				LengthM: 71.5, Highway: "residential", Name: "B Street"},
		},
		Shops: []geo.Shop{
			{SourceID: "n10", Name: "A Market", Category: geo.CategorySupermarket, Point: orb.Point{10.0015, 50.0012}},
			{SourceID: "n11", Name: "B Barber", Category: geo.CategoryBarber, Point: orb.Point{11.0015, 50.0012}},
		},
		Stations: []geo.Station{
			{SourceID: "n20", Kind: "recycling", Point: orb.Point{10.0016, 50.0013}},
			{SourceID: "n21", Kind: "recycling", Point: orb.Point{11.0016, 50.0013}},
		},
		Areas: []geo.Area{
			{SourceID: "A", Name: "Community A", Geometry: square(10, 50, 0.01)},
			{SourceID: "A1", Name: "Grid A1", ParentSourceID: "A", Geometry: square(10.0, 50.0, 0.005)},
			{SourceID: "B", Name: "Community B", Geometry: square(11, 50, 0.01)},
		},
	}
	if _, err := store.ImportOSM(ctx, ext); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: store, dbURL: dbURL, tok: map[string]string{}}
	f.h = New(store, Options{CORSOrigins: []string{"https://dash.example"}, MaxBodyBytes: 64 << 10})
	id := func(ref string) int64 {
		v, err := store.AreaIDByRef(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	f.areaA, f.gridA1, f.areaB = id("A"), id("A1"), id("B")
	points := func(tbl data.PointTable, area int64) int64 {
		ps, err := store.ListPoints(ctx, tbl, data.PointFilter{Area: area}, data.ListPage{Limit: 10})
		if err != nil || len(ps) != 1 {
			t.Fatalf("fixture %s in %d: %v %v", tbl, area, ps, err)
		}
		return ps[0].ID
	}
	f.shopA, f.shopB = points(data.ShopsTable, f.areaA), points(data.ShopsTable, f.areaB)
	f.stationA, f.stationB = points(data.StationsTable, f.areaA), points(data.StationsTable, f.areaB)
	blocks := func(area int64) int64 {
		bs, err := store.ListBlocks(ctx, area, nil, data.ListPage{Limit: 10})
		if err != nil || len(bs) != 1 {
			t.Fatalf("fixture blocks in %d: %v %v", area, bs, err)
		}
		return bs[0].ID
	}
	f.blockA, f.blockB = blocks(f.areaA), blocks(f.areaB)
	worker := func(area int64, name string) int64 {
		w, err := store.CreateWorker(ctx, data.WorkerInput{AreaID: &area, Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		return w.ID
	}
	f.workerA, f.workerA2, f.workerB = worker(f.areaA, "Ann"), worker(f.gridA1, "Ada"), worker(f.areaB, "Bob")
	for _, c := range []struct {
		name   string
		area   int64
		worker int64
	}{{"A", f.areaA, f.workerA}, {"B", f.areaB, f.workerB}} {
		for _, role := range []string{data.RoleSupervisor, data.RoleWorker, data.RoleViewer} {
			p := data.NewTokenParams{Role: role, AreaID: c.area}
			if role == data.RoleWorker {
				p.WorkerID = c.worker
			}
			secret, _, err := store.CreateToken(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			f.tok[role+":"+c.name] = secret
		}
	}
	return f
}

// response is a recorded answer with its body decoded when it is JSON.
type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// do sends a request through the full handler (middleware included). token "" sends none;
// body may be nil, a string (sent raw) or any value (sent as JSON).
func (f *fixture) do(method, path, token string, body any, headers ...string) response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	ct := rec.Header().Get("Content-Type")
	if strings.Contains(ct, "json") {
		_ = json.Unmarshal(res.body, &res.json)
	}
	return res
}

// wantProblem checks that res is a problem+json of the given status and kind.
func wantProblem(t *testing.T, res response, status int, kind string) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json: %s", ct, res.body)
	}
	if got := res.json["type"]; got != ProblemBase+kind {
		t.Fatalf("problem type %v, want %s: %s", got, ProblemBase+kind, res.body)
	}
	if got, _ := res.json["status"].(float64); int(got) != status {
		t.Fatalf("problem status member %v, want %d", res.json["status"], status)
	}
	if res.json["request_id"] == "" || res.json["request_id"] == nil {
		t.Fatalf("problem has no request_id: %s", res.body)
	}
}

func num(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	}
	return -1
}

// testRouter builds the bare router (no middleware) for tests that walk its routes.
func testRouter(f *fixture) *mux.Router {
	s := &server{store: f.store, metrics: newMetrics()}
	return s.routes()
}

// sql is a raw connection to the fixture's database for checks no store query answers.
func (f *fixture) sql() *datatest.DB {
	if f.raw == nil {
		f.raw = datatest.Connect(f.t, f.dbURL)
	}
	return f.raw
}
