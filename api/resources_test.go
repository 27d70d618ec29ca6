package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAreasHappyPath(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]

	res := f.do("GET", "/api/v1/areas", sup, nil)
	if res.status != 200 || res.header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("list areas: %v", res)
	}
	feats := res.json["features"].([]any)
	if len(feats) != 2 {
		t.Fatalf("supervisor of A sees %d areas, want A and A1: %s", len(feats), res.body)
	}

	// Create a grid inside A, rename it, then delete it.
	body := map[string]any{"name": "Grid A2", "kind": "grid", "parent_id": f.areaA,
		"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{10.006, 50.006}, {10.008, 50.006}, {10.008, 50.008}, {10.006, 50.008}, {10.006, 50.006}}}}}
	res = f.do("POST", "/api/v1/areas", sup, body)
	if res.status != 201 {
		t.Fatalf("create area: %v", res)
	}
	id := num(res.json["id"])
	if loc := res.header.Get("Location"); loc != fmt.Sprintf("/api/v1/areas/%d", id) {
		t.Fatalf("Location %q", loc)
	}
	props := res.json["properties"].(map[string]any)
	if props["kind"] != "grid" || num(props["parent_id"]) != f.areaA {
		t.Fatalf("created area props %v", props)
	}
	if g := res.json["geometry"].(map[string]any); g["type"] != "MultiPolygon" {
		t.Fatalf("area geometry stored as %v, want MultiPolygon", g["type"])
	}
	res = f.do("PATCH", fmt.Sprintf("/api/v1/areas/%d", id), sup, map[string]any{"name": "Grid A2 north"})
	if res.status != 200 || res.json["properties"].(map[string]any)["name"] != "Grid A2 north" {
		t.Fatalf("rename area: %v", res)
	}
	res = f.do("GET", fmt.Sprintf("/api/v1/areas/%d", id), f.tok["viewer:A"], nil)
	if res.status != 200 || res.json["properties"].(map[string]any)["name"] != "Grid A2 north" {
		t.Fatalf("get renamed area: %v", res)
	}
	if res := f.do("DELETE", fmt.Sprintf("/api/v1/areas/%d", id), sup, nil); res.status != 204 {
		t.Fatalf("delete area: %v", res)
	}
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/areas/%d", id), sup, nil), 404, KindNotFound)

	// A child area drawn outside the supervisor's area is refused.
	body["geometry"] = map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{10.5, 50}, {10.6, 50}, {10.6, 50.1}, {10.5, 50}}}}
	wantProblem(t, f.do("POST", "/api/v1/areas", sup, body), 403, KindForbidden)
	// A token cannot delete or redraw its own area.
	wantProblem(t, f.do("DELETE", fmt.Sprintf("/api/v1/areas/%d", f.areaA), sup, nil), 403, KindForbidden)
	// An area with workers cannot be deleted.
	wantProblem(t, f.do("DELETE", fmt.Sprintf("/api/v1/areas/%d", f.gridA1), sup, nil), 409, KindConflict)
}

func TestBlocksBBoxAndPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := f.tok["viewer:A"]
	res := f.do("GET", "/api/v1/blocks", v, nil)
	feats := res.json["features"].([]any)
	if res.status != 200 || len(feats) != 1 || num(feats[0].(map[string]any)["id"]) != f.blockA {
		t.Fatalf("blocks of A: %v", res)
	}
	// A box around the block finds it; a box elsewhere in A does not.
	res = f.do("GET", "/api/v1/blocks?bbox=10.0065,50.0065,10.0085,50.0075", v, nil)
	if n := len(res.json["features"].([]any)); n != 1 {
		t.Fatalf("bbox around block: %d features", n)
	}
	res = f.do("GET", "/api/v1/blocks?bbox=10.001,50.001,10.004,50.004", v, nil)
	if n := len(res.json["features"].([]any)); n != 0 {
		t.Fatalf("bbox away from block: %d features", n)
	}
	wantProblem(t, f.do("GET", "/api/v1/blocks?bbox=1,2,3", v, nil), 422, KindValidation)
	wantProblem(t, f.do("GET", "/api/v1/blocks?bbox=3,2,1,4", v, nil), 422, KindValidation)
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/blocks?area=%d", f.areaB), v, nil), 403, KindForbidden)

	// Pagination: three more shops in A, pages of two, stable id order, next links.
	for i := range 3 {
		res := f.do("POST", "/api/v1/shops", f.tok["supervisor:A"], map[string]any{
			"name": fmt.Sprintf("Shop %d", i), "category": "restaurant",
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{10.003 + float64(i)*0.001, 50.003}}})
		if res.status != 201 {
			t.Fatalf("create shop: %v", res)
		}
	}
	var ids []int64
	next := "/api/v1/shops?limit=2"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("pagination does not end")
		}
		res := f.do("GET", next, v, nil)
		if res.status != 200 {
			t.Fatalf("page %s: %v", next, res)
		}
		for _, ft := range res.json["features"].([]any) {
			ids = append(ids, num(ft.(map[string]any)["id"]))
		}
		next, _ = res.json["next"].(string)
		if next != "" && !strings.Contains(res.header.Get("Link"), `rel="next"`) {
			t.Fatalf("page has next but no Link header")
		}
	}
	if len(ids) != 4 {
		t.Fatalf("paged through %d shops, want 4: %v", len(ids), ids)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("ids not ascending across pages: %v", ids)
		}
	}
	res = f.do("GET", "/api/v1/shops?category=restaurant", v, nil)
	if n := len(res.json["features"].([]any)); n != 3 {
		t.Fatalf("restaurants: %d, want 3", n)
	}
	wantProblem(t, f.do("GET", "/api/v1/shops?limit=0", v, nil), 422, KindValidation)
	wantProblem(t, f.do("GET", "/api/v1/shops?limit=5000", v, nil), 422, KindValidation)
}

func TestPointsCRUD(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	for _, kind := range []string{"shops", "stations"} {
		t.Run(kind, func(t *testing.T) {
			body := map[string]any{"name": "New", "kind": "recycling",
				"geometry": map[string]any{"type": "Point", "coordinates": []float64{10.004, 50.004}}}
			if kind == "shops" {
				body["category"], body["address"], body["kind"] = "laundry", "1 Main St", "shop=laundry"
			}
			res := f.do("POST", "/api/v1/"+kind, sup, body)
			if res.status != 201 {
				t.Fatalf("create: %v", res)
			}
			id := num(res.json["id"])
			path := fmt.Sprintf("/api/v1/%s/%d", kind, id)
			props := res.json["properties"].(map[string]any)
			if !strings.HasPrefix(props["source_id"].(string), "api:") {
				t.Fatalf("generated source id %v", props["source_id"])
			}
			res = f.do("PATCH", path, sup, map[string]any{"name": "Renamed",
				"geometry": map[string]any{"type": "Point", "coordinates": []float64{10.005, 50.005}}})
			if res.status != 200 || res.json["properties"].(map[string]any)["name"] != "Renamed" {
				t.Fatalf("update: %v", res)
			}
			c := res.json["geometry"].(map[string]any)["coordinates"].([]any)
			if c[0].(float64) != 10.005 || c[1].(float64) != 50.005 {
				t.Fatalf("moved to %v", c)
			}
			// Moving it out of the supervisor's area is refused and changes nothing.
			wantProblem(t, f.do("PATCH", path, sup, map[string]any{
				"geometry": map[string]any{"type": "Point", "coordinates": []float64{11.005, 50.005}}}), 403, KindForbidden)
			res = f.do("GET", path, f.tok["worker:A"], nil)
			if res.status != 200 || res.json["properties"].(map[string]any)["name"] != "Renamed" {
				t.Fatalf("get: %v", res)
			}
			if res := f.do("DELETE", path, sup, nil); res.status != 204 {
				t.Fatalf("delete: %v", res)
			}
			wantProblem(t, f.do("GET", path, sup, nil), 404, KindNotFound)
			wantProblem(t, f.do("DELETE", path, sup, nil), 404, KindNotFound)
		})
	}
	wantProblem(t, f.do("POST", "/api/v1/stations", sup, map[string]any{"category": "barber",
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{10.004, 50.004}}}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/shops", sup, map[string]any{"category": "bakery",
		"geometry": map[string]any{"type": "Point", "coordinates": []float64{10.004, 50.004}}}), 422, KindValidation)
}

func TestWorkersCRUD(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	res := f.do("GET", "/api/v1/workers", sup, nil)
	if res.status != 200 || len(res.json["items"].([]any)) != 2 {
		t.Fatalf("workers of A (Ann in A, Ada in A1): %v", res)
	}
	res = f.do("POST", "/api/v1/workers", sup, map[string]any{"area_id": f.gridA1, "name": "Al", "shift_minutes": 240,
		"start": map[string]any{"type": "Point", "coordinates": []float64{10.001, 50.001}}})
	if res.status != 201 || num(res.json["shift_minutes"]) != 240 || res.json["start"] == nil {
		t.Fatalf("create worker: %v", res)
	}
	path := fmt.Sprintf("/api/v1/workers/%d", num(res.json["id"]))
	res = f.do("PATCH", path, sup, map[string]any{"walk_speed_kmh": 5.5, "active": false})
	if res.status != 200 || res.json["walk_speed_kmh"].(float64) != 5.5 || res.json["active"] != false || num(res.json["shift_minutes"]) != 240 {
		t.Fatalf("update worker: %v", res)
	}
	wantProblem(t, f.do("PATCH", path, sup, map[string]any{"area_id": f.areaB}), 403, KindForbidden)
	wantProblem(t, f.do("PATCH", path, sup, map[string]any{"shift_minutes": 0}), 422, KindValidation)
	if res := f.do("DELETE", path, sup, nil); res.status != 204 {
		t.Fatalf("delete worker: %v", res)
	}
	wantProblem(t, f.do("GET", path, sup, nil), 404, KindNotFound)
	// A worker sees their own record only.
	if res := f.do("GET", fmt.Sprintf("/api/v1/workers/%d", f.workerA), f.tok["worker:A"], nil); res.status != 200 || res.json["name"] != "Ann" {
		t.Fatalf("worker reads self: %v", res)
	}
	wantProblem(t, f.do("GET", fmt.Sprintf("/api/v1/workers/%d", f.workerA2), f.tok["worker:A"], nil), 403, KindForbidden)
	res = f.do("GET", "/api/v1/me", f.tok["worker:A"], nil)
	if res.status != 200 || res.json["role"] != "worker" || num(res.json["worker_id"]) != f.workerA {
		t.Fatalf("me: %v", res)
	}
}

func TestProblems(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.tok["supervisor:A"]
	point := map[string]any{"type": "Point", "coordinates": []float64{10.004, 50.004}}
	big := `{"name":"` + strings.Repeat("x", 70<<10) + `"}`
	tests := []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
		kind               string
	}{
		{"malformed json", "POST", "/api/v1/shops", `{"name": `, nil, 400, KindMalformedJSON},
		{"empty body", "POST", "/api/v1/shops", ``, nil, 400, KindMalformedJSON},
		{"unknown field", "POST", "/api/v1/shops", map[string]any{"nmae": "x", "geometry": point}, nil, 400, KindMalformedJSON},
		{"trailing data", "POST", "/api/v1/shops", `{"geometry":{"type":"Point","coordinates":[10.004,50.004]}} {}`, nil, 400, KindMalformedJSON},
		{"wrong json type", "POST", "/api/v1/shops", `[1,2]`, nil, 400, KindMalformedJSON},
		{"no geometry", "POST", "/api/v1/shops", map[string]any{"name": "x"}, nil, 422, KindInvalidGeoJSON},
		{"geometry not geojson", "POST", "/api/v1/shops", map[string]any{"geometry": map[string]any{"type": "Blob"}}, nil, 422, KindInvalidGeoJSON},
		{"wrong geometry type", "POST", "/api/v1/shops", map[string]any{"geometry": map[string]any{"type": "LineString", "coordinates": [][]float64{{10, 50}, {10.001, 50}}}}, nil, 422, KindInvalidGeoJSON},
		{"coordinates out of range", "POST", "/api/v1/shops", map[string]any{"geometry": map[string]any{"type": "Point", "coordinates": []float64{200, 50}}}, nil, 422, KindInvalidGeoJSON},
		{"unclosed ring", "POST", "/api/v1/areas", map[string]any{"kind": "grid", "parent_id": f.areaA, "geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{10, 50}, {10.001, 50}, {10.001, 50.001}, {10, 50.002}}}}}, nil, 422, KindInvalidGeoJSON},
		{"oversize body", "POST", "/api/v1/shops", big, nil, 413, KindTooLarge},
		{"oversize body without length", "POST", "/api/v1/visits", big, []string{"Content-Length", ""}, 413, KindTooLarge},
		{"wrong content type", "POST", "/api/v1/shops", `name=x`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, KindUnsupportedMedia},
		{"unknown shop", "GET", "/api/v1/shops/999999", nil, nil, 404, KindNotFound},
		{"unknown area", "GET", "/api/v1/areas/999999", nil, nil, 404, KindNotFound},
		{"unknown worker", "PATCH", "/api/v1/workers/999999", map[string]any{"name": "x"}, nil, 404, KindNotFound},
		{"unknown path", "GET", "/api/v1/nothing", nil, nil, 404, KindNotFound},
		{"non-numeric id", "GET", "/api/v1/shops/abc", nil, nil, 404, KindNotFound},
		{"method not allowed", "PUT", "/api/v1/shops/1", `{}`, nil, 405, KindMethodNotAllowed},
		{"worker parent missing", "POST", "/api/v1/workers", map[string]any{"area_id": 999999, "name": "x"}, nil, 422, KindValidation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.do(tt.method, tt.path, sup, tt.body, tt.headers...)
			wantProblem(t, res, tt.status, tt.kind)
		})
	}
	// No token, a malformed header and an unknown token are 401 with a challenge.
	for _, h := range []string{"", "Basic abc", "Bearer gst_nope", "Bearer "} {
		res := f.do("GET", "/api/v1/shops", "", nil, "Authorization", h)
		wantProblem(t, res, http.StatusUnauthorized, KindUnauthorized)
		if res.header.Get("WWW-Authenticate") == "" {
			t.Fatalf("401 without WWW-Authenticate")
		}
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.do("OPTIONS", "/api/v1/shops", "", nil, "Origin", "https://dash.example", "Access-Control-Request-Method", "GET")
	if res.status != 204 || res.header.Get("Access-Control-Allow-Origin") != "https://dash.example" ||
		!strings.Contains(res.header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight from allowed origin: %v %v", res, res.header)
	}
	wantProblem(t, f.do("OPTIONS", "/api/v1/shops", "", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "GET"), 403, KindForbidden)
	res = f.do("GET", "/api/v1/shops", f.tok["viewer:A"], nil, "Origin", "https://evil.example")
	if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("disallowed origin got CORS headers: %v", res.header)
	}
	res = f.do("GET", "/api/v1/shops", f.tok["viewer:A"], nil, "Origin", "https://dash.example")
	if res.header.Get("Access-Control-Allow-Origin") != "https://dash.example" {
		t.Fatalf("allowed origin lacks CORS header: %v", res.header)
	}
}
