package api

import (
	"container/heap"
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
	var legs []routeLeg
	var lines orb.MultiLineString
	total := 0.0
	for i := 1; i < len(stops); i++ {
		length, line, ok := shortestWalk(net, stops[i-1].node, stops[i].node)
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

// shortestWalk is Dijkstra on the street network from node a to node b, ignoring one-way
// restrictions; it returns the length in metres and the line walked.
func shortestWalk(n *geo.Network, a, b int) (float64, orb.LineString, bool) {
	dist := make([]float64, len(n.Nodes))
	via := make([]int, len(n.Nodes)) // edge reaching the node on the best path, -1 at a
	for i := range dist {
		dist[i], via[i] = math.Inf(1), -1
	}
	dist[a] = 0
	h := &walkHeap{{a, 0}}
	for h.Len() > 0 {
		it := heap.Pop(h).(walkItem)
		if it.d > dist[it.v] {
			continue
		}
		if it.v == b {
			break
		}
		for _, e := range n.Adj[it.v] {
			u := n.Other(e, it.v)
			if nd := it.d + n.Edges[e].LengthM; nd < dist[u] {
				dist[u], via[u] = nd, e
				heap.Push(h, walkItem{u, nd})
			}
		}
	}
	if math.IsInf(dist[b], 1) {
		return 0, nil, false
	}
	var rev []orb.LineString
	for v := b; v != a; {
		e := via[v]
		g := slices.Clone(n.EdgeGeometry(e))
		if n.Edges[e].To != v { // walked against the block's drawing direction
			slices.Reverse(g)
		}
		rev = append(rev, g)
		v = n.Other(e, v)
	}
	var line orb.LineString
	for i := len(rev) - 1; i >= 0; i-- {
		seg := rev[i]
		if len(line) > 0 {
			seg = seg[1:]
		}
		line = append(line, seg...)
	}
	return dist[b], line, true
}

type walkItem struct {
	v int
	d float64
}

type walkHeap []walkItem

func (h walkHeap) Len() int           { return len(h) }
func (h walkHeap) Less(i, j int) bool { return h[i].d < h[j].d }
func (h walkHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *walkHeap) Push(x any)        { *h = append(*h, x.(walkItem)) }
func (h *walkHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}
