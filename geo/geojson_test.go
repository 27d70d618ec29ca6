package geo

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

const shopsGeoJSON = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":"amap-1","geometry":{"type":"Point","coordinates":[116.41024449916938,39.91640428150164]},
  "properties":{"name":"好邻居便利店","category":"便利店","address":"东城区 1号"}},
 {"type":"Feature","geometry":{"type":"Point","coordinates":[116.3,39.99]},
  "properties":{"name":"Noodles","category":"fast_food","source_id":42}},
 {"type":"Feature","geometry":{"type":"Point","coordinates":[116.31,39.98]},
  "properties":{"name":"Mystery","category":"something new"}}
]}`

func TestReadShopsGeoJSON(t *testing.T) {
	shops, err := ReadShopsGeoJSON(strings.NewReader(shopsGeoJSON), GCJ02)
	if err != nil {
		t.Fatal(err)
	}
	if len(shops) != 3 {
		t.Fatalf("%d shops, want 3", len(shops))
	}
	// The first point is coordtransform's wgs84togcj02(116.404, 39.915): back on WGS-84.
	if d := DistanceM(shops[0].Point, orb.Point{116.404, 39.915}); d > 0.01 {
		t.Errorf("GCJ-02 shop converted to %v, %.3f m from its WGS-84 position", shops[0].Point, d)
	}
	want := []Shop{
		{SourceID: "amap-1", Name: "好邻居便利店", Category: CategorySupermarket, Kind: "便利店", Address: "东城区 1号"},
		{SourceID: "42", Name: "Noodles", Category: CategoryRestaurant, Kind: "fast_food"},
		{SourceID: registerID("shop", "Mystery", "other", orb.Point{116.31, 39.98}), Name: "Mystery", Category: CategoryOther, Kind: "something new"},
	}
	for i, w := range want {
		g := shops[i]
		if g.SourceID != w.SourceID || g.Name != w.Name || g.Category != w.Category || g.Kind != w.Kind || g.Address != w.Address {
			t.Errorf("shop %d = %+v, want %+v", i, g, w)
		}
	}
	// Reading again gives the same hashed id.
	again, err := ReadShopsGeoJSON(strings.NewReader(shopsGeoJSON), GCJ02)
	if err != nil || again[2].SourceID != shops[2].SourceID || !strings.HasPrefix(shops[2].SourceID, "h") {
		t.Errorf("hashed id not stable: %q then %q (%v)", shops[2].SourceID, again[2].SourceID, err)
	}
}

func TestReadStationsGeoJSON(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","geometry":{"type":"Point","coordinates":[24.94,60.17]},"properties":{"name":"Station A"}},
	 {"type":"Feature","geometry":{"type":"Point","coordinates":[24.95,60.17]},"properties":{"kind":"waste_basket","id":"b7"}}]}`
	st, err := ReadStationsGeoJSON(strings.NewReader(in), BD09)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[0].Kind != "recycling" || st[0].Name != "Station A" || st[1].Kind != "waste_basket" || st[1].SourceID != "b7" {
		t.Errorf("stations = %+v", st)
	}
	// BD-09 has no "outside China" rule, so a Helsinki point moves by its offset; the
	// round trip brings it back.
	if d := DistanceM(WGS84ToBD09(st[0].Point), orb.Point{24.94, 60.17}); d > 0.01 {
		t.Errorf("BD-09 round trip off by %.3f m", d)
	}
}

func TestReadAreasGeoJSON(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]},
	  "properties":{"name":"Community","level":"9","source_id":"c1"}},
	 {"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[0.5,0],[0.5,0.5],[0,0]]],[[[0.6,0.6],[0.9,0.6],[0.9,0.9],[0.6,0.6]]]]},
	  "properties":{"name":"Grid 1","level":10,"parent":"c1"}}]}`
	areas, err := ReadAreasGeoJSON(strings.NewReader(in), WGS84)
	if err != nil {
		t.Fatal(err)
	}
	if len(areas) != 2 {
		t.Fatalf("%d areas", len(areas))
	}
	if a := areas[0]; a.SourceID != "c1" || a.Name != "Community" || a.Level != 9 || len(a.Geometry) != 1 {
		t.Errorf("area 0 = %+v", a)
	}
	if a := areas[1]; a.ParentSourceID != "c1" || a.Level != 10 || len(a.Geometry) != 2 || !strings.HasPrefix(a.SourceID, "h") {
		t.Errorf("area 1 = %+v", a)
	}
}

func TestReadGeoJSONInvalid(t *testing.T) {
	point := func(coords, props string) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":` + coords + `},"properties":` + props + `}`
	}
	fc := func(features ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	}
	good := point(`[1,2]`, `{"name":"ok"}`)
	poly := func(ring, props string) string {
		return `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[` + ring + `]},"properties":` + props + `}`
	}
	tests := []struct {
		name, kind, in, want string
	}{
		{"not json", "shops", `{`, "geojson:"},
		{"a bare feature", "shops", good, `want FeatureCollection`},
		{"wrong geometry", "shops", fc(good, poly(`[[0,0],[1,0],[1,1],[0,0]]`, `{"name":"x"}`)), "feature 1: geometry is Polygon, want Point"},
		{"no geometry", "shops", fc(good, point(`[1,3]`, `{"name":"ok"}`), `{"type":"Feature","geometry":null,"properties":{"name":"x"}}`), "feature 2: no geometry"},
		{"missing name", "shops", fc(point(`[1,2]`, `{"category":"cafe"}`)), "feature 0: missing name"},
		{"null properties", "shops", fc(point(`[1,2]`, `null`)), "feature 0: missing name"},
		{"latitude out of range", "shops", fc(good, point(`[1,3]`, `{"name":"ok"}`), point(`[1,4]`, `{"name":"ok"}`), point(`[116.3,95]`, `{"name":"x"}`)), "feature 3: coordinate (116.3, 95) is outside"},
		{"huge number", "shops", fc(point(`[1e999,2]`, `{"name":"x"}`)), "feature 0:"},
		{"bad coordinates", "shops", fc(point(`["a",2]`, `{"name":"x"}`)), "feature 0:"},
		{"duplicate shop", "shops", fc(good, point(`[3,4]`, `{"name":"x"}`), good), `feature 2: source id "h`},
		{"duplicate station id", "stations", fc(point(`[1,2]`, `{"id":"s1"}`), point(`[3,4]`, `{"id":"s1"}`)), `feature 1: source id "s1" already used by feature 0`},
		{"bad station kind", "stations", fc(point(`[1,2]`, `{"kind":"bin"}`)), `feature 0: kind "bin"`},
		{"station as polygon", "stations", fc(poly(`[[0,0],[1,0],[1,1],[0,0]]`, `{}`)), "feature 0: geometry is Polygon"},
		{"open ring", "areas", fc(poly(`[[0,0],[1,0],[1,1],[0,1]]`, `{"name":"x"}`)), "feature 0: polygon 0 ring 0: not closed"},
		{"area as point", "areas", fc(good), "feature 0: geometry is Point, want Polygon or MultiPolygon"},
		{"area level not a number", "areas", fc(poly(`[[0,0],[1,0],[1,1],[0,0]]`, `{"name":"x","level":"nine"}`)), `feature 0: level "nine" is not an integer`},
		{"area level fraction", "areas", fc(poly(`[[0,0],[1,0],[1,1],[0,0]]`, `{"name":"x","level":8.5}`)), "feature 0: level 8.5 is not an integer"},
		{"area out of range", "areas", fc(poly(`[[0,0],[181,0],[1,1],[0,0]]`, `{"name":"x"}`)), "feature 0: polygon 0 ring 0 position 1: coordinate (181, 0) is outside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			switch tc.kind {
			case "shops":
				_, err = ReadShopsGeoJSON(strings.NewReader(tc.in), WGS84)
			case "stations":
				_, err = ReadStationsGeoJSON(strings.NewReader(tc.in), WGS84)
			case "areas":
				_, err = ReadAreasGeoJSON(strings.NewReader(tc.in), WGS84)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseCategory(t *testing.T) {
	tests := map[string]Category{
		"supermarket": CategorySupermarket, "Convenience": CategorySupermarket, "便利店": CategorySupermarket,
		"shop=kiosk": CategorySupermarket, "amenity=cafe": CategoryRestaurant, "Fast Food": CategoryRestaurant,
		"餐饮": CategoryRestaurant, "hairdresser": CategoryBarber, "理发店": CategoryBarber,
		"car wash": CategoryCarWash, "amenity=car_wash": CategoryCarWash, "洗车": CategoryCarWash,
		"dry_cleaning": CategoryLaundry, "干洗店": CategoryLaundry, "laundry": CategoryLaundry,
		"": CategoryOther, "shop=clothes": CategoryOther, "amenity=bank": CategoryOther, "bookshop": CategoryOther,
	}
	for in, want := range tests {
		if got := ParseCategory(in); got != want {
			t.Errorf("ParseCategory(%q) = %q, want %q", in, got, want)
		}
	}
}
