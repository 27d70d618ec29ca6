package api

import (
	"net/http"

	"github.com/gridsweep/gridsweep/data"
)

// gridFeature is a grid with its workers, as the console draws and staffs it.
type gridFeature struct {
	data.AreaRecord
	Workers []data.WorkerRecord `json:"workers"`
}

// handleListGrids lists a community's grids (its child areas of kind grid) with their
// boundaries and their workers (workers whose area is the grid), as a FeatureCollection.
// Workers of the community itself, in no grid, are listed under "unassigned": a plan of
// the community by grids needs each of them given a grid.
func (s *server) handleListGrids(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.GetArea(r.Context(), id); err != nil {
		return err
	}
	if err := s.requireArea(r, id); err != nil {
		return err
	}
	grids, err := s.store.ListGrids(r.Context(), id)
	if err != nil {
		return err
	}
	byArea := map[int64][]data.WorkerRecord{}
	for page := (data.ListPage{Limit: maxLimit}); ; {
		ws, err := s.store.ListWorkers(r.Context(), id, page)
		if err != nil {
			return err
		}
		for _, wk := range ws {
			byArea[wk.AreaID] = append(byArea[wk.AreaID], wk)
		}
		if len(ws) < page.Limit {
			break
		}
		page.After = ws[len(ws)-1].ID
	}
	fs := make([]map[string]any, 0, len(grids))
	for _, g := range grids {
		ws := byArea[g.ID]
		if ws == nil {
			ws = []data.WorkerRecord{}
		}
		f, err := feature(gridFeature{g, ws})
		if err != nil {
			return err
		}
		fs = append(fs, f)
	}
	unassigned := byArea[id]
	if unassigned == nil {
		unassigned = []data.WorkerRecord{}
	}
	return writeJSONType(w, http.StatusOK, "application/geo+json",
		map[string]any{"type": "FeatureCollection", "features": fs, "unassigned": unassigned})
}
