-- PostGIS provides the geometry type, GIST operator classes and the ST_ functions every
-- later migration uses. IF NOT EXISTS: a server prepared by an administrator already has it.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

-- +goose Down
-- The extension is left in place on purpose: other schemas in the database may use it.
SELECT 1;
