package fieldwork

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
)

// A supervisor rostered to several stations on a day walks between them: the route visits
// them in the order of their first duty window that day, each leg the shortest walk on the
// area's street network (streets both ways: people on foot). The network is the one plans
// run on (routing.PlanNetwork with routing.DefaultBridgeM), so that a station a plan can
// reach across a small gap is reachable here too.

// StationStop is one station of a duty route.
type StationStop struct {
	StationID   int64     `json:"station_id"`
	FirstWindow time.Time `json:"first_window"`
	Point       orb.Point `json:"-"`
}

// RouteLeg is the walk between two consecutive stops.
type RouteLeg struct {
	From    int64   `json:"from_station"`
	To      int64   `json:"to_station"`
	LengthM float64 `json:"length_m"`
}

// DutyRoute is the walk of one worker between their stations on one day.
type DutyRoute struct {
	WorkerID int64
	Day      string
	// Stops and Legs are empty, never nil, when the worker has no station that day.
	Stops []StationStop
	Legs  []RouteLeg
	// LengthM is the whole walk, rounded to decimetres like each leg.
	LengthM float64
	// Lines holds the legs' geometry (legs of one point are left out).
	Lines orb.MultiLineString
}

// DutyRouteSource loads what a duty route needs; data.Store provides it.
type DutyRouteSource interface {
	DutyRecords
	// StationPoint returns where a station stands.
	StationPoint(ctx context.Context, id int64) (orb.Point, error)
	// AreaBlocks returns the street blocks that intersect area, in id order.
	AreaBlocks(ctx context.Context, area int64) ([]geo.Block, error)
}

// RouteDuty finds the stations worker is rostered to in area on day (YYYY-MM-DD) that have
// a window that day, and the walk between them. Stations no street joins, or an area
// without streets, give an *InputError.
func RouteDuty(ctx context.Context, src DutyRouteSource, area, worker int64, day string) (DutyRoute, error) {
	out := DutyRoute{WorkerID: worker, Day: day, Stops: []StationStop{}, Legs: []RouteLeg{}}
	windows, err := src.DutyWindows(ctx, area, 0)
	if err != nil {
		return out, err
	}
	roster, err := src.Roster(ctx, DutyStations(windows), day, day)
	if err != nil {
		return out, err
	}
	// Check-ins do not move a window, so none are needed to know when each starts.
	occ, _, err := JudgeWindows(windows, roster, nil, day, day, time.Now())
	if err != nil {
		return out, err
	}
	stops, err := dutyStops(ctx, src, occ, roster, worker)
	if err != nil || len(stops) == 0 {
		return out, err
	}
	out.Stops = stops
	blocks, err := src.AreaBlocks(ctx, area)
	if err != nil {
		return out, err
	}
	if len(blocks) == 0 {
		return out, inputErrorf("area %d has no streets to route on", area)
	}
	net, err := routing.PlanNetwork(blocks, routing.DefaultBridgeM)
	if err != nil {
		return out, fmt.Errorf("duty route: %w", err)
	}
	return walkStops(net, out)
}

// dutyStops returns worker's rostered stations with a window that day, in the order of
// their first window (then station id).
func dutyStops(ctx context.Context, src DutyRouteSource, occ []DutyOccurrence, roster []RosterSlot, worker int64) ([]StationStop, error) {
	first := map[int64]time.Time{}
	for _, o := range occ {
		if t, ok := first[o.StationID]; !ok || o.Starts.Before(t) {
			first[o.StationID] = o.Starts
		}
	}
	var stops []StationStop
	for _, sl := range roster {
		if sl.WorkerID != worker {
			continue
		}
		t, ok := first[sl.StationID]
		if !ok {
			continue // no window that weekday
		}
		pt, err := src.StationPoint(ctx, sl.StationID)
		if err != nil {
			return nil, err
		}
		stops = append(stops, StationStop{StationID: sl.StationID, FirstWindow: t, Point: pt})
	}
	slices.SortFunc(stops, func(a, b StationStop) int {
		if c := a.FirstWindow.Compare(b.FirstWindow); c != 0 {
			return c
		}
		return int(a.StationID - b.StationID)
	})
	return stops, nil
}

// walkStops fills in the legs between route's stops on net.
func walkStops(net *geo.Network, route DutyRoute) (DutyRoute, error) {
	nodes := make([]int, len(route.Stops))
	for i, st := range route.Stops {
		nodes[i], _ = net.NearestNode(st.Point, nil)
	}
	walker := routing.NewWalker(net)
	total := 0.0
	for i := 1; i < len(route.Stops); i++ {
		p, ok := walker.Path(nodes[i-1], nodes[i])
		if !ok {
			return route, inputErrorf("station %d cannot be reached from station %d on the area's streets",
				route.Stops[i].StationID, route.Stops[i-1].StationID)
		}
		route.Legs = append(route.Legs, RouteLeg{From: route.Stops[i-1].StationID, To: route.Stops[i].StationID,
			LengthM: math.Round(p.LengthM*10) / 10})
		total += p.LengthM
		if len(p.Line) > 1 {
			route.Lines = append(route.Lines, p.Line)
		}
	}
	route.LengthM = math.Round(total*10) / 10
	return route, nil
}
