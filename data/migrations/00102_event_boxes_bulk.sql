-- event_boxes for bulk writes: a COPY of 100,000 check-ins named its blocks 100,000 times,
-- and each position was checked against every one of them. Block ids are now deduplicated
-- first, and when more than 40 blocks changed (tiles_notify would merge the boxes into
-- their extent anyway) the extent is computed directly.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION event_boxes(ids bigint[], pts geometry[]) RETURNS box2d[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    uids bigint[] := ARRAY(SELECT DISTINCT i FROM unnest(ids) AS i WHERE i IS NOT NULL);
BEGIN
    IF cardinality(uids) > 40 THEN
        RETURN ARRAY(SELECT ST_Extent(g)::box2d FROM (
            SELECT b.geom AS g FROM blocks b WHERE b.id = ANY (uids)
            UNION ALL SELECT p FROM unnest(pts) AS p WHERE p IS NOT NULL) AS e);
    END IF;
    RETURN ARRAY(
        SELECT Box2D(b.geom) FROM blocks b WHERE b.id = ANY (uids)
        UNION ALL
        SELECT Box2D(q.p) FROM (SELECT DISTINCT ON (ST_X(p), ST_Y(p)) p FROM unnest(pts) AS p WHERE p IS NOT NULL) AS q
        WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE b.id = ANY (uids) AND b.geom ~ q.p));
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION event_boxes(ids bigint[], pts geometry[]) RETURNS box2d[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT Box2D(b.geom) FROM blocks b WHERE b.id = ANY (ids)
        UNION ALL
        SELECT Box2D(p) FROM (SELECT DISTINCT ON (ST_X(p), ST_Y(p)) p FROM unnest(pts) AS p WHERE p IS NOT NULL) AS q
        WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE b.id = ANY (ids) AND b.geom ~ q.p));
$$;
-- +goose StatementEnd
