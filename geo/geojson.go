package geo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// GeoJSON registers: shops, stations and areas kept outside OSM (a district's own shop
// list, its waste-sorting stations, the community and grid boundaries it draws). Each
// reader takes a FeatureCollection, the coordinate system its coordinates are in, and
// returns WGS-84 features. An invalid feature makes the whole read fail with an error
// naming it ("feature 3: ..."), so that an import is all or nothing.
//
// Properties read (all strings may also be numbers):
//   - shops: name (required), category (mapped by ParseCategory; missing or unknown means
//     other), kind (defaults to the category text as given), address, source_id or id;
//   - stations: name, kind (recycling, waste_disposal, waste_transfer_station or
//     waste_basket; default recycling, a waste-sorting station), source_id or id;
//   - areas: name (required), level (an integer; default 0), parent (the parent's source
//     id), source_id or id.
//
// SourceID is the source_id property, else the id property, else the feature's own id,
// else a stable hash (see registerID; a shop gets the same hash from GeoJSON and CSV).

// ReadShopsGeoJSON reads shops from a GeoJSON FeatureCollection of Points in crs.
func ReadShopsGeoJSON(r io.Reader, crs CRS) ([]Shop, error) {
	features, err := readFeatures(r)
	if err != nil {
		return nil, err
	}
	shops := make([]Shop, 0, len(features))
	seen := make(map[string]int)
	for i, f := range features {
		p, err := featurePoint(f, crs)
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i, err)
		}
		props := f.Properties
		name, err := requiredString(props, "name")
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i, err)
		}
		category, _ := propString(props, "category")
		cat := ParseCategory(category)
		kind, _ := propString(props, "kind")
		if kind == "" {
			kind = category
		}
		if kind == "" {
			kind = string(cat)
		}
		address, _ := propString(props, "address")
		id := featureID(f, "shop", name, string(cat), f.Geometry.(orb.Point))
		if err := checkUnique(seen, id, i); err != nil {
			return nil, err
		}
		shops = append(shops, Shop{SourceID: id, Name: name, Category: cat, Kind: kind, Address: address, Point: p})
	}
	return shops, nil
}

// ReadStationsGeoJSON reads waste stations from a GeoJSON FeatureCollection of Points in crs.
func ReadStationsGeoJSON(r io.Reader, crs CRS) ([]Station, error) {
	features, err := readFeatures(r)
	if err != nil {
		return nil, err
	}
	stations := make([]Station, 0, len(features))
	seen := make(map[string]int)
	for i, f := range features {
		p, err := featurePoint(f, crs)
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i, err)
		}
		name, _ := propString(f.Properties, "name")
		kind, _ := propString(f.Properties, "kind")
		if kind == "" {
			kind = "recycling"
		}
		if !stationKinds[kind] {
			return nil, fmt.Errorf("feature %d: kind %q is not recycling, waste_disposal, waste_transfer_station or waste_basket", i, kind)
		}
		id := featureID(f, "station", name, kind, f.Geometry.(orb.Point))
		if err := checkUnique(seen, id, i); err != nil {
			return nil, err
		}
		stations = append(stations, Station{SourceID: id, Name: name, Kind: kind, Point: p})
	}
	return stations, nil
}

// ReadAreasGeoJSON reads areas from a GeoJSON FeatureCollection of Polygons and
// MultiPolygons in crs. Rings must be closed and have at least four positions.
func ReadAreasGeoJSON(r io.Reader, crs CRS) ([]Area, error) {
	features, err := readFeatures(r)
	if err != nil {
		return nil, err
	}
	areas := make([]Area, 0, len(features))
	seen := make(map[string]int)
	for i, f := range features {
		mp, err := featureMultiPolygon(f, crs)
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i, err)
		}
		name, err := requiredString(f.Properties, "name")
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i, err)
		}
		level, err := propInt(f.Properties, "level")
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i, err)
		}
		parent, _ := propString(f.Properties, "parent")
		// The hash uses the south-west corner of the bound as given: stable, and unlike a
		// centroid it does not depend on arithmetic that might change.
		corner := f.Geometry.Bound().Min
		id := featureID(f, "area", name, strconv.Itoa(level), corner)
		if err := checkUnique(seen, id, i); err != nil {
			return nil, err
		}
		areas = append(areas, Area{
			SourceID:       id,
			Name:           name,
			Level:          level,
			Geometry:       mp,
			ParentSourceID: parent,
		})
	}
	return areas, nil
}

// checkUnique records that feature i has source id id, and fails when an earlier feature
// had it: a register listing the same shop twice (same id, or same name, category and
// position) is a mistake the importer should not silently merge.
func checkUnique(seen map[string]int, id string, i int) error {
	if j, dup := seen[id]; dup {
		return fmt.Errorf("feature %d: source id %q already used by feature %d", i, id, j)
	}
	seen[id] = i
	return nil
}

// readFeatures decodes a FeatureCollection one feature at a time, so that a feature
// orb cannot decode is reported by its index.
func readFeatures(r io.Reader) ([]*geojson.Feature, error) {
	var doc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read geojson: %w", err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("geojson: %w", err)
	}
	if doc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("geojson: type is %q, want FeatureCollection", doc.Type)
	}
	features := make([]*geojson.Feature, len(doc.Features))
	for i, raw := range doc.Features {
		f, err := geojson.UnmarshalFeature(raw)
		if err != nil {
			return nil, fmt.Errorf("feature %d: %w", i, err)
		}
		if f.Geometry == nil {
			return nil, fmt.Errorf("feature %d: no geometry", i)
		}
		features[i] = f
	}
	return features, nil
}

// featurePoint checks that f is a Point with valid coordinates and converts it.
func featurePoint(f *geojson.Feature, crs CRS) (orb.Point, error) {
	p, ok := f.Geometry.(orb.Point)
	if !ok {
		return orb.Point{}, fmt.Errorf("geometry is %s, want Point", f.Geometry.GeoJSONType())
	}
	if err := checkLonLat(p); err != nil {
		return orb.Point{}, err
	}
	return crs.ToWGS84(p), nil
}

// featureMultiPolygon checks that f is a Polygon or MultiPolygon with closed rings of
// valid coordinates and converts it to a WGS-84 MultiPolygon.
func featureMultiPolygon(f *geojson.Feature, crs CRS) (orb.MultiPolygon, error) {
	var mp orb.MultiPolygon
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		return nil, fmt.Errorf("geometry is %s, want Polygon or MultiPolygon", f.Geometry.GeoJSONType())
	}
	if len(mp) == 0 {
		return nil, errors.New("empty MultiPolygon")
	}
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		if len(poly) == 0 {
			return nil, fmt.Errorf("polygon %d has no rings", i)
		}
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			if len(ring) < 4 || !ring.Closed() {
				return nil, fmt.Errorf("polygon %d ring %d: not closed or fewer than 4 positions", i, j)
			}
			conv := make(orb.Ring, len(ring))
			for k, p := range ring {
				if err := checkLonLat(p); err != nil {
					return nil, fmt.Errorf("polygon %d ring %d position %d: %w", i, j, k, err)
				}
				conv[k] = crs.ToWGS84(p)
			}
			out[i][j] = conv
		}
	}
	return out, nil
}

// checkLonLat rejects coordinates that are not numbers or not on the globe. A longitude
// beyond ±180 or a latitude beyond ±90 is almost always lat and lon swapped or a
// projected coordinate, and storing it would put a shop nowhere.
func checkLonLat(p orb.Point) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0) {
		return fmt.Errorf("coordinate (%v, %v) is not a number", lon, lat)
	}
	if lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return fmt.Errorf("coordinate (%v, %v) is outside lon -180..180, lat -90..90", lon, lat)
	}
	return nil
}

// featureID is the feature's source id (see the GeoJSON register comment above).
func featureID(f *geojson.Feature, kind, name, class string, p orb.Point) string {
	if id, _ := propString(f.Properties, "source_id"); id != "" {
		return id
	}
	if id, _ := propString(f.Properties, "id"); id != "" {
		return id
	}
	if id := scalarString(f.ID); id != "" {
		return id
	}
	return registerID(kind, name, class, p)
}

// propString reads a string property; numbers are formatted without exponent so that
// numeric ids survive. ok is false when the property is missing or null.
func propString(props geojson.Properties, key string) (string, bool) {
	v, ok := props[key]
	if !ok || v == nil {
		return "", false
	}
	return strings.TrimSpace(scalarString(v)), true
}

// scalarString formats a JSON scalar; objects and arrays give "".
func scalarString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

func requiredString(props geojson.Properties, key string) (string, error) {
	s, _ := propString(props, key)
	if s == "" {
		return "", fmt.Errorf("missing %s", key)
	}
	return s, nil
}

// propInt reads an integer property given as a number or a numeric string; missing is 0.
func propInt(props geojson.Properties, key string) (int, error) {
	v, ok := props[key]
	if !ok || v == nil {
		return 0, nil
	}
	switch v := v.(type) {
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1e9 {
			return 0, fmt.Errorf("%s %v is not an integer", key, v)
		}
		return int(v), nil
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, fmt.Errorf("%s %q is not an integer", key, v)
		}
		return n, nil
	}
	return 0, fmt.Errorf("%s is not a number", key)
}
