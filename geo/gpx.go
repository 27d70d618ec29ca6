package geo

import (
	"encoding/xml"
	"fmt"
	"io"
)

// GPX is the subset of GPX 1.1 that a worker's phone or GPS unit needs for a route:
// waypoints for shops and station stops, and tracks of segments. The planner writes it from
// a fresh plan and the API from a stored route, so both share this one encoder.
type GPX struct {
	XMLName   xml.Name   `xml:"gpx"`
	Xmlns     string     `xml:"xmlns,attr"`
	Version   string     `xml:"version,attr"`
	Creator   string     `xml:"creator,attr"`
	Name      string     `xml:"metadata>name,omitempty"`
	Waypoints []GPXPoint `xml:"wpt"`
	Tracks    []GPXTrack `xml:"trk"`
}

// GPXTrack is one trip; its segments are the continuous lines walked.
type GPXTrack struct {
	Name     string       `xml:"name"`
	Segments []GPXSegment `xml:"trkseg"`
}

// GPXSegment is a continuous line of track points.
type GPXSegment struct {
	Points []GPXPoint `xml:"trkpt"`
}

// GPXPoint is a track point or a waypoint, in WGS-84 degrees.
type GPXPoint struct {
	Lat  float64 `xml:"lat,attr"`
	Lon  float64 `xml:"lon,attr"`
	Name string  `xml:"name,omitempty"`
	Desc string  `xml:"desc,omitempty"`
}

// Write encodes g as an indented GPX 1.1 document with its XML header; the namespace,
// version and creator are filled in here so every document says the same.
func (g GPX) Write(w io.Writer) error {
	g.Xmlns, g.Version, g.Creator = "http://www.topografix.com/GPX/1/1", "1.1", "gridsweep"
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("gpx: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(g); err != nil {
		return fmt.Errorf("gpx: %w", err)
	}
	return nil
}
