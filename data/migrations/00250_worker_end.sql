-- Where a worker's route ends (grids as territories): back at the start (both NULL/false,
-- the default), at end_geom, or open (end_open: the route ends after its last served
-- block). A worker's grid is the grid area their area_id names.

-- +goose Up
ALTER TABLE workers
    ADD COLUMN end_geom geometry(Point, 4326),
    ADD COLUMN end_open boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT workers_end_one CHECK (NOT (end_open AND end_geom IS NOT NULL));

-- +goose Down
ALTER TABLE workers DROP CONSTRAINT workers_end_one, DROP COLUMN end_open, DROP COLUMN end_geom;
