package api

// Fuzz targets for everything the API parses from a request before it reaches the
// database: the JSON bodies, GeoJSON geometries, list query parameters and tile
// addresses and filters. None needs a database. The property they share: hostile input
// is answered with a 4xx problem, never a panic or a 5xx, and whatever is accepted is
// within the documented ranges.

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// wantClientProblem fails unless err is nil or maps to a 4xx problem.
func wantClientProblem(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("%s: error is not a problem (it would be a 500): %v", what, err)
	}
	if p.Status < 400 || p.Status > 499 {
		t.Fatalf("%s: status %d for bad input: %v", what, p.Status, err)
	}
}

// wantGoodGeometry checks an accepted geometry: it parses, every position is finite and
// in lon/lat range, and validating it again gives the same bytes.
func wantGoodGeometry(t *testing.T, out json.RawMessage, allowed ...string) {
	t.Helper()
	g, err := geojson.UnmarshalGeometry(out)
	if err != nil {
		t.Fatalf("accepted geometry does not parse: %v: %s", err, out)
	}
	var bad bool
	visit := func(p orb.Point) {
		for _, v := range p {
			bad = bad || math.IsNaN(v) || math.IsInf(v, 0)
		}
		bad = bad || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90
	}
	switch gg := g.Geometry().(type) {
	case orb.Point:
		visit(gg)
	case orb.Polygon:
		for _, r := range gg {
			for _, p := range r {
				visit(p)
			}
		}
	case orb.MultiPolygon:
		for _, pg := range gg {
			for _, r := range pg {
				for _, p := range r {
					visit(p)
				}
			}
		}
	default:
		t.Fatalf("accepted geometry of type %T, allowed %v", gg, allowed)
	}
	if bad {
		t.Fatalf("accepted geometry with a position out of range: %s", out)
	}
	again, err := checkGeometry("again", out, allowed...)
	if err != nil || !bytes.Equal(again, out) {
		t.Fatalf("re-validating an accepted geometry: %v: %s -> %s", err, out, again)
	}
}

func jsonRequest(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/x", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// FuzzDecodeBodies feeds one body to the decoder and validator of every endpoint that
// takes JSON through decodeJSON.
func FuzzDecodeBodies(f *testing.F) {
	for _, s := range []string{
		`{"source_id":"x","name":"A","kind":"grid","parent_id":1,"geometry":{"type":"Polygon","coordinates":[[[10,50],[10.01,50],[10.01,50.01],[10,50]]]}}`,
		`{"name":"Shop","category":"supermarket","address":"1 Main St","geometry":{"type":"Point","coordinates":[10.5,50.5]}}`,
		`{"area_id":1,"name":"Ann","start":{"type":"Point","coordinates":[10,50]},"shift_minutes":480,"walk_speed_kmh":4.5,"active":true}`,
		`{"area_id":1,"mode":"sweeper","workers":[1,2],"seconds":5,"seed":7,"capacity_m":1000,"locks":[]}`,
		`{"version":3,"assignments":[{"block_id":1,"worker_id":2,"locked":true}]}`,
		`{"points":[{"t":"2026-01-02T03:04:05Z","lon":10,"lat":50,"accuracy_m":5,"speed_mps":1.2,"heading_deg":90}]}`,
		`{"geometry":{"type":"Point","coordinates":[1e309,50]}}`,
		`{"geometry":{"type":"Point","coordinates":[10]}}`,
		`{"name":"'; DROP TABLE areas; --"}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"name":"a"} {"name":"b"}`,
		``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var a areaBody
		if err := decodeJSON(jsonRequest(body), &a); err != nil {
			wantClientProblem(t, "area body", err)
		} else if len(a.Geometry) > 0 {
			out, err := checkGeometry("geometry", a.Geometry, "Polygon", "MultiPolygon")
			wantClientProblem(t, "area geometry", err)
			if err == nil {
				wantGoodGeometry(t, out, "Polygon", "MultiPolygon")
			}
		}

		for _, k := range []pointKind{shopKind, stationKind} {
			var p pointBody
			if err := decodeJSON(jsonRequest(body), &p); err != nil {
				wantClientProblem(t, "point body", err)
				continue
			}
			wantClientProblem(t, "point validate", p.validate(k))
			if len(p.Geometry) > 0 {
				out, err := checkGeometry("geometry", p.Geometry, "Point")
				wantClientProblem(t, "point geometry", err)
				if err == nil {
					wantGoodGeometry(t, out, "Point")
				}
			}
		}

		var w workerBody
		if err := decodeJSON(jsonRequest(body), &w); err != nil {
			wantClientProblem(t, "worker body", err)
		} else {
			for _, create := range []bool{true, false} {
				start, err := w.validate(create)
				wantClientProblem(t, "worker validate", err)
				if err == nil && start != nil {
					wantGoodGeometry(t, start, "Point")
				}
			}
		}

		var p planBody
		wantClientProblem(t, "plan body", decodeJSON(jsonRequest(body), &p))
		var e planEditBody
		wantClientProblem(t, "plan edit body", decodeJSON(jsonRequest(body), &e))
		var g gpsBody
		wantClientProblem(t, "gps body", decodeJSON(jsonRequest(body), &g))
	})
}

// FuzzVisitBody follows handlePostVisits' decoding: one check-in or a batch, then the
// optional position.
func FuzzVisitBody(f *testing.F) {
	for _, s := range []string{
		`{"client_key":"k1","block_id":1,"visited_at":"2026-01-02T03:04:05Z","position":{"type":"Point","coordinates":[10,50]}}`,
		`[{"client_key":"k1","shop_id":1,"visited_at":"2026-01-02T03:04:05Z"},{"client_key":"k2","block_id":2,"visited_at":"2026-01-02T03:04:05+08:00","position":null}]`,
		`{"client_key":"k","block_id":1,"visited_at":"2026-13-45T99:99:99Z"}`,
		`{"client_key":"k","block_id":1,"position":{"type":"Point","coordinates":[181,0]}}`,
		`{"client_key":"k","block_id":99999999999999999999}`,
		`[]`, ` `, `[{}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		trimmed := bytes.TrimSpace(raw)
		var bodies []visitBody
		var err error
		if len(trimmed) > 0 && trimmed[0] == '[' {
			err = decodeStrict(trimmed, &bodies)
		} else {
			var one visitBody
			err = decodeStrict(trimmed, &one)
			bodies = []visitBody{one}
		}
		if err != nil {
			wantClientProblem(t, "visit body", err)
			return
		}
		for _, b := range bodies {
			if len(b.Position) == 0 || string(b.Position) == "null" {
				continue
			}
			out, err := checkGeometry("position", b.Position, "Point")
			wantClientProblem(t, "visit position", err)
			if err != nil {
				continue
			}
			wantGoodGeometry(t, out, "Point")
			var pt struct{ Coordinates [2]float64 }
			if err := json.Unmarshal(out, &pt); err != nil {
				t.Fatalf("accepted position does not decode as the handler reads it: %v: %s", err, out)
			}
		}
	})
}

// FuzzCheckGeometry validates arbitrary bytes as each allowed geometry set.
func FuzzCheckGeometry(f *testing.F) {
	for _, s := range []string{
		`{"type":"Point","coordinates":[10,50]}`,
		`{"type":"Point","coordinates":[10,50,300]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}`,
		`{"type":"GeometryCollection","geometries":[]}`,
		`{"type":"Point","coordinates":[-180.0000001,90]}`,
		`{"type":"Point","coordinates":["10","50"]}`,
		`{"type":"Point","coordinates":[]}`,
		`null`,
	} {
		f.Add([]byte(s), uint8(0))
	}
	sets := [][]string{{"Point"}, {"Polygon", "MultiPolygon"}}
	f.Fuzz(func(t *testing.T, raw []byte, which uint8) {
		allowed := sets[int(which)%len(sets)]
		out, err := checkGeometry("g", raw, allowed...)
		wantClientProblem(t, "geometry", err)
		if err == nil {
			wantGoodGeometry(t, out, allowed...)
		}
	})
}

// FuzzListQuery parses the list endpoints' limit/after/bbox parameters.
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{
		"limit=10&after=5", "bbox=10,50,11,51", "bbox=-180,-90,180,90", "bbox=NaN,0,1,1",
		"bbox=0,0,Inf,1", "bbox=1,1,0,0", "limit=0", "limit=1001", "after=-1",
		"limit=1%27%20OR%201=1--", "bbox=1e400,0,1,1", "bbox=,,,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/api/v1/blocks", RawQuery: rawQuery}}
		page, err := parsePage(r)
		wantClientProblem(t, "page", err)
		if err == nil && (page.Limit < 1 || page.Limit > maxLimit || page.After < 0) {
			t.Fatalf("accepted page %+v", page)
		}
		b, err := parseBBox(r)
		wantClientProblem(t, "bbox", err)
		if err == nil && b != nil {
			for _, v := range b {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("accepted bbox %v", *b)
				}
			}
			if b[0] > b[2] || b[1] > b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 {
				t.Fatalf("accepted bbox %v", *b)
			}
		}
	})
}

// FuzzTileAddress parses z/x/y path segments as the tile routes do (y may carry @2x).
func FuzzTileAddress(f *testing.F) {
	for _, s := range [][3]string{
		{"0", "0", "0"}, {"14", "8647", "5584"}, {"22", "4194303", "4194303@2x"}, {"23", "0", "0"},
		{"1", "2", "0"}, {"01", "0", "0"}, {"-1", "0", "0"}, {"4294967296", "0", "0"},
		{"3", "0x1", "0"}, {"3", "1", "1@3x"}, {"", "", ""}, {"3", "+1", "0"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, z, x, y string) {
		r := mux.SetURLVars(httptest.NewRequest(http.MethodGet, "/tiles/heat/0/0/0.png", nil),
			map[string]string{"z": z, "x": x, "y": y})
		tile, suffix, err := tileAddress(r, "@2x")
		wantClientProblem(t, "tile address", err)
		if err != nil {
			return
		}
		if tile.Z > geo.MaxTileZoom || uint64(tile.X) >= 1<<tile.Z || uint64(tile.Y) >= 1<<tile.Z {
			t.Fatalf("accepted tile %v outside the grid", tile)
		}
		// One tile, one URL: what is accepted is the canonical spelling.
		if strconv.Itoa(int(tile.Z)) != z || strconv.FormatUint(uint64(tile.X), 10) != x ||
			strconv.FormatUint(uint64(tile.Y), 10)+suffix != y {
			t.Fatalf("accepted %s/%s/%s as %v%s: not canonical", z, x, y, tile, suffix)
		}
	})
}

// FuzzTileWindow parses the days/since/until filter of the coverage and heat tiles.
func FuzzTileWindow(f *testing.F) {
	for _, s := range []string{
		"days=7", "days=0", "days=3661", "days=7&since=2026-01-01",
		"since=2026-01-01&until=2026-01-31", "since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z",
		"since=2026-02-30", "until=9999-12-31T23:59:59.999999999Z", "since=%27%20OR%201=1--",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	ts := &tileService{now: func() time.Time { return now }}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return // the router has already answered a malformed query by then
		}
		var fl struct{ since, until time.Time }
		cf := &data.CoverageFilter{}
		err = ts.parseWindow(q, cf)
		wantClientProblem(t, "window", err)
		if err != nil {
			return
		}
		fl.since, fl.until = cf.Since, cf.Until
		if !fl.since.IsZero() && !fl.until.IsZero() && !fl.since.Before(fl.until) {
			t.Fatalf("accepted window %v .. %v", fl.since, fl.until)
		}
		if q.Get("days") != "" && (fl.since.After(now) || fl.since.Before(now.AddDate(-11, 0, 0))) {
			t.Fatalf("days=%s gave since %v", q.Get("days"), fl.since)
		}
	})
}
