package routing

import (
	"time"

	"github.com/paulmach/orb"
)

// LegKind says what a worker does along a leg.
type LegKind string

// The leg kinds.
const (
	LegServe   LegKind = "serve"   // sweep or patrol the blocks, visiting their shops
	LegWalk    LegKind = "walk"    // pass along without serving (deadhead)
	LegStation LegKind = "station" // empty the cart at a waste station (sweeper mode)
)

// Leg is one step of a route as a worker reads it: consecutive moves of the same kind
// along the same street are merged.
type Leg struct {
	Worker int
	Seq    int
	Kind   LegKind
	Street string
	// Blocks are the blocks along the leg (indices into Network.Blocks; none for bridges).
	Blocks []int
	// Shops are the names (or ids when unnamed) of the shops to visit on served blocks.
	Shops []string
	// Station names the station of a LegStation leg.
	Station   string
	DistanceM float64
	Duration  time.Duration
	// Geometry is the walked line in walking order (a single point for a station stop).
	Geometry orb.LineString
}

// Steps returns route r (an index into Routes) as ordered legs.
func (p *Plan) Steps(r int) []Leg {
	rt := &p.Routes[r]
	stops := map[int][]int{}
	for _, s := range rt.Stops {
		stops[s.AfterMove] = append(stops[s.AfterMove], s.Station)
	}
	var legs []Leg
	var cur *Leg
	flush := func() {
		if cur != nil {
			cur.Seq = len(legs) + 1
			legs = append(legs, *cur)
			cur = nil
		}
	}
	for i, m := range rt.Walk {
		e := p.net.Edges[m.Link]
		street := "(open ground)"
		if e.Block >= 0 {
			street = streetName(p.net.Blocks[e.Block].Name, p.net.Blocks[e.Block].Highway)
		}
		kind := LegWalk
		if m.Serve {
			kind = LegServe
		}
		if cur == nil || cur.Kind != kind || cur.Street != street {
			flush()
			cur = &Leg{Worker: rt.Worker, Kind: kind, Street: street}
		}
		geom := p.net.EdgeGeometry(m.Link)
		if m.Reverse {
			rev := make(orb.LineString, len(geom))
			for k := range geom {
				rev[k] = geom[len(geom)-1-k]
			}
			geom = rev
		}
		if len(cur.Geometry) > 0 && cur.Geometry[len(cur.Geometry)-1] == geom[0] {
			geom = geom[1:]
		}
		cur.Geometry = append(cur.Geometry, geom...)
		cur.DistanceM += e.LengthM
		cur.Duration += dsToDuration(p.g.moveCost(m))
		if e.Block >= 0 {
			cur.Blocks = append(cur.Blocks, e.Block)
			if m.Serve {
				for _, s := range p.shops[e.Block] {
					sh := p.input.Shops[s]
					name := sh.Name
					if name == "" {
						name = sh.SourceID
					}
					cur.Shops = append(cur.Shops, name)
				}
			}
		}
		for _, st := range stops[i] {
			flush()
			station := p.input.Stations[st]
			name := station.Name
			if name == "" {
				name = station.SourceID
			}
			at := p.net.Nodes[p.stationNode(st)].Point
			legs = append(legs, Leg{Worker: rt.Worker, Seq: len(legs) + 1, Kind: LegStation, Station: name, Street: street, Geometry: orb.LineString{at}})
		}
	}
	flush()
	// A leg of a closed loop street may come back to its first point; that is fine. A
	// leg whose line collapsed to one point (a zero-length block) still gets two.
	for i := range legs {
		if legs[i].Kind != LegStation && len(legs[i].Geometry) == 1 {
			legs[i].Geometry = append(legs[i].Geometry, legs[i].Geometry[0])
		}
	}
	return legs
}

// streetName is what a worker reads for a block: its name, or its kind when it has none
// ("(unnamed footway)").
func streetName(name, highway string) string {
	if name != "" {
		return name
	}
	if highway == "" {
		highway = "street"
	}
	return "(unnamed " + highway + ")"
}
