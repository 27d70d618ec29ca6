package planning

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
)

func TestFileCrew(t *testing.T) {
	sq := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}
	grids, crew := fileCrew([]geo.GridSpec{
		{Name: "A", Workers: 2, Area: sq, Starts: []orb.Point{{0.1, 0.1}}, EndsOpen: true},
		{Name: "B", Workers: 2, Area: sq, Starts: []orb.Point{{0.2, 0.2}, {0.3, 0.3}}, Ends: []orb.Point{{0.4, 0.4}, {0.5, 0.5}}},
		{Name: "C", Workers: 1, Area: sq},
	})
	if len(grids) != 3 || grids[1].Name != "B" || len(crew) != 5 {
		t.Fatalf("%d grids, %d workers", len(grids), len(crew))
	}
	for i, want := range []struct {
		name  string
		grid  int
		start *orb.Point
		end   routing.RouteEnd
	}{
		{"A #1", 0, &orb.Point{0.1, 0.1}, routing.RouteEnd{Kind: routing.EndOpen}},
		{"A #2", 0, &orb.Point{0.1, 0.1}, routing.RouteEnd{Kind: routing.EndOpen}},
		{"B #1", 1, &orb.Point{0.2, 0.2}, routing.RouteEnd{Kind: routing.EndAtPoint, Point: orb.Point{0.4, 0.4}}},
		{"B #2", 1, &orb.Point{0.3, 0.3}, routing.RouteEnd{Kind: routing.EndAtPoint, Point: orb.Point{0.5, 0.5}}},
		{"C #1", 2, nil, routing.RouteEnd{}},
	} {
		c := crew[i]
		if c.Name != want.name || c.Grid != want.grid || c.End != want.end || (c.Start == nil) != (want.start == nil) || (c.Start != nil && *c.Start != *want.start) {
			t.Errorf("worker %d: %+v, want %+v", i+1, c, want)
		}
	}
}

func TestStoreCrew(t *testing.T) {
	sq := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}
	gridAreas := []data.GridArea{{ID: 11, Name: "North", Area: sq}, {ID: 12, Name: "South", Area: sq}}
	start := json.RawMessage(`{"type":"Point","coordinates":[0.5,0.5]}`)
	ws := []data.WorkerRecord{
		{ID: 1, AreaID: 12, Name: "Ann", Start: start, End: json.RawMessage(`"open"`)},
		{ID: 2, AreaID: 11, Name: "Bo"},
	}
	grids, ids, crew, err := storeCrew(10, gridAreas, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(grids) != 2 || grids[0].Name != "North" || ids[1] != 12 || crew[0].Grid != 1 || crew[1].Grid != 0 ||
		crew[0].Start == nil || *crew[0].Start != (orb.Point{0.5, 0.5}) || crew[0].End.Kind != routing.EndOpen || crew[1].Start != nil {
		t.Fatalf("grids %v, ids %v, crew %+v", grids, ids, crew)
	}

	// Nobody in a grid yet: the community plans as one grid.
	grids, ids, crew, err = storeCrew(10, gridAreas, []data.WorkerRecord{{ID: 3, AreaID: 10, Name: "Cy"}})
	if err != nil || grids != nil || ids != nil || len(crew) != 1 || crew[0].Name != "Cy" {
		t.Fatalf("no worker in a grid: %v %v %+v %v", grids, ids, crew, err)
	}

	// Some in grids, one in the community itself: an error naming them.
	_, _, _, err = storeCrew(10, gridAreas, append(ws, data.WorkerRecord{ID: 3, AreaID: 10, Name: "Cy"}))
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), `3 "Cy"`) || !strings.Contains(err.Error(), `"North", "South"`) {
		t.Fatalf("a worker in no grid: %v", err)
	}

	// A team plan's leads, all outside the grids, still plan by grids (the community's
	// other workers are in them): an error naming the leads, not one grid for all.
	_, _, _, err = crewRule{byGrids: true, leads: true}.storeCrew(10, gridAreas, []data.WorkerRecord{{ID: 3, AreaID: 10, Name: "Cy"}})
	if !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), `team leads 3 "Cy" are in none`) || !strings.Contains(err.Error(), `3 "Cy"`) {
		t.Fatalf("a lead in no grid: %v", err)
	}

	// Two grids of one name get told apart.
	same := []data.GridArea{{ID: 11, Name: "G", Area: sq}, {ID: 12, Name: "G", Area: sq}}
	grids, _, _, err = storeCrew(10, same, ws)
	if err != nil || grids[0].Name == grids[1].Name {
		t.Fatalf("grids of one name: %v %v", grids, err)
	}
}
