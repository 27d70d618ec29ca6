package geo

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// tinyOSM is a hand-made street corner with every case the splitter must handle.
const tinyOSM = `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
 <bounds minlat="0" minlon="0" maxlat="0.01" maxlon="0.01"/>
 <node id="1" lat="0.001" lon="0.001"/>
 <node id="2" lat="0.001" lon="0.002"/>
 <node id="3" lat="0.001" lon="0.003"/>
 <node id="4" lat="0.001" lon="0.004"/>
 <node id="5" lat="0.001" lon="0.005"/>
 <node id="6" lat="0.000" lon="0.003"/>
 <node id="7" lat="0.002" lon="0.003"/>
 <node id="8" lat="0.002" lon="0.005"/>
 <node id="9" lat="0.003" lon="0.003"/>
 <node id="10" lat="0.004" lon="0.003"/>
 <node id="11" lat="0.005" lon="0.003"/>
 <node id="12" lat="0.006" lon="0.004"/>
 <node id="13" lat="0.006" lon="0.002"/>
 <node id="20" lat="0.0011" lon="0.0011">
  <tag k="shop" v="supermarket"/><tag k="name" v="S-Mart"/>
  <tag k="addr:street" v="Main Street"/><tag k="addr:housenumber" v="5"/><tag k="addr:city" v="Town"/>
 </node>
 <node id="21" lat="0.0012" lon="0.0012"><tag k="amenity" v="cafe"/><tag k="name" v="Bean"/></node>
 <node id="22" lat="0.0013" lon="0.0013"><tag k="amenity" v="waste_basket"/></node>
 <node id="23" lat="0.0014" lon="0.0014"><tag k="shop" v="vacant"/></node>
 <node id="30" lat="0.008" lon="0.008"/>
 <node id="31" lat="0.008" lon="0.009"/>
 <node id="32" lat="0.009" lon="0.009"/>
 <node id="33" lat="0.009" lon="0.008"/>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/>
  <tag k="highway" v="residential"/><tag k="name" v="Main Street"/></way>
 <way id="101"><nd ref="6"/><nd ref="3"/><nd ref="7"/><tag k="highway" v="footway"/></way>
 <way id="102"><nd ref="5"/><nd ref="8"/>
  <tag k="highway" v="residential"/><tag k="oneway" v="-1"/><tag k="ref" v="R1"/></way>
 <way id="103"><nd ref="7"/><nd ref="9"/><tag k="highway" v="motorway"/></way>
 <way id="104"><nd ref="9"/><nd ref="99"/><nd ref="10"/><nd ref="11"/><tag k="highway" v="service"/></way>
 <way id="105"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="11"/>
  <tag k="highway" v="tertiary"/><tag k="junction" v="roundabout"/></way>
 <way id="106"><nd ref="30"/><nd ref="31"/><nd ref="32"/><nd ref="33"/><nd ref="30"/>
  <tag k="shop" v="hairdresser"/><tag k="name" v="Cut"/></way>
 <way id="107"><nd ref="1"/><nd ref="6"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
</osm>`

func TestReadOSMTiny(t *testing.T) {
	ex, err := ReadOSM(context.Background(), strings.NewReader(tinyOSM), FormatXML)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		from, to int64
		points   int
		name     string
		oneway   bool
	}
	wants := map[string]want{
		"w100:0": {1, 3, 3, "Main Street", false},
		"w100:1": {3, 5, 3, "Main Street", false},
		"w101:0": {6, 3, 2, "", false},
		"w101:1": {3, 7, 2, "", false},   // node 7 is shared only with a motorway: no split
		"w102:0": {8, 5, 2, "R1", true},  // oneway=-1 reversed; name falls back to ref
		"w104:0": {10, 11, 2, "", false}, // 9 alone before the missing node 99 is no block
		"w105:0": {11, 11, 4, "", true},  // roundabout: one closed block, one-way
	}
	got := map[string]Block{}
	for _, b := range ex.Blocks {
		got[b.SourceID] = b
	}
	if len(got) != len(wants) {
		ids := make([]string, 0, len(got))
		for id := range got {
			ids = append(ids, id)
		}
		t.Errorf("blocks %v, want %d blocks", ids, len(wants))
	}
	for id, w := range wants {
		b, ok := got[id]
		if !ok {
			t.Errorf("block %s missing", id)
			continue
		}
		if b.From != w.from || b.To != w.to || len(b.Geometry) != w.points || b.Name != w.name || b.Oneway != w.oneway {
			t.Errorf("block %s = from %d to %d, %d points, name %q, oneway %v; want %+v",
				id, b.From, b.To, len(b.Geometry), b.Name, b.Oneway, w)
		}
		// The geometry runs from From to To.
		if b.Geometry[0] != tinyNodes[b.From] || b.Geometry[len(b.Geometry)-1] != tinyNodes[b.To] {
			t.Errorf("block %s: geometry %v does not run from node %d to %d", id, b.Geometry, b.From, b.To)
		}
	}
	// 0.002° of longitude at the equator is 222.64 m on orb's sphere (radius 6378137 m).
	if b := got["w100:0"]; math.Abs(b.LengthM-222.64) > 0.05 {
		t.Errorf("w100:0 length %.3f m, want 222.64", b.LengthM)
	}
	if ex.MissingNodeRefs != 1 {
		t.Errorf("MissingNodeRefs = %d, want 1", ex.MissingNodeRefs)
	}
	if ex.Nodes != 21 || ex.Ways != 8 {
		t.Errorf("Nodes, Ways = %d, %d; want 21, 8", ex.Nodes, ex.Ways)
	}
	if ex.Bounds != (orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{0.01, 0.01}}) {
		t.Errorf("Bounds = %v, want the <bounds> element", ex.Bounds)
	}

	shops := map[string]Shop{}
	for _, s := range ex.Shops {
		shops[s.SourceID] = s
	}
	wantShops := map[string]Shop{
		"n20":  {SourceID: "n20", Name: "S-Mart", Category: CategorySupermarket, Kind: "shop=supermarket", Address: "Main Street 5, Town", Point: orb.Point{0.0011, 0.0011}},
		"n21":  {SourceID: "n21", Name: "Bean", Category: CategoryRestaurant, Kind: "amenity=cafe", Point: orb.Point{0.0012, 0.0012}},
		"w106": {SourceID: "w106", Name: "Cut", Category: CategoryBarber, Kind: "shop=hairdresser", Point: orb.Point{0.0085, 0.0085}},
	}
	if len(shops) != len(wantShops) {
		t.Errorf("shops %v, want %d", ex.Shops, len(wantShops))
	}
	for id, w := range wantShops {
		s := shops[id]
		if s.Name != w.Name || s.Category != w.Category || s.Kind != w.Kind || s.Address != w.Address || DistanceM(s.Point, w.Point) > 0.01 {
			t.Errorf("shop %s = %+v, want %+v", id, s, w)
		}
	}
	if len(ex.Stations) != 1 || ex.Stations[0].SourceID != "n22" || ex.Stations[0].Kind != "waste_basket" {
		t.Errorf("stations = %+v, want n22 waste_basket", ex.Stations)
	}
}

// tinyNodes are tinyOSM's street nodes, written out again to check geometry ends.
var tinyNodes = map[int64]orb.Point{
	1: {0.001, 0.001}, 2: {0.002, 0.001}, 3: {0.003, 0.001}, 4: {0.004, 0.001}, 5: {0.005, 0.001},
	6: {0.003, 0}, 7: {0.003, 0.002}, 8: {0.005, 0.002}, 9: {0.003, 0.003}, 10: {0.003, 0.004},
	11: {0.003, 0.005}, 12: {0.004, 0.006}, 13: {0.002, 0.006},
}

func TestReadOSMRepeatedElements(t *testing.T) {
	// History and merged files repeat elements; the last version read wins, so ids stay
	// unique and a shop that closed is gone.
	const in = `<osm>
 <node id="1" lat="0" lon="0"><tag k="shop" v="bakery"/></node>
 <node id="2" lat="0" lon="0.001"><tag k="shop" v="kiosk"/></node>
 <node id="3" lat="0" lon="0.002"/>
 <node id="1" lat="0" lon="0"/>
 <node id="2" lat="0" lon="0.0011"><tag k="shop" v="kiosk"/><tag k="name" v="K2"/></node>
 <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
</osm>`
	ex, err := ReadOSM(context.Background(), strings.NewReader(in), FormatXML)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Shops) != 1 || ex.Shops[0].SourceID != "n2" || ex.Shops[0].Name != "K2" || ex.Shops[0].Point != (orb.Point{0.0011, 0}) {
		t.Errorf("shops = %+v, want only the last version of n2", ex.Shops)
	}
	if len(ex.Blocks) != 1 || ex.Blocks[0].SourceID != "w10:0" || len(ex.Blocks[0].Geometry) != 3 {
		t.Errorf("blocks = %+v, want one block of the last version of w10", ex.Blocks)
	}
}

func TestReadOSMAreas(t *testing.T) {
	const in = `<osm>
 <node id="1" lat="0" lon="0"/><node id="2" lat="0" lon="1"/><node id="3" lat="1" lon="1"/><node id="4" lat="1" lon="0"/>
 <node id="5" lat="0.2" lon="0.5"/><node id="6" lat="0.2" lon="0.7"/><node id="7" lat="0.4" lon="0.7"/>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/></way>
 <way id="11"><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
 <way id="12"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="5"/>
  <tag k="boundary" v="administrative"/><tag k="admin_level" v="10"/><tag k="name" v="Grid 7"/></way>
 <way id="13"><nd ref="5"/><nd ref="99"/><nd ref="7"/><nd ref="5"/>
  <tag k="boundary" v="administrative"/><tag k="admin_level" v="10"/><tag k="name" v="Clipped"/></way>
 <relation id="100"><member type="way" ref="10" role="outer"/><member type="way" ref="11" role="outer"/>
  <member type="node" ref="5" role="admin_centre"/>
  <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/><tag k="admin_level" v="8"/><tag k="name" v="Town"/></relation>
 <relation id="101"><member type="way" ref="10" role="outer"/><member type="way" ref="404" role="outer"/>
  <tag k="type" v="boundary"/><tag k="boundary" v="administrative"/><tag k="admin_level" v="8"/><tag k="name" v="Cut"/></relation>
 <relation id="102"><member type="way" ref="10" role="outer"/><member type="way" ref="11" role="outer"/>
  <tag k="type" v="multipolygon"/><tag k="landuse" v="forest"/></relation>
</osm>`
	ex, err := ReadOSM(context.Background(), strings.NewReader(in), FormatXML)
	if err != nil {
		t.Fatal(err)
	}
	if ex.IncompleteAreas != 2 {
		t.Errorf("IncompleteAreas = %d, want 2 (r101 lacks a way, w13 a node)", ex.IncompleteAreas)
	}
	if len(ex.Areas) != 2 {
		t.Fatalf("areas = %+v, want r100 and w12", ex.Areas)
	}
	town, grid := ex.Areas[0], ex.Areas[1]
	if town.SourceID != "r100" || town.Name != "Town" || town.Level != 8 || len(town.Geometry) != 1 || len(town.Geometry[0][0]) != 5 {
		t.Errorf("town = %+v", town)
	}
	if grid.SourceID != "w12" || grid.Level != 10 || grid.ParentSourceID != "r100" || len(grid.Geometry[0][0]) != 4 {
		t.Errorf("grid = %+v", grid)
	}
	// Outer rings are counter-clockwise, as GeoJSON and PostGIS expect.
	for _, a := range ex.Areas {
		if o := a.Geometry[0][0].Orientation(); o != orb.CCW {
			t.Errorf("%s outer ring orientation %v", a.SourceID, o)
		}
	}
}
