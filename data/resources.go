package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ListPage bounds a list query: at most Limit rows with id > After, in id order. Keyset
// pagination on the primary key stays stable while rows are added and costs the same
// on the last page as on the first.
type ListPage struct {
	Limit int
	After int64
}

// ListBBox is a lon/lat bounding box: west, south, east, north.
type ListBBox [4]float64

// AreaInScope reports whether area is root or lies below root in the area tree. UNION
// (not UNION ALL) makes the walk terminate even if parent links ever formed a cycle.
func (s *Store) AreaInScope(ctx context.Context, root, area int64) (bool, error) {
	if root == area {
		return true, nil
	}
	var ok bool
	err := s.pool.QueryRow(ctx, `
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM areas WHERE id = $1
			UNION
			SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id
		)
		SELECT EXISTS (SELECT 1 FROM sub WHERE id = $2)`, root, area).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("area scope %d in %d: %w", area, root, err)
	}
	return ok, nil
}

// LargestTopArea returns the id of the largest area without a parent: the city of an
// import, which tools working on "the whole map" (synthetic check-ins, the tile
// benchmark) take when given no area. Ties go to the lowest id, so the choice is stable.
// A database without areas gives ErrRecordNotFound.
func (s *Store) LargestTopArea(ctx context.Context) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `
		SELECT id FROM areas WHERE parent_id IS NULL ORDER BY ST_Area(geom) DESC, id LIMIT 1`).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("largest top-level area: %w", ErrRecordNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("largest top-level area: %w", err)
	}
	return id, nil
}

// AreaRecord is an area as the API shows it; Geometry is GeoJSON.
type AreaRecord struct {
	ID        int64           `json:"id"`
	SourceID  string          `json:"source_id"`
	Name      string          `json:"name"`
	Kind      string          `json:"kind"`
	Level     int             `json:"level"`
	ParentID  *int64          `json:"parent_id"`
	Geometry  json.RawMessage `json:"geometry"`
	UpdatedAt string          `json:"updated_at"`
	// TimeZone is the area's own IANA zone; nil inherits the parent's (see AreaTimeZone).
	TimeZone *string `json:"time_zone"`
}

const areaColumns = `id, source_id, name, kind, level, parent_id, ST_AsGeoJSON(geom, 7)::text,
	to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), time_zone`

func scanArea(row pgx.Row) (AreaRecord, error) {
	var a AreaRecord
	var geom string
	err := row.Scan(&a.ID, &a.SourceID, &a.Name, &a.Kind, &a.Level, &a.ParentID, &geom, &a.UpdatedAt, &a.TimeZone)
	a.Geometry = json.RawMessage(geom)
	return a, err
}

// ListAreas returns the areas at or below root, a page at a time.
func (s *Store) ListAreas(ctx context.Context, root int64, page ListPage) ([]AreaRecord, error) {
	rows, err := s.pool.Query(ctx, `
		WITH RECURSIVE sub(id) AS (
			SELECT id FROM areas WHERE id = $1
			UNION
			SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id
		)
		SELECT `+areaColumns+` FROM areas WHERE id IN (SELECT id FROM sub) AND id > $2
		ORDER BY id LIMIT $3`, root, page.After, page.Limit)
	if err != nil {
		return nil, fmt.Errorf("list areas: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AreaRecord, error) { return scanArea(r) })
	if err != nil {
		return nil, fmt.Errorf("list areas: %w", err)
	}
	return out, nil
}

// GetArea returns one area.
func (s *Store) GetArea(ctx context.Context, id int64) (AreaRecord, error) {
	a, err := scanArea(s.pool.QueryRow(ctx, `SELECT `+areaColumns+` FROM areas WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("area %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("get area %d: %w", id, err)
	}
	return a, nil
}

// AreaInput creates or changes an area. On update, nil fields keep their value.
type AreaInput struct {
	SourceID *string
	Name     *string
	Kind     *string
	ParentID *int64
	// Geometry is a GeoJSON Polygon or MultiPolygon in lon/lat.
	Geometry json.RawMessage
}

func geomArg(g json.RawMessage) any {
	if g == nil {
		return nil
	}
	return string(g)
}

// CreateArea inserts a community or grid area (administrative areas come from imports).
func (s *Store) CreateArea(ctx context.Context, in AreaInput) (AreaRecord, error) {
	a, err := scanArea(s.pool.QueryRow(ctx, `
		INSERT INTO areas (source_id, name, kind, parent_id, geom)
		VALUES ($1, coalesce($2, ''), $3, $4, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)))
		RETURNING `+areaColumns, in.SourceID, in.Name, in.Kind, in.ParentID, geomArg(in.Geometry)))
	if err != nil {
		return a, fmt.Errorf("create area: %w", classifyPgError(err))
	}
	return a, nil
}

// UpdateArea changes the given fields of an area.
func (s *Store) UpdateArea(ctx context.Context, id int64, in AreaInput) (AreaRecord, error) {
	a, err := scanArea(s.pool.QueryRow(ctx, `
		UPDATE areas SET
			name = coalesce($2, name),
			geom = coalesce(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)), geom),
			updated_at = now()
		WHERE id = $1
		RETURNING `+areaColumns, id, in.Name, geomArg(in.Geometry)))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("area %d: %w", id, ErrRecordNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("update area %d: %w", id, classifyPgError(err))
	}
	return a, nil
}

// DeleteArea removes an area; it fails with ErrInUse while workers belong to it.
func (s *Store) DeleteArea(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM areas WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete area %d: %w", id, classifyPgError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("area %d: %w", id, ErrRecordNotFound)
	}
	return nil
}

// BlockRecord is a street block as the API shows it.
type BlockRecord struct {
	ID       int64           `json:"id"`
	SourceID string          `json:"source_id"`
	Name     string          `json:"name"`
	Highway  string          `json:"highway"`
	LengthM  float64         `json:"length_m"`
	Oneway   bool            `json:"oneway"`
	Geometry json.RawMessage `json:"geometry"`
}

// ListBlocks returns the blocks that intersect area's boundary and, when bbox is set, the
// box. The && test against ST_MakeEnvelope lets the planner use blocks_geom_gist.
func (s *Store) ListBlocks(ctx context.Context, area int64, bbox *ListBBox, page ListPage) ([]BlockRecord, error) {
	q, args := `
		SELECT b.id, b.source_id, b.name, b.highway, b.length_m, b.oneway, ST_AsGeoJSON(b.geom, 7)::text
		FROM blocks b, areas a
		WHERE a.id = $1 AND b.geom && a.geom AND ST_Intersects(b.geom, a.geom) AND b.id > $2`,
		[]any{area, page.After, page.Limit}
	q, args = bboxClause(q, args, "b.geom", bbox)
	rows, err := s.pool.Query(ctx, q+` ORDER BY b.id LIMIT $3`, args...)
	if err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BlockRecord, error) {
		var b BlockRecord
		var g string
		err := r.Scan(&b.ID, &b.SourceID, &b.Name, &b.Highway, &b.LengthM, &b.Oneway, &g)
		b.Geometry = json.RawMessage(g)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("list blocks: %w", err)
	}
	return out, nil
}

// bboxClause adds "geom && box" to a query only when a box is given: a clause written
// as "$n IS NULL OR geom && box" would keep a generic prepared plan from using the GIST
// index.
func bboxClause(q string, args []any, column string, bbox *ListBBox) (string, []any) {
	if bbox == nil {
		return q, args
	}
	n := len(args)
	q += fmt.Sprintf(" AND %s && ST_MakeEnvelope($%d, $%d, $%d, $%d, 4326)", column, n+1, n+2, n+3, n+4)
	return q, append(args, bbox[0], bbox[1], bbox[2], bbox[3])
}

// ListGrids returns the grids (kind grid) whose parent is area, in id order: a
// community's territories.
func (s *Store) ListGrids(ctx context.Context, area int64) ([]AreaRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+areaColumns+` FROM areas WHERE parent_id = $1 AND kind = 'grid' ORDER BY id`, area)
	if err != nil {
		return nil, fmt.Errorf("grids of area %d: %w", area, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AreaRecord, error) { return scanArea(r) })
	if err != nil {
		return nil, fmt.Errorf("grids of area %d: %w", area, err)
	}
	return out, nil
}
