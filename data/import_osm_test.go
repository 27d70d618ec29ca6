package data

import (
	"bytes"
	"compress/bzip2"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/geo/fixture"
)

// rawTags counts, straight from the file with the osm scanners, the elements that carry
// a shop=* tag (by raw "shop=value") and the waste amenities, for nodes and for closed ways
// with at least one node in the file. It knows none of the importer's category tables.
type rawTags struct {
	shopKinds map[string]int // "shop=clothes" -> n, for shop values other than no/vacant
	// amenities counts "amenity=cafe" -> n over the elements without such a shop tag.
	amenities map[string]int
	stations  int
}

func countRawTags(t *testing.T, path string) rawTags {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sc osm.Scanner
	switch {
	case strings.HasSuffix(path, ".pbf"):
		s := osmpbf.New(context.Background(), bytes.NewReader(data), 1)
		defer s.Close()
		sc = s
	case strings.HasSuffix(path, ".bz2"):
		s := osmxml.New(context.Background(), bzip2.NewReader(bytes.NewReader(data)))
		defer s.Close()
		sc = s
	default:
		s := osmxml.New(context.Background(), bytes.NewReader(data))
		defer s.Close()
		sc = s
	}
	c := rawTags{shopKinds: map[string]int{}, amenities: map[string]int{}}
	present := map[osm.NodeID]bool{}
	var ways []*osm.Way
	tally := func(tags osm.Tags) {
		if v := tags.Find("shop"); v != "" && v != "no" && v != "vacant" {
			c.shopKinds["shop="+v]++
		} else if v := tags.Find("amenity"); v != "" {
			c.amenities["amenity="+v]++
		}
		switch tags.Find("amenity") {
		case "recycling", "waste_disposal", "waste_transfer_station", "waste_basket":
			c.stations++
		}
	}
	for sc.Scan() {
		switch o := sc.Object().(type) {
		case *osm.Node:
			present[o.ID] = true
			tally(o.Tags)
		case *osm.Way:
			ways = append(ways, o)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, w := range ways {
		n := len(w.Nodes)
		if n < 4 || w.Nodes[0].ID != w.Nodes[n-1].ID {
			continue
		}
		for _, wn := range w.Nodes {
			if present[wn.ID] {
				tally(w.Tags)
				break
			}
		}
	}
	return c
}

func readExtract(t testing.TB, path string) *geo.Extract {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := geo.FormatOf(path, data[:min(len(data), geo.FormatHeadSize)])
	if err != nil {
		t.Fatal(err)
	}
	ext, err := geo.ReadOSM(context.Background(), bytes.NewReader(data), f)
	if err != nil {
		t.Fatal(err)
	}
	return ext
}

func importFile(t testing.TB, s *Store, path string) (ImportSummary, error) {
	t.Helper()
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return importOSMBytes(context.Background(), s, filepath.Base(path), file)
}

// importOSMBytes parses an OSM file and imports it the way importing.OSMFile does (which
// data's own tests cannot call: it imports data), timing the read.
func importOSMBytes(ctx context.Context, s *Store, name string, file []byte) (ImportSummary, error) {
	start := time.Now()
	f, err := geo.FormatOf(name, file[:min(len(file), geo.FormatHeadSize)])
	if err != nil {
		return ImportSummary{}, err
	}
	ext, err := geo.ReadOSM(ctx, bytes.NewReader(file), f)
	if err != nil {
		return ImportSummary{}, err
	}
	read := time.Since(start)
	sum, err := s.ImportOSM(ctx, ext)
	sum.ReadTime = read
	return sum, err
}

func envelope(b orb.Bound) string {
	return "SRID=4326;" + "POLYGON((" +
		ftoa(b.Min[0]) + " " + ftoa(b.Min[1]) + "," + ftoa(b.Max[0]) + " " + ftoa(b.Min[1]) + "," +
		ftoa(b.Max[0]) + " " + ftoa(b.Max[1]) + "," + ftoa(b.Min[0]) + " " + ftoa(b.Max[1]) + "," +
		ftoa(b.Min[0]) + " " + ftoa(b.Min[1]) + "))"
}

func TestImportRealOSMFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rel string
		// The pbf is a bbox cut: every node, hence every block, lies in its header bounds.
		// The openstreetmap.org export's ways reach beyond its <bounds>.
		blocksInHeaderBounds bool
		minBlocks, minShops  int
	}{
		{"osm/Helsinki.osm.pbf", true, 4000, 500},
		{"osm/beijing-haidian/map.osm", false, 1000, 70},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.rel), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := fixture.SharedData(t, tt.rel)
			s := openTest(t)
			ext := readExtract(t, path)
			raw := countRawTags(t, path)

			sum, err := importFile(t, s, path)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Blocks < tt.minBlocks || sum.Shops < tt.minShops {
				t.Errorf("%d blocks, %d shops; the file has more than %d and %d", sum.Blocks, sum.Shops, tt.minBlocks, tt.minShops)
			}
			if got, want := count(t, s, "blocks"), len(ext.Blocks)-sum.SkippedBlocks; got != want || got != sum.Blocks {
				t.Errorf("%d block rows, extract has %d (summary %d)", got, want, sum.Blocks)
			}
			if got := count(t, s, "shops"); got != len(ext.Shops) || got != sum.Shops {
				t.Errorf("%d shop rows, extract has %d (summary %d)", got, len(ext.Shops), sum.Shops)
			}
			if got := count(t, s, "stations"); got != len(ext.Stations) || got != raw.stations {
				t.Errorf("%d station rows, extract has %d, the file's tags %d", got, len(ext.Stations), raw.stations)
			}
			if got := count(t, s, "areas"); got != len(ext.Areas) {
				t.Errorf("%d area rows, extract has %d", got, len(ext.Areas))
			}

			// Shop rows per raw value equal the file's own tag count: every shop=* value, and
			// the amenity values stored (the food places the issue names always checked).
			rows, err := s.pool.Query(ctx, `SELECT kind, count(*) FROM shops GROUP BY kind`)
			if err != nil {
				t.Fatal(err)
			}
			stored := map[string]int{}
			for rows.Next() {
				var k string
				var n int
				if err := rows.Scan(&k, &n); err != nil {
					t.Fatal(err)
				}
				stored[k] = n
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			storedShops := map[string]int{}
			for k, n := range stored {
				if strings.HasPrefix(k, "shop=") {
					storedShops[k] = n
				}
			}
			if !equalCounts(storedShops, raw.shopKinds) {
				t.Errorf("shop=* rows by value %v, file tags %v", storedShops, raw.shopKinds)
			}
			for _, k := range []string{"amenity=restaurant", "amenity=cafe", "amenity=fast_food"} {
				if _, ok := stored[k]; !ok {
					stored[k] = 0
				}
			}
			for k, n := range stored {
				if strings.HasPrefix(k, "amenity=") && raw.amenities[k] != n {
					t.Errorf("%d shop rows of kind %s, the file has %d", n, k, raw.amenities[k])
				}
			}
			if raw.amenities["amenity=restaurant"]+raw.amenities["amenity=cafe"]+raw.amenities["amenity=fast_food"] < 50 {
				t.Errorf("the file has only %v restaurants, cafes and fast food places", raw.amenities)
			}

			var bad, outside, lengthOff, endsOff int
			err = s.pool.QueryRow(ctx, `SELECT
				count(*) FILTER (WHERE length_m <= 0 OR ST_NPoints(geom) < 2),
				count(*) FILTER (WHERE NOT ST_Within(geom, ST_GeomFromEWKT($1))),
				count(*) FILTER (WHERE abs(length_m - ST_Length(geom::geography)) > 0.005 * length_m + 0.01),
				count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM street_nodes n WHERE n.id = b.from_node AND ST_Equals(n.geom, ST_StartPoint(b.geom)))
				                 OR NOT EXISTS (SELECT 1 FROM street_nodes n WHERE n.id = b.to_node AND ST_Equals(n.geom, ST_EndPoint(b.geom))))
				FROM blocks b`, envelope(ext.NodeBounds.Pad(1e-9))).Scan(&bad, &outside, &lengthOff, &endsOff)
			if err != nil {
				t.Fatal(err)
			}
			if bad+outside+lengthOff+endsOff != 0 {
				t.Errorf("blocks: %d empty or zero-length, %d outside the file's bounds, %d with length_m off the geodesic length, %d with ends not at their nodes",
					bad, outside, lengthOff, endsOff)
			}
			var notWithin, notTouching int
			if err := s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE NOT ST_Within(geom, ST_GeomFromEWKT($1))),
				count(*) FILTER (WHERE NOT ST_Intersects(geom, ST_GeomFromEWKT($1))) FROM blocks`,
				envelope(ext.Bounds.Pad(1e-9))).Scan(&notWithin, &notTouching); err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.blocksInHeaderBounds && notWithin != 0:
				t.Errorf("%d blocks outside the header bounds %v", notWithin, ext.Bounds)
			case notTouching > sum.Blocks/10:
				// Even an export whose ways run beyond its bbox has most streets inside it;
				// more outside means coordinates went wrong (swapped, shifted).
				t.Errorf("%d of %d blocks miss the header bounds %v", notTouching, sum.Blocks, ext.Bounds)
			}

			before, beforeSum := mapCounts(t, s), checksum(t, s)
			again, err := importFile(t, s, path)
			if err != nil {
				t.Fatal(err)
			}
			if again.Rows.Inserted != 0 || again.Rows.Updated != 0 {
				t.Errorf("second import: %+v, want everything unchanged", again.Rows)
			}
			if after := mapCounts(t, s); !equalCounts(after, before) {
				t.Errorf("rows %v after a second import, were %v", after, before)
			}
			if checksum(t, s) != beforeSum {
				t.Error("a second import changed rows")
			}
		})
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
