package api

import (
	"encoding/json"
	"net/http"

	"github.com/gridsweep/gridsweep/data"
)

func (s *server) handleMe(w http.ResponseWriter, r *http.Request) error {
	p := mustPrincipal(r)
	out := map[string]any{"token_id": p.TokenID, "role": p.Role, "area_id": p.AreaID}
	if p.WorkerID != 0 {
		out["worker_id"] = p.WorkerID
	}
	return writeJSON(w, http.StatusOK, out)
}

func areaID(a data.AreaRecord) int64 { return a.ID }

// handleListAreas lists the token's area and the areas below it.
func (s *server) handleListAreas(w http.ResponseWriter, r *http.Request) error {
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	areas, err := s.store.ListAreas(r.Context(), mustPrincipal(r).AreaID, fetchPage(page))
	if err != nil {
		return err
	}
	return writeFeatureCollection(w, r, areas, page, areaID)
}

func (s *server) handleGetArea(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.store.GetArea(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.requireArea(r, id); err != nil {
		return err
	}
	return writeFeature(w, http.StatusOK, a)
}

type areaBody struct {
	SourceID *string         `json:"source_id"`
	Name     *string         `json:"name"`
	Kind     *string         `json:"kind"`
	ParentID *int64          `json:"parent_id"`
	Geometry json.RawMessage `json:"geometry"`
	// TimeZone is an IANA zone name; null inherits the parent's (areatz.go).
	TimeZone json.RawMessage `json:"time_zone"`
}

// handleCreateArea adds a community or grid below an area in the supervisor's scope; its
// boundary must lie inside the supervisor's own area, so a supervisor cannot widen what
// their token sees by drawing a large child area.
func (s *server) handleCreateArea(w http.ResponseWriter, r *http.Request) error {
	var b areaBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	var errs []FieldError
	if b.Kind == nil || (*b.Kind != "community" && *b.Kind != "grid") {
		errs = append(errs, FieldError{"kind", "must be community or grid"})
	}
	if b.ParentID == nil {
		errs = append(errs, FieldError{"parent_id", "required: new areas go below an area of yours"})
	}
	if b.SourceID != nil && *b.SourceID == "" {
		errs = append(errs, FieldError{"source_id", "must not be empty when given"})
	}
	if len(errs) > 0 {
		p := problemf(KindValidation, "the area is invalid")
		p.Errors = errs
		return p
	}
	geom, err := checkGeometry("geometry", b.Geometry, "Polygon", "MultiPolygon")
	if err != nil {
		return err
	}
	if _, err := s.store.GetArea(r.Context(), *b.ParentID); err != nil {
		return problemf(KindValidation, "parent_id %d: no such area", *b.ParentID).withCause(err)
	}
	if err := s.requireArea(r, *b.ParentID); err != nil {
		return err
	}
	if err := s.requireGeometryInScope(r, geom); err != nil {
		return err
	}
	src := b.SourceID
	if src == nil {
		v := "api:" + randomHex(12)
		src = &v
	}
	tz, setTZ, err := parseTimeZone(b.TimeZone)
	if err != nil {
		return err
	}
	a, err := s.store.CreateArea(r.Context(), data.AreaInput{
		SourceID: src, Name: b.Name, Kind: b.Kind, ParentID: b.ParentID, Geometry: geom,
	})
	if err != nil {
		return err
	}
	if setTZ {
		if a, err = s.setAreaTimeZone(r, a.ID, tz); err != nil {
			return err
		}
	}
	w.Header().Set("Location", "/api/v1/areas/"+itoa(a.ID))
	return writeFeature(w, http.StatusCreated, a)
}

// handleUpdateArea renames an area or redraws it. The token's own area can only be
// renamed: redrawing it would change the token's own reach.
func (s *server) handleUpdateArea(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b areaBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if b.Kind != nil || b.ParentID != nil || b.SourceID != nil {
		return problemf(KindValidation, "only name, geometry and time_zone of an area can change")
	}
	tz, setTZ, err := parseTimeZone(b.TimeZone)
	if err != nil {
		return err
	}
	if _, err := s.store.GetArea(r.Context(), id); err != nil {
		return err
	}
	if err := s.requireArea(r, id); err != nil {
		return err
	}
	var geom json.RawMessage
	if b.Geometry != nil {
		if id == mustPrincipal(r).AreaID {
			return problemf(KindForbidden, "a token cannot redraw its own area")
		}
		if geom, err = checkGeometry("geometry", b.Geometry, "Polygon", "MultiPolygon"); err != nil {
			return err
		}
		if err := s.requireGeometryInScope(r, geom); err != nil {
			return err
		}
	}
	a, err := s.store.UpdateArea(r.Context(), id, data.AreaInput{Name: b.Name, Geometry: geom})
	if err != nil {
		return err
	}
	if setTZ {
		if a, err = s.setAreaTimeZone(r, id, tz); err != nil {
			return err
		}
	}
	return writeFeature(w, http.StatusOK, a)
}

func (s *server) handleDeleteArea(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.GetArea(r.Context(), id); err != nil {
		return err
	}
	if err := s.requireArea(r, id); err != nil {
		return err
	}
	if id == mustPrincipal(r).AreaID {
		return problemf(KindForbidden, "a token cannot delete its own area")
	}
	if err := s.store.DeleteArea(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// requireGeometryInScope answers 403 unless geom lies inside the token's area.
func (s *server) requireGeometryInScope(r *http.Request, geom json.RawMessage) error {
	p := mustPrincipal(r)
	ok, err := s.store.GeometryInArea(r.Context(), geom, p.AreaID)
	if err != nil {
		return err
	}
	if !ok {
		return problemf(KindForbidden, "the geometry lies outside this token's area %d", p.AreaID)
	}
	return nil
}

func (s *server) handleListBlocks(w http.ResponseWriter, r *http.Request) error {
	page, err := parsePage(r)
	if err != nil {
		return err
	}
	bbox, err := parseBBox(r)
	if err != nil {
		return err
	}
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	blocks, err := s.store.ListBlocks(r.Context(), area, bbox, fetchPage(page))
	if err != nil {
		return err
	}
	return writeFeatureCollection(w, r, blocks, page, func(b data.BlockRecord) int64 { return b.ID })
}
