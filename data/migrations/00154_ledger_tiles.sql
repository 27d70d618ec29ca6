-- The shops tile layer carries each shop's ledger status, so a change of status must
-- redraw the tiles around the shop (the tile cache listens for tiles_notify).

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION shop_ledger_tiles_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tiles_notify(ARRAY['shops'], ARRAY(
        SELECT s.geom::box2d FROM new_rows n JOIN shops s ON s.id = n.shop_id));
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER shop_ledger_tiles_ins AFTER INSERT ON shop_ledger
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION shop_ledger_tiles_notify();
CREATE TRIGGER shop_ledger_tiles_upd AFTER UPDATE ON shop_ledger
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION shop_ledger_tiles_notify();

-- +goose Down
DROP TRIGGER shop_ledger_tiles_upd ON shop_ledger;
DROP TRIGGER shop_ledger_tiles_ins ON shop_ledger;
DROP FUNCTION shop_ledger_tiles_notify();
