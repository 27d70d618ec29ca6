-- Map matching: each GPS fix is matched to the block it most likely lies on, and a worker's
-- fixes spanning most of a block make a GPS sweep of it (gps_sweeps, counted by 00100).
--
-- A fix matches a block within 20 m (true distance on the spheroid) whose bearing at the
-- nearest point agrees with the direction of travel within 45 degrees, either way along
-- the block (walkers sweep both ways). The direction of travel is the phone's heading when
-- it sent one, else the azimuth from the worker's previous fix (at most 60 s and at least
-- 3 m before); a fix with no direction matches the nearest block. Among candidates the
-- score is distance plus a heading penalty of up to 10 m, so at a crossing the street one
-- walks along wins over a slightly nearer cross street.
--
-- A pass: the fixes of one worker on one block within 15 minutes span at least half the
-- block's length (or the block is shorter than 15 m and two fixes lie on it). A block is
-- credited once per 15 minutes per worker however many batches the pass arrives in.

-- +goose Up
CREATE TABLE gps_matches (
    gps_point_id bigint PRIMARY KEY REFERENCES gps_points (id) ON DELETE CASCADE,
    worker_id    bigint NOT NULL,
    block_id     bigint NOT NULL REFERENCES blocks (id) ON DELETE CASCADE,
    recorded_at  timestamptz NOT NULL,
    -- Position along the block, 0 at from_node, 1 at to_node.
    frac         double precision NOT NULL,
    dist_m       double precision NOT NULL
);
CREATE INDEX gps_matches_worker_block_time ON gps_matches (worker_id, block_id, recorded_at);

-- +goose StatementBegin
CREATE FUNCTION mapmatch_gps_ins() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO gps_matches (gps_point_id, worker_id, block_id, recorded_at, frac, dist_m)
    SELECT DISTINCT ON (p.id) p.id, p.worker_id, c.block_id, p.recorded_at, c.frac, c.dist_m
    FROM new_rows p
    LEFT JOIN LATERAL (
        SELECT q.geom FROM gps_points q
        WHERE q.worker_id = p.worker_id AND q.recorded_at < p.recorded_at
          AND q.recorded_at >= p.recorded_at - interval '60 seconds'
          AND ST_DistanceSphere(q.geom, p.geom) >= 3
        ORDER BY q.recorded_at DESC LIMIT 1) prev ON true
    CROSS JOIN LATERAL (
        SELECT COALESCE(p.heading_deg::float8, degrees(ST_Azimuth(prev.geom::geography, p.geom::geography))) AS heading) h
    CROSS JOIN LATERAL (
        SELECT b.id AS block_id, f.frac, ST_Distance(b.geom::geography, p.geom::geography) AS dist_m,
               -- Angle between travel and block, folded to 0..90 (direction along the block is free).
               CASE WHEN h.heading IS NULL OR a.bearing IS NULL THEN 0 ELSE
                   90 - abs(90 - ((h.heading - a.bearing) - 180 * floor((h.heading - a.bearing) / 180)))
               END AS turn
        FROM blocks b
        CROSS JOIN LATERAL (SELECT ST_LineLocatePoint(b.geom, p.geom) AS frac) f
        CROSS JOIN LATERAL (SELECT degrees(ST_Azimuth(
            ST_LineInterpolatePoint(b.geom, greatest(f.frac - 0.02, 0))::geography,
            ST_LineInterpolatePoint(b.geom, least(f.frac + 0.02, 1))::geography)) AS bearing) a
        -- The box prefilter uses the GIST index: 20 m in degrees of longitude at this latitude.
        WHERE b.geom && ST_Expand(p.geom, 20.0 / (111320 * greatest(cos(radians(ST_Y(p.geom))), 0.01)))
          AND ST_DWithin(b.geom::geography, p.geom::geography, 20)) c
    WHERE c.turn <= 45
    ORDER BY p.id, c.dist_m + c.turn / 45 * 10, c.block_id;

    INSERT INTO gps_sweeps (worker_id, block_id, swept_at, fraction)
    SELECT m.worker_id, m.block_id, n.t1, least(max(m.frac) - min(m.frac), 1)
    FROM (SELECT worker_id, block_id, min(recorded_at) AS t0, max(recorded_at) AS t1
          FROM gps_matches WHERE gps_point_id IN (SELECT id FROM new_rows)
          GROUP BY worker_id, block_id) n
    JOIN gps_matches m ON m.worker_id = n.worker_id AND m.block_id = n.block_id
         AND m.recorded_at BETWEEN n.t0 - interval '15 minutes' AND n.t1
    JOIN blocks b ON b.id = n.block_id
    WHERE NOT EXISTS (SELECT 1 FROM gps_sweeps s
                      WHERE s.worker_id = n.worker_id AND s.block_id = n.block_id
                        AND s.swept_at > n.t1 - interval '15 minutes' AND s.swept_at <= n.t1 + interval '15 minutes')
    GROUP BY m.worker_id, m.block_id, n.t1, b.length_m
    HAVING max(m.frac) - min(m.frac) >= 0.5 OR (b.length_m < 15 AND count(*) >= 2)
    ON CONFLICT (worker_id, block_id, swept_at) DO NOTHING;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER gps_points_mapmatch AFTER INSERT ON gps_points
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mapmatch_gps_ins();

-- +goose Down
DROP TRIGGER gps_points_mapmatch ON gps_points;
DROP FUNCTION mapmatch_gps_ins();
DROP TABLE gps_matches;
