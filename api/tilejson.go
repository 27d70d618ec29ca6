package api

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// TileJSON is a TileJSON 3.0.0 document (https://github.com/mapbox/tilejson-spec).
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds"`
	Center       []float64     `json:"center,omitempty"`
	VectorLayers []VectorLayer `json:"vector_layers,omitempty"`
}

// VectorLayer describes one layer inside a vector tile: its id and its fields with their
// meaning (TileJSON's fields map a name to a description).
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

var layerDocs = map[string]struct {
	description string
	fields      map[string]string
}{
	data.LayerStreets: {"Street blocks: the base map.", map[string]string{
		"name": "String: street name", "highway": "String: OSM highway value",
		"oneway": "Boolean: vehicles only from start to end", "length_m": "Number: length in metres"}},
	data.LayerShops: {"Shops workers visit.", map[string]string{
		"name": "String: shop name", "category": "String: supermarket, restaurant, barber, car_wash, laundry or other",
		"kind": "String: the source's own value"}},
	data.LayerStations: {"Waste-sorting stations.", map[string]string{
		"name": "String: station name", "kind": "String: recycling, waste_disposal, waste_transfer_station or waste_basket"}},
	data.LayerCoverage: {"Street blocks with their sweeps in the window (check-ins and GPS passes).", map[string]string{
		"name": "String: street name", "highway": "String: OSM highway value", "length_m": "Number: length in metres",
		"last_swept": "Number: last sweep in the window, Unix seconds (absent: never)",
		"sweeps":     "Number: sweeps in the window",
		"planned":    "Boolean (with plan=): the block is assigned in the plan (to worker= if given)",
		"worker_id":  "Number (with plan=): the assigned worker",
		"done":       "Boolean (with plan=): planned and swept since the plan was made by its worker or naming the plan"}},
	data.LayerHeat: {"Sweep density: one point per bin (1/64 of the tile) with its count; for heatmap layers.", map[string]string{
		"count": "Number: sweeps in the bin"}},
}

// handleTileJSON describes one layer. The tile URLs repeat the request's (validated) filter,
// so a map configured from /tiles/coverage.json?days=7 draws the last week.
func (ts *tileService) handleTileJSON(w http.ResponseWriter, r *http.Request) error {
	layer := mux.Vars(r)["layer"]
	tq, err := ts.parseTileQuery(r, layer)
	if err != nil {
		return err
	}
	url := externalBase(r) + "/tiles/" + layer + "/{z}/{x}/{y}.mvt"
	docLayer := layer
	if layer == "heat-raster" {
		url = externalBase(r) + "/tiles/heat/{z}/{x}/{y}.png"
		docLayer = data.LayerHeat
	}
	if q := tq.key.Encode(); q != "" {
		url += "?" + q
	}
	doc := TileJSON{
		TileJSON:    "3.0.0",
		Name:        "gridsweep " + layer,
		Description: layerDocs[docLayer].description,
		Version:     "1.0.0",
		Attribution: "© OpenStreetMap contributors",
		Scheme:      "xyz",
		Tiles:       []string{url},
		MinZoom:     0,
		MaxZoom:     geo.MaxTileZoom,
		Bounds:      []float64{-180, -85.0511, 180, 85.0511},
	}
	area := tq.filter.AreaID
	b, ok, err := ts.s.store.LayerBounds(r.Context(), docLayer, area)
	if err != nil {
		return err
	}
	if ok {
		c := b.Center()
		doc.Bounds = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		doc.Center = []float64{c[0], c[1], 14}
	}
	if layer != "heat-raster" {
		doc.VectorLayers = []VectorLayer{{
			ID: layer, Description: layerDocs[layer].description,
			MinZoom: 0, MaxZoom: geo.MaxTileZoom, Fields: layerDocs[layer].fields,
		}}
	}
	w.Header().Set("Cache-Control", "private, max-age=60")
	return writeJSON(w, http.StatusOK, doc)
}

// externalBase is the scheme and host the client used, so tile URLs work behind a proxy
// that sets X-Forwarded-Proto.
func externalBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + strings.TrimSuffix(r.Host, "/")
}
