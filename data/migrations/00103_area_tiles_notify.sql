-- Coverage and heat tiles are filtered by area: moving an area's boundary changes them
-- inside the old and the new boundary.

-- +goose Up
CREATE TRIGGER areas_tiles_upd AFTER UPDATE ON areas REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tiles_features_changed('coverage,heat');
CREATE TRIGGER areas_tiles_del AFTER DELETE ON areas REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tiles_features_changed('coverage,heat');

-- +goose Down
DROP TRIGGER areas_tiles_del ON areas;
DROP TRIGGER areas_tiles_upd ON areas;
