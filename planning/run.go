package planning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
)

// Runner runs plans over a store. A Runner without a store plans files only.
type Runner struct {
	store *data.Store
}

// NewRunner returns a Runner over store (nil: files only).
func NewRunner(store *data.Store) *Runner { return &Runner{store: store} }

// Result is a computed plan, its report and where it was stored.
type Result struct {
	Plan   *routing.Plan
	Report Report
	Source *Source
	// PlanID is the stored plan (0 for a file).
	PlanID int64
}

// Report is the report file and a stored plan's stats: the plan's report and, for a
// re-plan, how many assignments changed.
type Report struct {
	routing.Report
	Replan *routing.ReplanStats `json:"replan,omitempty"`
	// WorkerIDs are, for a stored plan, the worker rows in per_worker order; GridAreaIDs
	// the grid areas in grids order (none when the area plans as one grid).
	WorkerIDs   []int64 `json:"worker_ids,omitempty"`
	GridAreaIDs []int64 `json:"grid_area_ids,omitempty"`
}

// WorkerIDs returns the row ids of the plan's workers in planner order (none for a file).
func (res *Result) WorkerIDs() []int64 {
	ids := make([]int64, len(res.Source.Workers))
	for i, w := range res.Source.Workers {
		ids[i] = w.ID
	}
	return ids
}

// Run loads what req names, plans it and, for an area, stores the plan as a new plan of
// the area (computed here, not by a job). A plan the context interrupted is the best
// found so far: it is returned, and stored, all the same.
func (r *Runner) Run(ctx context.Context, req Request) (*Result, error) {
	began := time.Now()
	src, err := r.load(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", nameOf(req), err)
	}
	res, err := solve(ctx, src, req, began)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", src.Name, err)
	}
	if src.AreaID != 0 {
		if res.PlanID, err = r.storeNew(context.WithoutCancel(ctx), res, req.Options.Mode); err != nil {
			return nil, fmt.Errorf("plan %s: %w", src.Name, err)
		}
	}
	return res, nil
}

func nameOf(req Request) string {
	switch {
	case req.OSMFile != "":
		return req.OSMFile
	case req.Area != "":
		return req.Area
	}
	return fmt.Sprintf("area %d", req.AreaID)
}

// Network builds the street network every plan (and every route on the streets) runs on:
// blocks split at intersections, with islands joined by a straight walk when within
// bridgeM metres (0: routing.DefaultBridgeM, negative: never), so that a block is
// reachable the same way whoever asks.
func Network(blocks []geo.Block, bridgeM float64) (*geo.Network, error) {
	switch {
	case bridgeM == 0:
		bridgeM = routing.DefaultBridgeM
	case bridgeM < 0:
		bridgeM = 0
	}
	return routing.PlanNetwork(blocks, bridgeM)
}

// solve builds the network and plans or re-plans src; the budget counts from began.
func solve(ctx context.Context, src *Source, req Request, began time.Time) (*Result, error) {
	net, err := Network(src.Blocks, req.BridgeM)
	if err != nil {
		return nil, asBadRequest(err)
	}
	opt, err := options(src, req)
	if err != nil {
		return nil, err
	}
	// The budget covers the whole request: what loading took is not left to the planner.
	if opt.Seconds > 0 {
		opt.Seconds = max(opt.Seconds-time.Since(began).Seconds(), 0.5)
	}
	input := routing.PlanInput{Network: net, Shops: src.Shops, Stations: src.Stations, Required: src.Required}
	var plan *routing.Plan
	var moves *routing.ReplanStats
	if req.Replan != nil {
		prev, perr := replanInput(src, *req.Replan)
		if perr != nil {
			return nil, perr
		}
		var st routing.ReplanStats
		plan, st, err = routing.Replan(ctx, input, opt, prev)
		moves = &st
	} else {
		plan, err = routing.PlanRoutes(ctx, input, opt)
	}
	if errors.Is(err, routing.ErrBadPlanInput) {
		return nil, asBadRequest(inTeamWords(req, err))
	}
	if err != nil {
		return nil, err
	}
	res := &Result{Plan: plan, Report: Report{Report: plan.Report(time.Since(began)), Replan: moves, GridAreaIDs: src.GridAreaIDs}, Source: src}
	if src.AreaID != 0 {
		res.Report.WorkerIDs = res.WorkerIDs()
	}
	return res, nil
}

// Check loads what req plans and checks, without planning, what the planner would refuse
// about who serves what (routing.CheckStaffing: a grid with blocks and nobody to serve
// them, a worker whose grid has none), so that a request which can only fail is refused
// before it is queued. Its errors are those a queued plan fails with.
func (r *Runner) Check(ctx context.Context, req Request) error {
	src, err := r.load(ctx, req)
	if err != nil {
		return err
	}
	net, err := Network(src.Blocks, req.BridgeM)
	if err != nil {
		return asBadRequest(err)
	}
	opt, err := options(src, req)
	if err != nil {
		return err
	}
	err = routing.CheckStaffing(routing.PlanInput{Network: net, Shops: src.Shops, Stations: src.Stations, Required: src.Required}, opt)
	if errors.Is(err, routing.ErrBadPlanInput) {
		return asBadRequest(inTeamWords(req, err))
	}
	return err
}

// inTeamWords says a planner error in the words of a team plan, whose workers are the
// teams' leads: there a grid "without workers" has workers, only none who leads a team.
func inTeamWords(req Request, err error) error {
	var ug *routing.UnstaffedGridError
	if len(req.Teams) == 0 || !errors.As(err, &ug) {
		return err
	}
	return &badRequest{msg: fmt.Sprintf("grid %q has %d required blocks and no team lead: a team plan's grid is served by the leads who work in it; add a team led from grid %q",
		ug.Grid, ug.Blocks, ug.Grid), cause: err}
}

// options completes the plan-wide options with the plan's workers: how many, their grids,
// where they start and end and (from the store) their own shifts and speeds.
func options(src *Source, req Request) (routing.PlanOptions, error) {
	opt := req.Options
	opt.Workers, opt.Starts = req.Workers, req.Starts
	opt.Grids = src.Grids
	if src.AreaID == 0 {
		if src.Crew != nil {
			opt.Workers, opt.PerWorker = len(src.Crew), src.Crew
		}
		return opt, nil
	}
	opt.Workers = len(src.Workers)
	if src.Crew == nil {
		var err error
		if _, _, src.Crew, err = storeCrew(src.AreaID, nil, src.Workers); err != nil {
			return opt, err
		}
	}
	// Each worker's own shift and speeds from the workers table, except where the request
	// sets one for all; the plan-wide shift is then the shortest of the workers' shifts.
	opt.PerWorker = data.PlanWorkerParams(src.Workers)
	for i := range opt.PerWorker {
		if i < len(src.Crew) {
			c := src.Crew[i]
			opt.PerWorker[i].Name, opt.PerWorker[i].Grid, opt.PerWorker[i].End = c.Name, c.Grid, c.End
			if opt.Starts == nil {
				opt.PerWorker[i].Start = c.Start // starts given with the request hold for all
			}
		}
		if opt.WalkKmh != 0 {
			opt.PerWorker[i].WalkKmh = 0
		}
		if opt.ServeKmh != 0 {
			opt.PerWorker[i].ServeKmh = 0
		}
		if opt.ShiftLimit != 0 {
			opt.PerWorker[i].ShiftLimit = 0
		}
	}
	return opt, nil
}

// replanInput translates the previous plan's assignments (row ids) into the planner's
// indices. Assignments of blocks that left the area or of workers not in this plan are
// left out, so those blocks are assigned afresh.
func replanInput(src *Source, rp Replan) (routing.ReplanInput, error) {
	var in routing.ReplanInput
	blockAt := make(map[int64]int, len(src.BlockIDs))
	for i, id := range src.BlockIDs {
		blockAt[id] = i
	}
	workerAt := make(map[int64]int, len(src.Workers))
	ids := make([]int64, len(src.Workers))
	for i, w := range src.Workers {
		workerAt[w.ID], ids[i] = i, w.ID
	}
	locked := make(map[int64]bool, len(rp.Locks))
	for _, b := range rp.Locks {
		locked[b] = true
	}
	in.Previous = make(map[int]int, len(src.Previous))
	for _, a := range src.Previous {
		b, okB := blockAt[a.BlockID]
		w, okW := workerAt[a.WorkerID]
		if !okB || !okW {
			continue
		}
		in.Previous[b] = w
		if a.Locked || locked[a.BlockID] {
			in.LockedBlocks = append(in.LockedBlocks, b)
		}
	}
	for _, id := range rp.LockedWorkers {
		w, ok := workerAt[id]
		if !ok {
			return in, unknownWorkerf("locked worker %d is not in the plan", id)
		}
		in.LockedWorkers = append(in.LockedWorkers, w)
	}
	for _, id := range rp.Off {
		w, ok := workerAt[id]
		if !ok {
			return in, unknownWorkerf("worker %d is not one of this plan's workers %v", id, ids)
		}
		in.Removed = append(in.Removed, w)
	}
	return in, nil
}
