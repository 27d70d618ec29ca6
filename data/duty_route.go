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
	blocks, _, err := s.areaBlocks(ctx, area)
	return blocks, err
}

// areaBlocks reads the blocks that intersect area, in id order, with their ids: the
// streets a plan or a duty route of the area runs on.
func (s *Store) areaBlocks(ctx context.Context, area int64) ([]geo.Block, []int64, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT b.id, b.source_id, b.way_id, b.from_node, b.to_node, ST_AsBinary(b.geom), b.length_m, b.highway, b.name, b.oneway
		FROM blocks b, areas a WHERE a.id = $1 AND b.geom && a.geom AND ST_Intersects(b.geom, a.geom) ORDER BY b.id`, area)
	if err != nil {
		return nil, nil, fmt.Errorf("blocks of area %d: %w", area, err)
	}
	defer rows.Close()
	var blocks []geo.Block
	var ids []int64
	for rows.Next() {
		var b geo.Block
		var id int64
		if err := rows.Scan(&id, &b.SourceID, &b.WayID, &b.From, &b.To, ewkb.Scanner(&b.Geometry), &b.LengthM, &b.Highway, &b.Name, &b.Oneway); err != nil {
			return nil, nil, fmt.Errorf("blocks of area %d: %w", area, err)
		}
		blocks, ids = append(blocks, b), append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("blocks of area %d: %w", area, err)
	}
	return blocks, ids, nil
}
