package geo

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb"
)

// GridSpec is one grid (网格) of a grids file: a territory, how many workers work it, and
// where they start and end.
type GridSpec struct {
	// Name is unique in the file.
	Name string
	// Workers is at least 1.
	Workers int
	Area    orb.MultiPolygon
	// Starts is empty (the planner chooses), one point for all the grid's workers, or one
	// per worker.
	Starts []orb.Point
	// Ends has the same shape as Starts; EndsOpen means every route ends after its last
	// served block. Neither: back at the start.
	Ends     []orb.Point
	EndsOpen bool
}

// ReadGridsGeoJSON reads a grids file: a FeatureCollection of Polygon or MultiPolygon
// features in WGS-84 with properties name (a unique string), workers (an integer ≥ 1),
// and optionally starts (an array of [lon, lat]: one for all the grid's workers, or one
// per worker) and ends (the same shape, or the string "open"). Any error names the
// feature, by index and by name when it has one, in one line.
func ReadGridsGeoJSON(r io.Reader) ([]GridSpec, error) {
	features, err := readFeatures(r)
	if err != nil {
		return nil, err
	}
	if len(features) == 0 {
		return nil, fmt.Errorf("geojson: no grid features")
	}
	out := make([]GridSpec, 0, len(features))
	seen := map[string]int{}
	for i, f := range features {
		where := fmt.Sprintf("feature %d", i)
		name, _ := f.Properties["name"].(string)
		if name != "" {
			where = fmt.Sprintf("feature %d (%q)", i, name)
		}
		g, err := readGrid(f.Properties, name)
		if err == nil {
			g.Area, err = featureMultiPolygon(f, WGS84)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if j, dup := seen[name]; dup {
			return nil, fmt.Errorf("%s: name %q already used by feature %d", where, name, j)
		}
		seen[name] = i
		out = append(out, g)
	}
	return out, nil
}

// readGrid reads a grid feature's properties.
func readGrid(props map[string]any, name string) (GridSpec, error) {
	g := GridSpec{Name: name}
	switch v := props["name"].(type) {
	case nil:
		return g, fmt.Errorf("missing name (a string)")
	case string:
		if v == "" {
			return g, fmt.Errorf("name is empty")
		}
	default:
		return g, fmt.Errorf("name must be a string, got %v", v)
	}
	n, ok := props["workers"].(float64)
	switch {
	case props["workers"] == nil:
		return g, fmt.Errorf("missing workers (an integer ≥ 1)")
	case !ok || n != math.Trunc(n) || n > 1e6:
		return g, fmt.Errorf("workers must be an integer ≥ 1, got %v", jsonText(props["workers"]))
	case n < 1:
		return g, fmt.Errorf("workers %v must be at least 1", n)
	}
	g.Workers = int(n)
	var err error
	if g.Starts, err = gridPoints(props["starts"], "starts", g.Workers); err != nil {
		return g, err
	}
	if s, ok := props["ends"].(string); ok {
		if s != "open" {
			return g, fmt.Errorf(`ends must be an array of [lon, lat] or "open", got %q`, s)
		}
		g.EndsOpen = true
		return g, nil
	}
	g.Ends, err = gridPoints(props["ends"], "ends", g.Workers)
	return g, err
}

// gridPoints reads starts or ends: absent, or an array of one point or one per worker.
func gridPoints(v any, key string, workers int) ([]orb.Point, error) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s must be an array of [lon, lat], got %s", key, jsonText(v))
	}
	if len(arr) != 1 && len(arr) != workers {
		return nil, fmt.Errorf("%s has %d points for %d workers (give one for all, or one per worker)", key, len(arr), workers)
	}
	pts := make([]orb.Point, len(arr))
	for i, e := range arr {
		xy, ok := e.([]any)
		if !ok || len(xy) != 2 {
			return nil, fmt.Errorf("%s[%d] must be [lon, lat], got %s", key, i, jsonText(e))
		}
		lon, ok1 := xy[0].(float64)
		lat, ok2 := xy[1].(float64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%s[%d] must be [lon, lat] numbers, got %s", key, i, jsonText(e))
		}
		p := orb.Point{lon, lat}
		if err := checkLonLat(p); err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		pts[i] = p
	}
	return pts, nil
}

// jsonText shows a property value as it was written, for messages.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
