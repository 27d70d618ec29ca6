package geo_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/paulmach/orb"
)

func ExampleReadOSM() {
	// Two streets crossing at node 2: each is split there into two blocks.
	const doc = `<osm>
 <node id="1" lat="60.170" lon="24.940"/><node id="2" lat="60.170" lon="24.941"/>
 <node id="3" lat="60.170" lon="24.942"/><node id="4" lat="60.169" lon="24.941"/>
 <node id="5" lat="60.171" lon="24.941"/>
 <node id="6" lat="60.1701" lon="24.9405"><tag k="shop" v="convenience"/><tag k="name" v="K-Market"/></node>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="name" v="Katu"/></way>
 <way id="11"><nd ref="4"/><nd ref="2"/><nd ref="5"/><tag k="highway" v="footway"/><tag k="oneway" v="-1"/></way>
</osm>`
	ex, err := geo.ReadOSM(context.Background(), strings.NewReader(doc), geo.FormatXML)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range ex.Blocks {
		fmt.Printf("%s %d→%d %s %q oneway=%v %.1f m\n", b.SourceID, b.From, b.To, b.Highway, b.Name, b.Oneway, b.LengthM)
	}
	for _, s := range ex.Shops {
		fmt.Println(s.SourceID, s.Name, s.Category, s.Kind)
	}
	// Output:
	// w10:0 1→2 residential "Katu" oneway=false 55.4 m
	// w10:1 2→3 residential "Katu" oneway=false 55.4 m
	// w11:0 2→4 footway "" oneway=true 111.3 m
	// w11:1 5→2 footway "" oneway=true 111.3 m
	// n6 K-Market supermarket shop=convenience
}

func ExampleGCJ02ToWGS84() {
	// A shop position from an AMap (GCJ-02) register, back on the OSM streets (WGS-84).
	amap := orb.Point{116.41024449916938, 39.91640428150164}
	wgs := geo.GCJ02ToWGS84(amap)
	fmt.Printf("%.6f %.6f, shifted %.0f m\n", wgs[0], wgs[1], geo.DistanceM(amap, wgs))
	// Output: 116.404000 39.915000, shifted 556 m
}

func ExampleReadShopsCSV() {
	const register = "名称,地址,类别,经度,纬度\n好邻居便利店,成府路28号,便利店,116.3378,39.9926\n"
	shops, err := geo.ReadShopsCSV(strings.NewReader(register), geo.GCJ02)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := shops[0]
	fmt.Println(s.Name, s.Category, s.Address)
	// Output: 好邻居便利店 supermarket 成府路28号
}
