package data

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The queries of the check-in load generator (cmd/loadcheckins), which measures the API
// from outside and checks what reached the database.

// FirstBlockInArea returns the lowest block id that lies in an area, and that area (the
// lowest such id), or ErrRecordNotFound when no block lies in any area.
func (s *Store) FirstBlockInArea(ctx context.Context) (block, area int64, err error) {
	err = s.pool.QueryRow(ctx, `
		SELECT b.id, a.id FROM blocks b JOIN areas a ON ST_Intersects(a.geom, b.geom)
		ORDER BY a.id, b.id LIMIT 1`).Scan(&block, &area)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, fmt.Errorf("a block inside an area: %w", ErrRecordNotFound)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("a block inside an area: %w", err)
	}
	return block, area, nil
}

// VisitClientKeys returns the client key of every stored visit whose key starts with
// prefix, once per row (a key stored twice comes back twice).
func (s *Store) VisitClientKeys(ctx context.Context, prefix string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT client_key FROM visits WHERE starts_with(client_key, $1)`, prefix)
	if err != nil {
		return nil, fmt.Errorf("visit keys %q: %w", prefix, err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("visit keys %q: %w", prefix, err)
	}
	return keys, nil
}
