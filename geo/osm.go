package geo

import (
	"cmp"
	"compress/bzip2"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"
)

// Extract is what ReadOSM takes from an OpenStreetMap file: the walkable street network
// split into blocks, the shops and waste stations, and the administrative areas.
type Extract struct {
	Blocks   []Block
	Shops    []Shop
	Stations []Station
	Areas    []Area

	// Bounds is the file's header bounds when present (the pbf header bbox, the XML
	// <bounds> element), else the bound of all nodes read. Ways of an openstreetmap.org
	// export reach beyond the export bbox, so blocks may lie outside Bounds; NodeBounds
	// always contains every block, shop and station.
	Bounds orb.Bound
	// NodeBounds is the bound of all nodes read.
	NodeBounds orb.Bound

	// MissingNodeRefs counts the node references of the ways read (all ways, not only
	// streets) that are not in the file. Clipped extracts lose the nodes outside the clip;
	// the reader skips them and splits a street where its nodes are missing.
	MissingNodeRefs int
	// IncompleteAreas counts administrative boundaries that could not be assembled into
	// closed rings because member ways or nodes are missing from the file.
	IncompleteAreas int

	// Ways and Nodes count the ways and nodes read, for the summary.
	Ways, Nodes int
}

// ReadOSM reads an OpenStreetMap file in format f from r in one pass and extracts blocks,
// shops, stations and areas. A truncated or corrupt file is an error, never a partial
// extract. (A pbf cut exactly at a block boundary cannot be told from a whole file: the
// format has no end marker.) Cancelling ctx stops the read with ctx's error.
func ReadOSM(ctx context.Context, r io.Reader, f Format) (*Extract, error) {
	var scanner osm.Scanner
	var header *osm.Bounds
	switch f {
	case FormatPBF:
		procs := min(runtime.GOMAXPROCS(0), 4)
		s := osmpbf.New(ctx, r, procs)
		defer s.Close()
		h, err := s.Header()
		if err != nil {
			return nil, fmt.Errorf("read osm pbf header: %w", err)
		}
		if h != nil {
			header = h.Bounds
		}
		scanner = s
	case FormatXML:
		s := osmxml.New(ctx, r)
		defer s.Close()
		scanner = s
	case FormatXMLBzip2:
		unzipped, stop := readAhead(bzip2.NewReader(r), 256<<10, 4)
		defer stop()
		s := osmxml.New(ctx, unzipped)
		defer s.Close()
		scanner = s
	default:
		return nil, fmt.Errorf("read osm: unknown format %v", f)
	}

	rd := newOSMReader()
	for scanner.Scan() {
		switch o := scanner.Object().(type) {
		case *osm.Bounds:
			header = o
		case *osm.Node:
			rd.node(o)
		case *osm.Way:
			rd.way(o)
		case *osm.Relation:
			rd.relation(o)
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("read osm %v after %d nodes, %d ways: %w", f, rd.ex.Nodes, rd.ex.Ways, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("read osm: %w", err)
	}
	if rd.ex.Nodes == 0 {
		return nil, errors.New("read osm: the file holds no nodes (empty or not an OSM extract)")
	}
	if header != nil && validBounds(header) {
		rd.ex.Bounds = orb.Bound{Min: orb.Point{header.MinLon, header.MinLat}, Max: orb.Point{header.MaxLon, header.MaxLat}}
	} else {
		rd.ex.Bounds = rd.ex.NodeBounds
	}
	if err := rd.finish(ctx); err != nil {
		return nil, err
	}
	return rd.ex, nil
}

// validBounds rejects the zero or inverted bounds some writers put in headers.
func validBounds(b *osm.Bounds) bool {
	return b.MinLon < b.MaxLon && b.MinLat < b.MaxLat &&
		b.MinLon >= -180 && b.MaxLon <= 180 && b.MinLat >= -90 && b.MaxLat <= 90
}

// wayRecord is a way kept until the end of the scan: ways may come before the nodes they
// use in XML, and whether a node is an intersection is known only after every street was
// read. Tags are kept only for ways that are streets, shops, stations or boundaries.
type wayRecord struct {
	id    osm.WayID
	nodes []osm.NodeID
	tags  osm.Tags
}

func (w *wayRecord) closed() bool {
	return len(w.nodes) >= 4 && w.nodes[0] == w.nodes[len(w.nodes)-1]
}

// osmReader collects the elements of one file.
// When an element appears more than once (history files, carelessly merged extracts) the
// last one read wins, so that every SourceID is unique.
type osmReader struct {
	ex     *Extract
	points map[osm.NodeID]orb.Point
	// places are the tags of nodes that are shops or stations.
	places    map[osm.NodeID]osm.Tags
	ways      []wayRecord
	wayIndex  map[osm.WayID]int
	relations map[osm.RelationID]*osm.Relation
	haveNode  bool
}

func newOSMReader() *osmReader {
	return &osmReader{
		ex:        &Extract{},
		points:    make(map[osm.NodeID]orb.Point),
		places:    make(map[osm.NodeID]osm.Tags),
		wayIndex:  make(map[osm.WayID]int),
		relations: make(map[osm.RelationID]*osm.Relation),
	}
}

func (rd *osmReader) node(n *osm.Node) {
	rd.ex.Nodes++
	if math.IsNaN(n.Lon) || math.IsNaN(n.Lat) || math.Abs(n.Lon) > 180 || math.Abs(n.Lat) > 90 {
		// A node off the globe is corrupt data; treating it as missing keeps it out of
		// every geometry and is counted where a way uses it.
		delete(rd.points, n.ID)
		delete(rd.places, n.ID)
		return
	}
	p := orb.Point{n.Lon, n.Lat}
	rd.points[n.ID] = p
	if rd.haveNode {
		rd.ex.NodeBounds = rd.ex.NodeBounds.Extend(p)
	} else {
		rd.ex.NodeBounds, rd.haveNode = p.Bound(), true
	}
	_, _, isShop := shopOf(n.Tags)
	_, isStation := stationOf(n.Tags)
	if isShop || isStation {
		rd.places[n.ID] = n.Tags
	} else {
		delete(rd.places, n.ID) // a later version of the node is no longer a shop
	}
}

// nodeFeatures adds the shops and stations mapped as nodes, in node id order.
func (rd *osmReader) nodeFeatures() {
	ids := make([]osm.NodeID, 0, len(rd.places))
	for id := range rd.places {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, nid := range ids {
		tags, p := rd.places[nid], rd.points[nid]
		id := fmt.Sprintf("n%d", nid)
		if cat, kind, ok := shopOf(tags); ok {
			rd.ex.Shops = append(rd.ex.Shops, Shop{
				SourceID: id, Name: tags.Find("name"), Category: cat, Kind: kind,
				Address: addressOf(tags), Point: p,
			})
		}
		if kind, ok := stationOf(tags); ok {
			rd.ex.Stations = append(rd.ex.Stations, Station{SourceID: id, Name: tags.Find("name"), Kind: kind, Point: p})
		}
	}
}

func (rd *osmReader) way(w *osm.Way) {
	rd.ex.Ways++
	rec := wayRecord{id: w.ID, nodes: w.Nodes.NodeIDs()}
	if walkable(w.Tags) || w.Tags.Find("shop") != "" || w.Tags.Find("amenity") != "" || w.Tags.Find("boundary") != "" {
		rec.tags = w.Tags
	}
	if i, dup := rd.wayIndex[w.ID]; dup {
		rd.ways[i] = rec
		return
	}
	rd.wayIndex[w.ID] = len(rd.ways)
	rd.ways = append(rd.ways, rec)
}

func (rd *osmReader) relation(r *osm.Relation) {
	_, admin := adminArea(r.Tags)
	switch t := r.Tags.Find("type"); {
	case admin && (t == "boundary" || t == "multipolygon"):
		rd.relations[r.ID] = r
	default:
		delete(rd.relations, r.ID)
	}
}

// finish turns the collected elements into blocks, way shops and stations, and areas.
func (rd *osmReader) finish(ctx context.Context) error {
	for i := range rd.ways {
		for _, id := range rd.ways[i].nodes {
			if _, ok := rd.points[id]; !ok {
				rd.ex.MissingNodeRefs++
			}
		}
	}
	rd.nodeFeatures()
	rd.ex.Blocks = splitBlocks(rd.ways, rd.points)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("read osm: %w", err)
	}
	for i := range rd.ways {
		rd.closedWayFeatures(&rd.ways[i])
	}
	relations := make([]*osm.Relation, 0, len(rd.relations))
	for _, r := range rd.relations {
		relations = append(relations, r)
	}
	slices.SortFunc(relations, func(a, b *osm.Relation) int { return cmp.Compare(a.ID, b.ID) })
	areas, incomplete := buildAreas(relations, rd.ways, rd.points)
	rd.ex.Areas, rd.ex.IncompleteAreas = areas, incomplete
	return ctx.Err()
}

// closedWayFeatures adds a closed way tagged as a shop or station at the centroid of its
// ring. A ring cut by the clip of the extract still marks where the shop is, so the present
// nodes are used; a way with none of its nodes present is skipped.
func (rd *osmReader) closedWayFeatures(w *wayRecord) {
	if w.tags == nil || !w.closed() {
		return
	}
	cat, kindShop, isShop := shopOf(w.tags)
	kindStation, isStation := stationOf(w.tags)
	if !isShop && !isStation {
		return
	}
	p, ok := ringCentroid(w.nodes, rd.points)
	if !ok {
		return
	}
	id := fmt.Sprintf("w%d", w.id)
	if isShop {
		rd.ex.Shops = append(rd.ex.Shops, Shop{
			SourceID: id, Name: w.tags.Find("name"), Category: cat, Kind: kindShop,
			Address: addressOf(w.tags), Point: p,
		})
	}
	if isStation {
		rd.ex.Stations = append(rd.ex.Stations, Station{SourceID: id, Name: w.tags.Find("name"), Kind: kindStation, Point: p})
	}
}

// ringCentroid is the area centroid of the ring through the present nodes, or their mean
// when they do not enclose an area (fewer than three distinct points).
func ringCentroid(ids []osm.NodeID, points map[osm.NodeID]orb.Point) (orb.Point, bool) {
	ring := make(orb.Ring, 0, len(ids))
	for _, id := range ids {
		if p, ok := points[id]; ok {
			ring = append(ring, p)
		}
	}
	if len(ring) == 0 {
		return orb.Point{}, false
	}
	if len(ring) >= 3 {
		if !ring.Closed() {
			ring = append(ring, ring[0])
		}
		if c, area := planar.CentroidArea(orb.Polygon{ring}); area != 0 {
			return c, true
		}
	}
	c, _ := planar.CentroidArea(orb.MultiPoint(ring))
	return c, true
}
