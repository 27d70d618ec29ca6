package geo

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// splitBlocks splits the walkable ways into blocks. A node ends a block when it ends its
// way, when two or more walkable ways use it (an intersection), or when one way passes it
// twice (a loop touching itself). A node reference missing from the file also ends the
// block before it and starts a new one after it: drawing a straight line across the gap
// would invent a street. Blocks with fewer than two points or zero length are dropped.
func splitBlocks(ways []wayRecord, points map[osm.NodeID]orb.Point) []Block {
	uses := make(map[osm.NodeID]int)
	for i := range ways {
		if ways[i].tags == nil || !walkable(ways[i].tags) {
			continue
		}
		for _, id := range ways[i].nodes {
			uses[id]++
		}
	}
	var blocks []Block
	for i := range ways {
		w := &ways[i]
		if w.tags == nil || !walkable(w.tags) {
			continue
		}
		blocks = appendWayBlocks(blocks, w, points, uses)
	}
	return blocks
}

// appendWayBlocks appends the blocks of one walkable way. Segment indices count the blocks
// kept, in way order, so SourceIDs are stable for the same data.
func appendWayBlocks(blocks []Block, w *wayRecord, points map[osm.NodeID]orb.Point, uses map[osm.NodeID]int) []Block {
	oneway, reversed := onewayOf(w.tags)
	highway, name := w.tags.Find("highway"), nameOf(w.tags)
	index := 0

	var ids []osm.NodeID
	var line orb.LineString
	flush := func() {
		if len(line) >= 2 {
			b := Block{
				SourceID: fmt.Sprintf("w%d:%d", w.id, index),
				WayID:    int64(w.id),
				From:     int64(ids[0]),
				To:       int64(ids[len(ids)-1]),
				Geometry: line,
				Highway:  highway,
				Name:     name,
				Oneway:   oneway,
			}
			if reversed {
				// Store every one-way block in its driving direction.
				b.Geometry.Reverse()
				b.From, b.To = b.To, b.From
			}
			b.LengthM = LengthM(b.Geometry)
			if b.LengthM > 0 {
				blocks = append(blocks, b)
				index++
			}
		}
		ids, line = nil, nil
	}

	for _, id := range w.nodes {
		p, ok := points[id]
		if !ok {
			flush()
			continue
		}
		ids = append(ids, id)
		line = append(line, p)
		if len(ids) > 1 && uses[id] >= 2 {
			// An intersection ends this block and starts the next one at the same node.
			flush()
			ids, line = []osm.NodeID{id}, orb.LineString{p}
		}
	}
	flush()
	return blocks
}
