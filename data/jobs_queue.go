package data

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// JobQueue is river's client on the store's pool. The job queue lives in the same
// PostgreSQL as the plans, so a plan and its job are inserted in one transaction
// (CreatePlanJob) and cancelled in one (CancelPlanJob). Only the pgx-typed half of river
// lives here: the caller (the planning package) owns the job types, the workers that run
// them and the queue's policy, and passes them in as a river.Config.
type JobQueue struct {
	client *river.Client[pgx.Tx]
}

// MigrateJobQueue applies river's own migrations (river owns its schema). It takes no
// lock: replicas starting together must serialise it (WithSessionLock).
func (s *Store) MigrateJobQueue(ctx context.Context, log *slog.Logger) error {
	migrator, err := rivermigrate.New(riverpgxv5.New(s.pool), &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// NewJobQueue makes a river client on the store's pool with cfg (its workers, queues and
// timeouts). A config without queues makes an insert-only client, which cannot Start.
func (s *Store) NewJobQueue(cfg *river.Config) (*JobQueue, error) {
	client, err := river.NewClient(riverpgxv5.New(s.pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return &JobQueue{client: client}, nil
}

// Start begins working jobs until Stop.
func (q *JobQueue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop waits for running jobs to finish, until ctx ends.
func (q *JobQueue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// StopAndCancel cancels running jobs' contexts and waits for them to return.
func (q *JobQueue) StopAndCancel(ctx context.Context) error { return q.client.StopAndCancel(ctx) }

// RetryJob makes a job available to run now (a job waiting for its retry, or finished).
func (q *JobQueue) RetryJob(ctx context.Context, id int64) error {
	if _, err := q.client.JobRetry(ctx, id); err != nil {
		return fmt.Errorf("retry job %d: %w", id, err)
	}
	return nil
}

// JobState returns a job's river state (available, running, retryable, cancelled,
// completed, ...) and whether it is final.
func (q *JobQueue) JobState(ctx context.Context, id int64) (state string, final bool, err error) {
	row, err := q.client.JobGet(ctx, id)
	if err != nil {
		return "", false, fmt.Errorf("job %d: %w", id, err)
	}
	return string(row.State), row.FinalizedAt != nil, nil
}
