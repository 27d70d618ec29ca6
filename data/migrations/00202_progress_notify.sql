-- Live progress: a NOTIFY on channel gridsweep_progress whenever something a progress
-- count reads changes, so the progress streams of every replica recompute at once instead
-- of polling. The payload names the workers ({"workers":[...]}) whose check-ins or
-- positions changed, or the plans ({"plans":[...]}) whose assignments or publication did.
-- Statement-level triggers send one notification per batch, not one per row.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION progress_notify_workers() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(DISTINCT worker_id) INTO ids FROM old_rows WHERE worker_id IS NOT NULL;
    ELSE
        SELECT jsonb_agg(DISTINCT worker_id) INTO ids FROM new_rows WHERE worker_id IS NOT NULL;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM pg_notify('gridsweep_progress', jsonb_build_object('workers', ids)::text);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION progress_notify_plans() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT jsonb_agg(DISTINCT plan_id) INTO ids FROM old_rows;
    ELSE
        SELECT jsonb_agg(DISTINCT plan_id) INTO ids FROM new_rows;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM pg_notify('gridsweep_progress', jsonb_build_object('plans', ids)::text);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER visits_progress_ins AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_workers();
CREATE TRIGGER visits_progress_upd AFTER UPDATE ON visits
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_workers();
CREATE TRIGGER visits_progress_del AFTER DELETE ON visits
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_workers();
CREATE TRIGGER gps_points_progress_ins AFTER INSERT ON gps_points
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_workers();
CREATE TRIGGER gps_sweeps_progress_ins AFTER INSERT ON gps_sweeps
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_workers();
-- A shop ledger entry at a shop stop counts as a visit of the shop.
CREATE TRIGGER ledger_events_progress_ins AFTER INSERT ON ledger_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_workers();
CREATE TRIGGER plan_assignments_progress_ins AFTER INSERT ON plan_assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_plans();
CREATE TRIGGER plan_assignments_progress_upd AFTER UPDATE ON plan_assignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_plans();
CREATE TRIGGER plan_publications_progress_ins AFTER INSERT ON plan_publications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_plans();
CREATE TRIGGER plan_publications_progress_upd AFTER UPDATE ON plan_publications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION progress_notify_plans();

-- +goose Down
DROP TRIGGER plan_publications_progress_upd ON plan_publications;
DROP TRIGGER plan_publications_progress_ins ON plan_publications;
DROP TRIGGER plan_assignments_progress_upd ON plan_assignments;
DROP TRIGGER plan_assignments_progress_ins ON plan_assignments;
DROP TRIGGER ledger_events_progress_ins ON ledger_events;
DROP TRIGGER gps_sweeps_progress_ins ON gps_sweeps;
DROP TRIGGER gps_points_progress_ins ON gps_points;
DROP TRIGGER visits_progress_del ON visits;
DROP TRIGGER visits_progress_upd ON visits;
DROP TRIGGER visits_progress_ins ON visits;
DROP FUNCTION progress_notify_plans();
DROP FUNCTION progress_notify_workers();
