package data

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"github.com/gridsweep/gridsweep/geo"
)

// Imports write a whole batch in one transaction: rows are COPYed into temporary staging
// tables, then merged into the real tables with one INSERT ... ON CONFLICT (source_id) per
// table. A failure anywhere rolls everything back, so a broken file leaves the database as
// it was. Rows whose values did not change are not rewritten (the upsert's WHERE clause),
// so importing the same file twice keeps ids, updated_at and the tables' physical state.
//
// Rows that an earlier import wrote but the new batch no longer has (a street removed from
// OpenStreetMap, a shop gone from the register) are left in place: plans, assignments and
// visits refer to them, and an extract is often a partial view of the city, so absence from
// one file is no proof that a street is gone.

// Upserted counts what one table's merge did.
type Upserted struct {
	Inserted, Updated, Unchanged int
}

func (u *Upserted) add(v Upserted) {
	u.Inserted += v.Inserted
	u.Updated += v.Updated
	u.Unchanged += v.Unchanged
}

// ImportSummary describes one import: what the input held and what the database did with it.
type ImportSummary struct {
	// Blocks is the number of street blocks written; StreetM their total length.
	Blocks  int
	StreetM float64
	// SkippedBlocks are zero-length blocks (consecutive OSM nodes at the same position):
	// nothing to sweep, and length_m > 0 is a schema invariant.
	SkippedBlocks int
	// Nodes, Ways and MissingNodeRefs describe the OSM file read (zero for other imports).
	Nodes, Ways, MissingNodeRefs int
	Shops                        int
	ShopsByCategory              map[geo.Category]int
	Stations                     int
	Areas                        int
	// Rows sums the merges over all tables (street_nodes, blocks, shops, stations, areas).
	Rows Upserted
	// ReadTime is spent parsing the input (set by the file importers), WriteTime in the database.
	ReadTime, WriteTime time.Duration
}

// Categories lists the shop categories in the order summaries print them. The shops
// table's CHECK constraint allows exactly these.
func Categories() []geo.Category {
	return []geo.Category{
		geo.CategorySupermarket, geo.CategoryRestaurant, geo.CategoryBarber,
		geo.CategoryCarWash, geo.CategoryLaundry, geo.CategoryOther,
	}
}

// ErrInvalidFeature marks input the database would reject: bad coordinates, an unknown
// category, a duplicate or empty source id. The message names the feature.
var ErrInvalidFeature = errors.New("invalid feature")

func invalidf(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidFeature, fmt.Sprintf(format, a...))
}

// ImportOSM writes an OSM extract — street nodes and blocks, shops, stations and areas — in
// one transaction.
func (s *Store) ImportOSM(ctx context.Context, ext *geo.Extract) (ImportSummary, error) {
	sum := ImportSummary{Nodes: ext.Nodes, Ways: ext.Ways, MissingNodeRefs: ext.MissingNodeRefs}
	err := s.inTx(ctx, &sum, func(tx pgx.Tx) error {
		if err := writeBlocks(ctx, tx, ext.Blocks, &sum); err != nil {
			return err
		}
		if err := writeShops(ctx, tx, ext.Shops, &sum); err != nil {
			return err
		}
		if err := writeStations(ctx, tx, ext.Stations, &sum); err != nil {
			return err
		}
		return writeAreas(ctx, tx, ext.Areas, &sum)
	})
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import osm: %w", err)
	}
	return sum, nil
}

// ImportShops upserts shops by source id in one transaction.
func (s *Store) ImportShops(ctx context.Context, shops []geo.Shop) (ImportSummary, error) {
	var sum ImportSummary
	if err := s.inTx(ctx, &sum, func(tx pgx.Tx) error { return writeShops(ctx, tx, shops, &sum) }); err != nil {
		return ImportSummary{}, fmt.Errorf("import shops: %w", err)
	}
	return sum, nil
}

// ImportStations upserts waste stations by source id in one transaction.
func (s *Store) ImportStations(ctx context.Context, stations []geo.Station) (ImportSummary, error) {
	var sum ImportSummary
	if err := s.inTx(ctx, &sum, func(tx pgx.Tx) error { return writeStations(ctx, tx, stations, &sum) }); err != nil {
		return ImportSummary{}, fmt.Errorf("import stations: %w", err)
	}
	return sum, nil
}

// ImportAreas upserts areas by source id in one transaction and links each to its parent
// (ParentSourceID), which may be in the same batch or already in the database.
func (s *Store) ImportAreas(ctx context.Context, areas []geo.Area) (ImportSummary, error) {
	var sum ImportSummary
	if err := s.inTx(ctx, &sum, func(tx pgx.Tx) error { return writeAreas(ctx, tx, areas, &sum) }); err != nil {
		return ImportSummary{}, fmt.Errorf("import areas: %w", err)
	}
	return sum, nil
}

// importLock is the advisory lock key that serialises imports: two imports touching the
// same rows in different orders could otherwise deadlock, and an import is rare enough
// that waiting for the other one costs nothing.
const importLock = 0x67726964 // "grid"

// inTx runs fn in a transaction, commits when it succeeds and times the whole.
func (s *Store) inTx(ctx context.Context, sum *ImportSummary, fn func(pgx.Tx) error) error {
	start := time.Now()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(importLock)); err != nil {
			return fmt.Errorf("wait for other imports: %w", err)
		}
		return fn(tx)
	})
	sum.WriteTime = time.Since(start)
	return err
}

// AreaKind is the kind an area is stored with: OSM admin boundaries (admin_level > 0) are
// "admin"; of the others, one inside a parent is a "grid" and one without is a "community",
// the two levels a district divides its streets into.
func AreaKind(a geo.Area) string {
	switch {
	case a.Level > 0:
		return "admin"
	case a.ParentSourceID != "":
		return "grid"
	default:
		return "community"
	}
}

func writeBlocks(ctx context.Context, tx pgx.Tx, blocks []geo.Block, sum *ImportSummary) error {
	kept := make([]geo.Block, 0, len(blocks))
	nodes := map[int64]orb.Point{}
	var nodeIDs []int64
	seen := make(map[string]bool, len(blocks))
	for _, b := range blocks {
		if b.SourceID == "" {
			return invalidf("block of way %d has no source id", b.WayID)
		}
		if seen[b.SourceID] {
			return invalidf("block %s appears twice", b.SourceID)
		}
		seen[b.SourceID] = true
		if len(b.Geometry) < 2 {
			return invalidf("block %s has %d points, a street needs 2", b.SourceID, len(b.Geometry))
		}
		for _, p := range b.Geometry {
			if err := checkLonLat(p); err != nil {
				return invalidf("block %s: %v", b.SourceID, err)
			}
		}
		if math.IsNaN(b.LengthM) || b.LengthM < 0 {
			return invalidf("block %s: length %v m", b.SourceID, b.LengthM)
		}
		if b.LengthM == 0 {
			sum.SkippedBlocks++
			continue
		}
		if b.Highway == "" {
			return invalidf("block %s has no highway class", b.SourceID)
		}
		for _, end := range []struct {
			id int64
			p  orb.Point
		}{{b.From, b.Geometry[0]}, {b.To, b.Geometry[len(b.Geometry)-1]}} {
			if _, ok := nodes[end.id]; !ok {
				nodes[end.id] = end.p
				nodeIDs = append(nodeIDs, end.id)
			}
		}
		kept = append(kept, b)
		sum.Blocks++
		sum.StreetM += b.LengthM
	}
	if len(kept) == 0 {
		return nil
	}

	err := stage(ctx, tx, "stage_street_nodes", "id bigint, geom bytea", []string{"id", "geom"},
		len(nodeIDs), func(i int) ([]any, error) {
			g, err := ewkb.Marshal(nodes[nodeIDs[i]], SRID)
			return []any{nodeIDs[i], g}, err
		})
	if err != nil {
		return err
	}
	up, err := merge(ctx, tx, len(nodeIDs), `
		INSERT INTO street_nodes AS t (id, geom)
		SELECT id, ST_GeomFromEWKB(geom) FROM stage_street_nodes
		ON CONFLICT (id) DO UPDATE SET geom = EXCLUDED.geom
		WHERE NOT ST_Equals(t.geom, EXCLUDED.geom)`)
	if err != nil {
		return fmt.Errorf("write street nodes: %w", err)
	}
	sum.Rows.add(up)

	err = stage(ctx, tx, "stage_blocks",
		"source_id text, way_id bigint, from_node bigint, to_node bigint, geom bytea, length_m float8, highway text, name text, oneway bool",
		[]string{"source_id", "way_id", "from_node", "to_node", "geom", "length_m", "highway", "name", "oneway"},
		len(kept), func(i int) ([]any, error) {
			b := kept[i]
			g, err := ewkb.Marshal(b.Geometry, SRID)
			return []any{b.SourceID, b.WayID, b.From, b.To, g, b.LengthM, b.Highway, b.Name, b.Oneway}, err
		})
	if err != nil {
		return err
	}
	up, err = merge(ctx, tx, len(kept), `
		INSERT INTO blocks AS t (source_id, way_id, from_node, to_node, geom, length_m, highway, name, oneway)
		SELECT source_id, way_id, from_node, to_node, ST_GeomFromEWKB(geom), length_m, highway, name, oneway
		FROM stage_blocks
		ON CONFLICT (source_id) DO UPDATE SET
			way_id = EXCLUDED.way_id, from_node = EXCLUDED.from_node, to_node = EXCLUDED.to_node,
			geom = EXCLUDED.geom, length_m = EXCLUDED.length_m, highway = EXCLUDED.highway,
			name = EXCLUDED.name, oneway = EXCLUDED.oneway, updated_at = now()
		WHERE (t.way_id, t.from_node, t.to_node, t.length_m, t.highway, t.name, t.oneway)
			IS DISTINCT FROM (EXCLUDED.way_id, EXCLUDED.from_node, EXCLUDED.to_node, EXCLUDED.length_m,
				EXCLUDED.highway, EXCLUDED.name, EXCLUDED.oneway)
			OR NOT ST_OrderingEquals(t.geom, EXCLUDED.geom)`)
	if err != nil {
		return fmt.Errorf("write blocks: %w", err)
	}
	sum.Rows.add(up)
	return nil
}

func writeShops(ctx context.Context, tx pgx.Tx, shops []geo.Shop, sum *ImportSummary) error {
	seen := make(map[string]bool, len(shops))
	valid := map[geo.Category]bool{}
	for _, c := range Categories() {
		valid[c] = true
	}
	if sum.ShopsByCategory == nil {
		sum.ShopsByCategory = map[geo.Category]int{}
	}
	for _, sh := range shops {
		if err := checkSourceID("shop", sh.SourceID, sh.Name, seen); err != nil {
			return err
		}
		if !valid[sh.Category] {
			return invalidf("shop %s: unknown category %q", sh.SourceID, sh.Category)
		}
		if err := checkLonLat(sh.Point); err != nil {
			return invalidf("shop %s: %v", sh.SourceID, err)
		}
		sum.ShopsByCategory[sh.Category]++
	}
	sum.Shops += len(shops)
	if len(shops) == 0 {
		return nil
	}
	err := stage(ctx, tx, "stage_shops",
		"source_id text, name text, category text, kind text, address text, geom bytea",
		[]string{"source_id", "name", "category", "kind", "address", "geom"},
		len(shops), func(i int) ([]any, error) {
			sh := shops[i]
			g, err := ewkb.Marshal(sh.Point, SRID)
			return []any{sh.SourceID, sh.Name, string(sh.Category), sh.Kind, sh.Address, g}, err
		})
	if err != nil {
		return err
	}
	up, err := merge(ctx, tx, len(shops), `
		INSERT INTO shops AS t (source_id, name, category, kind, address, geom)
		SELECT source_id, name, category, kind, address, ST_GeomFromEWKB(geom) FROM stage_shops
		ON CONFLICT (source_id) DO UPDATE SET
			name = EXCLUDED.name, category = EXCLUDED.category, kind = EXCLUDED.kind,
			address = EXCLUDED.address, geom = EXCLUDED.geom, updated_at = now()
		WHERE (t.name, t.category, t.kind, t.address)
			IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category, EXCLUDED.kind, EXCLUDED.address)
			OR NOT ST_Equals(t.geom, EXCLUDED.geom)`)
	if err != nil {
		return fmt.Errorf("write shops: %w", err)
	}
	sum.Rows.add(up)
	return nil
}

func writeStations(ctx context.Context, tx pgx.Tx, stations []geo.Station, sum *ImportSummary) error {
	seen := make(map[string]bool, len(stations))
	for _, st := range stations {
		if err := checkSourceID("station", st.SourceID, st.Name, seen); err != nil {
			return err
		}
		if err := checkLonLat(st.Point); err != nil {
			return invalidf("station %s: %v", st.SourceID, err)
		}
	}
	sum.Stations += len(stations)
	if len(stations) == 0 {
		return nil
	}
	err := stage(ctx, tx, "stage_stations", "source_id text, name text, kind text, geom bytea",
		[]string{"source_id", "name", "kind", "geom"},
		len(stations), func(i int) ([]any, error) {
			st := stations[i]
			g, err := ewkb.Marshal(st.Point, SRID)
			return []any{st.SourceID, st.Name, st.Kind, g}, err
		})
	if err != nil {
		return err
	}
	up, err := merge(ctx, tx, len(stations), `
		INSERT INTO stations AS t (source_id, name, kind, geom)
		SELECT source_id, name, kind, ST_GeomFromEWKB(geom) FROM stage_stations
		ON CONFLICT (source_id) DO UPDATE SET
			name = EXCLUDED.name, kind = EXCLUDED.kind, geom = EXCLUDED.geom, updated_at = now()
		WHERE (t.name, t.kind) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind)
			OR NOT ST_Equals(t.geom, EXCLUDED.geom)`)
	if err != nil {
		return fmt.Errorf("write stations: %w", err)
	}
	sum.Rows.add(up)
	return nil
}

func writeAreas(ctx context.Context, tx pgx.Tx, areas []geo.Area, sum *ImportSummary) error {
	seen := make(map[string]bool, len(areas))
	for _, a := range areas {
		if err := checkSourceID("area", a.SourceID, a.Name, seen); err != nil {
			return err
		}
		if a.Level < 0 || a.Level > 15 {
			return invalidf("area %s: admin level %d is outside 0..15", a.SourceID, a.Level)
		}
		if a.ParentSourceID == a.SourceID {
			return invalidf("area %s is its own parent", a.SourceID)
		}
		if len(a.Geometry) == 0 {
			return invalidf("area %s has no polygon", a.SourceID)
		}
		for _, poly := range a.Geometry {
			for _, ring := range poly {
				if len(ring) < 4 {
					return invalidf("area %s: a ring has %d points, a closed ring needs 4", a.SourceID, len(ring))
				}
				for _, p := range ring {
					if err := checkLonLat(p); err != nil {
						return invalidf("area %s: %v", a.SourceID, err)
					}
				}
			}
		}
	}
	sum.Areas += len(areas)
	if len(areas) == 0 {
		return nil
	}
	err := stage(ctx, tx, "stage_areas",
		"source_id text, name text, kind text, level smallint, parent_source_id text, geom bytea",
		[]string{"source_id", "name", "kind", "level", "parent_source_id", "geom"},
		len(areas), func(i int) ([]any, error) {
			a := areas[i]
			g, err := ewkb.Marshal(a.Geometry, SRID)
			return []any{a.SourceID, a.Name, AreaKind(a), int16(a.Level), a.ParentSourceID, g}, err
		})
	if err != nil {
		return err
	}
	// Boundaries assembled from OSM relations or drawn by hand are often slightly invalid
	// (self-touching rings); repair them once here so spatial joins later can trust them.
	var bad string
	err = tx.QueryRow(ctx, `
		WITH fixed AS (
			UPDATE stage_areas SET geom = ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3)))
			FROM (SELECT source_id AS sid, ST_GeomFromEWKB(geom) AS g FROM stage_areas) s
			WHERE s.sid = stage_areas.source_id AND NOT ST_IsValid(s.g)
			RETURNING source_id, geom)
		SELECT source_id FROM fixed WHERE ST_IsEmpty(ST_GeomFromEWKB(geom)) LIMIT 1`).Scan(&bad)
	switch {
	case err == nil:
		return invalidf("area %s: polygon has no area left after repairing it", bad)
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("write areas: repair polygons: %w", err)
	}
	var missing string
	err = tx.QueryRow(ctx, `
		SELECT s.parent_source_id FROM stage_areas s
		WHERE s.parent_source_id <> ''
		  AND NOT EXISTS (SELECT 1 FROM stage_areas p WHERE p.source_id = s.parent_source_id)
		  AND NOT EXISTS (SELECT 1 FROM areas p WHERE p.source_id = s.parent_source_id)
		LIMIT 1`).Scan(&missing)
	switch {
	case err == nil:
		return invalidf("area parent %s is neither in the input nor in the database", missing)
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("write areas: check parents: %w", err)
	}
	up, err := merge(ctx, tx, len(areas), `
		INSERT INTO areas AS t (source_id, name, kind, level, geom)
		SELECT source_id, name, kind, level, ST_GeomFromEWKB(geom) FROM stage_areas
		ON CONFLICT (source_id) DO UPDATE SET
			name = EXCLUDED.name, kind = EXCLUDED.kind, level = EXCLUDED.level,
			geom = EXCLUDED.geom, updated_at = now()
		WHERE (t.name, t.kind, t.level) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.level)
			OR NOT ST_OrderingEquals(t.geom, EXCLUDED.geom)`)
	if err != nil {
		return fmt.Errorf("write areas: %w", err)
	}
	// Parents are linked after every area of the batch exists, so the batch's order does not
	// matter. A row the merge left alone (updated_at from an earlier transaction) whose
	// parent changes is an update after all.
	var moved int
	err = tx.QueryRow(ctx, `
		WITH target AS (
			SELECT a.id, p.id AS parent_id, a.updated_at <> now() AS untouched
			FROM stage_areas s
			JOIN areas a ON a.source_id = s.source_id
			LEFT JOIN areas p ON p.source_id = s.parent_source_id
			WHERE a.parent_id IS DISTINCT FROM p.id),
		linked AS (
			UPDATE areas a SET parent_id = t.parent_id, updated_at = now()
			FROM target t WHERE a.id = t.id
			RETURNING a.id)
		SELECT count(*) FROM linked JOIN target USING (id) WHERE target.untouched`).Scan(&moved)
	if err != nil {
		return fmt.Errorf("write areas: link parents: %w", err)
	}
	up.Updated += moved
	up.Unchanged -= moved
	sum.Rows.add(up)
	return nil
}

// stage creates a temporary table that lives until the transaction ends and COPYs n rows
// into it. Geometries travel as EWKB bytea and are decoded by the merge, so pgx needs no
// PostGIS type registration.
func stage(ctx context.Context, tx pgx.Tx, name, columns string, cols []string, n int, row func(int) ([]any, error)) error {
	if _, err := tx.Exec(ctx, "CREATE TEMPORARY TABLE "+name+" ("+columns+") ON COMMIT DROP"); err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{name}, cols, pgx.CopyFromSlice(n, row)); err != nil {
		return fmt.Errorf("copy into %s: %w", name, err)
	}
	return nil
}

// merge runs an INSERT ... ON CONFLICT DO UPDATE ... WHERE changed, and counts inserted and
// updated rows; staged rows the WHERE clause skipped are unchanged. xmax is 0 exactly for
// the rows the statement inserted.
func merge(ctx context.Context, tx pgx.Tx, staged int, upsert string) (Upserted, error) {
	var ins, upd int
	err := tx.QueryRow(ctx, "WITH up AS ("+upsert+" RETURNING (t.xmax = 0) AS inserted) "+
		"SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up").Scan(&ins, &upd)
	if err != nil {
		return Upserted{}, err
	}
	return Upserted{Inserted: ins, Updated: upd, Unchanged: staged - ins - upd}, nil
}

func checkSourceID(what, id, name string, seen map[string]bool) error {
	if id == "" {
		return invalidf("%s %q has no source id", what, name)
	}
	if seen[id] {
		return invalidf("%s %s appears twice", what, id)
	}
	seen[id] = true
	return nil
}

func checkLonLat(p orb.Point) error {
	lon, lat := p[0], p[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return fmt.Errorf("coordinate (%v, %v) is not a WGS-84 lon/lat", lon, lat)
	}
	return nil
}
