package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/routing"
)

// Jobs runs plans in the background through river, a job queue kept in the same
// PostgreSQL: a plan request inserts a job in the transaction that creates the plan, any
// replica with workers picks it up, and a restart loses nothing (a job interrupted by a
// shutdown is retried; one whose process died is rescued after RescueStuckJobsAfter).
type Jobs struct {
	store  *data.Store
	client *river.Client[pgx.Tx]
	log    *slog.Logger
	// progressEvery throttles progress writes: the solver may improve many times a second.
	progressEvery time.Duration
	// working is false for an insert-only client, which river refuses to start.
	working bool
	// hold, when set (tests only), runs after a plan is marked running and before it is
	// solved, so tests can catch a job mid-run however fast the solver is.
	hold func(ctx context.Context) error
}

// JobsOptions configure Jobs.
type JobsOptions struct {
	// Workers is how many plans this process computes at once; 0 makes an insert-only
	// client (an API replica that never plans).
	Workers int
	Logger  *slog.Logger
	// ProgressEvery is the least time between two progress writes (default 500ms).
	ProgressEvery time.Duration
}

// PlanArgs is the river job that computes plan PlanID.
type PlanArgs struct {
	PlanID int64 `json:"plan_id"`
}

// Kind names the job type in river's table; it must never change once jobs exist.
func (PlanArgs) Kind() string { return "gridsweep_plan" }

// planParams is what POST /api/v1/plans stores in plans.params for the job to read.
type planParams struct {
	Workers []int64 `json:"workers,omitempty"`
	Seconds float64 `json:"seconds"`
	Seed    int64   `json:"seed,omitempty"`
	// CapacityM is the sweeper cart's load per trip in metres swept (0: unlimited).
	CapacityM float64 `json:"capacity_m,omitempty"`
	// ReplanOf names a finished plan of the same area to re-plan from: its assignments
	// are kept where possible, its locked blocks (set by PATCH) and Locks always.
	ReplanOf      int64   `json:"replan_of,omitempty"`
	Locks         []int64 `json:"locks,omitempty"`
	LockedWorkers []int64 `json:"locked_workers,omitempty"`
	// Campaign, when set, requires only the blocks of the campaign's unvisited shops.
	Campaign int64 `json:"campaign,omitempty"`
}

// planStats is what a plan stores as its stats: the planner's report, plus how much a
// re-plan changed.
type planStats struct {
	routing.Report
	Replan *routing.ReplanStats `json:"replan,omitempty"`
}

// riverMigrateLock is the advisory lock key serialising river's migrations ("gsriver").
const riverMigrateLock int64 = 0x6773726976657200

// maxPlanAttempts bounds retries: a plan that failed thrice will fail again.
const maxPlanAttempts = 3

// NewJobs applies river's migrations (rivermigrate: river owns its schema) and makes the
// client. Call Start to begin working jobs and Stop to end.
func NewJobs(ctx context.Context, store *data.Store, opts JobsOptions) (*Jobs, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	driver := riverpgxv5.New(store.Pool())
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	// rivermigrate takes no lock of its own; replicas starting together take turns.
	err = store.WithSessionLock(ctx, riverMigrateLock, func() error {
		_, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	j := &Jobs{store: store, log: log, progressEvery: opts.ProgressEvery, working: opts.Workers > 0}
	if j.progressEvery <= 0 {
		j.progressEvery = 500 * time.Millisecond
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &planWorker{jobs: j})
	cfg := &river.Config{
		Logger:  log,
		Workers: workers,
		// A plan's budget is at most maxPlanSeconds; anything running far beyond that
		// belongs to a process that died, and another replica should take it over.
		RescueStuckJobsAfter: 15 * time.Minute,
	}
	if opts.Workers > 0 {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}}
	}
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	j.client = client
	return j, nil
}

// Start begins working jobs (no-op for an insert-only client).
func (j *Jobs) Start(ctx context.Context) error {
	if !j.working {
		return nil
	}
	if err := j.client.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

// Stop lets running plans finish until ctx ends, then cancels them; a cancelled plan job
// is retried later by whichever replica is up.
func (j *Jobs) Stop(ctx context.Context) error {
	if !j.working {
		return nil
	}
	err := j.client.Stop(ctx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		hard, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := j.client.StopAndCancel(hard); err != nil {
			return fmt.Errorf("stop jobs: %w", err)
		}
		return nil
	}
	return fmt.Errorf("stop jobs: %w", err)
}

// enqueue inserts the plan's job inside the plan's own transaction.
func (j *Jobs) enqueue(ctx context.Context) func(tx pgx.Tx, planID int64) (int64, error) {
	return func(tx pgx.Tx, planID int64) (int64, error) {
		res, err := j.client.InsertTx(ctx, tx, PlanArgs{PlanID: planID}, &river.InsertOpts{MaxAttempts: maxPlanAttempts})
		if err != nil {
			return 0, err
		}
		return res.Job.ID, nil
	}
}

// cancel stops a plan's job wherever it runs (river signals the other replicas).
func (j *Jobs) cancel(ctx context.Context, jobID int64) error {
	if _, err := j.client.JobCancel(ctx, jobID); err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("cancel job %d: %w", jobID, err)
	}
	return nil
}

type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	jobs *Jobs
}

// Timeout leaves room for the solver's budget plus loading and saving.
func (w *planWorker) Timeout(*river.Job[PlanArgs]) time.Duration { return 12 * time.Minute }

// Work computes one plan. Errors that a retry cannot fix (bad input, no workers) mark the
// plan failed and end the job; others are returned so river retries.
func (w *planWorker) Work(ctx context.Context, job *river.Job[PlanArgs]) error {
	j := w.jobs
	id := job.Args.PlanID
	ok, err := j.store.StartPlan(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return nil // cancelled or finished meanwhile
	}
	err = j.run(ctx, id)
	var fatal *fatalPlanError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fatal), job.Attempt >= maxPlanAttempts && ctx.Err() == nil:
		if ferr := j.store.FailPlan(context.WithoutCancel(ctx), id, err.Error()); ferr != nil {
			return errors.Join(err, ferr)
		}
		return river.JobCancel(err)
	}
	return err
}

// fatalPlanError is a failure that retrying cannot fix.
type fatalPlanError struct{ msg string }

func (e *fatalPlanError) Error() string { return e.msg }

func fatalf(format string, a ...any) error { return &fatalPlanError{fmt.Sprintf(format, a...)} }

// progress is the live state the SSE stream shows.
type progress struct {
	BestMakespanS float64   `json:"best_makespan_s"`
	ElapsedS      float64   `json:"elapsed_s"`
	Improvements  int       `json:"improvements"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func (j *Jobs) run(ctx context.Context, id int64) error {
	start := time.Now()
	plan, err := j.store.GetPlan(ctx, id)
	if err != nil {
		return err
	}
	var params planParams
	if err := json.Unmarshal(plan.Params, &params); err != nil {
		return fatalf("plan parameters: %v", err)
	}
	if j.hold != nil {
		if err := j.hold(ctx); err != nil {
			return err
		}
	}
	d, err := j.store.LoadPlanData(ctx, plan.AreaID)
	if err != nil {
		return err
	}
	var required func(int) bool
	if params.Campaign != 0 {
		if required, _, err = campaignRequired(ctx, j.store, params.Campaign, plan.AreaID, d.BlockIDs); errors.Is(err, errNoCampaignStops) {
			return fatalf("%v", err)
		} else if err != nil {
			return err
		}
	}
	workers := d.Workers
	if len(params.Workers) > 0 {
		byID := map[int64]data.WorkerRecord{}
		for _, w := range d.Workers {
			byID[w.ID] = w
		}
		workers = workers[:0:0]
		for _, id := range params.Workers {
			w, ok := byID[id]
			if !ok {
				return fatalf("worker %d is not an active worker of area %d", id, plan.AreaID)
			}
			workers = append(workers, w)
		}
	}
	if len(workers) == 0 {
		return fatalf("area %d has no active workers", plan.AreaID)
	}
	if len(d.Blocks) == 0 {
		return fatalf("area %d has no street blocks", plan.AreaID)
	}
	// The same network the command line plans on, islands joined, so that a block is
	// reachable through the API exactly when it is on the command line.
	net, err := routing.PlanNetwork(d.Blocks, routing.DefaultBridgeM)
	if err != nil {
		return fatalf("street network: %v", err)
	}
	starts, err := workerStarts(workers)
	if err != nil {
		return fatalf("%v", err)
	}

	// The solver reports improvements from its goroutines; a ticker writes the latest one
	// at most every progressEvery so the database is not hammered.
	var mu sync.Mutex
	var cur progress
	dirty := false
	flushCtx, stopFlush := context.WithCancel(ctx)
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		t := time.NewTicker(j.progressEvery)
		defer t.Stop()
		for {
			select {
			case <-flushCtx.Done():
				return
			case <-t.C:
			}
			mu.Lock()
			p, d := cur, dirty
			dirty = false
			mu.Unlock()
			if d {
				if err := j.store.SetPlanProgress(flushCtx, id, p); err != nil && flushCtx.Err() == nil {
					j.log.Warn("plan progress", slog.Int64("plan", id), slog.String("error", err.Error()))
				}
			}
		}
	}()
	opt := routing.PlanOptions{
		Mode:     routing.Mode(plan.Mode),
		Workers:  len(workers),
		Starts:   starts,
		Seconds:  params.Seconds,
		Seed:     params.Seed,
		Capacity: params.CapacityM,
		// Each worker's own shift and speeds from the workers table; the plan-wide shift
		// limit is then the shortest of their shifts.
		PerWorker: data.PlanWorkerParams(workers),
		Progress: func(makespan, elapsed time.Duration) {
			mu.Lock()
			cur = progress{BestMakespanS: math.Round(makespan.Seconds()*10) / 10, ElapsedS: math.Round(elapsed.Seconds()*100) / 100,
				Improvements: cur.Improvements + 1, UpdatedAt: time.Now().UTC()}
			dirty = true
			mu.Unlock()
		},
	}
	input := routing.PlanInput{Network: net, Shops: d.Shops, Stations: d.Stations, Required: required}
	var result *routing.Plan
	var replan *routing.ReplanStats
	if params.ReplanOf != 0 {
		prev, perr := j.replanInput(ctx, params, d.BlockIDs, workers)
		if perr != nil {
			stopFlush()
			<-flushed
			return perr
		}
		var st routing.ReplanStats
		result, st, err = routing.Replan(ctx, input, opt, prev)
		replan = &st
	} else {
		result, err = routing.PlanRoutes(ctx, input, opt)
	}
	stopFlush()
	<-flushed
	// The last improvement may have come after the last tick (small plans finish
	// between two ticks): write it so the plan shows its final best makespan.
	mu.Lock()
	last, pending := cur, dirty
	mu.Unlock()
	if pending && ctx.Err() == nil {
		if err := j.store.SetPlanProgress(ctx, id, last); err != nil {
			return err
		}
	}
	if err != nil {
		if errors.Is(err, routing.ErrBadPlanInput) {
			return fatalf("%v", err)
		}
		return fmt.Errorf("plan %d: %w", id, err)
	}
	if ctx.Err() != nil {
		// Cancelled (DELETE) or shutting down: the interrupted result is not stored.
		return ctx.Err()
	}
	workerIDs := make([]int64, len(workers))
	for i, w := range workers {
		workerIDs[i] = w.ID
	}
	routes, err := data.RoutesOfPlan(result, workerIDs, d.BlockIDs)
	if err != nil {
		return fmt.Errorf("plan %d: %w", id, err)
	}
	stats := planStats{Report: result.Report(time.Since(start)), Replan: replan}
	if _, err := j.store.SavePlanResult(ctx, id, routes, stats); err != nil {
		return err
	}
	return nil
}

// replanInput translates the previous plan's assignments (database ids) into the
// planner's indices. Assignments to workers no longer in the plan are left out, so their
// blocks are assigned afresh.
func (j *Jobs) replanInput(ctx context.Context, params planParams, blockIDs []int64, workers []data.WorkerRecord) (routing.ReplanInput, error) {
	var in routing.ReplanInput
	prev, err := j.store.PlanAssignments(ctx, params.ReplanOf)
	if err != nil {
		return in, err
	}
	blockIdx := make(map[int64]int, len(blockIDs))
	for i, id := range blockIDs {
		blockIdx[id] = i
	}
	workerIdx := make(map[int64]int, len(workers))
	for i, w := range workers {
		workerIdx[w.ID] = i
	}
	locked := map[int64]bool{}
	for _, b := range params.Locks {
		locked[b] = true
	}
	in.Previous = map[int]int{}
	for _, a := range prev {
		b, okb := blockIdx[a.BlockID]
		w, okw := workerIdx[a.WorkerID]
		if !okb || !okw {
			continue
		}
		in.Previous[b] = w
		if a.Locked || locked[a.BlockID] {
			in.LockedBlocks = append(in.LockedBlocks, b)
		}
	}
	for _, id := range params.LockedWorkers {
		w, ok := workerIdx[id]
		if !ok {
			return in, fatalf("locked worker %d is not in the plan", id)
		}
		in.LockedWorkers = append(in.LockedWorkers, w)
	}
	return in, nil
}

// workerStarts gives the planner one start per worker when every worker has one, and
// none (the planner picks a central node) otherwise.
func workerStarts(ws []data.WorkerRecord) ([]orb.Point, error) {
	var out []orb.Point
	for _, w := range ws {
		if len(w.Start) == 0 || string(w.Start) == "null" {
			return nil, nil
		}
		var g struct{ Coordinates [2]float64 }
		if err := json.Unmarshal(w.Start, &g); err != nil {
			return nil, fmt.Errorf("worker %d start: %w", w.ID, err)
		}
		out = append(out, orb.Point(g.Coordinates))
	}
	return out, nil
}
