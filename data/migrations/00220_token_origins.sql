-- The browser origins a viewer token may be used from (its dashboard's embed): requests
-- carrying an Origin header outside the list are refused, and the embed page may only be
-- framed by them. Empty means any origin, as before.

-- +goose Up
ALTER TABLE api_tokens ADD COLUMN origins text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN origins;
