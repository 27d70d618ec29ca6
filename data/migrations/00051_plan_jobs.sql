-- What the API needs to run plans as background jobs: the river job that computes a plan,
-- its live progress (best makespan so far, read by the SSE stream of any replica) and
-- when it ran. River's own tables are created by river's migrator (rivermigrate) at
-- start-up, not here, so that river upgrades bring their own migrations.

-- +goose Up
ALTER TABLE plans
    ADD COLUMN job_id      bigint,
    ADD COLUMN progress    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(progress) = 'object'),
    ADD COLUMN started_at  timestamptz,
    ADD COLUMN finished_at timestamptz;

-- +goose Down
ALTER TABLE plans
    DROP COLUMN finished_at,
    DROP COLUMN started_at,
    DROP COLUMN progress,
    DROP COLUMN job_id;
