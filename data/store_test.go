package data

import (
	"context"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/data/datatest"
)

// openTest opens a Store on a fresh, migrated database of its own.
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), datatest.NewDatabase(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// coreTables are the tables of the first migrations (00001-00049): the map and the work.
var coreTables = []string{"areas", "street_nodes", "blocks", "shops", "stations",
	"workers", "plans", "plan_assignments", "routes", "visits", "gps_points"}

func TestMigrationsApplyOnceAndAreIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)

	v1, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if v1 < 3 || len(entries) < 3 {
		t.Fatalf("schema version %d after Open with %d migration files, want >= 3", v1, len(entries))
	}

	// Every table of the schema exists with a SRID 4326 geometry where it has one.
	for _, table := range coreTables {
		var n int
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = 'public' AND table_name = $1`, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("table %s missing", table)
		}
	}
	var wrongSRID int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM geometry_columns
		WHERE f_table_schema = 'public' AND f_table_name = ANY($1) AND srid <> 4326`, coreTables).Scan(&wrongSRID); err != nil {
		t.Fatal(err)
	}
	if wrongSRID != 0 {
		t.Errorf("%d geometry columns are not SRID 4326", wrongSRID)
	}
	var ungisted int
	if err := s.pool.QueryRow(ctx, `
		SELECT count(*) FROM geometry_columns g
		WHERE g.f_table_schema = 'public' AND g.f_table_name = ANY($1) AND g.f_geometry_column = 'geom'
		  AND NOT EXISTS (SELECT 1 FROM pg_indexes i WHERE i.tablename = g.f_table_name
			  AND i.indexdef LIKE '%USING gist (geom)%')`, coreTables).Scan(&ungisted); err != nil {
		t.Fatal(err)
	}
	if ungisted != 0 {
		t.Errorf("%d geom columns have no GIST index", ungisted)
	}

	// A second Migrate, and a second Open, are no-ops.
	v2, err := s.Migrate(ctx)
	if err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if v2 != v1 {
		t.Errorf("version %d after second migrate, want %d", v2, v1)
	}
	var applied int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != len(entries) {
		t.Errorf("goose recorded %d applied migrations, want %d (one per file, no repeats)", applied, len(entries))
	}
	s2, err := Open(ctx, s.pool.Config().ConnString())
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	if v3, err := s2.SchemaVersion(ctx); err != nil || v3 != v1 {
		t.Errorf("version %d (%v) after reopening, want %d", v3, err, v1)
	}
}

func TestOpenRejectsBadURL(t *testing.T) {
	_, err := Open(context.Background(), "postgres://user:secret@[::1")
	if err == nil {
		t.Fatal("Open accepted a malformed URL")
	}
	if got := err.Error(); strings.Contains(got, "secret") {
		t.Errorf("error leaks the password: %s", got)
	}
}
