package data

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"github.com/gridsweep/gridsweep/geo"
)

// StationPoint returns where station id stands (lon, lat).
func (s *Store) StationPoint(ctx context.Context, id int64) (orb.Point, error) {
	var p orb.Point
	err := s.pool.QueryRow(ctx, `SELECT ST_X(geom), ST_Y(geom) FROM stations WHERE id = $1`, id).Scan(&p[0], &p[1])
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("station %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("station %d: %w", id, err)
	}
	return p, nil
}

// AreaBlocks returns the street blocks that intersect area, in id order.
func (s *Store) AreaBlocks(ctx context.Context, area int64) ([]geo.Block, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT b.source_id, b.way_id, b.from_node, b.to_node, ST_AsBinary(b.geom), b.length_m, b.highway, b.name, b.oneway
		FROM blocks b, areas a WHERE a.id = $1 AND b.geom && a.geom AND ST_Intersects(b.geom, a.geom) ORDER BY b.id`, area)
	if err != nil {
		return nil, fmt.Errorf("blocks of area %d: %w", area, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.Block, error) {
		var b geo.Block
		err := r.Scan(&b.SourceID, &b.WayID, &b.From, &b.To, ewkb.Scanner(&b.Geometry), &b.LengthM, &b.Highway, &b.Name, &b.Oneway)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("blocks of area %d: %w", area, err)
	}
	return out, nil
}
