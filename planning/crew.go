package planning

import (
	"context"
	"fmt"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/routing"
)

// LayOutDemoCrew staffs the demo community (area) with n workers the way a street office
// would: each grid gets workers in proportion to its workload (serving time of its blocks
// and shops plus its least deadhead, routing.GridWorkloads and routing.ShareWorkers),
// and each worker starts at the beginning of their own part of the grid
// (routing.GridStarts: the grid's postman tour cut into even pieces) and finishes where
// their last street ends (an open end: a sweep is done when its last block is, and the
// worker signs off from the phone there). The workers are stored with
// data.Store.SetDemoWorkers.
func (r *Runner) LayOutDemoCrew(ctx context.Context, area string, n int) ([]data.WorkerRecord, error) {
	if r.store == nil {
		return nil, fmt.Errorf("demo crew: needs the store")
	}
	a, err := r.store.AreaByName(ctx, area)
	if err != nil {
		return nil, fmt.Errorf("demo crew: %w", err)
	}
	d, err := r.store.LoadPlanData(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("demo crew: %w", err)
	}
	gridAreas, err := r.store.CommunityGrids(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("demo crew: %w", err)
	}
	if len(gridAreas) == 0 || n < len(gridAreas) {
		return nil, fmt.Errorf("demo crew: %d workers for %d grids (need one each)", n, len(gridAreas))
	}
	net, err := Network(d.Blocks, routing.DefaultBridgeM)
	if err != nil {
		return nil, fmt.Errorf("demo crew: %w", err)
	}
	grids := make([]routing.Grid, len(gridAreas))
	for i, g := range gridAreas {
		grids[i] = routing.Grid{Name: fmt.Sprintf("%s (%d)", g.Name, g.ID), Area: g.Area}
	}
	in := routing.PlanInput{Network: net, Shops: d.Shops, Stations: d.Stations}
	work, err := routing.GridWorkloads(ctx, in, grids, routing.PlanOptions{})
	if err != nil {
		return nil, fmt.Errorf("demo crew: %w", err)
	}
	share, err := routing.ShareWorkers(work, n)
	if err != nil {
		return nil, fmt.Errorf("demo crew: %w", err)
	}
	starts, err := routing.GridStarts(ctx, in, grids, share, routing.PlanOptions{})
	if err != nil {
		return nil, fmt.Errorf("demo crew: %w", err)
	}
	var crew []data.DemoWorker
	for i, g := range gridAreas {
		for _, s := range starts[i] {
			crew = append(crew, data.DemoWorker{GridID: g.ID, Start: s, EndOpen: true})
		}
	}
	return r.store.SetDemoWorkers(ctx, a.ID, crew)
}
