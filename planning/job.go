package planning

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/routing"
)

// request turns a queued plan's parameters into the Runner's request.
func (p JobParams) request(plan data.PlanRecord) Request {
	req := Request{AreaID: plan.AreaID, WorkerIDs: p.Workers, CampaignID: p.Campaign,
		Options: routing.PlanOptions{Mode: routing.Mode(plan.Mode), Seconds: p.Seconds, Seed: p.Seed, Capacity: p.CapacityM}}
	if p.ReplanOf != 0 {
		req.Replan = &Replan{Of: p.ReplanOf, Locks: p.Locks, LockedWorkers: p.LockedWorkers}
	}
	return req
}

// run computes queued plan id with the same Runner the command line uses and stores the
// result in the plan's row. A plan the context ended (cancelled, or the process shutting
// down) is not stored: its job is retried or was cancelled.
func (q *Queue) run(ctx context.Context, id int64) error {
	plan, err := q.store.GetPlan(ctx, id)
	if err != nil {
		return err
	}
	var params JobParams
	if err := json.Unmarshal(plan.Params, &params); err != nil {
		return badRequestf("plan parameters: %v", err)
	}
	if q.beforeRun != nil {
		if err := q.beforeRun(ctx); err != nil {
			return err
		}
	}
	began := time.Now()
	req := params.request(plan)
	if req.Teams, err = q.store.PlanTeams(ctx, id); err != nil {
		return err
	}
	src, err := q.runner.load(ctx, req)
	if err != nil {
		return err
	}
	prog := q.startProgress(ctx, id)
	req.Options.Progress = prog.improved
	res, err := solve(ctx, src, req, began)
	if perr := prog.stop(ctx); perr != nil && err == nil {
		err = perr
	}
	if errors.Is(err, ErrBadRequest) {
		return err // its message is what the failed plan shows
	}
	if err != nil {
		return fmt.Errorf("plan %d: %w", id, err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return q.runner.save(ctx, id, res)
}

// progress is the live state the plan's event stream shows.
type progress struct {
	BestMakespanS float64   `json:"best_makespan_s"`
	ElapsedS      float64   `json:"elapsed_s"`
	Improvements  int       `json:"improvements"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// progressWriter stores a running plan's progress. The solver reports improvements from
// its goroutines; a ticker writes the latest one at most every progressEvery so that the
// database is not hammered.
type progressWriter struct {
	q     *Queue
	id    int64
	mu    sync.Mutex
	cur   progress
	dirty bool
	halt  context.CancelFunc
	done  chan struct{}
}

func (q *Queue) startProgress(ctx context.Context, id int64) *progressWriter {
	p := &progressWriter{q: q, id: id, done: make(chan struct{})}
	tickCtx, halt := context.WithCancel(ctx)
	p.halt = halt
	go p.loop(tickCtx)
	return p
}

// improved is the planner's Progress callback.
func (p *progressWriter) improved(makespan, elapsed time.Duration) {
	p.mu.Lock()
	p.cur = progress{BestMakespanS: math.Round(makespan.Seconds()*10) / 10, ElapsedS: math.Round(elapsed.Seconds()*100) / 100,
		Improvements: p.cur.Improvements + 1, UpdatedAt: time.Now().UTC()}
	p.dirty = true
	p.mu.Unlock()
}

func (p *progressWriter) take() (progress, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur, dirty := p.cur, p.dirty
	p.dirty = false
	return cur, dirty
}

func (p *progressWriter) loop(ctx context.Context) {
	defer close(p.done)
	t := time.NewTicker(p.q.progressEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if cur, dirty := p.take(); dirty {
			if err := p.q.store.SetPlanProgress(ctx, p.id, cur); err != nil && ctx.Err() == nil {
				p.q.log.Warn("plan progress", slog.Int64("plan", p.id), slog.String("error", err.Error()))
			}
		}
	}
}

// stop ends the ticker and writes the last improvement if it came after the last tick
// (small plans finish between two ticks), so the plan shows its final best makespan.
func (p *progressWriter) stop(ctx context.Context) error {
	p.halt()
	<-p.done
	if cur, dirty := p.take(); dirty && ctx.Err() == nil {
		return p.q.store.SetPlanProgress(ctx, p.id, cur)
	}
	return nil
}
