package geo

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func gridFeature(props string) string {
	return `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]},"properties":` + props + `}`
}

func gridFile(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

func TestReadGridsGeoJSON(t *testing.T) {
	in := gridFile(
		gridFeature(`{"name":"North","workers":2}`),
		gridFeature(`{"name":"South","workers":1,"starts":[[0.5,0.5]],"ends":"open"}`),
		gridFeature(`{"name":"East","workers":2,"starts":[[0.1,0.2],[0.3,0.4]],"ends":[[0.9,0.9]]}`),
	)
	gs, err := ReadGridsGeoJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 3 {
		t.Fatalf("%d grids, want 3", len(gs))
	}
	n, s, e := gs[0], gs[1], gs[2]
	if n.Name != "North" || n.Workers != 2 || n.Starts != nil || n.Ends != nil || n.EndsOpen || len(n.Area) != 1 {
		t.Errorf("North = %+v", n)
	}
	if s.Workers != 1 || len(s.Starts) != 1 || s.Starts[0] != (orb.Point{0.5, 0.5}) || !s.EndsOpen || s.Ends != nil {
		t.Errorf("South = %+v", s)
	}
	if len(e.Starts) != 2 || e.Starts[1] != (orb.Point{0.3, 0.4}) || len(e.Ends) != 1 || e.Ends[0] != (orb.Point{0.9, 0.9}) || e.EndsOpen {
		t.Errorf("East = %+v", e)
	}
}

func TestReadGridsGeoJSONInvalid(t *testing.T) {
	point := `{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{"name":"P","workers":1}}`
	tests := []struct{ name, in, want string }{
		{"bad json", `{"type":`, "geojson:"},
		{"no features", gridFile(), "no grid features"},
		{"missing name", gridFile(gridFeature(`{"workers":1}`)), "feature 0: missing name"},
		{"name not a string", gridFile(gridFeature(`{"name":7,"workers":1}`)), "feature 0: name must be a string"},
		{"duplicate name", gridFile(gridFeature(`{"name":"A","workers":1}`), gridFeature(`{"name":"A","workers":2}`)), `feature 1 ("A"): name "A" already used by feature 0`},
		{"missing workers", gridFile(gridFeature(`{"name":"A"}`)), `feature 0 ("A"): missing workers`},
		{"zero workers", gridFile(gridFeature(`{"name":"A","workers":0}`)), `feature 0 ("A"): workers 0 must be at least 1`},
		{"fractional workers", gridFile(gridFeature(`{"name":"A","workers":1.5}`)), `workers must be an integer ≥ 1, got 1.5`},
		{"workers as text", gridFile(gridFeature(`{"name":"A","workers":"two"}`)), `workers must be an integer ≥ 1, got "two"`},
		{"wrong starts count", gridFile(gridFeature(`{"name":"A","workers":3,"starts":[[0,0],[1,1]]}`)), `feature 0 ("A"): starts has 2 points for 3 workers`},
		{"start not a pair", gridFile(gridFeature(`{"name":"A","workers":1,"starts":[[0]]}`)), `starts[0] must be [lon, lat]`},
		{"start off the globe", gridFile(gridFeature(`{"name":"A","workers":1,"starts":[[0,95]]}`)), `starts[0]: coordinate (0, 95) is outside`},
		{"starts not an array", gridFile(gridFeature(`{"name":"A","workers":1,"starts":"home"}`)), `starts must be an array`},
		{"ends word", gridFile(gridFeature(`{"name":"A","workers":1,"ends":"closed"}`)), `ends must be an array of [lon, lat] or "open"`},
		{"wrong ends count", gridFile(gridFeature(`{"name":"A","workers":2,"ends":[[0,0],[1,1],[2,2]]}`)), `ends has 3 points for 2 workers`},
		{"not a polygon", gridFile(point), `feature 0 ("P"): geometry is Point, want Polygon or MultiPolygon`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGridsGeoJSON(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}
