package planning

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
)

// waitPlan polls a plan until it is finished; the deadline only stops a hung test.
func waitPlan(t *testing.T, store *data.Store, id int64) data.PlanRecord {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		p, err := store.GetPlan(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != data.PlanQueued && p.Status != data.PlanRunning {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("plan %d still %s", id, p.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestQueueRunsPlans(t *testing.T) {
	t.Parallel()
	c := newCity(t, 2)
	ctx := context.Background()
	q, err := NewQueue(ctx, c.store, QueueOptions{Workers: 1, ProgressEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Stop(context.Background()) })

	rec, err := q.Create(ctx, JobRequest{AreaID: c.grid, Mode: "patrol", Params: JobParams{Seconds: 1, Seed: 5}})
	if err != nil {
		t.Fatal(err)
	}
	var params map[string]any
	if err := json.Unmarshal(rec.Params, &params); err != nil {
		t.Fatal(err)
	}
	if rec.Status != data.PlanQueued || rec.JobID == nil || params["seconds"] != 1.0 || params["seed"] != 5.0 {
		t.Fatalf("queued plan %+v", rec)
	}
	done := waitPlan(t, c.store, rec.ID)
	var stats struct {
		Workers       int `json:"workers"`
		BlocksCovered int `json:"blocks_covered"`
	}
	var prog struct {
		Improvements int `json:"improvements"`
	}
	if err := json.Unmarshal(done.Stats, &stats); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(done.Progress, &prog); err != nil {
		t.Fatal(err)
	}
	if done.Status != data.PlanDone || stats.Workers != 2 || stats.BlocksCovered != c.blocksInPlace || prog.Improvements < 1 {
		t.Fatalf("plan %s: stats %s, progress %s, error %q", done.Status, done.Stats, done.Progress, done.Error)
	}
	if got := c.assignments(t, rec.ID); len(got) != c.blocksInPlace {
		t.Fatalf("%d blocks assigned", len(got))
	}

	// A request that no retry can fix fails at once, with its reason, and ends its job.
	bad, err := q.Create(ctx, JobRequest{AreaID: c.grid, Mode: "patrol", Params: JobParams{Seconds: 1, Workers: []int64{999999}}})
	if err != nil {
		t.Fatal(err)
	}
	failed := waitPlan(t, c.store, bad.ID)
	if failed.Status != data.PlanFailed || !strings.Contains(failed.Error, "worker 999999 is not an active worker") {
		t.Fatalf("plan with a stranger: %s %q", failed.Status, failed.Error)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		state, final, err := q.JobState(ctx, *bad.JobID)
		if err != nil {
			t.Fatal(err)
		}
		if final {
			if state != "cancelled" {
				t.Fatalf("job of the failed plan is %s", state)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job of the failed plan still %s", state)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNewQueueConcurrentStart starts several queues at once on a fresh database, as
// replicas starting together would: river's migrations must not race.
func TestNewQueueConcurrentStart(t *testing.T) {
	t.Parallel()
	store, err := data.Open(context.Background(), datatest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := NewQueue(context.Background(), store, QueueOptions{})
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
