package api

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

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

// handleTileJSON describes one layer. The tile URLs repeat the request's (validated) filter,
// so a map configured from /tiles/coverage.json?days=7 draws the last week.
func (ts *tileService) handleTileJSON(w http.ResponseWriter, r *http.Request) error {
	name := mux.Vars(r)["layer"]
	layer, ok := ts.layers.lookup(name)
	if !ok {
		return tileProblem("no layer %q", name) // the route admits registered names only
	}
	tq, err := ts.parseTileQuery(r, name, layer)
	if err != nil {
		return err
	}
	_, raster := rasterLayers[name]
	url := externalBase(r) + "/tiles/" + layer.Name + "/{z}/{x}/{y}.mvt"
	if raster {
		url = externalBase(r) + "/tiles/" + layer.Name + "/{z}/{x}/{y}.png"
	}
	if q := tq.key.Encode(); q != "" {
		url += "?" + q
	}
	doc := TileJSON{
		TileJSON:    "3.0.0",
		Name:        "gridsweep " + name,
		Description: layer.Description,
		Version:     "1.0.0",
		Attribution: "© OpenStreetMap contributors",
		Scheme:      "xyz",
		Tiles:       []string{url},
		MinZoom:     0,
		MaxZoom:     geo.MaxTileZoom,
		Bounds:      []float64{-180, -85.0511, 180, 85.0511},
	}
	b, ok, err := ts.s.store.LayerBounds(r.Context(), layer.Name, tq.area)
	if err != nil {
		return err
	}
	if ok {
		c := b.Center()
		doc.Bounds = []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
		doc.Center = []float64{c[0], c[1], 14}
	}
	if !raster {
		doc.VectorLayers = []VectorLayer{{
			ID: layer.Name, Description: layer.Description,
			MinZoom: 0, MaxZoom: geo.MaxTileZoom, Fields: layer.Fields,
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
