package api

import (
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/gridsweep/gridsweep/data"
)

// The registry answers every tile-server question about a layer from its data.TileLayer.
func TestTileLayerRegistry(t *testing.T) {
	probe := data.TileLayer{Name: "probe", Filter: data.FilterPlanRequired | data.FilterWorker,
		Live: true, ChangedBy: []string{data.LayerCoverage}}
	ls := newTileLayers(append(data.TileLayers(), probe))

	if got := ls.routePattern(heatRaster); got != "streets|shops|stations|coverage|heat|plan-coverage|probe|heat-raster" {
		t.Errorf("route pattern %q", got)
	}
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"coverage", "coverage", true}, {heatRaster, data.LayerHeat, true}, {"probe", "probe", true}, {"nope", "", false},
	} {
		l, ok := ls.lookup(tc.name)
		if ok != tc.ok || l.Name != tc.want {
			t.Errorf("lookup(%q) = %q, %v; want %q, %v", tc.name, l.Name, ok, tc.want, tc.ok)
		}
	}
	if _, ok := ls.vector(heatRaster); ok {
		t.Error("the raster form is not a vector layer")
	}

	for _, tc := range []struct {
		changed []string
		stale   []string
	}{
		{[]string{"coverage", "heat"}, []string{"coverage", "heat", "plan-coverage", "probe"}},
		{[]string{"coverage"}, []string{"coverage", "plan-coverage", "probe"}},
		{[]string{"shops"}, []string{"shops"}},
		{[]string{"streets", "coverage"}, []string{"streets", "coverage", "plan-coverage", "probe"}},
		{[]string{"unknown"}, nil},
	} {
		if got := ls.stale(tc.changed); !slices.Equal(got, tc.stale) {
			t.Errorf("stale(%v) = %v, want %v", tc.changed, got, tc.stale)
		}
	}
	ts := &tileService{layers: ls}
	if got := ts.derivedLayers([]string{"coverage", "heat"}); !slices.Equal(got, []string{"plan-coverage", "probe"}) {
		t.Errorf("derived layers %v, want [plan-coverage probe]", got)
	}
	if got := ts.derivedLayers([]string{"shops"}); len(got) != 0 {
		t.Errorf("shops changes derive %v", got)
	}
}

func TestTileParamsAndCachePolicyComeFromTheLayer(t *testing.T) {
	for _, tc := range []struct {
		filter data.TileFilter
		want   []string
	}{
		{0, nil},
		{data.FilterArea, []string{"area"}},
		{data.FilterArea | data.FilterPlan | data.FilterWorker | data.FilterWindow, []string{"area", "days", "plan", "since", "until", "worker"}},
		{data.FilterPlanRequired | data.FilterWorker, []string{"plan", "worker"}},
		{data.FilterPlan | data.FilterPlanRequired, []string{"plan"}},
	} {
		if got := tileParams(tc.filter); !slices.Equal(got, tc.want) {
			t.Errorf("tileParams(%b) = %v, want %v", tc.filter, got, tc.want)
		}
	}
	want := map[string]string{
		data.LayerStreets: cacheControlBase, data.LayerStations: cacheControlBase,
		data.LayerShops: cacheControlLive, data.LayerCoverage: cacheControlLive, data.LayerHeat: cacheControlLive,
		data.LayerPlanCoverage: cacheControlLive,
	}
	for _, l := range data.TileLayers() {
		if w, ok := want[l.Name]; ok && cacheControl(l) != w {
			t.Errorf("%s: Cache-Control %q, want %q", l.Name, cacheControl(l), w)
		}
		if l.Description == "" || len(l.Fields) == 0 || len(l.ChangedBy) == 0 {
			t.Errorf("%s: incomplete registry entry %+v", l.Name, l)
		}
	}
}

// The OpenAPI document lists exactly the registered layers: a layer added in data/ shows
// up here as a failure until it is documented.
func TestOpenAPIListsEveryTileLayer(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		t.Fatal(err)
	}
	ls := newTileLayers(data.TileLayers())
	for path, extra := range map[string][]string{"/tiles/{layer}/{z}/{x}/{y}.mvt": nil, "/tiles/{layer}.json": {heatRaster}} {
		var op struct {
			Parameters []struct {
				Name   string `yaml:"name"`
				Schema struct {
					Enum []string `yaml:"enum"`
				} `yaml:"schema"`
			} `yaml:"parameters"`
		}
		node := doc.Paths[path]["get"]
		if err := node.Decode(&op); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var enum []string
		for _, p := range op.Parameters {
			if p.Name == "layer" {
				enum = p.Schema.Enum
			}
		}
		want := strings.Split(ls.routePattern(extra...), "|")
		if !slices.Equal(enum, want) {
			t.Errorf("%s: layer enum %v, want %v", path, enum, want)
		}
	}
}
