package datatest

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Row is one result row of DB.QueryRow.
type Row interface {
	Scan(dest ...any) error
}

// DB is a raw connection to a test's database for the checks no store query answers
// (row counts, a stored coordinate, a trigger refusing an UPDATE). It keeps pgx inside
// data/: test packages elsewhere reach SQL only through here.
type DB struct {
	conn *pgx.Conn
}

// Connect opens a connection to url (a database from NewDatabase) that closes when the
// test ends.
func Connect(t testing.TB, url string) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("datatest: connect %s: %v", redact(url), err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return &DB{conn: conn}
}

// QueryRow runs a query expected to return one row.
func (d *DB) QueryRow(ctx context.Context, sql string, args ...any) Row {
	return d.conn.QueryRow(ctx, sql, args...)
}

// Exec runs a statement.
func (d *DB) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := d.conn.Exec(ctx, sql, args...)
	return err
}

// SetConnectable lets the database of url (from NewDatabase) accept new sessions again
// (on), or cuts it off the way a PostgreSQL shutdown does (off): new sessions are refused
// and the open ones are terminated (57P01). The database is made connectable again when
// the test ends.
func SetConnectable(t testing.TB, dbURL string, on bool) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("datatest: parse %s: %v", redact(dbURL), err)
	}
	db := strings.TrimPrefix(u.Path, "/")
	admin := Connect(t, ServerURL(t))
	ctx := context.Background()
	allow := func(on bool) error {
		return admin.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{db}.Sanitize()+` WITH ALLOW_CONNECTIONS `+map[bool]string{true: "true", false: "false"}[on])
	}
	if err := allow(on); err != nil {
		t.Fatalf("datatest: allow connections to %s: %v", db, err)
	}
	if on {
		return
	}
	t.Cleanup(func() {
		if err := allow(true); err != nil {
			t.Logf("datatest: allow connections to %s again: %v", db, err)
		}
	})
	if err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, db); err != nil {
		t.Fatalf("datatest: end the sessions of %s: %v", db, err)
	}
}

// mapTables are the tables an import writes.
var mapTables = []string{"street_nodes", "blocks", "shops", "stations", "areas"}

// MapCounts returns the row count of each table an import writes.
func (d *DB) MapCounts(t testing.TB) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, table := range mapTables {
		var n int
		if err := d.conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("datatest: count %s: %v", table, err)
		}
		m[table] = n
	}
	return m
}

// MapChecksum digests every row of the tables an import writes, ids and timestamps
// included, so that an import that rewrote or renumbered anything shows up.
func (d *DB) MapChecksum(t testing.TB) string {
	t.Helper()
	q := `SELECT md5(''`
	for _, table := range mapTables {
		q += ` || (SELECT coalesce(string_agg(x::text, '|' ORDER BY x.id), '') FROM ` + table + ` x)`
	}
	var sum string
	if err := d.conn.QueryRow(context.Background(), q+`)`).Scan(&sum); err != nil {
		t.Fatalf("datatest: checksum: %v", err)
	}
	return sum
}
