package data

import (
	"context"
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
