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

// DemoWorkers lays out n workers over the grids of the demo community (source id
// community): each grid gets workers in proportion to the length of its streets (blocks
// whose midpoint lies in it), at least one per grid with streets, and each worker starts
// at a street midpoint of their own part of the grid (geo.SpreadPoints: the grid's
// streets split into that many compact parts, a worker living in each). Workers are
// named "Demo worker k"; a second run moves the same rows instead of adding more, and
// deactivates the community's other workers so that a plan of the community (every
// active worker) is exactly these.
func (s *Store) DemoWorkers(ctx context.Context, community string, n int) ([]WorkerRecord, error) {
	root, err := s.AreaByName(ctx, community)
	if err != nil {
		return nil, fmt.Errorf("demo workers: %w", err)
	}
	rows, err := s.pool.Query(ctx, `
		SELECT g.id, ST_X(m.pt), ST_Y(m.pt), b.length_m
		FROM areas g
		JOIN blocks b ON b.geom && g.geom
		CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(b.geom, 0.5) AS pt) m
		WHERE g.parent_id = $1 AND g.kind = 'grid' AND ST_Intersects(m.pt, g.geom)
		ORDER BY g.id, b.id`, root.ID)
	if err != nil {
		return nil, fmt.Errorf("demo workers: %w", err)
	}
	type gridStreets struct {
		id      int64
		mids    []orb.Point
		lengths []float64
		total   float64
	}
	var grids []*gridStreets
	for rows.Next() {
		var id int64
		var x, y, l float64
		if err := rows.Scan(&id, &x, &y, &l); err != nil {
			rows.Close()
			return nil, fmt.Errorf("demo workers: %w", err)
		}
		if len(grids) == 0 || grids[len(grids)-1].id != id {
			grids = append(grids, &gridStreets{id: id})
		}
		g := grids[len(grids)-1]
		g.mids, g.lengths, g.total = append(g.mids, orb.Point{x, y}), append(g.lengths, l), g.total+l
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("demo workers: %w", err)
	}
	if len(grids) == 0 || n < len(grids) {
		return nil, fmt.Errorf("demo workers: %d workers for %d grids with streets (need one each)", n, len(grids))
	}
	totals := make([]float64, len(grids))
	for i, g := range grids {
		totals[i] = g.total
	}
	counts := apportion(totals, n)

	existing := map[string]WorkerRecord{}
	var others []int64
	for page := (ListPage{Limit: 1000}); ; {
		ws, err := s.ListWorkers(ctx, root.ID, page)
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
	out := make([]WorkerRecord, 0, n)
	keep := map[int64]bool{}
	active := true
	for i, g := range grids {
		for _, start := range geo.SpreadPoints(g.mids, g.lengths, counts[i]) {
			name := fmt.Sprintf("Demo worker %d", len(out)+1)
			pt := fmt.Sprintf(`{"type":"Point","coordinates":[%v,%v]}`, start[0], start[1])
			in := WorkerInput{AreaID: &g.id, Name: &name, Start: json.RawMessage(pt), Active: &active, End: &WorkerEnd{}}
			var w WorkerRecord
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

// apportion splits n among shares in proportion (largest remainder), giving every
// share at least one when n allows.
func apportion(shares []float64, n int) []int {
	out := make([]int, len(shares))
	var total float64
	for _, s := range shares {
		total += s
	}
	left := n
	for i := range out {
		out[i] = 1
		left--
	}
	if left <= 0 || total <= 0 {
		return out
	}
	rem := make([]float64, len(shares))
	given := 0
	for i, s := range shares {
		exact := s / total * float64(n)
		extra := max(int(exact)-1, 0)
		extra = min(extra, left-given)
		out[i] += extra
		given += extra
		rem[i] = exact - float64(out[i])
	}
	for ; given < left; given++ {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best]--
	}
	return out
}
