package data

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"

	"github.com/gridsweep/gridsweep/routing"
)

// AreaByName returns the one area whose name or source id is name; none or several are
// errors (the latter naming how to be precise).
func (s *Store) AreaByName(ctx context.Context, name string) (AreaRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM areas WHERE name = $1 OR source_id = $1 ORDER BY id LIMIT 3`, name)
	if err != nil {
		return AreaRecord{}, fmt.Errorf("area %q: %w", name, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return AreaRecord{}, fmt.Errorf("area %q: %w", name, err)
	}
	switch len(ids) {
	case 0:
		return AreaRecord{}, fmt.Errorf("area %q: %w", name, ErrRecordNotFound)
	case 1:
		return s.GetArea(ctx, ids[0])
	}
	return AreaRecord{}, fmt.Errorf("area %q: several areas have this name (ids %d, %d, ...); give its source id", name, ids[0], ids[1])
}

// PlanWorkers returns the first n active workers of area (and the areas below it) in id
// order, creating workers named "Worker k" in area when there are fewer, so that a plan
// asked for n workers has n rows to assign blocks to.
func (s *Store) PlanWorkers(ctx context.Context, area int64, n int) ([]WorkerRecord, error) {
	var out []WorkerRecord
	for page := (ListPage{Limit: 1000}); len(out) < n; {
		ws, err := s.ListWorkers(ctx, area, page)
		if err != nil {
			return nil, fmt.Errorf("plan workers of area %d: %w", area, err)
		}
		for _, w := range ws {
			if w.Active && len(out) < n {
				out = append(out, w)
			}
		}
		if len(ws) < page.Limit {
			break
		}
		page.After = ws[len(ws)-1].ID
	}
	for len(out) < n {
		name := fmt.Sprintf("Worker %d", len(out)+1)
		w, err := s.CreateWorker(ctx, WorkerInput{AreaID: &area, Name: &name})
		if err != nil {
			return nil, fmt.Errorf("plan workers of area %d: %w", area, err)
		}
		out = append(out, w)
	}
	return out, nil
}

// StartDirectPlan records a plan that the calling process computes itself (the CLI's
// plan --area), without a job: it is created running, and SavePlanResult finishes it.
func (s *Store) StartDirectPlan(ctx context.Context, area int64, mode string, params json.RawMessage) (int64, error) {
	if params == nil {
		params = json.RawMessage("{}")
	}
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO plans (area_id, mode, params, status, started_at)
		VALUES ($1, $2, $3, 'running', now()) RETURNING id`, area, mode, string(params)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("start plan of area %d: %w", area, err)
	}
	return id, nil
}

// planStep is a leg as stored in routes.steps for the worker's phone.
type planStep struct {
	Seq       int      `json:"seq"`
	Kind      string   `json:"kind"`
	Street    string   `json:"street"`
	BlockIDs  []int64  `json:"block_ids"`
	Shops     []string `json:"shops"`
	Station   string   `json:"station,omitempty"`
	DistanceM float64  `json:"distance_m"`
	DurationS float64  `json:"duration_s"`
}

// RoutesOfPlan turns a computed plan into rows for SavePlanResult: workerIDs[w] is the row
// id of the plan's worker w, blockIDs[b] that of the network's block b.
func RoutesOfPlan(p *routing.Plan, workerIDs, blockIDs []int64) ([]PlanRoute, error) {
	if len(blockIDs) != len(p.Network().Blocks) {
		return nil, fmt.Errorf("routes of plan: %d block ids for %d blocks", len(blockIDs), len(p.Network().Blocks))
	}
	out := make([]PlanRoute, 0, len(p.Routes))
	for r, rt := range p.Routes {
		if rt.Worker < 0 || rt.Worker >= len(workerIDs) {
			return nil, fmt.Errorf("routes of plan: route %d names worker %d of %d", r, rt.Worker+1, len(workerIDs))
		}
		legs := p.Steps(r)
		steps := make([]planStep, 0, len(legs))
		var lines orb.MultiLineString
		for _, l := range legs {
			st := planStep{Seq: l.Seq, Kind: string(l.Kind), Street: l.Street, Shops: l.Shops, Station: l.Station,
				BlockIDs: make([]int64, 0, len(l.Blocks)), DistanceM: math.Round(l.DistanceM*10) / 10, DurationS: math.Round(l.Duration.Seconds())}
			if st.Shops == nil {
				st.Shops = []string{}
			}
			for _, b := range l.Blocks {
				st.BlockIDs = append(st.BlockIDs, blockIDs[b])
			}
			steps = append(steps, st)
			if l.Kind != routing.LegStation && len(l.Geometry) >= 2 {
				lines = append(lines, l.Geometry)
			}
		}
		js, err := json.Marshal(steps)
		if err != nil {
			return nil, fmt.Errorf("routes of plan: %w", err)
		}
		served := make([]int64, 0, len(rt.Blocks))
		for _, b := range rt.Blocks {
			served = append(served, blockIDs[b])
		}
		var geom orb.Geometry = lines
		if len(lines) == 0 {
			// An idle worker: a degenerate line at the start keeps the row valid.
			geom = orb.LineString{rt.StartPoint, rt.StartPoint}
		}
		out = append(out, PlanRoute{WorkerID: workerIDs[rt.Worker], Seq: 0, Geometry: geom,
			LengthM: rt.DistanceM, DurationS: rt.Cost.Seconds(), Steps: js, BlockIDs: served})
	}
	return out, nil
}

// GridArea is a grid (kind 'grid') of a community, as a plan reads it.
type GridArea struct {
	ID   int64
	Name string
	Area orb.MultiPolygon
}

// CommunityGrids returns the grids whose parent is area, in id order: the territories of
// the area's plan.
func (s *Store) CommunityGrids(ctx context.Context, area int64) ([]GridArea, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, ST_AsBinary(geom) FROM areas
		WHERE parent_id = $1 AND kind = 'grid' ORDER BY id`, area)
	if err != nil {
		return nil, fmt.Errorf("grids of area %d: %w", area, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (GridArea, error) {
		var g GridArea
		err := r.Scan(&g.ID, &g.Name, ewkb.Scanner(&g.Area))
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("grids of area %d: %w", area, err)
	}
	return out, nil
}
