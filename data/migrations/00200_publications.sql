-- The day of the sweep: an area's time zone (what "today" means there), the plan published
-- for an area and day (what its workers get), and which shops each published plan visits.
--
-- An area's zone is its own time_zone, else the nearest ancestor's; an area whose chain
-- names none uses the server's default (serve --time-zone). The API checks names against
-- Go's IANA database before storing them.

-- +goose Up
ALTER TABLE areas ADD COLUMN time_zone text CHECK (time_zone IS NULL OR time_zone <> '');

-- +goose StatementBegin
CREATE FUNCTION area_time_zone(area bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up(id, parent_id, time_zone, depth) AS (
        SELECT id, parent_id, time_zone, 0 FROM areas WHERE id = area
        UNION ALL
        SELECT a.id, a.parent_id, a.time_zone, up.depth + 1
        FROM areas a JOIN up ON a.id = up.parent_id
        WHERE up.time_zone IS NULL AND up.depth < 32
    )
    SELECT time_zone FROM up WHERE time_zone IS NOT NULL ORDER BY depth LIMIT 1;
$$;
-- +goose StatementEnd

-- One plan per area and day: publishing again replaces it (workers see the newer plan the
-- next time their page syncs). shift_start is when the day's shift begins, local time:
-- progress compares the share done with the share of the shift gone by.
CREATE TABLE plan_publications (
    area_id      bigint NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
    day          date NOT NULL,
    plan_id      bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    time_zone    text NOT NULL CHECK (time_zone <> ''),
    shift_start  time NOT NULL DEFAULT '08:00',
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by bigint REFERENCES api_tokens (id) ON DELETE SET NULL,
    PRIMARY KEY (area_id, day)
);
CREATE INDEX plan_publications_plan_id ON plan_publications (plan_id);
CREATE INDEX plan_publications_day ON plan_publications (day);

-- The shops a plan's workers visit: each shop of the plan's area on the nearest block
-- within the snap tolerance, as the planner's steps list them. Computed once per plan
-- (plan_shops_done marks it), because a nearest-block search per shop is far slower
-- than the progress query that reads it.
CREATE TABLE plan_shops (
    plan_id  bigint NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    shop_id  bigint NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
    block_id bigint NOT NULL REFERENCES blocks (id) ON DELETE CASCADE,
    PRIMARY KEY (plan_id, shop_id)
);
CREATE INDEX plan_shops_plan_block ON plan_shops (plan_id, block_id);
CREATE TABLE plan_shops_done (
    plan_id bigint PRIMARY KEY REFERENCES plans (id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE plan_shops_done;
DROP TABLE plan_shops;
DROP TABLE plan_publications;
DROP FUNCTION area_time_zone(bigint);
ALTER TABLE areas DROP COLUMN time_zone;
