package data

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// smallExtract is two blocks of one street meeting at node 2, a shop, a station and a
// community with a grid inside it.
func smallExtract() *geo.Extract {
	square := orb.MultiPolygon{{{{24.0, 60.0}, {24.01, 60.0}, {24.01, 60.01}, {24.0, 60.01}, {24.0, 60.0}}}}
	inner := orb.MultiPolygon{{{{24.002, 60.002}, {24.004, 60.002}, {24.004, 60.004}, {24.002, 60.004}, {24.002, 60.002}}}}
	return &geo.Extract{
		Blocks: []geo.Block{
			{SourceID: "w10:0", WayID: 10, From: 1, To: 2, Geometry: orb.LineString{{24.001, 60.001}, {24.002, 60.001}},
				LengthM: 55.6, Highway: "residential", Name: "Aleksanterinkatu"},
			{SourceID: "w10:1", WayID: 10, From: 2, To: 3, Geometry: orb.LineString{{24.002, 60.001}, {24.003, 60.001}, {24.003, 60.002}},
				LengthM: 167, Highway: "residential", Name: "Aleksanterinkatu", Oneway: true},
		},
		Shops: []geo.Shop{
			{SourceID: "n100", Name: "K-Market", Category: geo.CategorySupermarket, Kind: "shop=convenience", Point: orb.Point{24.0015, 60.0012}},
			{SourceID: "w101", Name: "Parturi", Category: geo.CategoryBarber, Kind: "shop=hairdresser", Address: "Mannerheimintie 1", Point: orb.Point{24.0025, 60.0012}},
		},
		Stations: []geo.Station{{SourceID: "n200", Kind: "recycling", Point: orb.Point{24.0026, 60.0013}}},
		Areas: []geo.Area{
			{SourceID: "c1", Name: "Kluuvi", Geometry: square},
			{SourceID: "g1", Name: "Grid 1", ParentSourceID: "c1", Geometry: inner},
		},
	}
}

func count(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checksum digests every row of the map tables, ids and timestamps included, so that an
// import that rewrote or renumbered anything shows up.
func checksum(t testing.TB, s *Store) string {
	t.Helper()
	var sum string
	err := s.pool.QueryRow(context.Background(), `SELECT md5(
		(SELECT coalesce(string_agg(x::text, '|' ORDER BY x.id), '') FROM street_nodes x) ||
		(SELECT coalesce(string_agg(x::text, '|' ORDER BY x.id), '') FROM blocks x) ||
		(SELECT coalesce(string_agg(x::text, '|' ORDER BY x.id), '') FROM shops x) ||
		(SELECT coalesce(string_agg(x::text, '|' ORDER BY x.id), '') FROM stations x) ||
		(SELECT coalesce(string_agg(x::text, '|' ORDER BY x.id), '') FROM areas x))`).Scan(&sum)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func mapCounts(t testing.TB, s *Store) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, table := range []string{"street_nodes", "blocks", "shops", "stations", "areas"} {
		m[table] = count(t, s, table)
	}
	return m
}

func TestImportOSMWritesRowsAndIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	ext := smallExtract()

	sum, err := s.ImportOSM(ctx, ext)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"street_nodes": 3, "blocks": 2, "shops": 2, "stations": 1, "areas": 2}
	if got := mapCounts(t, s); !equalCounts(got, want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if sum.Blocks != 2 || sum.Shops != 2 || sum.Stations != 1 || sum.Areas != 2 ||
		sum.ShopsByCategory[geo.CategoryBarber] != 1 || sum.StreetM != 55.6+167 {
		t.Errorf("summary %+v", sum)
	}
	if sum.Rows != (Upserted{Inserted: 10}) {
		t.Errorf("first import rows %+v, want 10 inserted", sum.Rows)
	}

	var (
		name, highway string
		oneway        bool
		from, to      int64
		lengthM       float64
		wkt           string
	)
	err = s.pool.QueryRow(ctx, `SELECT name, highway, oneway, from_node, to_node, length_m, ST_AsText(geom)
		FROM blocks WHERE source_id = 'w10:1'`).Scan(&name, &highway, &oneway, &from, &to, &lengthM, &wkt)
	if err != nil {
		t.Fatal(err)
	}
	if name != "Aleksanterinkatu" || highway != "residential" || !oneway || from != 2 || to != 3 || lengthM != 167 ||
		wkt != "LINESTRING(24.002 60.001,24.003 60.001,24.003 60.002)" {
		t.Errorf("block w10:1 = %q %q %v %d→%d %v %s", name, highway, oneway, from, to, lengthM, wkt)
	}
	var kind, parentSource string
	err = s.pool.QueryRow(ctx, `SELECT a.kind, p.source_id FROM areas a JOIN areas p ON p.id = a.parent_id
		WHERE a.source_id = 'g1'`).Scan(&kind, &parentSource)
	if err != nil || kind != "grid" || parentSource != "c1" {
		t.Errorf("grid g1: kind %q parent %q (%v), want grid inside c1", kind, parentSource, err)
	}

	before := checksum(t, s)
	sum2, err := s.ImportOSM(ctx, smallExtract())
	if err != nil {
		t.Fatal(err)
	}
	if sum2.Rows != (Upserted{Unchanged: 10}) {
		t.Errorf("second import rows %+v, want 10 unchanged", sum2.Rows)
	}
	if after := checksum(t, s); after != before {
		t.Error("a second import of the same extract changed rows")
	}

	// A changed name updates the row in place, keeping its id; a block missing from the new
	// extract stays.
	var id1 int64
	if err := s.pool.QueryRow(ctx, `SELECT id FROM blocks WHERE source_id = 'w10:0'`).Scan(&id1); err != nil {
		t.Fatal(err)
	}
	ext3 := smallExtract()
	ext3.Blocks = ext3.Blocks[:1]
	ext3.Blocks[0].Name = "Alexandersgatan"
	sum3, err := s.ImportOSM(ctx, ext3)
	if err != nil {
		t.Fatal(err)
	}
	if sum3.Rows.Updated != 1 {
		t.Errorf("renaming one block: rows %+v, want 1 updated", sum3.Rows)
	}
	var id2 int64
	if err := s.pool.QueryRow(ctx, `SELECT id FROM blocks WHERE source_id = 'w10:0' AND name = 'Alexandersgatan'`).Scan(&id2); err != nil {
		t.Fatal(err)
	}
	if id2 != id1 || count(t, s, "blocks") != 2 {
		t.Errorf("renamed block id %d (was %d), %d blocks (want 2)", id2, id1, count(t, s, "blocks"))
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestImportRejectsInvalidInputAndLeavesDatabaseUnchanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.ImportOSM(ctx, smallExtract()); err != nil {
		t.Fatal(err)
	}
	before, beforeSum := mapCounts(t, s), checksum(t, s)

	tests := []struct {
		name   string
		mutate func(*geo.Extract)
		want   string
	}{
		{"unknown category", func(e *geo.Extract) { e.Shops[1].Category = "bakery" }, `shop w101: unknown category "bakery"`},
		{"duplicate shop", func(e *geo.Extract) { e.Shops[1].SourceID = "n100" }, "shop n100 appears twice"},
		{"shop without id", func(e *geo.Extract) { e.Shops[0].SourceID = "" }, `shop "K-Market" has no source id`},
		{"latitude out of range", func(e *geo.Extract) { e.Stations[0].Point = orb.Point{24, 91} }, "station n200: coordinate (24, 91)"},
		{"one-point block", func(e *geo.Extract) { e.Blocks[0].Geometry = e.Blocks[0].Geometry[:1] }, "block w10:0 has 1 points"},
		{"unknown parent", func(e *geo.Extract) { e.Areas[1].ParentSourceID = "c9" }, "area parent c9"},
		{"open ring", func(e *geo.Extract) { e.Areas[0].Geometry[0][0] = e.Areas[0].Geometry[0][0][:3] }, "area c1: a ring has 3 points"},
		// Valid for the Go checks, refused by the database: the transaction must roll back
		// the street nodes and blocks it had already written.
		{"degenerate polygon", func(e *geo.Extract) {
			e.Areas[0].Geometry = orb.MultiPolygon{{{{24, 60}, {24.01, 60}, {24.02, 60}, {24, 60}}}}
		}, "area c1: polygon has no area left"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ext := smallExtract()
			// New rows in every table, so a partial write would show in the counts.
			ext.Blocks = append(ext.Blocks, geo.Block{SourceID: "w11:0", WayID: 11, From: 3, To: 4,
				Geometry: orb.LineString{{24.003, 60.002}, {24.004, 60.002}}, LengthM: 55, Highway: "footway"})
			ext.Shops = append(ext.Shops, geo.Shop{SourceID: "n102", Category: geo.CategoryLaundry, Point: orb.Point{24.003, 60.003}})
			tt.mutate(ext)
			_, err := s.ImportOSM(ctx, ext)
			if err == nil {
				t.Fatal("import succeeded")
			}
			if !errors.Is(err, ErrInvalidFeature) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want ErrInvalidFeature naming %q", err, tt.want)
			}
			if got := mapCounts(t, s); !equalCounts(got, before) {
				t.Errorf("rows %v after a failed import, want %v", got, before)
			}
			if checksum(t, s) != beforeSum {
				t.Error("a failed import changed rows")
			}
		})
	}
}

func TestImportSkipsZeroLengthBlocks(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ext := smallExtract()
	ext.Blocks = append(ext.Blocks, geo.Block{SourceID: "w12:0", WayID: 12, From: 5, To: 6,
		Geometry: orb.LineString{{24.005, 60.005}, {24.005, 60.005}}, Highway: "footway"})
	sum, err := s.ImportOSM(context.Background(), ext)
	if err != nil {
		t.Fatal(err)
	}
	if sum.SkippedBlocks != 1 || sum.Blocks != 2 || count(t, s, "blocks") != 2 || count(t, s, "street_nodes") != 3 {
		t.Errorf("skipped %d, blocks %d, rows %d blocks %d nodes; want 1, 2, 2, 3",
			sum.SkippedBlocks, sum.Blocks, count(t, s, "blocks"), count(t, s, "street_nodes"))
	}
}

func TestImportAreasRepairsInvalidPolygonsAndLinksParentsAcrossImports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	// A bow-tie: valid to the Go checks, invalid to PostGIS; stored as two triangles.
	bowtie := orb.MultiPolygon{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}}
	if _, err := s.ImportAreas(ctx, []geo.Area{{SourceID: "c1", Name: "Bow", Geometry: bowtie}}); err != nil {
		t.Fatal(err)
	}
	var valid bool
	var parts int
	var area float64
	if err := s.pool.QueryRow(ctx, `SELECT ST_IsValid(geom), ST_NumGeometries(geom), ST_Area(geom) FROM areas WHERE source_id = 'c1'`).
		Scan(&valid, &parts, &area); err != nil {
		t.Fatal(err)
	}
	if !valid || parts != 2 || area != 2 {
		t.Errorf("repaired bow-tie: valid %v, %d parts, area %v; want valid, 2, 2", valid, parts, area)
	}

	// A grid imported later finds its community from the earlier import.
	grid := geo.Area{SourceID: "g1", Name: "Grid", ParentSourceID: "c1",
		Geometry: orb.MultiPolygon{{{{0.1, 0.5}, {0.4, 0.5}, {0.4, 0.8}, {0.1, 0.8}, {0.1, 0.5}}}}}
	sum, err := s.ImportAreas(ctx, []geo.Area{grid})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != (Upserted{Inserted: 1}) {
		t.Errorf("rows %+v, want 1 inserted", sum.Rows)
	}
	var parent string
	if err := s.pool.QueryRow(ctx, `SELECT p.source_id FROM areas a JOIN areas p ON p.id = a.parent_id WHERE a.source_id = 'g1'`).Scan(&parent); err != nil || parent != "c1" {
		t.Errorf("g1 parent %q (%v), want c1", parent, err)
	}

	// Moving the grid to another community counts as an update.
	other := geo.Area{SourceID: "c2", Name: "Other", Geometry: orb.MultiPolygon{{{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}}}
	grid.ParentSourceID = "c2"
	sum, err = s.ImportAreas(ctx, []geo.Area{other, grid})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != (Upserted{Inserted: 1, Updated: 1}) {
		t.Errorf("moving g1: rows %+v, want 1 inserted, 1 updated", sum.Rows)
	}
	if err := s.pool.QueryRow(ctx, `SELECT p.source_id FROM areas a JOIN areas p ON p.id = a.parent_id WHERE a.source_id = 'g1'`).Scan(&parent); err != nil || parent != "c2" {
		t.Errorf("g1 parent %q (%v), want c2", parent, err)
	}

	// Renamed and moved back at once: one updated row, not two.
	grid.Name, grid.ParentSourceID = "Grid One", "c1"
	sum, err = s.ImportAreas(ctx, []geo.Area{other, grid})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != (Upserted{Updated: 1, Unchanged: 1}) {
		t.Errorf("renaming and moving g1: rows %+v, want 1 updated, 1 unchanged", sum.Rows)
	}
	if err := s.pool.QueryRow(ctx, `SELECT p.source_id FROM areas a JOIN areas p ON p.id = a.parent_id WHERE a.source_id = 'g1'`).Scan(&parent); err != nil || parent != "c1" {
		t.Errorf("g1 parent %q (%v), want c1", parent, err)
	}
}

func TestAreaKind(t *testing.T) {
	tests := []struct {
		area geo.Area
		want string
	}{
		{geo.Area{Level: 8}, "admin"},
		{geo.Area{Level: 8, ParentSourceID: "r1"}, "admin"},
		{geo.Area{ParentSourceID: "c1"}, "grid"},
		{geo.Area{}, "community"},
	}
	for _, tt := range tests {
		if got := AreaKind(tt.area); got != tt.want {
			t.Errorf("AreaKind(%+v) = %q, want %q", tt.area, got, tt.want)
		}
	}
}

func TestCategoriesMatchSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	for i, c := range append(Categories(), "bakery") {
		_, err := s.pool.Exec(ctx, `INSERT INTO shops (source_id, category, geom) VALUES ($1, $2, 'SRID=4326;POINT(0 0)')`,
			"t"+string(rune('a'+i)), string(c))
		if allowed := c != "bakery"; (err == nil) != allowed {
			t.Errorf("category %q: insert error %v, allowed by Categories: %v", c, err, allowed)
		}
	}
}

func TestConcurrentImportsOfTheSameExtract(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	errs := make(chan error, 4)
	sums := make(chan ImportSummary, 4)
	for range 4 {
		go func() {
			sum, err := s.ImportOSM(ctx, smallExtract())
			errs <- err
			sums <- sum
		}()
	}
	inserted := 0
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		inserted += (<-sums).Rows.Inserted
	}
	// Whatever the interleaving, each row is inserted once and the others find it unchanged.
	if inserted != 10 {
		t.Errorf("%d rows inserted over four concurrent imports, want 10", inserted)
	}
	want := map[string]int{"street_nodes": 3, "blocks": 2, "shops": 2, "stations": 1, "areas": 2}
	if got := mapCounts(t, s); !equalCounts(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}
