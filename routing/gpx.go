package routing

import (
	"fmt"
	"io"
	"math"

	"github.com/gridsweep/gridsweep/geo"
)

// WriteGPX writes route r (an index into Routes) as a GPX 1.1 document with one track,
// and a waypoint per shop to visit and per station stop, for a worker's phone or GPS.
func (p *Plan) WriteGPX(w io.Writer, r int) error {
	rt := &p.Routes[r]
	var doc geo.GPX
	var seg geo.GPXSegment
	for _, l := range p.Steps(r) {
		if l.Kind == LegStation {
			pt := l.Geometry[0]
			doc.Waypoints = append(doc.Waypoints, geo.GPXPoint{Lat: deg7(pt[1]), Lon: deg7(pt[0]), Name: "station: " + l.Station})
			continue
		}
		for i, pt := range l.Geometry {
			if i == 0 && len(seg.Points) > 0 {
				last := seg.Points[len(seg.Points)-1]
				if last.Lat == deg7(pt[1]) && last.Lon == deg7(pt[0]) {
					continue
				}
			}
			seg.Points = append(seg.Points, geo.GPXPoint{Lat: deg7(pt[1]), Lon: deg7(pt[0])})
		}
	}
	for _, b := range rt.Blocks {
		for _, s := range p.shops[b] {
			sh := p.input.Shops[s]
			name := sh.Name
			if name == "" {
				name = sh.SourceID
			}
			doc.Waypoints = append(doc.Waypoints, geo.GPXPoint{Lat: deg7(sh.Point[1]), Lon: deg7(sh.Point[0]), Name: name})
		}
	}
	doc.Tracks = []geo.GPXTrack{{Name: fmt.Sprintf("worker %d", rt.Worker+1), Segments: []geo.GPXSegment{seg}}}
	if err := doc.Write(w); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	return nil
}

// deg7 rounds degrees to 7 decimals (about 1 cm), the precision OSM stores, so that files
// do not carry binary noise such as 60.171945900000004.
func deg7(x float64) float64 { return math.Round(x*1e7) / 1e7 }
