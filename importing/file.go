package importing

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// OSMFile reads an OpenStreetMap file (.osm.pbf, .osm or .osm.bz2: recognised by its
// first bytes, else by name) and imports it with data.Store.ImportOSM. The whole file is parsed before
// the database is touched, so a truncated or corrupt file changes nothing.
func OSMFile(ctx context.Context, s *data.Store, name string, r io.Reader) (data.ImportSummary, error) {
	start := time.Now()
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(geo.FormatHeadSize)
	if err != nil && !errors.Is(err, io.EOF) {
		return data.ImportSummary{}, fmt.Errorf("import osm %s: %w", name, err)
	}
	format, err := geo.FormatOf(name, head)
	if err != nil {
		return data.ImportSummary{}, fmt.Errorf("import osm: %w", err)
	}
	ext, err := geo.ReadOSM(ctx, br, format)
	if err != nil {
		return data.ImportSummary{}, fmt.Errorf("import osm %s: %w", name, err)
	}
	read := time.Since(start)
	sum, err := s.ImportOSM(ctx, ext)
	if err != nil {
		return data.ImportSummary{}, fmt.Errorf("%s: %w", name, err)
	}
	sum.ReadTime = read
	return sum, nil
}

// FeatureKind says what a GeoJSON or CSV register holds.
type FeatureKind string

// The feature kinds the register importers take.
const (
	KindShops    FeatureKind = "shops"
	KindStations FeatureKind = "stations"
	KindAreas    FeatureKind = "areas"
)

// ParseFeatureKind reads shops, stations or areas.
func ParseFeatureKind(s string) (FeatureKind, error) {
	switch k := FeatureKind(s); k {
	case KindShops, KindStations, KindAreas:
		return k, nil
	}
	return "", fmt.Errorf("unknown kind %q (want shops, stations or areas)", s)
}

// GeoJSONFile reads a GeoJSON FeatureCollection of kind, with coordinates in crs,
// and imports it in one transaction. An invalid feature fails the whole import before the
// database is touched; the error names the feature.
func GeoJSONFile(ctx context.Context, s *data.Store, name string, kind FeatureKind, r io.Reader, crs geo.CRS) (data.ImportSummary, error) {
	start := time.Now()
	// Reading yields the write to do, so that parsing finishes before the database is touched.
	var write func() (data.ImportSummary, error)
	switch kind {
	case KindShops:
		shops, err := geo.ReadShopsGeoJSON(r, crs)
		if err != nil {
			return data.ImportSummary{}, fmt.Errorf("import geojson shops %s: %w", name, err)
		}
		write = func() (data.ImportSummary, error) { return s.ImportShops(ctx, shops) }
	case KindStations:
		stations, err := geo.ReadStationsGeoJSON(r, crs)
		if err != nil {
			return data.ImportSummary{}, fmt.Errorf("import geojson stations %s: %w", name, err)
		}
		write = func() (data.ImportSummary, error) { return s.ImportStations(ctx, stations) }
	case KindAreas:
		areas, err := geo.ReadAreasGeoJSON(r, crs)
		if err != nil {
			return data.ImportSummary{}, fmt.Errorf("import geojson areas %s: %w", name, err)
		}
		write = func() (data.ImportSummary, error) { return s.ImportAreas(ctx, areas) }
	default:
		return data.ImportSummary{}, fmt.Errorf("import geojson %s: unknown kind %q", name, kind)
	}
	read := time.Since(start)
	sum, err := write()
	if err != nil {
		return data.ImportSummary{}, fmt.Errorf("%s: %w", name, err)
	}
	sum.ReadTime = read
	return sum, nil
}

// ShopsCSVFile reads a shop register (name, address, category, lon, lat; see
// geo.ReadShopsCSV) with coordinates in crs and imports it in one transaction. An invalid
// line fails the whole import before the database is touched; the error names the line.
func ShopsCSVFile(ctx context.Context, s *data.Store, name string, r io.Reader, crs geo.CRS) (data.ImportSummary, error) {
	start := time.Now()
	shops, err := geo.ReadShopsCSV(r, crs)
	if err != nil {
		return data.ImportSummary{}, fmt.Errorf("import csv shops %s: %w", name, err)
	}
	read := time.Since(start)
	sum, err := s.ImportShops(ctx, shops)
	if err != nil {
		return data.ImportSummary{}, fmt.Errorf("%s: %w", name, err)
	}
	sum.ReadTime = read
	return sum, nil
}
