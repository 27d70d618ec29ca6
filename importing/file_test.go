package importing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/geo/fixture"
)

func openStore(t *testing.T) (*data.Store, *datatest.DB) {
	t.Helper()
	url := datatest.NewDatabase(t)
	s, err := data.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, datatest.Connect(t, url)
}

// A small valid extract: two blocks of one street and a shop.
func smallExtract() *geo.Extract {
	return &geo.Extract{
		Blocks: []geo.Block{
			{SourceID: "w1:0", WayID: 1, From: 1, To: 2, Geometry: orb.LineString{{24.94, 60.17}, {24.941, 60.17}}, LengthM: 55, Highway: "residential"},
			{SourceID: "w1:1", WayID: 1, From: 2, To: 3, Geometry: orb.LineString{{24.941, 60.17}, {24.942, 60.17}}, LengthM: 55, Highway: "residential"},
		},
		Shops: []geo.Shop{{SourceID: "n10", Name: "Kiosk", Category: geo.CategoryOther, Point: orb.Point{24.9405, 60.1701}}},
	}
}

func TestImportBrokenOSMFileChangesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pbf, err := os.ReadFile(fixture.SharedData(t, "osm/Helsinki.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	s, db := openStore(t)
	// A small valid extract first, so "unchanged" means something.
	if _, err := s.ImportOSM(ctx, smallExtract()); err != nil {
		t.Fatal(err)
	}
	before, beforeSum := db.MapCounts(t), db.MapChecksum(t)
	if before["blocks"] != 2 || before["shops"] != 1 {
		t.Fatalf("rows %v after the small extract, want 2 blocks and 1 shop", before)
	}

	garbage := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(r.UintN(256))
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"truncated.osm.pbf", pbf[:len(pbf)*2/3]},
		{"truncated-early.osm.pbf", pbf[:len(pbf)/7]},
		{"garbage.osm.pbf", garbage},
		{"garbage.osm", []byte("<?xml version='1.0'?><osm><node id='1' lat='x'")},
		{"notes.txt", []byte("shop,name\n1,2\n")},
		{"empty.osm.pbf", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OSMFile(ctx, s, tt.name, bytes.NewReader(tt.data))
			if err == nil {
				t.Fatal("import succeeded")
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, tt.name) {
				t.Errorf("error %q: want one line naming the file", msg)
			}
			if got := db.MapCounts(t); fmt.Sprint(got) != fmt.Sprint(before) {
				t.Errorf("rows %v after a failed import, want %v", got, before)
			}
			if db.MapChecksum(t) != beforeSum {
				t.Error("a failed import changed rows")
			}
		})
	}
}

func TestImportOSMFileCancelled(t *testing.T) {
	t.Parallel()
	path := fixture.SharedData(t, "osm/Helsinki.osm.pbf")
	s, db := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := OSMFile(ctx, s, "Helsinki.osm.pbf", io.Reader(f)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: %v, want context.Canceled", err)
	}
	if n := db.MapCounts(t)["blocks"]; n != 0 {
		t.Errorf("%d blocks after a cancelled import", n)
	}
}

func TestImportRegisterFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, db := openStore(t)
	shops := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Kiosk","category":"convenience","source_id":"s1"},
		"geometry":{"type":"Point","coordinates":[24.94,60.17]}}]}`
	if sum, err := GeoJSONFile(ctx, s, "shops.geojson", KindShops, strings.NewReader(shops), geo.WGS84); err != nil || sum.Shops != 1 {
		t.Fatalf("geojson shops: %+v %v", sum, err)
	}
	csv := "id,name,address,category,lon,lat\nc1,Barber,Main St 1,hairdresser,24.941,60.171\n"
	if sum, err := ShopsCSVFile(ctx, s, "shops.csv", strings.NewReader(csv), geo.WGS84); err != nil || sum.Shops != 1 {
		t.Fatalf("csv shops: %+v %v", sum, err)
	}
	if got := db.MapCounts(t)["shops"]; got != 2 {
		t.Errorf("%d shops stored, want 2", got)
	}
	// A bad feature fails the file before anything is written, and the error names the file.
	bad := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[999,0]}}]}`
	if _, err := GeoJSONFile(ctx, s, "bad.geojson", KindStations, strings.NewReader(bad), geo.WGS84); err == nil || !strings.Contains(err.Error(), "bad.geojson") {
		t.Errorf("bad stations: %v, want an error naming the file", err)
	}
	if got := db.MapCounts(t)["stations"]; got != 0 {
		t.Errorf("%d stations stored from a bad file", got)
	}
	for _, k := range []string{"shops", "stations", "areas"} {
		if got, err := ParseFeatureKind(k); err != nil || string(got) != k {
			t.Errorf("ParseFeatureKind(%q) = %q, %v", k, got, err)
		}
	}
	if _, err := ParseFeatureKind("workers"); err == nil {
		t.Error("ParseFeatureKind accepted workers")
	}
}
