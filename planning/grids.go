package planning

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
)

// ReadGridsFile reads a grids file (see geo.ReadGridsGeoJSON); its errors are bad
// requests naming the file and the feature.
func ReadGridsFile(name string) ([]geo.GridSpec, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, asBadRequest(fmt.Errorf("grids: %w", err))
	}
	defer f.Close()
	gs, err := geo.ReadGridsGeoJSON(f)
	if err != nil {
		return nil, asBadRequest(fmt.Errorf("grids %s: %w", name, err))
	}
	return gs, nil
}

// fileCrew turns a grids file into the planner's grids and workers: each grid's workers
// in file order, named "GRID #k", with the grid's starts and ends.
func fileCrew(specs []geo.GridSpec) ([]routing.Grid, []routing.WorkerParams) {
	grids := make([]routing.Grid, len(specs))
	var crew []routing.WorkerParams
	for g, s := range specs {
		grids[g] = routing.Grid{Name: s.Name, Area: s.Area}
		for k := range s.Workers {
			w := routing.WorkerParams{Name: fmt.Sprintf("%s #%d", s.Name, k+1), Grid: g}
			if len(s.Starts) > 0 {
				p := s.Starts[min(k, len(s.Starts)-1)]
				w.Start = &p
			}
			switch {
			case s.EndsOpen:
				w.End = routing.RouteEnd{Kind: routing.EndOpen}
			case len(s.Ends) > 0:
				w.End = routing.RouteEnd{Kind: routing.EndAtPoint, Point: s.Ends[min(k, len(s.Ends)-1)]}
			}
			crew = append(crew, w)
		}
	}
	return grids, crew
}

// crewRule says how storeCrew reads a plan's workers.
type crewRule struct {
	// byGrids plans by the grids even when none of the plan's workers is in one (the
	// community's other workers are): a team plan's leads.
	byGrids bool
	// leads names the workers "team leads" in messages.
	leads bool
}

// anyInGrid reports whether one of ws works in one of the grids.
func anyInGrid(gridAreas []data.GridArea, ws []data.WorkerRecord) bool {
	for _, g := range gridAreas {
		for _, w := range ws {
			if w.AreaID == g.ID {
				return true
			}
		}
	}
	return false
}

// storeCrew maps a community's grids and workers to the planner's: a worker belongs to
// the grid their area_id names. A community whose workers are in none of its grids (or
// that has no grids) plans as one grid, as before grids were territories; once some
// worker is in a grid, every worker must be, and a worker of the community itself is an
// error naming them.
func storeCrew(area int64, gridAreas []data.GridArea, ws []data.WorkerRecord) ([]routing.Grid, []int64, []routing.WorkerParams, error) {
	return crewRule{}.storeCrew(area, gridAreas, ws)
}

// storeCrew is storeCrew under rule c.
func (c crewRule) storeCrew(area int64, gridAreas []data.GridArea, ws []data.WorkerRecord) ([]routing.Grid, []int64, []routing.WorkerParams, error) {
	gridOf := make(map[int64]int, len(gridAreas))
	for i, g := range gridAreas {
		gridOf[g.ID] = i
	}
	crew := make([]routing.WorkerParams, len(ws))
	var outside []string
	inGrid := 0
	for i, w := range ws {
		wp := routing.WorkerParams{Name: w.Name}
		if g, ok := gridOf[w.AreaID]; ok {
			wp.Grid = g
			inGrid++
		} else {
			outside = append(outside, fmt.Sprintf("%d %q", w.ID, w.Name))
		}
		var err error
		if wp.Start, err = workerStart(w); err != nil {
			return nil, nil, nil, err
		}
		if wp.End, err = workerEnd(w); err != nil {
			return nil, nil, nil, err
		}
		crew[i] = wp
	}
	if inGrid == 0 && !c.byGrids {
		for i := range crew {
			crew[i].Grid = 0
		}
		return nil, nil, crew, nil
	}
	if len(outside) > 0 {
		names := make([]string, len(gridAreas))
		for i, g := range gridAreas {
			names[i] = fmt.Sprintf("%q", g.Name)
		}
		who := "workers"
		if c.leads {
			who = "team leads"
		}
		return nil, nil, nil, badRequestf("area %d plans by its grids (%s), but %s %s are in none of them: give each a grid (its area_id)",
			area, strings.Join(names, ", "), who, strings.Join(outside, ", "))
	}
	grids := make([]routing.Grid, len(gridAreas))
	ids := make([]int64, len(gridAreas))
	for i, g := range gridAreas {
		name := g.Name
		if name == "" {
			name = fmt.Sprintf("grid %d", g.ID)
		}
		grids[i], ids[i] = routing.Grid{Name: name, Area: g.Area}, g.ID
	}
	return uniqueGridNames(grids), ids, crew, nil
}

// uniqueGridNames adds the area id to names used twice (the planner needs unique ones).
func uniqueGridNames(grids []routing.Grid) []routing.Grid {
	count := map[string]int{}
	for _, g := range grids {
		count[g.Name]++
	}
	for i, g := range grids {
		if count[g.Name] > 1 {
			grids[i].Name = fmt.Sprintf("%s (%d)", g.Name, i+1)
		}
	}
	return grids
}

// workerStart reads a worker's start (a GeoJSON Point or null).
func workerStart(w data.WorkerRecord) (*orb.Point, error) {
	if len(w.Start) == 0 || string(w.Start) == "null" {
		return nil, nil
	}
	var g struct{ Coordinates [2]float64 }
	if err := json.Unmarshal(w.Start, &g); err != nil {
		return nil, badRequestf("worker %d start: %v", w.ID, err)
	}
	p := orb.Point(g.Coordinates)
	return &p, nil
}

// workerEnd reads a worker's end: null (back at the start), [lon, lat] or "open".
func workerEnd(w data.WorkerRecord) (routing.RouteEnd, error) {
	switch s := strings.TrimSpace(string(w.End)); s {
	case "", "null":
		return routing.RouteEnd{}, nil
	case `"open"`:
		return routing.RouteEnd{Kind: routing.EndOpen}, nil
	}
	var xy [2]float64
	if err := json.Unmarshal(w.End, &xy); err != nil {
		return routing.RouteEnd{}, badRequestf("worker %d end: %v", w.ID, err)
	}
	return routing.RouteEnd{Kind: routing.EndAtPoint, Point: orb.Point(xy)}, nil
}
