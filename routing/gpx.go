package routing

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
)

// gpxDoc is the subset of GPX 1.1 a route needs: waypoints for the shops and stations,
// one track with one segment.
type gpxDoc struct {
	XMLName   xml.Name `xml:"gpx"`
	Xmlns     string   `xml:"xmlns,attr"`
	Version   string   `xml:"version,attr"`
	Creator   string   `xml:"creator,attr"`
	Waypoints []gpxPt  `xml:"wpt"`
	Tracks    []gpxTrk `xml:"trk"`
}

type gpxTrk struct {
	Name     string   `xml:"name"`
	Segments []gpxSeg `xml:"trkseg"`
}

type gpxSeg struct {
	Points []gpxPt `xml:"trkpt"`
}

type gpxPt struct {
	Lat  float64 `xml:"lat,attr"`
	Lon  float64 `xml:"lon,attr"`
	Name string  `xml:"name,omitempty"`
}

// WriteGPX writes route r (an index into Routes) as a GPX 1.1 document with one track,
// and a waypoint per shop to visit and per station stop, for a worker's phone or GPS.
func (p *Plan) WriteGPX(w io.Writer, r int) error {
	rt := &p.Routes[r]
	doc := gpxDoc{Xmlns: "http://www.topografix.com/GPX/1/1", Version: "1.1", Creator: "gridsweep"}
	var seg gpxSeg
	for _, l := range p.Steps(r) {
		if l.Kind == LegStation {
			pt := l.Geometry[0]
			doc.Waypoints = append(doc.Waypoints, gpxPt{Lat: deg7(pt[1]), Lon: deg7(pt[0]), Name: "station: " + l.Station})
			continue
		}
		for i, pt := range l.Geometry {
			if i == 0 && len(seg.Points) > 0 {
				last := seg.Points[len(seg.Points)-1]
				if last.Lat == deg7(pt[1]) && last.Lon == deg7(pt[0]) {
					continue
				}
			}
			seg.Points = append(seg.Points, gpxPt{Lat: deg7(pt[1]), Lon: deg7(pt[0])})
		}
	}
	for _, b := range rt.Blocks {
		for _, s := range p.shops[b] {
			sh := p.input.Shops[s]
			name := sh.Name
			if name == "" {
				name = sh.SourceID
			}
			doc.Waypoints = append(doc.Waypoints, gpxPt{Lat: deg7(sh.Point[1]), Lon: deg7(sh.Point[0]), Name: name})
		}
	}
	doc.Tracks = []gpxTrk{{Name: fmt.Sprintf("worker %d", rt.Worker+1), Segments: []gpxSeg{seg}}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("plan gpx: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("plan gpx: %w", err)
	}
	return nil
}

// deg7 rounds degrees to 7 decimals (about 1 cm), the precision OSM stores, so that files
// do not carry binary noise such as 60.171945900000004.
func deg7(x float64) float64 { return math.Round(x*1e7) / 1e7 }
