package data

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// SRID is the spatial reference of every geometry column: WGS-84 lon/lat.
const SRID = 4326

// Store is the PostGIS database of one gridsweep installation. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url and brings its schema up to date, so a Store is
// always ready for the queries of this build.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message can quote the URL with its password; say only what is wrong.
		return nil, errors.New("open database: DATABASE_URL is not a valid PostgreSQL connection string")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s@%s:%d/%s: %w",
			cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	s := &Store{pool: pool}
	if _, err := s.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the connections.
func (s *Store) Close() {
	s.pool.Close()
}

// Pool gives callers that need raw access (the API's readiness check, tests) the connection pool.
func (s *Store) Pool() *pgxpool.Pool {
	return s.pool
}

// Migrate applies the migrations the database has not seen yet and returns the schema
// version it ends at. It is idempotent: on an up-to-date database it changes nothing.
// A Postgres advisory lock serialises concurrent callers (several replicas starting at once).
func (s *Store) Migrate(ctx context.Context) (int64, error) {
	p, db, err := s.migrator()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrate database: %w", err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate database: read version: %w", err)
	}
	return v, nil
}

// SchemaVersion returns the highest migration version applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	p, db, err := s.migrator()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// migrator returns a goose provider over the embedded migrations. goose works on
// database/sql, so it gets a *sql.DB view of the pool; closing that view leaves the pool open.
func (s *Store) migrator() (*goose.Provider, *sql.DB, error) {
	migrations, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	db := stdlib.OpenDBFromPool(s.pool)
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations,
		goose.WithSessionLocker(locker),
		// Migrations are only ever these embedded files, never globally registered Go ones.
		goose.WithDisableGlobalRegistry(true))
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	return p, db, nil
}
