package geo

import (
	"bytes"
	"compress/bzip2"
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"

	"github.com/gridsweep/gridsweep/geo/fixture"
)

// andorraPath is the Andorra extract shipped in the paulmach/osm module.
func andorraPath(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOMODCACHE: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "github.com", "paulmach", "osm@v0.8.0", "testdata", "andorra-latest.osm.bz2")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Andorra extract missing (run `go mod download github.com/paulmach/osm@v0.8.0`): %v", err)
	}
	return p
}

// readFile opens path, detects its format and reads it.
func readFile(t testing.TB, path string) (*Extract, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := FormatOf(path, data[:min(len(data), FormatHeadSize)])
	if err != nil {
		return nil, err
	}
	return ReadOSM(context.Background(), bytes.NewReader(data), f)
}

// tagCount is an independent count of a file's tags, made with the osm scanners directly
// and simple rules written out again here, not with the importer's tables.
type tagCount struct {
	shops, stations int
	missingRefs     int
	// boundaries counts administrative boundary relations and named closed boundary
	// ways outside them: each is either an area or an incomplete one.
	boundaries int
	// streetM is the length of every walkable way over the node pairs both present:
	// splitting into blocks must neither lose nor add street.
	streetM float64
}

func countTags(t *testing.T, path string) tagCount {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s osm.Scanner
	switch {
	case strings.HasSuffix(path, ".pbf"):
		ps := osmpbf.New(context.Background(), bytes.NewReader(data), 1)
		defer ps.Close()
		s = ps
	case strings.HasSuffix(path, ".bz2"):
		s = osmxml.New(context.Background(), bzip2.NewReader(bytes.NewReader(data)))
	default:
		s = osmxml.New(context.Background(), bytes.NewReader(data))
	}
	isShop := func(tags osm.Tags) bool {
		shop := tags.Find("shop")
		if shop != "" && shop != "no" && shop != "vacant" {
			return true
		}
		switch tags.Find("amenity") {
		case "restaurant", "cafe", "fast_food", "food_court", "bar", "pub", "ice_cream", "car_wash":
			return true
		}
		return false
	}
	isStation := func(tags osm.Tags) bool {
		a := tags.Find("amenity")
		return a == "recycling" || a == "waste_disposal" || a == "waste_transfer_station" || a == "waste_basket"
	}
	nodes := map[osm.NodeID]orb.Point{}
	var ways []*osm.Way
	members := map[osm.WayID]bool{}
	var c tagCount
	for s.Scan() {
		switch o := s.Object().(type) {
		case *osm.Node:
			nodes[o.ID] = orb.Point{o.Lon, o.Lat}
			if isShop(o.Tags) {
				c.shops++
			}
			if isStation(o.Tags) {
				c.stations++
			}
		case *osm.Way:
			ways = append(ways, o)
		case *osm.Relation:
			typ := o.Tags.Find("type")
			if o.Tags.Find("boundary") == "administrative" && (typ == "boundary" || typ == "multipolygon") {
				c.boundaries++
				for _, m := range o.Members {
					if m.Type == osm.TypeWay {
						members[osm.WayID(m.Ref)] = true
					}
				}
			}
		}
	}
	if err := s.Err(); err != nil {
		t.Fatalf("independent scan of %s: %v", path, err)
	}
	for _, w := range ways {
		present := 0
		for i, wn := range w.Nodes {
			p, ok := nodes[wn.ID]
			if ok {
				present++
			} else {
				c.missingRefs++
			}
			if i > 0 && ok && walkable(w.Tags) {
				if q, qok := nodes[w.Nodes[i-1].ID]; qok {
					c.streetM += geo.DistanceHaversine(q, p)
				}
			}
		}
		closed := len(w.Nodes) >= 4 && w.Nodes[0].ID == w.Nodes[len(w.Nodes)-1].ID
		if closed && !members[w.ID] && w.Tags.Find("boundary") == "administrative" && w.Tags.Find("name") != "" {
			c.boundaries++
		}
		if closed && present > 0 {
			if isShop(w.Tags) {
				c.shops++
			}
			if isStation(w.Tags) {
				c.stations++
			}
		}
	}
	return c
}

func TestReadOSMRealFiles(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		minBlocks int
		maxBlocks int
		// headerHoldsBlocks: in a plain bbox cut (Helsinki) every node present lies inside
		// the header bbox; an openstreetmap.org export (Beijing) includes whole ways that
		// reach far outside its bbox, so there blocks are checked against NodeBounds.
		headerHoldsBlocks bool
		missingRefs       int // from the data README; the independent count must agree
	}{
		// README: "about 4,900 segments" counting every highway; without private ways
		// and area=yes squares it is a little less.
		{"Helsinki", "osm/Helsinki.osm.pbf", 4200, 5200, true, 4525},
		// README: "about 1,370 walkable segments between junctions"; all refs present.
		{"Beijing", "osm/beijing-haidian/map.osm", 1200, 1500, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := fixture.SharedData(t, tc.path)
			ex, err := readFile(t, path)
			if err != nil {
				t.Fatal(err)
			}
			want := countTags(t, path)
			if len(ex.Shops) != want.shops {
				t.Errorf("shops = %d, independent count %d", len(ex.Shops), want.shops)
			}
			var streetM float64
			for _, b := range ex.Blocks {
				streetM += b.LengthM
			}
			if math.Abs(streetM-want.streetM) > 1e-6*want.streetM {
				t.Errorf("blocks add up to %.3f m of street, the ways to %.3f m", streetM, want.streetM)
			}
			if got := len(ex.Areas) + ex.IncompleteAreas; got != want.boundaries {
				t.Errorf("%d areas + %d incomplete, independent count of boundaries %d", len(ex.Areas), ex.IncompleteAreas, want.boundaries)
			}
			if len(ex.Stations) != want.stations {
				t.Errorf("stations = %d, independent count %d", len(ex.Stations), want.stations)
			}
			if ex.MissingNodeRefs != want.missingRefs || ex.MissingNodeRefs != tc.missingRefs {
				t.Errorf("MissingNodeRefs = %d, independent count %d, README %d", ex.MissingNodeRefs, want.missingRefs, tc.missingRefs)
			}
			if n := len(ex.Blocks); n < tc.minBlocks || n > tc.maxBlocks {
				t.Errorf("blocks = %d, want %d..%d", n, tc.minBlocks, tc.maxBlocks)
			}
			checkBlocks(t, ex, tc.headerHoldsBlocks)
			for _, s := range ex.Shops {
				if !ex.NodeBounds.Contains(s.Point) || s.Category == "" || s.Kind == "" {
					t.Errorf("shop %+v: outside the nodes' bound or unclassified", s)
				}
			}
			for _, s := range ex.Stations {
				if !ex.NodeBounds.Contains(s.Point) || !stationKinds[s.Kind] {
					t.Errorf("station %+v: outside the nodes' bound or unknown kind", s)
				}
			}
			t.Logf("%s: %d nodes, %d ways, %d blocks, %d shops, %d stations, %d areas (%d incomplete), %d missing refs",
				tc.name, ex.Nodes, ex.Ways, len(ex.Blocks), len(ex.Shops), len(ex.Stations), len(ex.Areas), ex.IncompleteAreas, ex.MissingNodeRefs)
		})
	}
}

// checkBlocks asserts the invariants every block of an extract holds.
func checkBlocks(t *testing.T, ex *Extract, inHeader bool) {
	t.Helper()
	bound := ex.NodeBounds
	if inHeader {
		bound = ex.Bounds
	}
	seen := make(map[string]bool, len(ex.Blocks))
	for _, b := range ex.Blocks {
		if seen[b.SourceID] {
			t.Errorf("duplicate block SourceID %s", b.SourceID)
		}
		seen[b.SourceID] = true
		if len(b.Geometry) < 2 || !(b.LengthM > 0) {
			t.Errorf("block %s: %d points, %.3f m", b.SourceID, len(b.Geometry), b.LengthM)
		}
		if b.From == 0 || b.To == 0 || b.Highway == "" || !walkableHighways[b.Highway] {
			t.Errorf("block %s: from %d to %d highway %q", b.SourceID, b.From, b.To, b.Highway)
		}
		for _, p := range b.Geometry {
			if !bound.Contains(p) {
				t.Errorf("block %s: point %v outside %v", b.SourceID, p, bound)
				break
			}
		}
	}
}

func TestReadOSMAndorra(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 3 MB of bzip2 XML")
	}
	path := andorraPath(t)
	ex, err := readFile(t, path)
	if err != nil {
		t.Fatal(err)
	}
	checkBlocks(t, ex, false)
	want := countTags(t, path)
	if len(ex.Shops) != want.shops || len(ex.Stations) != want.stations || ex.MissingNodeRefs != want.missingRefs ||
		len(ex.Areas)+ex.IncompleteAreas != want.boundaries {
		t.Errorf("shops %d, stations %d, missing refs %d, areas %d+%d incomplete; independent count %+v",
			len(ex.Shops), len(ex.Stations), ex.MissingNodeRefs, len(ex.Areas), ex.IncompleteAreas, want)
	}
	var country *Area
	for i, a := range ex.Areas {
		if a.SourceID == "r9407" {
			country = &ex.Areas[i]
		}
	}
	if country == nil || country.Name != "Andorra" || country.Level != 2 {
		t.Fatalf("Andorra (r9407, admin_level 2) not among the areas: %+v", country)
	}
	// The seven parishes (admin_level 7) lie inside the country.
	parishes := 0
	for _, a := range ex.Areas {
		if a.Level == 7 {
			parishes++
			if a.ParentSourceID != "r9407" {
				t.Errorf("parish %s %s: parent %q, want r9407", a.SourceID, a.Name, a.ParentSourceID)
			}
		}
	}
	if parishes != 7 {
		t.Errorf("parishes = %d, want 7", parishes)
	}
	if ex.Bounds.Contains(orb.Point{1.52, 42.51}) == false { // Andorra la Vella
		t.Errorf("bounds %v do not hold Andorra la Vella", ex.Bounds)
	}
}

func TestReadOSMBrokenInput(t *testing.T) {
	helsinki, err := os.ReadFile(fixture.SharedData(t, "osm/Helsinki.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	andorra, err := os.ReadFile(andorraPath(t))
	if err != nil {
		t.Fatal(err)
	}
	beijing, err := os.ReadFile(fixture.SharedData(t, "osm/beijing-haidian/map.osm"))
	if err != nil {
		t.Fatal(err)
	}
	garbage := bytes.Repeat([]byte("this is not an osm file \x00\x01\x02"), 100)
	tests := []struct {
		name string
		data []byte
		f    Format
	}{
		{"truncated pbf", helsinki[:len(helsinki)/2], FormatPBF},
		{"pbf cut in its header", helsinki[:20], FormatPBF},
		{"truncated bz2", andorra[:200_000], FormatXMLBzip2},
		{"truncated xml", beijing[:len(beijing)/3], FormatXML},
		{"garbage as pbf", garbage, FormatPBF},
		{"garbage as xml", garbage, FormatXML},
		{"garbage as bz2", garbage, FormatXMLBzip2},
		{"empty xml", nil, FormatXML},
		{"xml without nodes", []byte(`<?xml version="1.0"?><osm version="0.6"></osm>`), FormatXML},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The file goes through t.TempDir so the reader sees a real file, as the CLI does.
			path := filepath.Join(t.TempDir(), "broken")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			file, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer file.Close()
			ex, err := ReadOSM(context.Background(), file, tc.f)
			if err == nil {
				t.Fatalf("no error; got %d blocks, %d shops", len(ex.Blocks), len(ex.Shops))
			}
			if ex != nil {
				t.Errorf("partial extract returned with error %v", err)
			}
		})
	}
}

func TestReadOSMCorruptPBF(t *testing.T) {
	// A flipped byte inside the compressed blocks must be an error (zlib's checksum or
	// the protobuf decoder catches it), never a panic and never a quietly smaller extract.
	data, err := os.ReadFile(fixture.SharedData(t, "osm/Helsinki.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 9))
	for range 20 {
		pos := len(data)/4 + rng.IntN(len(data)/2)
		corrupt := bytes.Clone(data)
		corrupt[pos] ^= byte(1 + rng.IntN(255))
		ex, err := ReadOSM(context.Background(), bytes.NewReader(corrupt), FormatPBF)
		if err == nil || ex != nil {
			t.Errorf("byte %d flipped: err %v, extract %v", pos, err, ex != nil)
		}
	}
}

func TestReadOSMCancelled(t *testing.T) {
	data, err := os.ReadFile(fixture.SharedData(t, "osm/Helsinki.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range []Format{FormatPBF, FormatXML} {
		ex, err := ReadOSM(ctx, bytes.NewReader(data), f)
		if err == nil || ex != nil {
			t.Errorf("%v: cancelled read gave %v, %v", f, ex, err)
		}
	}
	ex, err := ReadOSM(ctx, strings.NewReader(tinyOSM), FormatXML)
	if !errors.Is(err, context.Canceled) || ex != nil {
		t.Errorf("cancelled xml read: err %v, want context.Canceled", err)
	}
}

// failingReader returns an I/O error after n bytes.
type failingReader struct {
	r io.Reader
	n int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk on fire")
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func TestReadOSMReaderError(t *testing.T) {
	data, err := os.ReadFile(fixture.SharedData(t, "osm/Helsinki.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadOSM(context.Background(), &failingReader{bytes.NewReader(data), 300_000}, FormatPBF)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want the reader's error", err)
	}
}

func BenchmarkReadOSMHelsinki(b *testing.B) {
	benchmarkReadOSM(b, fixture.SharedData(b, "osm/Helsinki.osm.pbf"))
}

func BenchmarkReadOSMAndorra(b *testing.B) {
	benchmarkReadOSM(b, andorraPath(b))
}

func benchmarkReadOSM(b *testing.B, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	f, err := FormatOf(path, data[:FormatHeadSize])
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	var ex *Extract
	for b.Loop() {
		ex, err = ReadOSM(context.Background(), bytes.NewReader(data), f)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ex.Blocks)), "blocks")
	b.ReportMetric(float64(len(ex.Shops)), "shops")
}
