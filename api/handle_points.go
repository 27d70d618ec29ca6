package api

import (
	"encoding/json"
	"net/http"

	"github.com/gridsweep/gridsweep/data"
)

// pointKind describes one of the point-feature collections (shops, stations) that share
// their handlers.
type pointKind struct {
	plural   string
	singular string
	table    data.PointTable
	// shops have a category and an address; stations do not.
	hasCategory bool
}

var (
	shopKind    = pointKind{plural: "shops", singular: "shop", table: data.ShopsTable, hasCategory: true}
	stationKind = pointKind{plural: "stations", singular: "station", table: data.StationsTable}
)

// shopCategories is geo's documented category list (the shops table checks it too; the
// API checks first to name the field in its answer).
var shopCategories = map[string]bool{
	"supermarket": true, "restaurant": true, "barber": true, "car_wash": true, "laundry": true, "other": true,
}

type pointBody struct {
	SourceID *string         `json:"source_id"`
	Name     *string         `json:"name"`
	Category *string         `json:"category"`
	Kind     *string         `json:"kind"`
	Address  *string         `json:"address"`
	Geometry json.RawMessage `json:"geometry"`
}

func (b pointBody) validate(k pointKind) error {
	var errs []FieldError
	if !k.hasCategory && b.Category != nil {
		errs = append(errs, FieldError{"category", "stations have no category"})
	}
	if !k.hasCategory && b.Address != nil {
		errs = append(errs, FieldError{"address", "stations have no address"})
	}
	if k.hasCategory && b.Category != nil && !shopCategories[*b.Category] {
		errs = append(errs, FieldError{"category", "must be supermarket, restaurant, barber, car_wash, laundry or other"})
	}
	if b.SourceID != nil && *b.SourceID == "" {
		errs = append(errs, FieldError{"source_id", "must not be empty when given"})
	}
	if len(errs) > 0 {
		p := problemf(KindValidation, "the %s is invalid", k.singular)
		p.Errors = errs
		return p
	}
	return nil
}

func pointID(p data.PointRecord) int64 { return p.ID }

func (s *server) handleListPoints(k pointKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
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
		f := data.PointFilter{Area: area, BBox: bbox}
		if c := r.URL.Query().Get("category"); c != "" {
			if !k.hasCategory || !shopCategories[c] {
				return problemf(KindValidation, "unknown category %q", c)
			}
			f.Category = c
		}
		items, err := s.store.ListPoints(r.Context(), k.table, f, fetchPage(page))
		if err != nil {
			return err
		}
		return writeFeatureCollection(w, r, items, page, pointID)
	}
}

// loadPoint fetches a feature and checks it lies in the token's area: 404 when it does
// not exist, 403 when it is someone else's.
func (s *server) loadPoint(r *http.Request, k pointKind) (data.PointRecord, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return data.PointRecord{}, err
	}
	pt, err := s.store.GetPoint(r.Context(), k.table, id)
	if err != nil {
		return pt, err
	}
	p := mustPrincipal(r)
	ok, err := s.store.PointInArea(r.Context(), k.table, id, p.AreaID)
	if err != nil {
		return pt, err
	}
	if !ok {
		return pt, problemf(KindForbidden, "%s %d lies outside this token's area %d", k.singular, id, p.AreaID)
	}
	return pt, nil
}

func (s *server) handleGetPoint(k pointKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		pt, err := s.loadPoint(r, k)
		if err != nil {
			return err
		}
		return writeFeature(w, http.StatusOK, pt)
	}
}

func (s *server) handleCreatePoint(k pointKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b pointBody
		if err := decodeJSON(r, &b); err != nil {
			return err
		}
		if err := b.validate(k); err != nil {
			return err
		}
		geom, err := checkGeometry("geometry", b.Geometry, "Point")
		if err != nil {
			return err
		}
		if err := s.requireGeometryInScope(r, geom); err != nil {
			return err
		}
		pt, err := s.store.CreatePoint(r.Context(), k.table, data.PointInput{
			SourceID: b.SourceID, Name: b.Name, Category: b.Category, Kind: b.Kind, Address: b.Address, Geometry: geom,
		})
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/"+k.plural+"/"+itoa(pt.ID))
		return writeFeature(w, http.StatusCreated, pt)
	}
}

func (s *server) handleUpdatePoint(k pointKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		pt, err := s.loadPoint(r, k)
		if err != nil {
			return err
		}
		var b pointBody
		if err := decodeJSON(r, &b); err != nil {
			return err
		}
		if err := b.validate(k); err != nil {
			return err
		}
		if b.SourceID != nil {
			return problemf(KindValidation, "source_id cannot change")
		}
		var geom json.RawMessage
		if b.Geometry != nil {
			if geom, err = checkGeometry("geometry", b.Geometry, "Point"); err != nil {
				return err
			}
			if err := s.requireGeometryInScope(r, geom); err != nil {
				return err
			}
		}
		pt, err = s.store.UpdatePoint(r.Context(), k.table, pt.ID, data.PointInput{
			Name: b.Name, Category: b.Category, Kind: b.Kind, Address: b.Address, Geometry: geom,
		})
		if err != nil {
			return err
		}
		return writeFeature(w, http.StatusOK, pt)
	}
}

func (s *server) handleDeletePoint(k pointKind) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		pt, err := s.loadPoint(r, k)
		if err != nil {
			return err
		}
		if err := s.store.DeletePoint(r.Context(), k.table, pt.ID); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
