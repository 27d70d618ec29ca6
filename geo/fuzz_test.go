package geo

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// The fuzz targets check that no input panics and that whatever is accepted holds the
// invariants the importer relies on. Seeds live in testdata/fuzz/<target>/.

func FuzzReadOSM(f *testing.F) {
	f.Add([]byte(tinyOSM))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := FormatOf("fuzz.osm", data); err != nil {
			t.Fatalf("FormatOf with a .osm name failed: %v", err)
		}
		for _, format := range []Format{FormatXML, FormatXMLBzip2} {
			ex, err := ReadOSM(context.Background(), bytes.NewReader(data), format)
			if err != nil {
				if ex != nil {
					t.Fatalf("error %v with a partial extract", err)
				}
				continue
			}
			seen := map[string]bool{}
			for _, b := range ex.Blocks {
				if len(b.Geometry) < 2 || !(b.LengthM > 0) || seen[b.SourceID] {
					t.Fatalf("bad block %+v", b)
				}
				seen[b.SourceID] = true
				for _, p := range b.Geometry {
					if !ex.NodeBounds.Contains(p) {
						t.Fatalf("block %s point %v outside the nodes' bound %v", b.SourceID, p, ex.NodeBounds)
					}
				}
			}
			for _, s := range ex.Shops {
				if !validPoint(s.Point) || s.Category == "" {
					t.Fatalf("bad shop %+v", s)
				}
			}
			for _, s := range ex.Stations {
				if !validPoint(s.Point) || !stationKinds[s.Kind] {
					t.Fatalf("bad station %+v", s)
				}
			}
			if len(ex.Shops)+len(ex.Stations) > 2*(ex.Nodes+ex.Ways) {
				t.Fatalf("%d shops and %d stations from %d nodes and %d ways", len(ex.Shops), len(ex.Stations), ex.Nodes, ex.Ways)
			}
		}
	})
}

func FuzzReadGeoJSON(f *testing.F) {
	f.Add([]byte(shopsGeoJSON), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, crsByte uint8) {
		crs := CRS(crsByte % 3)
		if shops, err := ReadShopsGeoJSON(bytes.NewReader(data), crs); err == nil {
			for _, s := range shops {
				if s.Name == "" || s.SourceID == "" || s.Category == "" || !validPoint(s.Point) {
					t.Fatalf("bad shop %+v", s)
				}
			}
		}
		if stations, err := ReadStationsGeoJSON(bytes.NewReader(data), crs); err == nil {
			for _, s := range stations {
				if s.SourceID == "" || !stationKinds[s.Kind] || !validPoint(s.Point) {
					t.Fatalf("bad station %+v", s)
				}
			}
		}
		if areas, err := ReadAreasGeoJSON(bytes.NewReader(data), crs); err == nil {
			for _, a := range areas {
				if a.Name == "" || a.SourceID == "" || len(a.Geometry) == 0 {
					t.Fatalf("bad area %+v", a)
				}
				for _, poly := range a.Geometry {
					for _, ring := range poly {
						if len(ring) < 4 {
							t.Fatalf("area %s: ring of %d points", a.SourceID, len(ring))
						}
						for _, p := range ring {
							if !validPoint(p) {
								t.Fatalf("area %s: bad point %v", a.SourceID, p)
							}
						}
					}
				}
			}
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("name,address,category,lon,lat\nS-Mart,Main St 5,supermarket,24.94,60.17\n"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, crsByte uint8) {
		shops, err := ReadShopsCSV(bytes.NewReader(data), CRS(crsByte%3))
		if err != nil {
			return
		}
		for _, s := range shops {
			if s.Name == "" || s.SourceID == "" || s.Category == "" || !validPoint(s.Point) {
				t.Fatalf("bad shop %+v", s)
			}
		}
	})
}

// validPoint: finite and on the globe, with a little slack for the datum shifts that
// move points near the poles or the antimeridian.
func validPoint(p orb.Point) bool {
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return math.Abs(p[0]) <= 180.1 && math.Abs(p[1]) <= 90.1
}
