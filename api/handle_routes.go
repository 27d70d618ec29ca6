package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// loadRoute checks access (a supervisor of the plan's area, or the worker themself) and
// returns the worker's stored route trips; a worker with no route in the plan is 404.
func (s *server) loadRoute(r *http.Request) (data.PlanRecord, int64, []data.PlanRouteRow, error) {
	worker, err := pathID(r, "worker")
	if err != nil {
		return data.PlanRecord{}, 0, nil, err
	}
	p := mustPrincipal(r)
	if p.Role == data.RoleWorker && p.WorkerID != worker {
		return data.PlanRecord{}, 0, nil, problemf(KindForbidden, "a worker token reads only worker %d's routes", p.WorkerID)
	}
	plan, err := s.loadPlan(r)
	if err != nil {
		return plan, 0, nil, err
	}
	rows, err := s.store.PlanRoutes(r.Context(), plan.ID, worker)
	if err != nil {
		return plan, 0, nil, err
	}
	if len(rows) == 0 {
		return plan, 0, nil, problemf(KindNotFound, "plan %d has no route for worker %d (status %s)", plan.ID, worker, plan.Status)
	}
	return plan, worker, rows, nil
}

// handleRoute answers a worker's route as a GeoJSON FeatureCollection: one Feature per
// trip (patrol routes have one) with its length, duration and step list.
func (s *server) handleRoute(w http.ResponseWriter, r *http.Request) error {
	plan, worker, rows, err := s.loadRoute(r)
	if err != nil {
		return err
	}
	return writeRoute(w, plan.ID, worker, rows)
}

// writeRoute sends a worker's route trips as a GeoJSON FeatureCollection (the plan's
// route endpoint and the worker's route of the day answer the same document).
func writeRoute(w http.ResponseWriter, plan, worker int64, rows []data.PlanRouteRow) error {
	fs := make([]map[string]any, 0, len(rows))
	for _, row := range rows {
		fs = append(fs, map[string]any{
			"type":     "Feature",
			"geometry": row.Geometry,
			"properties": map[string]any{
				"plan_id": plan, "worker_id": worker, "seq": row.Seq,
				"length_m": row.LengthM, "duration_s": row.DurationS, "steps": row.Steps,
			},
		})
	}
	return writeJSONType(w, http.StatusOK, "application/geo+json", map[string]any{"type": "FeatureCollection", "features": fs})
}

func (s *server) handleRouteGPX(w http.ResponseWriter, r *http.Request) error {
	plan, worker, rows, err := s.loadRoute(r)
	if err != nil {
		return err
	}
	doc := geo.GPX{Name: fmt.Sprintf("plan %d, worker %d", plan.ID, worker)}
	for _, row := range rows {
		g, err := geojson.UnmarshalGeometry(row.Geometry)
		if err != nil {
			return fmt.Errorf("route geometry: %w", err)
		}
		var lines orb.MultiLineString
		switch geom := g.Geometry().(type) {
		case orb.LineString:
			lines = orb.MultiLineString{geom}
		case orb.MultiLineString:
			lines = geom
		default:
			return fmt.Errorf("route geometry is %s", g.Type)
		}
		trk := geo.GPXTrack{Name: fmt.Sprintf("trip %d", row.Seq)}
		for _, ls := range lines {
			var seg geo.GPXSegment
			for _, p := range ls {
				seg.Points = append(seg.Points, geo.GPXPoint{Lat: p.Lat(), Lon: p.Lon()})
			}
			trk.Segments = append(trk.Segments, seg)
		}
		doc.Tracks = append(doc.Tracks, trk)
		doc.Waypoints = append(doc.Waypoints, stepWaypoints(row.Steps, lines)...)
	}
	w.Header().Set("Content-Type", "application/gpx+xml")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="plan%d-worker%d.gpx"`, plan.ID, worker))
	return doc.Write(w)
}

// stepWaypoints marks where the shop visits of each serving leg start. Legs are matched to
// the route's lines in order (station stops have no line); steps in a format this API did
// not write are skipped rather than guessed at.
func stepWaypoints(raw json.RawMessage, lines orb.MultiLineString) []geo.GPXPoint {
	var steps []struct {
		Kind    string   `json:"kind"`
		Street  string   `json:"street"`
		Shops   []string `json:"shops"`
		Station string   `json:"station"`
	}
	if json.Unmarshal(raw, &steps) != nil {
		return nil
	}
	var out []geo.GPXPoint
	line := 0
	for _, st := range steps {
		if st.Kind == "station" {
			if line > 0 && line <= len(lines) {
				end := lines[line-1][len(lines[line-1])-1]
				out = append(out, geo.GPXPoint{Lat: end.Lat(), Lon: end.Lon(), Name: "Station: " + st.Station})
			}
			continue
		}
		if line >= len(lines) {
			break
		}
		if len(st.Shops) > 0 {
			p := lines[line][0]
			out = append(out, geo.GPXPoint{Lat: p.Lat(), Lon: p.Lon(), Name: st.Street, Desc: fmt.Sprintf("visit: %v", st.Shops)})
		}
		line++
	}
	return out
}
