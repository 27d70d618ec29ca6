package api

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
)

// A supervisor rostered to several stations on a day walks between them: the route visits
// them in the order of their first duty window that day, each leg the shortest walk on the
// area's street network (streets both ways: people on foot).

type stationStop struct {
	StationID   int64     `json:"station_id"`
	FirstWindow time.Time `json:"first_window"`
	point       orb.Point
	node        int
}

type routeLeg struct {
	From    int64   `json:"from_station"`
	To      int64   `json:"to_station"`
	LengthM float64 `json:"length_m"`
}

// handleDutyRoute answers GET /duty/route?worker=&day=[&area=].
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
	_, stations, err := s.dutyStations(r, area)
	if err != nil {
		return err
	}
	roster, err := s.store.Roster(r.Context(), stations, day, day)
	if err != nil {
		return err
	}
	rep, err := s.store.StationDutyReport(r.Context(), area, day, day, time.Now())
	if err != nil {
		return err
	}
	first := map[int64]time.Time{}
	for _, o := range rep.Windows {
		if t, ok := first[o.StationID]; !ok || o.Starts.Before(t) {
			first[o.StationID] = o.Starts
		}
	}
	var stops []stationStop
	for _, sl := range roster {
		if sl.WorkerID != worker {
			continue
		}
		t, ok := first[sl.StationID]
		if !ok {
			continue // no window that weekday
		}
		pt, err := s.store.GetPoint(r.Context(), data.StationsTable, sl.StationID)
		if err != nil {
			return err
		}
		var g struct{ Coordinates [2]float64 }
		if err := json.Unmarshal(pt.Geometry, &g); err != nil {
			return fmt.Errorf("station %d geometry: %w", sl.StationID, err)
		}
		stops = append(stops, stationStop{StationID: sl.StationID, FirstWindow: t, point: orb.Point(g.Coordinates)})
	}
	slices.SortFunc(stops, func(a, b stationStop) int {
		if c := a.FirstWindow.Compare(b.FirstWindow); c != 0 {
			return c
		}
		return int(a.StationID - b.StationID)
	})
	out := map[string]any{"worker_id": worker, "day": day, "stops": []stationStop{}, "legs": []routeLeg{}, "length_m": 0.0, "geometry": nil}
	if len(stops) == 0 {
		return writeJSON(w, http.StatusOK, out)
	}
	out["stops"] = stops
	d, err := s.store.LoadPlanData(r.Context(), area)
	if err != nil {
		return err
	}
	if len(d.Blocks) == 0 {
		return problemf(KindValidation, "area %d has no streets to route on", area)
	}
	net, err := geo.BuildNetwork(d.Blocks)
	if err != nil {
		return fmt.Errorf("duty route: %w", err)
	}
	for i := range stops {
		stops[i].node, _ = net.NearestNode(stops[i].point, nil)
	}
	walker := routing.NewWalker(net)
	var legs []routeLeg
	var lines orb.MultiLineString
	total := 0.0
	for i := 1; i < len(stops); i++ {
		p, ok := walker.Path(stops[i-1].node, stops[i].node)
		length, line := p.LengthM, p.Line
		if !ok {
			return problemf(KindValidation, "station %d cannot be reached from station %d on the area's streets", stops[i].StationID, stops[i-1].StationID)
		}
		legs = append(legs, routeLeg{From: stops[i-1].StationID, To: stops[i].StationID, LengthM: math.Round(length*10) / 10})
		total += length
		if len(line) > 1 {
			lines = append(lines, line)
		}
	}
	if legs == nil {
		legs = []routeLeg{}
	}
	out["legs"], out["length_m"] = legs, math.Round(total*10)/10
	if len(lines) > 0 {
		out["geometry"] = geojson.NewGeometry(lines)
	}
	return writeJSON(w, http.StatusOK, out)
}
