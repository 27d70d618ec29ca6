package data

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/riverqueue/river"
)

// cancelTestArgs is a job that no worker runs: the tests move it through river's states by hand.
type cancelTestArgs struct {
	PlanID int64 `json:"plan_id"`
}

func (cancelTestArgs) Kind() string { return "gridsweep_test_cancel" }

// jobFixture is a store with river's schema, an insert-only queue and one area to plan.
type jobFixture struct {
	t    *testing.T
	s    *Store
	q    *JobQueue
	area int64
}

func newJobFixture(t *testing.T) *jobFixture {
	t.Helper()
	ctx := context.Background()
	s := openTest(t)
	if err := s.MigrateJobQueue(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	q, err := s.NewJobQueue(&river.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	source, kind := "jobs", "community"
	a, err := s.CreateArea(ctx, AreaInput{SourceID: &source, Kind: &kind, Geometry: square(1.5, 42.5, 0.01)})
	if err != nil {
		t.Fatal(err)
	}
	return &jobFixture{t: t, s: s, q: q, area: a.ID}
}

// newPlan creates a queued plan and its (available) job.
func (f *jobFixture) newPlan() PlanRecord {
	f.t.Helper()
	p, err := f.s.CreatePlanJob(context.Background(), f.q, NewPlanJob{AreaID: f.area, Mode: "patrol", Params: []byte(`{}`),
		Job: func(id int64) river.JobArgs { return cancelTestArgs{PlanID: id} }})
	if err != nil || p.JobID == nil {
		f.t.Fatalf("create plan: %+v, %v", p, err)
	}
	return p
}

// exec runs SQL the test needs to put river's job or the plan in a given state.
func (f *jobFixture) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.s.pool.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
}

// run marks the plan's job running in river, as a worker that fetched it would, and the plan running.
func (f *jobFixture) run(p PlanRecord) {
	f.t.Helper()
	f.exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now(), attempted_by = '{test}' WHERE id = $1`, *p.JobID)
	if ok, err := f.s.StartPlan(context.Background(), p.ID); err != nil || !ok {
		f.t.Fatalf("start plan: %v %v", ok, err)
	}
}

// job returns the river state of the plan's job, whether river recorded a cancel
// request on it (it does for a queued job too), and whether it exists at all.
func (f *jobFixture) job(p PlanRecord) (state string, stopAsked, exists bool) {
	f.t.Helper()
	err := f.s.pool.QueryRow(context.Background(), `SELECT state::text, metadata ? 'cancel_attempted_at' FROM river_job WHERE id = $1`,
		*p.JobID).Scan(&state, &stopAsked)
	if err != nil {
		return "", false, false
	}
	return state, stopAsked, true
}

func TestCancelPlanJob(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	ctx := context.Background()
	cancelJob := func(id int64) (PlanRecord, error) { return f.s.CancelPlanJob(ctx, f.q, id) }
	tests := []struct {
		name   string
		setup  func(PlanRecord)
		cancel func(id int64) (PlanRecord, error)
		// wantStatus is the plan's status afterwards; bumped says whether its version moved.
		wantStatus string
		bumped     bool
		// wantJob is the job's river state afterwards ("" when it no longer exists);
		// wantStop whether river recorded a request to cancel it.
		wantJob  string
		wantStop bool
	}{
		{name: "queued", cancel: cancelJob, wantStatus: PlanCancelled, bumped: true, wantJob: "cancelled", wantStop: true},
		{name: "running", setup: f.run, cancel: cancelJob, wantStatus: PlanCancelled, bumped: true, wantJob: "running", wantStop: true},
		// A plan cancelled without its job (by a server without a queue) gets its job
		// cancelled by the next cancel; the plan itself stays as it is.
		{name: "already cancelled", setup: func(p PlanRecord) {
			f.exec(`UPDATE plans SET status = 'cancelled', finished_at = now() WHERE id = $1`, p.ID)
		}, cancel: cancelJob, wantStatus: PlanCancelled, wantJob: "cancelled", wantStop: true},
		{name: "done", setup: func(p PlanRecord) {
			f.run(p)
			if ok, err := f.s.SavePlanResult(ctx, p.ID, nil, map[string]int{"workers": 0}); err != nil || !ok {
				t.Fatalf("save plan: %v %v", ok, err)
			}
		}, cancel: cancelJob, wantStatus: PlanDone, wantJob: "running"},
		{name: "failed", setup: func(p PlanRecord) {
			f.run(p)
			if err := f.s.FailPlan(ctx, p.ID, "no workers"); err != nil {
				t.Fatal(err)
			}
		}, cancel: cancelJob, wantStatus: PlanFailed, wantJob: "running"},
		{name: "job gone", setup: func(p PlanRecord) {
			f.exec(`DELETE FROM river_job WHERE id = $1`, *p.JobID)
		}, cancel: cancelJob, wantStatus: PlanCancelled, bumped: true, wantJob: ""},
		{name: "without a queue", cancel: func(id int64) (PlanRecord, error) { return f.s.CancelPlan(ctx, id) },
			wantStatus: PlanCancelled, bumped: true, wantJob: "available"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := f.newPlan()
			if tc.setup != nil {
				tc.setup(p)
			}
			before, err := f.s.GetPlan(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tc.cancel(p.ID)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := f.s.GetPlan(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantVersion := before.Version
			if tc.bumped {
				wantVersion++
			}
			if got.Status != tc.wantStatus || got.Version != wantVersion || got.FinishedAt == nil {
				t.Errorf("returned plan %s v%d finished %v, want %s v%d finished", got.Status, got.Version, got.FinishedAt, tc.wantStatus, wantVersion)
			}
			if stored.Status != got.Status || stored.Version != got.Version || !stored.UpdatedAt.Equal(got.UpdatedAt) {
				t.Errorf("stored plan %s v%d differs from returned %s v%d", stored.Status, stored.Version, got.Status, got.Version)
			}
			if !tc.bumped && !stored.UpdatedAt.Equal(before.UpdatedAt) {
				t.Errorf("unchanged plan's updated_at moved from %v to %v", before.UpdatedAt, stored.UpdatedAt)
			}
			state, stop, exists := f.job(p)
			if (tc.wantJob == "") == exists || state != tc.wantJob || stop != tc.wantStop {
				t.Errorf("job %q (exists %v, cancel recorded %v), want %q (cancel recorded %v)", state, exists, stop, tc.wantJob, tc.wantStop)
			}
		})
	}

	if _, err := f.s.CancelPlanJob(ctx, f.q, 999999); !errors.Is(err, ErrRecordNotFound) {
		t.Errorf("unknown plan: %v, want ErrRecordNotFound", err)
	}
	if _, err := f.s.CancelPlanJob(ctx, nil, f.newPlan().ID); err == nil {
		t.Error("CancelPlanJob without a queue succeeded")
	}
}

// TestCancelPlanJobIsAtomic makes cancelling the job fail and checks that the plan was
// not cancelled either: the two happen together or not at all.
func TestCancelPlanJobIsAtomic(t *testing.T) {
	t.Parallel()
	f := newJobFixture(t)
	ctx := context.Background()
	p := f.newPlan()
	f.exec(`CREATE FUNCTION refuse_job_update() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'job updates refused by the test'; END $$`)
	f.exec(`CREATE TRIGGER refuse_job_update BEFORE UPDATE ON river_job FOR EACH ROW EXECUTE FUNCTION refuse_job_update()`)
	if _, err := f.s.CancelPlanJob(ctx, f.q, p.ID); err == nil {
		t.Fatal("cancel succeeded although the job could not be cancelled")
	}
	after, err := f.s.GetPlan(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != PlanQueued || after.Version != p.Version || after.FinishedAt != nil {
		t.Fatalf("plan %s v%d after a failed cancel, want queued v%d", after.Status, after.Version, p.Version)
	}
	if state, _, _ := f.job(p); state != "available" {
		t.Fatalf("job %s after a failed cancel", state)
	}

	// Once the job can be cancelled, both are.
	f.exec(`DROP TRIGGER refuse_job_update ON river_job`)
	got, err := f.s.CancelPlanJob(ctx, f.q, p.ID)
	if err != nil || got.Status != PlanCancelled {
		t.Fatalf("cancel: %s, %v", got.Status, err)
	}
	if state, _, _ := f.job(p); state != "cancelled" {
		t.Fatalf("job %s after cancel", state)
	}
}
