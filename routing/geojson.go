package routing

import (
	"fmt"
	"io"
	"math"

	"github.com/paulmach/orb/geojson"
)

// GeoJSON returns every route's legs as a FeatureCollection: one LineString per leg with
// properties worker, grid (its name), seq, kind, street, shops, distance_m and
// duration_s, and one Point per station stop.
func (p *Plan) GeoJSON() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for r := range p.Routes {
		for _, l := range p.Steps(r) {
			var f *geojson.Feature
			if l.Kind == LegStation {
				f = geojson.NewFeature(l.Geometry[0])
				f.Properties["station"] = l.Station
			} else {
				f = geojson.NewFeature(l.Geometry)
			}
			shops := l.Shops
			if shops == nil {
				shops = []string{}
			}
			f.Properties["worker"] = l.Worker + 1
			f.Properties["grid"] = p.gridName(p.Routes[r].Grid)
			f.Properties["seq"] = l.Seq
			f.Properties["kind"] = string(l.Kind)
			f.Properties["street"] = l.Street
			f.Properties["shops"] = shops
			f.Properties["distance_m"] = math.Round(l.DistanceM*10) / 10
			f.Properties["duration_s"] = math.Round(l.Duration.Seconds())
			fc.Append(f)
		}
	}
	return fc
}

// WriteGeoJSON writes GeoJSON() to w.
func (p *Plan) WriteGeoJSON(w io.Writer) error {
	b, err := p.GeoJSON().MarshalJSON()
	if err != nil {
		return fmt.Errorf("plan geojson: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("plan geojson: %w", err)
	}
	return nil
}
