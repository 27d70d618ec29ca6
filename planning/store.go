package planning

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/routing"
)

// storeNew records a plan computed in this process as a new plan of its area, with its
// routes, block assignments and report.
func (r *Runner) storeNew(ctx context.Context, res *Result, mode routing.Mode) (int64, error) {
	if mode == "" {
		mode = routing.ModePatrol
	}
	params, err := json.Marshal(map[string]any{"workers": len(res.Source.Workers), "source": "cli"})
	if err != nil {
		return 0, err
	}
	id, err := r.store.StartDirectPlan(ctx, res.Source.AreaID, string(mode), params)
	if err != nil {
		return 0, err
	}
	if err := r.save(ctx, id, res); err != nil {
		return 0, err
	}
	return id, nil
}

// save stores a running plan's routes, assignments and report and marks it done (unless
// it was cancelled meanwhile).
func (r *Runner) save(ctx context.Context, id int64, res *Result) error {
	routes, err := data.RoutesOfPlan(res.Plan, res.WorkerIDs(), res.Source.BlockIDs)
	if err != nil {
		return fmt.Errorf("plan %d: %w", id, err)
	}
	if _, err := r.store.SavePlanResult(ctx, id, routes, res.Report); err != nil {
		return err
	}
	return nil
}
