package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// PointTable names a table of point features the API edits: shops or stations.
type PointTable string

// The point tables.
const (
	ShopsTable    PointTable = "shops"
	StationsTable PointTable = "stations"
)

// PointRecord is a shop or a waste station. Category and Address exist for shops only.
type PointRecord struct {
	ID        int64           `json:"id"`
	SourceID  string          `json:"source_id"`
	Name      string          `json:"name"`
	Category  string          `json:"category,omitempty"`
	Kind      string          `json:"kind"`
	Address   string          `json:"address,omitempty"`
	Geometry  json.RawMessage `json:"geometry"`
	UpdatedAt string          `json:"updated_at"`
}

// PointInput creates or changes a point feature; nil fields keep their value on update.
type PointInput struct {
	SourceID *string
	Name     *string
	Category *string
	Kind     *string
	Address  *string
	// Geometry is a GeoJSON Point in lon/lat.
	Geometry json.RawMessage
}

func (t PointTable) valid() error {
	if t != ShopsTable && t != StationsTable {
		return fmt.Errorf("data: unknown point table %q", string(t))
	}
	return nil
}

// columns lists the select expressions; stations have no category or address, so
// empty strings stand in and one scan function serves both tables.
func (t PointTable) columns() string { return t.qualifiedColumns("") }

// qualifiedColumns prefixes every column with alias (e.g. "p.") for queries that join.
func (t PointTable) qualifiedColumns(alias string) string {
	extra := alias + `category, ` + alias + `address`
	if t == StationsTable {
		extra = `''::text, ''::text`
	}
	return alias + `id, ` + alias + `source_id, ` + alias + `name, ` + extra + `, ` + alias + `kind, ST_AsGeoJSON(` + alias + `geom, 7)::text,
		to_char(` + alias + `updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
}

func scanPoint(row pgx.Row) (PointRecord, error) {
	var p PointRecord
	var g string
	err := row.Scan(&p.ID, &p.SourceID, &p.Name, &p.Category, &p.Address, &p.Kind, &g, &p.UpdatedAt)
	p.Geometry = json.RawMessage(g)
	return p, err
}

// PointFilter narrows ListPoints. Area is required: lists are always scoped.
type PointFilter struct {
	Area     int64
	BBox     *ListBBox
	Category string // shops only; "" for all
}

// ListPoints returns the features of t inside the filter's area (and box), in id order.
func (s *Store) ListPoints(ctx context.Context, t PointTable, f PointFilter, page ListPage) ([]PointRecord, error) {
	if err := t.valid(); err != nil {
		return nil, err
	}
	// Stations have no category.
	catFilter := ""
	if t == ShopsTable && f.Category != "" {
		catFilter = ` AND p.category = $4`
	}
	q := `SELECT ` + t.qualifiedColumns("p.") + ` FROM ` + string(t) + ` p, areas a
		WHERE a.id = $1 AND p.geom && a.geom AND ST_Intersects(p.geom, a.geom) AND p.id > $2` + catFilter
	args := []any{f.Area, page.After, page.Limit}
	if catFilter != "" {
		args = append(args, f.Category)
	}
	q, args = bboxClause(q, args, "p.geom", f.BBox)
	q += ` ORDER BY p.id LIMIT $3`
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", t, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PointRecord, error) { return scanPoint(r) })
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", t, err)
	}
	return out, nil
}

// GetPoint returns one shop or station.
func (s *Store) GetPoint(ctx context.Context, t PointTable, id int64) (PointRecord, error) {
	if err := t.valid(); err != nil {
		return PointRecord{}, err
	}
	p, err := scanPoint(s.pool.QueryRow(ctx, `SELECT `+t.columns()+` FROM `+string(t)+` WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("%s %d: %w", t, id, ErrRecordNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("get %s %d: %w", t, id, err)
	}
	return p, nil
}

// PointInArea reports whether the feature lies inside area's boundary.
func (s *Store) PointInArea(ctx context.Context, t PointTable, id, area int64) (bool, error) {
	if err := t.valid(); err != nil {
		return false, err
	}
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+string(t)+` p, areas a
		WHERE p.id = $1 AND a.id = $2 AND ST_Intersects(p.geom, a.geom))`, id, area).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("%s %d in area %d: %w", t, id, area, err)
	}
	return ok, nil
}

// GeometryInArea reports whether a GeoJSON geometry lies inside area's boundary (touching
// the boundary counts), so that an edit cannot move a feature out of the editor's area.
func (s *Store) GeometryInArea(ctx context.Context, geojson json.RawMessage, area int64) (bool, error) {
	var ok bool
	err := s.pool.QueryRow(ctx, `SELECT coalesce(ST_Covers(a.geom, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)), false)
		FROM areas a WHERE a.id = $2`, string(geojson), area).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("area %d: %w", area, ErrRecordNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("geometry in area %d: %w", area, classifyPgError(err))
	}
	return ok, nil
}

// CreatePoint inserts a shop or station. Without a source id one is made up ("api:<uuid>"),
// which a later file import will never collide with.
func (s *Store) CreatePoint(ctx context.Context, t PointTable, in PointInput) (PointRecord, error) {
	if err := t.valid(); err != nil {
		return PointRecord{}, err
	}
	var row pgx.Row
	if t == ShopsTable {
		row = s.pool.QueryRow(ctx, `
			INSERT INTO shops (source_id, name, category, kind, address, geom)
			VALUES (coalesce($1, 'api:' || gen_random_uuid()), coalesce($2, ''), coalesce($3, 'other'),
			        coalesce($4, ''), coalesce($5, ''), ST_SetSRID(ST_GeomFromGeoJSON($6), 4326))
			RETURNING `+t.columns(), in.SourceID, in.Name, in.Category, in.Kind, in.Address, geomArg(in.Geometry))
	} else {
		row = s.pool.QueryRow(ctx, `
			INSERT INTO stations (source_id, name, kind, geom)
			VALUES (coalesce($1, 'api:' || gen_random_uuid()), coalesce($2, ''), coalesce($3, ''),
			        ST_SetSRID(ST_GeomFromGeoJSON($4), 4326))
			RETURNING `+t.columns(), in.SourceID, in.Name, in.Kind, geomArg(in.Geometry))
	}
	p, err := scanPoint(row)
	if err != nil {
		return p, fmt.Errorf("create %s: %w", t, classifyPgError(err))
	}
	return p, nil
}

// UpdatePoint changes the given fields of a shop or station.
func (s *Store) UpdatePoint(ctx context.Context, t PointTable, id int64, in PointInput) (PointRecord, error) {
	if err := t.valid(); err != nil {
		return PointRecord{}, err
	}
	var row pgx.Row
	if t == ShopsTable {
		row = s.pool.QueryRow(ctx, `
			UPDATE shops SET name = coalesce($2, name), category = coalesce($3, category),
				kind = coalesce($4, kind), address = coalesce($5, address),
				geom = coalesce(ST_SetSRID(ST_GeomFromGeoJSON($6), 4326), geom), updated_at = now()
			WHERE id = $1 RETURNING `+t.columns(), id, in.Name, in.Category, in.Kind, in.Address, geomArg(in.Geometry))
	} else {
		row = s.pool.QueryRow(ctx, `
			UPDATE stations SET name = coalesce($2, name), kind = coalesce($3, kind),
				geom = coalesce(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), geom), updated_at = now()
			WHERE id = $1 RETURNING `+t.columns(), id, in.Name, in.Kind, geomArg(in.Geometry))
	}
	p, err := scanPoint(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("%s %d: %w", t, id, ErrRecordNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("update %s %d: %w", t, id, classifyPgError(err))
	}
	return p, nil
}

// DeletePoint removes a shop or station; a shop with recorded visits is ErrInUse.
func (s *Store) DeletePoint(ctx context.Context, t PointTable, id int64) error {
	if err := t.valid(); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM `+string(t)+` WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete %s %d: %w", t, id, classifyPgError(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s %d: %w", t, id, ErrRecordNotFound)
	}
	return nil
}
