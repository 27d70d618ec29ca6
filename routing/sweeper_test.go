package routing

import (
	"context"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
)

func TestSweeperOneWayAndStations(t *testing.T) {
	blocks := gridBlocks(6, 6, 100)
	// Rows alternate one-way east / one-way west (reversed at import, so From→To holds).
	for i := range blocks {
		b := &blocks[i]
		if b.Name == "Row 1" || b.Name == "Row 3" {
			b.Oneway = true
		}
		if b.Name == "Row 2" || b.Name == "Row 4" {
			b.Oneway = true
			b.From, b.To = b.To, b.From
			b.Geometry[0], b.Geometry[1] = b.Geometry[1], b.Geometry[0]
		}
	}
	net, err := geo.BuildNetwork(blocks)
	if err != nil {
		t.Fatal(err)
	}
	stations := []geo.Station{
		{SourceID: "n1", Name: "West depot", Point: net.Blocks[0].Geometry[0]},
		{SourceID: "n2", Name: "East bins", Point: net.Blocks[len(net.Blocks)-1].Geometry[1]},
	}
	const capM = 700.0
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net, Stations: stations},
		PlanOptions{Mode: ModeSweeper, Workers: 2, Capacity: capM, Seconds: 3})
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, pl)
	if pl.BlocksCovered != len(blocks) {
		t.Fatalf("covered %d of %d", pl.BlocksCovered, len(blocks))
	}
	totalStops := 0
	for ri, r := range pl.Routes {
		stopAt := map[int]bool{}
		for _, s := range r.Stops {
			stopAt[s.AfterMove] = true
			if s.Station < 0 || s.Station >= len(stations) {
				t.Fatalf("stop at station %d", s.Station)
			}
		}
		load, served := 0.0, 0.0
		for i, m := range r.Walk {
			e := net.Edges[m.Link]
			if net.Blocks[e.Block].Oneway && m.Reverse {
				t.Errorf("worker %d goes against the one-way %s (block %d)", r.Worker, net.Blocks[e.Block].Name, e.Block)
			}
			if m.Serve {
				load += e.LengthM
				served += e.LengthM
				if load > capM+1e-9 {
					t.Errorf("worker %d carries %.0f m of sweepings, capacity %.0f", r.Worker, load, capM)
				}
			}
			if stopAt[i] {
				load = 0
			}
		}
		if load != 0 {
			t.Errorf("worker %d goes home with a load of %.0f m", r.Worker, load)
		}
		totalStops += len(r.Stops)
		// At least one stop per full capacity of sweeping (the last one before home).
		if want := int(served / capM); len(r.Stops) < want {
			t.Errorf("worker %d swept %.0f m with %d stops, want at least %d", r.Worker, served, len(r.Stops), want)
		}
		stationLegs := 0
		for _, l := range pl.Steps(ri) {
			if l.Kind == LegStation {
				stationLegs++
			}
		}
		if stationLegs != len(r.Stops) {
			t.Errorf("worker %d: %d station legs for %d stops", r.Worker, stationLegs, len(r.Stops))
		}
	}
	if totalStops == 0 {
		t.Error("no station stops")
	}
}
