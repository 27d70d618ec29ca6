package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// StreetCentre returns the centre of the 500 m square (in Web Mercator) where the most
// blocks have their midpoint: the busiest part of an imported city, where a demo community
// goes. Blocks end at intersections, so their count measures how dense the streets are; a
// length sum would not, since one long mountain road would outweigh a town centre.
func (s *Store) StreetCentre(ctx context.Context) (orb.Point, error) {
	var lon, lat float64
	err := s.pool.QueryRow(ctx, `
		WITH cells AS (
			SELECT ST_SnapToGrid(ST_Transform(ST_LineInterpolatePoint(geom, 0.5), 3857), 500) AS cell,
			       count(*) AS blocks
			FROM blocks GROUP BY 1
		)
		SELECT ST_X(c), ST_Y(c) FROM (
			SELECT ST_Transform(cell, 4326) AS c FROM cells ORDER BY blocks DESC, cell LIMIT 1
		) best`).Scan(&lon, &lat)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return orb.Point{}, errors.New("street centre: no blocks imported")
		}
		return orb.Point{}, fmt.Errorf("street centre: %w", err)
	}
	return orb.Point{lon, lat}, nil
}

// DemoAreas lays out a demo community: a square of side 2·halfSideM metres around centre,
// split into a 2×2 set of grids. Source ids are fixed ("demo:community", "demo:grid:1" …)
// so that running the demo again updates these areas instead of adding new ones.
func DemoAreas(centre orb.Point, halfSideM float64, name string) []geo.Area {
	const metresPerDegree = 111_320.0
	dLat := halfSideM / metresPerDegree
	dLon := halfSideM / (metresPerDegree * math.Cos(centre[1]*math.Pi/180))
	square := func(minLon, minLat, maxLon, maxLat float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{
			{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat},
		}}}
	}
	x0, y0 := centre[0]-dLon, centre[1]-dLat
	x1, y1 := centre[0]+dLon, centre[1]+dLat
	areas := []geo.Area{{SourceID: "demo:community", Name: name, Geometry: square(x0, y0, x1, y1)}}
	xs := []float64{x0, centre[0], x1}
	ys := []float64{y0, centre[1], y1}
	for j := 0; j < 2; j++ {
		for i := 0; i < 2; i++ {
			k := j*2 + i + 1
			areas = append(areas, geo.Area{
				SourceID:       fmt.Sprintf("demo:grid:%d", k),
				Name:           fmt.Sprintf("%s grid %d", name, k),
				Geometry:       square(xs[i], ys[j], xs[i+1], ys[j+1]),
				ParentSourceID: "demo:community",
			})
		}
	}
	return areas
}

// DemoWorker is one worker of the demo community: their grid, where they start and
// whether their route ends open (after its last served block) instead of back there.
type DemoWorker struct {
	GridID  int64
	Start   orb.Point
	EndOpen bool
}

// SetDemoWorkers makes the demo community's crew exactly crew: the workers are named
// "Demo worker k" (k from 1, in crew order), each in their grid with their start and end. A second run moves the same rows instead of adding more, and
// the community's other workers (in it or in its grids) are deactivated, so that a plan
// of the community (every active worker) is exactly these.
func (s *Store) SetDemoWorkers(ctx context.Context, community int64, crew []DemoWorker) ([]WorkerRecord, error) {
	existing := map[string]WorkerRecord{}
	var others []int64
	for page := (ListPage{Limit: 1000}); ; {
		ws, err := s.ListWorkers(ctx, community, page)
		if err != nil {
			return nil, fmt.Errorf("demo workers: %w", err)
		}
		for _, w := range ws {
			existing[w.Name] = w
			others = append(others, w.ID)
		}
		if len(ws) < page.Limit {
			break
		}
		page.After = ws[len(ws)-1].ID
	}
	out := make([]WorkerRecord, 0, len(crew))
	keep := map[int64]bool{}
	active := true
	for i, c := range crew {
		name := fmt.Sprintf("Demo worker %d", i+1)
		pt := fmt.Sprintf(`{"type":"Point","coordinates":[%v,%v]}`, c.Start[0], c.Start[1])
		grid := c.GridID
		in := WorkerInput{AreaID: &grid, Name: &name, Start: json.RawMessage(pt), Active: &active, End: &WorkerEnd{Open: c.EndOpen}}
		var w WorkerRecord
		var err error
		if old, ok := existing[name]; ok {
			w, err = s.UpdateWorker(ctx, old.ID, in)
		} else {
			w, err = s.CreateWorker(ctx, in)
		}
		if err != nil {
			return nil, fmt.Errorf("demo workers: %w", err)
		}
		keep[w.ID] = true
		out = append(out, w)
	}
	inactive := false
	for _, id := range others {
		if !keep[id] {
			if _, err := s.UpdateWorker(ctx, id, WorkerInput{Active: &inactive}); err != nil {
				return nil, fmt.Errorf("demo workers: %w", err)
			}
		}
	}
	return out, nil
}
