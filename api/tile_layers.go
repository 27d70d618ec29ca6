package api

import (
	"slices"
	"strings"

	"github.com/gridsweep/gridsweep/data"
)

// The tile layer registry. Each layer is one data.TileLayer: data owns its SQL, its fields,
// the filter it takes and the notifications that make it stale; this file turns that into
// HTTP: routes, query parameters, Cache-Control, cache invalidation and TileJSON. A new
// vector layer therefore needs no change here.

// heatRaster is the TileJSON name of the heat layer drawn as PNG by the server itself
// (heat_png.go); its tiles live at /tiles/heat/{z}/{x}/{y}.png under the heat layer's name.
const heatRaster = "heat-raster"

// rasterLayers maps each raster TileJSON name to the vector layer whose data it draws.
var rasterLayers = map[string]string{heatRaster: data.LayerHeat}

// tileLayers is the registry the tile service serves.
type tileLayers struct {
	list []data.TileLayer
}

func newTileLayers(ls []data.TileLayer) tileLayers {
	return tileLayers{list: slices.Clone(ls)}
}

// vector returns the layer of that name.
func (ls tileLayers) vector(name string) (data.TileLayer, bool) {
	for _, l := range ls.list {
		if l.Name == name {
			return l, true
		}
	}
	return data.TileLayer{}, false
}

// lookup resolves a name in a tile or TileJSON URL: a vector layer or a raster form of one.
func (ls tileLayers) lookup(name string) (data.TileLayer, bool) {
	if src, ok := rasterLayers[name]; ok {
		return ls.vector(src)
	}
	return ls.vector(name)
}

// routePattern is the mux pattern alternative of every vector layer name, plus extra names.
func (ls tileLayers) routePattern(extra ...string) string {
	names := make([]string, 0, len(ls.list)+len(extra))
	for _, l := range ls.list {
		names = append(names, l.Name)
	}
	return strings.Join(append(names, extra...), "|")
}

// stale lists the cached layers a change notification for the changed layers makes stale:
// every layer whose ChangedBy names one of them.
func (ls tileLayers) stale(changed []string) []string {
	var out []string
	for _, l := range ls.list {
		for _, c := range l.ChangedBy {
			if slices.Contains(changed, c) {
				out = append(out, l.Name)
				break
			}
		}
	}
	return out
}

// tileParams names the query parameters of a layer's filter, sorted; nil for none.
func tileParams(f data.TileFilter) []string {
	var out []string
	add := func(bit data.TileFilter, names ...string) {
		if f&bit != 0 {
			out = append(out, names...)
		}
	}
	add(data.FilterArea, "area")
	add(data.FilterPlan|data.FilterPlanRequired, "plan")
	add(data.FilterWorker, "worker")
	add(data.FilterWindow, "days", "since", "until")
	slices.Sort(out)
	return slices.Compact(out)
}

// cacheControl is the Cache-Control of a layer's tiles. Live layers change with every
// check-in, so browsers revalidate each time (a 304 from the server's cache costs next to
// nothing); the base layers change with imports only.
func cacheControl(l data.TileLayer) string {
	if l.Live {
		return cacheControlLive
	}
	return cacheControlBase
}
