package planning

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/fieldwork"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
)

// Source is what a plan covers, read from a file or from the store.
type Source struct {
	// Name is the file or area name, for messages.
	Name     string
	Blocks   []geo.Block
	Shops    []geo.Shop
	Stations []geo.Station

	// From the store only: the area, the row id of each block (BlockIDs[i] is Blocks[i]'s),
	// the workers who plan, in order.
	AreaID   int64
	BlockIDs []int64
	Workers  []data.WorkerRecord
	// Required selects the blocks to serve (a campaign's); nil means all.
	Required func(block int) bool
	// Previous are the assignments of the plan a re-plan starts from.
	Previous []data.Assignment

	// Grids are the plan's territories (none: the whole network is one grid); from the
	// store, GridAreaIDs[i] is the area row of Grids[i].
	Grids       []routing.Grid
	GridAreaIDs []int64
	// Crew has, per worker in plan order, their name, grid, start and end (from a grids
	// file or the workers table); nil for a file planned without grids.
	Crew []routing.WorkerParams
}

// LoadFile reads a plain OSM file's streets, shops and stations.
func LoadFile(ctx context.Context, name string) (*Source, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(geo.FormatHeadSize)
	format, err := geo.FormatOf(name, head)
	if err != nil {
		return nil, err
	}
	ex, err := geo.ReadOSM(ctx, br, format)
	if err != nil {
		return nil, err
	}
	return &Source{Name: name, Blocks: ex.Blocks, Shops: ex.Shops, Stations: ex.Stations}, nil
}

// loadFileGrids reads req's OSM file and, when given, its grids file (first, since it is
// quick to read and easy to get wrong).
func loadFileGrids(ctx context.Context, req Request) (*Source, error) {
	if req.GridsFile == "" {
		return LoadFile(ctx, req.OSMFile)
	}
	if req.Workers != 0 || req.Starts != nil {
		return nil, badRequestf("with a grids file the workers and their starts come from it")
	}
	specs, err := ReadGridsFile(req.GridsFile)
	if err != nil {
		return nil, err
	}
	src, err := LoadFile(ctx, req.OSMFile)
	if err != nil {
		return nil, err
	}
	src.Grids, src.Crew = fileCrew(specs)
	return src, nil
}

// load reads what req plans from its file or from the store.
func (r *Runner) load(ctx context.Context, req Request) (*Source, error) {
	switch {
	case req.OSMFile != "" && (req.Area != "" || req.AreaID != 0):
		return nil, badRequestf("plan a file or an area, not both")
	case req.OSMFile != "":
		if req.Replan != nil || req.CampaignID != 0 {
			return nil, badRequestf("re-plans and campaigns need the store")
		}
		return loadFileGrids(ctx, req)
	case req.GridsFile != "":
		return nil, badRequestf("a grids file goes with an OSM file; an area's grids are its grid areas")
	case r.store == nil:
		return nil, errors.New("planning an area needs the store")
	}
	src := &Source{Name: req.Area, AreaID: req.AreaID}
	if req.Area != "" {
		a, err := r.store.AreaByName(ctx, req.Area)
		if err != nil {
			return nil, err
		}
		src.AreaID = a.ID
	} else {
		src.Name = fmt.Sprintf("area %d", req.AreaID)
	}
	d, err := r.store.LoadPlanData(ctx, src.AreaID)
	if err != nil {
		return nil, err
	}
	src.Blocks, src.BlockIDs, src.Shops, src.Stations = d.Blocks, d.BlockIDs, d.Shops, d.Stations
	if src.Workers, err = r.workers(ctx, req, src.AreaID, d.Workers); err != nil {
		return nil, err
	}
	grids, err := r.store.CommunityGrids(ctx, src.AreaID)
	if err != nil {
		return nil, err
	}
	// A team plan's workers are a few leads: whether the community plans by grids is
	// for all its workers to say, or leads outside the grids would serve them all.
	crew := crewRule{byGrids: len(req.Teams) > 0 && anyInGrid(grids, d.Workers), leads: len(req.Teams) > 0}
	if src.Grids, src.GridAreaIDs, src.Crew, err = crew.storeCrew(src.AreaID, grids, src.Workers); err != nil {
		return nil, err
	}
	if req.CampaignID != 0 {
		if src.Required, err = campaignRequired(ctx, r.store, req.CampaignID, src.AreaID, src.BlockIDs); err != nil {
			return nil, err
		}
	}
	if len(src.Workers) == 0 {
		return nil, badRequestf("area %d has no active workers", src.AreaID)
	}
	if len(src.Blocks) == 0 {
		return nil, badRequestf("area %d has no street blocks", src.AreaID)
	}
	if req.Replan != nil {
		if src.Previous, err = r.store.PlanAssignments(ctx, req.Replan.Of); err != nil {
			return nil, err
		}
		if len(src.Previous) == 0 {
			return nil, badRequestf("plan %d has no assignments to re-plan from", req.Replan.Of)
		}
	}
	return src, nil
}

// workers picks the plan's workers among the area's active ones (see Request.Workers).
func (r *Runner) workers(ctx context.Context, req Request, area int64, active []data.WorkerRecord) ([]data.WorkerRecord, error) {
	ids := req.WorkerIDs
	if len(ids) == 0 {
		for _, t := range req.Teams {
			ids = append(ids, t.LeadID)
		}
	}
	switch {
	case req.Workers > 0:
		return r.store.PlanWorkers(ctx, area, req.Workers)
	case len(ids) == 0:
		return active, nil
	}
	byID := make(map[int64]data.WorkerRecord, len(active))
	for _, w := range active {
		byID[w.ID] = w
	}
	out := make([]data.WorkerRecord, 0, len(ids))
	for _, id := range ids {
		w, ok := byID[id]
		if !ok {
			return nil, unknownWorkerf("worker %d is not an active worker of area %d", id, area)
		}
		out = append(out, w)
	}
	return out, nil
}

// campaignRequired turns a campaign's unvisited shops in area into the plan's required
// blocks (fieldwork.CampaignRequired: the blocks those shops lie on). Planning then routes
// workers over exactly the streets with shops still to inspect, counting the shop service
// time there.
func campaignRequired(ctx context.Context, store *data.Store, campaign, area int64, blockIDs []int64) (func(int) bool, error) {
	us, err := store.CampaignUnvisited(ctx, campaign, area, routing.DefaultSnapToleranceM)
	if err != nil {
		return nil, err
	}
	var shopBlocks []int64
	for _, u := range us {
		if u.BlockID != nil {
			shopBlocks = append(shopBlocks, *u.BlockID)
		}
	}
	required, _, err := fieldwork.CampaignRequired(shopBlocks, blockIDs)
	if err != nil {
		return nil, asBadRequest(fmt.Errorf("campaign %d in area %d: %w", campaign, area, err))
	}
	return required, nil
}
