package api

import (
	"net/http"
	"strconv"

	"github.com/paulmach/orb/geojson"

	"github.com/gridsweep/gridsweep/fieldwork"
)

// handleDutyRoute answers GET /duty/route?worker=&day=[&area=]: the walk between the
// stations the worker is rostered to that day (fieldwork.RouteDuty).
func (s *server) handleDutyRoute(w http.ResponseWriter, r *http.Request) error {
	area, err := s.areaParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	day := q.Get("day")
	if _, err := dayRange(day, day); err != nil {
		return err
	}
	worker, err := strconv.ParseInt(q.Get("worker"), 10, 64)
	if err != nil || worker <= 0 {
		return problemf(KindValidation, "worker must be a worker id")
	}
	if _, err := s.loadWorker(r, worker); err != nil {
		return err
	}
	// A route the streets cannot give is a *fieldwork.InputError: asProblem answers 422.
	route, err := fieldwork.RouteDuty(r.Context(), s.store, area, worker, day)
	if err != nil {
		return err
	}
	out := map[string]any{"worker_id": route.WorkerID, "day": route.Day, "stops": route.Stops, "legs": route.Legs,
		"length_m": route.LengthM, "geometry": nil}
	if len(route.Lines) > 0 {
		out["geometry"] = geojson.NewGeometry(route.Lines)
	}
	return writeJSON(w, http.StatusOK, out)
}
