package planning

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/gridsweep/gridsweep/data"
)

// Queue runs plans in the background through river, a job queue kept in the same
// PostgreSQL: a plan request inserts a job in the transaction that creates the plan, any
// replica with workers picks it up, and a restart loses nothing (a job interrupted by a
// shutdown is retried; one whose process died is rescued after RescueStuckJobsAfter).
type Queue struct {
	store  *data.Store
	runner *Runner
	jobs   *data.JobQueue
	log    *slog.Logger
	// progressEvery throttles progress writes: the solver may improve many times a second.
	progressEvery time.Duration
	// working is false for an insert-only client, which river refuses to start.
	working   bool
	beforeRun func(ctx context.Context) error
}

// QueueOptions configure a Queue.
type QueueOptions struct {
	// Workers is how many plans this process computes at once; 0 makes an insert-only
	// queue (an API replica that never plans).
	Workers int
	Logger  *slog.Logger
	// ProgressEvery is the least time between two progress writes (default 500ms).
	ProgressEvery time.Duration
	// BeforeRun, when set, runs after a plan is marked running and before it is loaded;
	// tests use it to catch a job mid-run however fast the solver is.
	BeforeRun func(ctx context.Context) error
}

// PlanArgs is the river job that computes plan PlanID.
type PlanArgs struct {
	PlanID int64 `json:"plan_id"`
}

// Kind names the job type in river's table; it must never change once jobs exist.
func (PlanArgs) Kind() string { return "gridsweep_plan" }

// riverMigrateLock is the advisory lock key serialising river's migrations ("gsriver").
const riverMigrateLock int64 = 0x6773726976657200

// maxPlanAttempts bounds retries: a plan that failed thrice will fail again.
const maxPlanAttempts = 3

// NewQueue brings river's schema up to date and makes the queue's client. Call Start to
// begin working jobs and Stop to end.
func NewQueue(ctx context.Context, store *data.Store, opts QueueOptions) (*Queue, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// rivermigrate takes no lock of its own; replicas starting together take turns.
	err := store.WithSessionLock(ctx, riverMigrateLock, func() error { return store.MigrateJobQueue(ctx, log) })
	if err != nil {
		return nil, err
	}
	q := &Queue{store: store, runner: NewRunner(store), log: log, progressEvery: opts.ProgressEvery,
		working: opts.Workers > 0, beforeRun: opts.BeforeRun}
	if q.progressEvery <= 0 {
		q.progressEvery = 500 * time.Millisecond
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &planWorker{q: q})
	cfg := &river.Config{
		Logger:  log,
		Workers: workers,
		// A plan's budget is at most ten minutes; anything running far beyond that
		// belongs to a process that died, and another replica should take it over.
		RescueStuckJobsAfter: 15 * time.Minute,
	}
	if opts.Workers > 0 {
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers}}
	}
	if q.jobs, err = store.NewJobQueue(cfg); err != nil {
		return nil, err
	}
	return q, nil
}

// Start begins working jobs (no-op for an insert-only queue).
func (q *Queue) Start(ctx context.Context) error {
	if !q.working {
		return nil
	}
	if err := q.jobs.Start(ctx); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	return nil
}

// Stop lets running plans finish until ctx ends, then cancels them; a cancelled plan job
// is retried later by whichever replica is up.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.working {
		return nil
	}
	err := q.jobs.Stop(ctx)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		hard, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.jobs.StopAndCancel(hard); err != nil {
			return fmt.Errorf("stop jobs: %w", err)
		}
		return nil
	}
	return fmt.Errorf("stop jobs: %w", err)
}

// JobRequest is a plan for the queue: what POST /api/v1/plans asks for, checked.
type JobRequest struct {
	AreaID int64
	Mode   string
	Params JobParams
	// Teams plan as their leads (Params.Workers are the leads); each team gets its lead's
	// route.
	Teams []data.Team
}

// JobParams are what a queued plan stores in plans.params for its job to read.
type JobParams struct {
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

// Create stores a queued plan and the job that will compute it, in one transaction.
func (q *Queue) Create(ctx context.Context, req JobRequest) (data.PlanRecord, error) {
	params, err := json.Marshal(req.Params)
	if err != nil {
		return data.PlanRecord{}, fmt.Errorf("create plan: %w", err)
	}
	return q.store.CreatePlanJob(ctx, q.jobs, data.NewPlanJob{
		AreaID: req.AreaID, Mode: req.Mode, Params: params, Teams: req.Teams,
		Job:     func(id int64) river.JobArgs { return PlanArgs{PlanID: id} },
		JobOpts: &river.InsertOpts{MaxAttempts: maxPlanAttempts},
	})
}

// Check refuses at once (an ErrBadRequest) a plan request whose job could only fail on
// who serves what (Runner.Check); it stores nothing. A team plan of a community with
// grids is checked this way: each grid with blocks needs a lead working in it.
func (q *Queue) Check(ctx context.Context, req JobRequest) error {
	r := req.Params.request(data.PlanRecord{AreaID: req.AreaID, Mode: req.Mode})
	r.Teams = req.Teams
	return q.runner.Check(ctx, r)
}

// Cancel cancels a queued or running plan and its job in one transaction; a running job
// is stopped wherever it runs. A finished plan is returned unchanged (see
// data.Store.CancelPlanJob).
func (q *Queue) Cancel(ctx context.Context, planID int64) (data.PlanRecord, error) {
	return q.store.CancelPlanJob(ctx, q.jobs, planID)
}

// RetryJob makes a plan's job run now rather than at its next retry.
func (q *Queue) RetryJob(ctx context.Context, jobID int64) error { return q.jobs.RetryJob(ctx, jobID) }

// JobState returns a plan job's river state and whether it is final.
func (q *Queue) JobState(ctx context.Context, jobID int64) (string, bool, error) {
	return q.jobs.JobState(ctx, jobID)
}

type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	q *Queue
}

// Timeout leaves room for the solver's budget plus loading and saving.
func (w *planWorker) Timeout(*river.Job[PlanArgs]) time.Duration { return 12 * time.Minute }

// Work computes one plan. Errors that a retry cannot fix (bad input, no workers) mark the
// plan failed and end the job; others are returned so river retries.
func (w *planWorker) Work(ctx context.Context, job *river.Job[PlanArgs]) error {
	q := w.q
	id := job.Args.PlanID
	ok, err := q.store.StartPlan(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return nil // cancelled or finished meanwhile
	}
	err = q.run(ctx, id)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrBadRequest), job.Attempt >= maxPlanAttempts && ctx.Err() == nil:
		if ferr := q.store.FailPlan(context.WithoutCancel(ctx), id, err.Error()); ferr != nil {
			return errors.Join(err, ferr)
		}
		return river.JobCancel(err)
	}
	return err
}
