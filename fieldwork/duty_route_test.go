package fieldwork

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// routeSource adds station points and streets to fakeDuty.
type routeSource struct {
	fakeDuty
	points map[int64]orb.Point
	blocks []geo.Block
}

func (r routeSource) StationPoint(_ context.Context, id int64) (orb.Point, error) {
	return r.points[id], nil
}
func (r routeSource) AreaBlocks(context.Context, int64) ([]geo.Block, error) { return r.blocks, nil }

const lat0, lon0 = 28.2, 112.98

var mPerLon = 111195.0 * math.Cos(lat0*math.Pi/180)

// street is a straight east-west street from x0 to x1 metres east of lon0, in blocks of 100 m.
func street(way int64, x0, x1 float64) []geo.Block {
	var out []geo.Block
	for i, x := 0, x0; x < x1; i, x = i+1, x+100 {
		a, b := orb.Point{lon0 + x/mPerLon, lat0}, orb.Point{lon0 + min(x+100, x1)/mPerLon, lat0}
		out = append(out, geo.Block{SourceID: fmt.Sprintf("w%d:%d", way, i), WayID: way,
			From: way*100 + int64(i), To: way*100 + int64(i) + 1, Geometry: orb.LineString{a, b}, Highway: "residential"})
	}
	return out
}

func at(x float64) orb.Point { return orb.Point{lon0 + x/mPerLon, lat0} }

func TestRouteDuty(t *testing.T) {
	day := "2026-03-06" // a Friday: both stations have windows, station 2's (14:00) after station 1's (08:00)
	base := fakeDuty{windows: dutyWindows, roster: []RosterSlot{
		{StationID: 2, Day: day, WorkerID: 7}, {StationID: 1, Day: day, WorkerID: 7}, {StationID: 1, Day: "2026-03-07", WorkerID: 7},
	}}
	// Station 1 stands at the west end of a 400 m street; station 2 at the east end of
	// another street that starts 60 m further east: an island a plan bridges.
	blocks := append(street(1, 0, 400), street(2, 460, 660)...)
	points := map[int64]orb.Point{1: at(0), 2: at(660)}
	for _, tc := range []struct {
		name    string
		src     routeSource
		worker  int64
		stops   []int64
		minLenM float64
		maxLenM float64
		wantErr bool
	}{
		{"across the bridged gap", routeSource{base, points, blocks}, 7, []int64{1, 2}, 655, 665, false},
		{"someone else's day", routeSource{base, points, blocks}, 8, nil, 0, 0, false},
		{"an island too far to bridge", routeSource{base, map[int64]orb.Point{1: at(0), 2: at(1060)},
			append(street(1, 0, 400), street(2, 860, 1060)...)}, 7, []int64{1, 2}, 0, 0, true},
		{"no streets", routeSource{base, points, nil}, 7, []int64{1, 2}, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := RouteDuty(context.Background(), tc.src, 1, tc.worker, day)
			var bad *InputError
			if tc.wantErr {
				if !errors.As(err, &bad) {
					t.Fatalf("error %v, want an *InputError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Stops) != len(tc.stops) {
				t.Fatalf("stops %+v, want stations %v", r.Stops, tc.stops)
			}
			for i, id := range tc.stops {
				if r.Stops[i].StationID != id {
					t.Fatalf("stops %+v, want stations %v in window order", r.Stops, tc.stops)
				}
			}
			if len(r.Stops) == 0 {
				if r.Legs == nil || len(r.Legs) != 0 || r.LengthM != 0 || r.Lines != nil {
					t.Errorf("empty route %+v, want no legs (an empty list), no length, no lines", r)
				}
				return
			}
			if len(r.Legs) != 1 || r.Legs[0].From != 1 || r.Legs[0].To != 2 || r.LengthM != r.Legs[0].LengthM {
				t.Fatalf("legs %+v (length %v), want one leg 1→2", r.Legs, r.LengthM)
			}
			if r.LengthM < tc.minLenM || r.LengthM > tc.maxLenM {
				t.Errorf("length %v m, want %v..%v", r.LengthM, tc.minLenM, tc.maxLenM)
			}
			if len(r.Lines) != 1 || len(r.Lines[0]) < 2 {
				t.Errorf("lines %v, want the leg's line", r.Lines)
			}
		})
	}
}
