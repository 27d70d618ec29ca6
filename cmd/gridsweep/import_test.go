package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/gridsweep/gridsweep/data/datatest"
	gsgeo "github.com/gridsweep/gridsweep/geo"

	"github.com/gridsweep/gridsweep/geo/fixture"
)

// gridsweep runs the command line in-process and returns its exit code and output.
func gridsweep(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func rowCounts(t *testing.T, url string) map[string]int {
	t.Helper()
	ctx := context.Background()
	conn := datatest.Connect(t, url)
	m := map[string]int{}
	for _, table := range []string{"street_nodes", "blocks", "shops", "stations", "areas"} {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		m[table] = n
	}
	return m
}

func sameCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportCommand(t *testing.T) {
	t.Parallel()
	url := datatest.NewDatabase(t)
	helsinki := fixture.SharedData(t, "osm/Helsinki.osm.pbf")

	code, stdout, stderr := gridsweep("import", "osm", "--database-url", url, helsinki)
	if code != 0 {
		t.Fatalf("import osm: exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"blocks", "km of street", "shops", "supermarket", "stations", "seconds"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	if stderr != "" {
		t.Errorf("stderr %q: want nothing when stderr is not a terminal", stderr)
	}
	counts := rowCounts(t, url)
	if counts["blocks"] < 4000 || counts["shops"] < 500 || counts["stations"] != 52 {
		t.Fatalf("rows after importing Helsinki: %v", counts)
	}

	pbf, err := os.ReadFile(helsinki)
	if err != nil {
		t.Fatal(err)
	}
	broken := []struct {
		name string
		args []string
	}{
		{"truncated pbf", []string{"import", "osm", "--database-url", url, writeTemp(t, "cut.osm.pbf", string(pbf[:len(pbf)/2]))}},
		{"garbage", []string{"import", "osm", "--database-url", url, writeTemp(t, "junk.osm", "\x00\x01 this is not OSM \xff")}},
		{"missing file", []string{"import", "osm", "--database-url", url, filepath.Join(t.TempDir(), "none.osm.pbf")}},
		{"invalid geojson", []string{"import", "geojson", "--kind", "shops", "--database-url", url,
			writeTemp(t, "shops.geojson", `{"type":"FeatureCollection","features":[
				{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[24.94,60.17]}},
				{"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Point","coordinates":["x",60.17]}}]}`)}},
		{"geojson with a shop off the globe", []string{"import", "geojson", "--kind", "shops", "--database-url", url,
			writeTemp(t, "far.geojson", `{"type":"FeatureCollection","features":[
				{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[24.94,60.17]}},
				{"type":"Feature","properties":{"name":"B"},"geometry":{"type":"Point","coordinates":[24.94,160.17]}}]}`)}},
		{"csv with a bad line", []string{"import", "csv", "--database-url", url,
			writeTemp(t, "shops.csv", "name,address,category,lon,lat\nA,Street 1,cafe,24.94,60.17\nB,Street 2,cafe,abc,60.17\n")}},
		{"no database", []string{"import", "osm", "--database-url", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", helsinki}},
	}
	for _, tt := range broken {
		code, stdout, stderr := gridsweep(tt.args...)
		if code == 0 {
			t.Errorf("%s: exit 0, stdout %q", tt.name, stdout)
		}
		if lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n"); len(lines) != 1 || lines[0] == "" {
			t.Errorf("%s: stderr %q, want one line", tt.name, stderr)
		}
		if got := rowCounts(t, url); !sameCounts(got, counts) {
			t.Errorf("%s: rows %v, want unchanged %v", tt.name, got, counts)
		}
	}

	usage := [][]string{
		{"import"},
		{"import", "shapefile", "x.shp"},
		{"import", "osm"},
		{"import", "osm", "a.osm", "b.osm"},
		{"import", "geojson", "--kind", "roads", "x.geojson"},
		{"import", "geojson", "--kind", "shops", "--crs", "utm", "x.geojson"},
		{"import", "csv", "--kind", "areas", "x.csv"},
	}
	for _, args := range usage {
		if code, _, stderr := gridsweep(args...); code != 2 || stderr == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a usage message", args, code, stderr)
		}
	}
}

func TestImportCommandConvertsChineseCoordinates(t *testing.T) {
	t.Parallel()
	url := datatest.NewDatabase(t)
	// Two shops near Wudaokou, Beijing, as AMap (GCJ-02) and Baidu (BD-09) give them.
	gcj := orb.Point{116.3376, 39.9927}
	bd := orb.Point{116.3441, 39.9985}
	files := []struct {
		args   []string
		source string
		want   orb.Point
	}{
		{[]string{"geojson", "--kind", "shops", "--crs", "gcj02", writeTemp(t, "amap.geojson",
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"便利店","category":"convenience","source_id":"amap-1"},
			"geometry":{"type":"Point","coordinates":[116.3376,39.9927]}}]}`)}, "amap-1", gsgeo.GCJ02ToWGS84(gcj)},
		{[]string{"csv", "--kind", "shops", "--crs", "bd09", writeTemp(t, "baidu.csv",
			"id,名称,地址,类别,经度,纬度\nbd-1,理发店,成府路 1 号,hairdresser,116.3441,39.9985\n")}, "bd-1", gsgeo.BD09ToWGS84(bd)},
		{[]string{"geojson", "--kind", "stations", "--crs", "gcj02", writeTemp(t, "stations.geojson",
			`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"垃圾分类站","source_id":"st-1"},
			"geometry":{"type":"Point","coordinates":[116.3376,39.9927]}}]}`)}, "st-1", gsgeo.GCJ02ToWGS84(gcj)},
	}
	ctx := context.Background()
	conn := datatest.Connect(t, url)
	for _, f := range files {
		args := append([]string{"import"}, f.args[:len(f.args)-1]...)
		args = append(args, "--database-url", url, f.args[len(f.args)-1])
		if code, _, stderr := gridsweep(args...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
		var lon, lat float64
		err := conn.QueryRow(ctx, `SELECT ST_X(geom), ST_Y(geom) FROM shops WHERE source_id = $1
			UNION ALL SELECT ST_X(geom), ST_Y(geom) FROM stations WHERE source_id = $1`, f.source).Scan(&lon, &lat)
		if err != nil {
			t.Fatalf("%s: %v", f.source, err)
		}
		got := orb.Point{lon, lat}
		if d := geo.Distance(got, f.want); d > 0.01 {
			t.Errorf("%s stored at %v, %.3f m from the converted %v", f.source, got, d, f.want)
		}
		// The conversion moved the point by the few hundred metres it is there to undo.
		raw := gcj
		if strings.HasPrefix(f.source, "bd") {
			raw = bd
		}
		if d := geo.Distance(got, raw); d < 200 || d > 1500 {
			t.Errorf("%s: stored %.0f m from the raw input, want the 300-1000 m shift undone", f.source, d)
		}
	}
}

func TestImportGeoJSONAreasCommand(t *testing.T) {
	t.Parallel()
	url := datatest.NewDatabase(t)
	areas := writeTemp(t, "areas.geojson", `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"name":"Kluuvi","source_id":"c1"},
		 "geometry":{"type":"Polygon","coordinates":[[[24.94,60.17],[24.95,60.17],[24.95,60.18],[24.94,60.18],[24.94,60.17]]]}},
		{"type":"Feature","properties":{"name":"Grid 1","source_id":"g1","parent":"c1"},
		 "geometry":{"type":"Polygon","coordinates":[[[24.941,60.171],[24.945,60.171],[24.945,60.175],[24.941,60.175],[24.941,60.171]]]}}]}`)
	for i := 0; i < 2; i++ {
		code, stdout, stderr := gridsweep("import", "geojson", "--kind", "areas", "--database-url", url, areas)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		want := "2 inserted, 0 updated, 0 unchanged"
		if i == 1 {
			want = "0 inserted, 0 updated, 2 unchanged"
		}
		if !strings.Contains(stdout, want) {
			t.Errorf("import %d: summary lacks %q:\n%s", i+1, want, stdout)
		}
	}
	ctx := context.Background()
	conn := datatest.Connect(t, url)
	var kind, parent string
	if err := conn.QueryRow(ctx, `SELECT a.kind, p.name FROM areas a JOIN areas p ON p.id = a.parent_id WHERE a.source_id = 'g1'`).
		Scan(&kind, &parent); err != nil || kind != "grid" || parent != "Kluuvi" {
		t.Errorf("g1: kind %q in %q (%v), want a grid in Kluuvi", kind, parent, err)
	}
}
