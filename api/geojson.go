package api

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridsweep/gridsweep/data"
)

// checkGeometry validates a GeoJSON geometry from a request: one of the allowed types,
// lon/lat in range, rings closed. It returns the geometry re-encoded by orb so that
// PostGIS only ever sees well-formed input.
func checkGeometry(field string, raw json.RawMessage, allowed ...string) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, problemf(KindInvalidGeoJSON, "%s: a GeoJSON geometry is required", field)
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, problemf(KindInvalidGeoJSON, "%s: not a GeoJSON geometry: %v", field, err)
	}
	// orb fills missing ordinates with zeros ([10] reads as (10, 0)); RFC 7946 wants two
	// or three numbers per position, so check the raw coordinates too.
	var rawCoords struct {
		Coordinates any `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &rawCoords); err != nil || !positionsOK(rawCoords.Coordinates) {
		return nil, problemf(KindInvalidGeoJSON, "%s: every position must be [lon, lat] or [lon, lat, alt]", field)
	}
	geom := g.Geometry()
	if geom == nil {
		return nil, problemf(KindInvalidGeoJSON, "%s: geometry of type %q has no coordinates", field, g.Type)
	}
	ok := false
	for _, a := range allowed {
		ok = ok || geom.GeoJSONType() == a
	}
	if !ok {
		return nil, problemf(KindInvalidGeoJSON, "%s: want %s, got %s", field, strings.Join(allowed, " or "), g.Type)
	}
	if msg := checkCoordinates(geom); msg != "" {
		return nil, problemf(KindInvalidGeoJSON, "%s: %s", field, msg)
	}
	out, err := json.Marshal(geojson.NewGeometry(geom))
	if err != nil {
		return nil, problemf(KindInvalidGeoJSON, "%s: %v", field, err)
	}
	return out, nil
}

// positionsOK reports whether c is a position (2 or 3 numbers) or a non-empty nesting of
// arrays that ends in positions.
func positionsOK(c any) bool {
	arr, ok := c.([]any)
	if !ok || len(arr) == 0 {
		return false
	}
	if _, isNum := arr[0].(float64); isNum {
		if len(arr) < 2 || len(arr) > 3 {
			return false
		}
		for _, v := range arr {
			if _, ok := v.(float64); !ok {
				return false
			}
		}
		return true
	}
	for _, v := range arr {
		if !positionsOK(v) {
			return false
		}
	}
	return true
}

func checkCoordinates(g orb.Geometry) string {
	bad := func(p orb.Point) bool {
		return math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90
	}
	ring := func(r orb.Ring) string {
		if len(r) < 4 {
			return "a polygon ring needs at least 4 positions"
		}
		if !r.Closed() {
			return "a polygon ring must end where it starts"
		}
		for _, p := range r {
			if bad(p) {
				return "coordinates must be lon in [-180,180], lat in [-90,90]"
			}
		}
		return ""
	}
	switch g := g.(type) {
	case orb.Point:
		if bad(g) {
			return "coordinates must be lon in [-180,180], lat in [-90,90]"
		}
	case orb.Polygon:
		if len(g) == 0 {
			return "a polygon needs a ring"
		}
		for _, r := range g {
			if m := ring(r); m != "" {
				return m
			}
		}
	case orb.MultiPolygon:
		if len(g) == 0 {
			return "a multipolygon needs a polygon"
		}
		for _, p := range g {
			if m := checkCoordinates(p); m != "" {
				return m
			}
		}
	}
	return ""
}

// feature renders a record (a struct with id and geometry fields) as a GeoJSON Feature
// whose properties are the other fields.
func feature(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var props map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&props); err != nil {
		return nil, err
	}
	f := map[string]any{"type": "Feature", "id": props["id"], "geometry": props["geometry"]}
	delete(props, "geometry")
	f["properties"] = props
	return f, nil
}

// writeFeature sends one record as a GeoJSON Feature.
func writeFeature(w http.ResponseWriter, status int, v any) error {
	f, err := feature(v)
	if err != nil {
		return err
	}
	return writeJSONType(w, status, "application/geo+json", f)
}

// writeFeatureCollection sends a page of records as a FeatureCollection; "next" (a foreign
// member, allowed by RFC 7946) links to the following page.
func writeFeatureCollection[T any](w http.ResponseWriter, r *http.Request, items []T, page data.ListPage, idOf func(T) int64) error {
	items, next := pageOf(r, items, page, idOf)
	fs := make([]map[string]any, 0, len(items))
	for _, it := range items {
		f, err := feature(it)
		if err != nil {
			return err
		}
		fs = append(fs, f)
	}
	out := map[string]any{"type": "FeatureCollection", "features": fs}
	if next != "" {
		out["next"] = next
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	return writeJSONType(w, http.StatusOK, "application/geo+json", out)
}

// writeList sends a page of plain JSON records.
func writeList[T any](w http.ResponseWriter, r *http.Request, items []T, page data.ListPage, idOf func(T) int64) error {
	items, next := pageOf(r, items, page, idOf)
	if items == nil {
		items = []T{}
	}
	out := map[string]any{"items": items}
	if next != "" {
		out["next"] = next
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	return writeJSON(w, http.StatusOK, out)
}

// Pagination: ?limit= (1..maxLimit, default defaultLimit) and ?after=<last id seen>. The
// store is asked for limit+1 rows; the extra one only says whether a next page exists.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

func parsePage(r *http.Request) (data.ListPage, error) {
	q := r.URL.Query()
	p := data.ListPage{Limit: defaultLimit}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return p, problemf(KindValidation, "limit must be an integer from 1 to %d", maxLimit)
		}
		p.Limit = n
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return p, problemf(KindValidation, "after must be a non-negative id")
		}
		p.After = n
	}
	return p, nil
}

// fetchPage is the page to ask the store for: one more row than returned.
func fetchPage(p data.ListPage) data.ListPage {
	return data.ListPage{Limit: p.Limit + 1, After: p.After}
}

func pageOf[T any](r *http.Request, items []T, page data.ListPage, idOf func(T) int64) ([]T, string) {
	if len(items) <= page.Limit {
		return items, ""
	}
	items = items[:page.Limit]
	q := r.URL.Query()
	q.Set("after", strconv.FormatInt(idOf(items[len(items)-1]), 10))
	q.Set("limit", strconv.Itoa(page.Limit))
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	return items, u.String()
}

// parseBBox reads ?bbox=west,south,east,north.
func parseBBox(r *http.Request) (*data.ListBBox, error) {
	v := r.URL.Query().Get("bbox")
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, problemf(KindValidation, "bbox must be west,south,east,north")
	}
	var b data.ListBBox
	for i, s := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, problemf(KindValidation, "bbox value %q is not a number", s)
		}
		b[i] = f
	}
	if b[0] > b[2] || b[1] > b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 {
		return nil, problemf(KindValidation, "bbox must have west<=east, south<=north within lon/lat range")
	}
	return &b, nil
}

// areaParam reads ?area= (default: the token's area) and checks it is in scope.
func (s *server) areaParam(r *http.Request) (int64, error) {
	p := mustPrincipal(r)
	v := r.URL.Query().Get("area")
	if v == "" {
		return p.AreaID, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, problemf(KindValidation, "area must be an area id")
	}
	if err := s.requireArea(r, id); err != nil {
		return 0, err
	}
	return id, nil
}
