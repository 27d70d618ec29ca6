package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmgeojson"
)

// buildAreas assembles administrative boundaries into multipolygons:
//   - boundary=administrative relations (type=boundary or multipolygon) whose outer and
//     inner member ways and all their nodes are in the file; ring assembly is
//     osmgeojson's. A relation with a member way or node missing (clipped extracts cut
//     most boundaries) is not drawn half: it is skipped and counted in incomplete;
//   - closed ways tagged boundary=administrative with a name that are not members of any
//     such relation in the file (small areas mapped as a single way).
//
// Parents are then found by containment (see linkParents).
func buildAreas(relations []*osm.Relation, ways []wayRecord, points map[osm.NodeID]orb.Point) (areas []Area, incomplete int) {
	byID := make(map[osm.WayID]*wayRecord, len(ways))
	for i := range ways {
		byID[ways[i].id] = &ways[i]
	}
	member := make(map[osm.WayID]bool)
	for _, r := range relations {
		for _, m := range r.Members {
			if m.Type == osm.TypeWay {
				member[osm.WayID(m.Ref)] = true
			}
		}
	}

	for _, r := range relations {
		level, _ := adminArea(r.Tags)
		mp, ok := relationMultiPolygon(r, byID, points)
		if !ok {
			incomplete++
			continue
		}
		areas = append(areas, Area{SourceID: fmt.Sprintf("r%d", r.ID), Name: r.Tags.Find("name"), Level: level, Geometry: mp})
	}

	for i := range ways {
		w := &ways[i]
		if w.tags == nil || member[w.id] || w.tags.Find("name") == "" {
			continue
		}
		level, ok := adminArea(w.tags)
		if !ok {
			continue
		}
		if !w.closed() {
			continue // a border line, not an area
		}
		ring, complete := wayRing(w, points)
		if !complete {
			incomplete++
			continue
		}
		if ring.Orientation() != orb.CCW {
			ring.Reverse()
		}
		areas = append(areas, Area{SourceID: fmt.Sprintf("w%d", w.id), Name: w.tags.Find("name"), Level: level, Geometry: orb.MultiPolygon{{ring}}})
	}
	linkParents(areas)
	return areas, incomplete
}

// wayRing is the way's geometry; complete is false when any node is missing.
func wayRing(w *wayRecord, points map[osm.NodeID]orb.Point) (ring orb.Ring, complete bool) {
	ring = make(orb.Ring, 0, len(w.nodes))
	for _, id := range w.nodes {
		p, ok := points[id]
		if !ok {
			return nil, false
		}
		ring = append(ring, p)
	}
	return ring, true
}

// relationMultiPolygon assembles one boundary relation with osmgeojson, from a small OSM
// document holding just the relation and its member ways with their node positions.
func relationMultiPolygon(r *osm.Relation, byID map[osm.WayID]*wayRecord, points map[osm.NodeID]orb.Point) (orb.MultiPolygon, bool) {
	doc := &osm.OSM{Relations: osm.Relations{r}}
	outers := 0
	for _, m := range r.Members {
		if m.Type != osm.TypeWay || (m.Role != "outer" && m.Role != "inner") {
			continue
		}
		if m.Role == "outer" {
			outers++
		}
		w := byID[osm.WayID(m.Ref)]
		if w == nil {
			return nil, false
		}
		nodes := make(osm.WayNodes, len(w.nodes))
		for i, id := range w.nodes {
			p, ok := points[id]
			if !ok {
				return nil, false
			}
			nodes[i] = osm.WayNode{ID: id, Lon: p[0], Lat: p[1]}
			if p == (orb.Point{}) {
				// osmgeojson reads a way node at exactly (0, 0) as "position not given"
				// and looks the node up instead.
				doc.Nodes = append(doc.Nodes, &osm.Node{ID: id, Version: 1})
			}
		}
		// Member ways go in without tags so that osmgeojson treats them as parts of the
		// relation and never as features of their own.
		doc.Ways = append(doc.Ways, &osm.Way{ID: w.id, Nodes: nodes})
	}
	if outers == 0 {
		return nil, false
	}
	fc, err := osmgeojson.Convert(doc, osmgeojson.NoMeta(true), osmgeojson.NoRelationMembership(true))
	if err != nil || len(fc.Features) == 0 {
		return nil, false
	}
	f := fc.Features[0]
	if f.Properties["type"] != "relation" {
		// The relation gave no polygon (its rings do not close); what follows are ways.
		return nil, false
	}
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, true
	case orb.MultiPolygon:
		return g, len(g) > 0
	}
	return nil, false
}

// linkParents sets each area's ParentSourceID to the area of the nearest higher
// administrative level (smaller admin_level) that contains its centroid; among equals
// the smaller area wins. The centroid, not a vertex, is tested because neighbouring
// boundaries share their vertices. Areas without a level get no parent.
func linkParents(areas []Area) {
	centroids := make([]orb.Point, len(areas))
	sizes := make([]float64, len(areas))
	for i := range areas {
		centroids[i], sizes[i] = planar.CentroidArea(areas[i].Geometry)
	}
	for i := range areas {
		if areas[i].Level <= 0 {
			continue
		}
		best := -1
		for j := range areas {
			if j == i || areas[j].Level <= 0 || areas[j].Level >= areas[i].Level {
				continue
			}
			if !areas[j].Geometry.Bound().Contains(centroids[i]) || !planar.MultiPolygonContains(areas[j].Geometry, centroids[i]) {
				continue
			}
			if best < 0 || areas[j].Level > areas[best].Level ||
				(areas[j].Level == areas[best].Level && sizes[j] < sizes[best]) {
				best = j
			}
		}
		if best >= 0 {
			areas[i].ParentSourceID = areas[best].SourceID
		}
	}
}
