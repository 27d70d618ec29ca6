// Package geo is gridsweep's geometry on paulmach/orb: reading streets, shops, waste
// stations and boundaries from OpenStreetMap, splitting walkable ways at intersections
// into blocks, coordinate systems (WGS-84, GCJ-02, BD-09), metric measures, snapping
// points to blocks and tile maths. It needs no database.
//
// Reading data:
//   - ReadOSM reads .osm.pbf, .osm and .osm.bz2 (FormatOf tells which) into an Extract:
//     blocks, shops, stations and administrative areas. The OSM tag rules are in one
//     place, osmtags.go, each as a documented table with its test.
//   - ReadShopsGeoJSON, ReadStationsGeoJSON, ReadAreasGeoJSON and ReadShopsCSV read
//     registers kept outside OSM, converting from the coordinate system they are in
//     (ParseCRS: wgs84, gcj02, bd09) to WGS-84.
//   - ReadGridsGeoJSON reads a grids file for a plan: the grids as territories, how many
//     workers each has and where they start and end.
//
// Every reader is all or nothing: invalid or truncated input is an error naming the
// place (a feature index, a CSV line), never a partial result.
//
// Measures: LengthM and DistanceM are haversine metres; LocalProjection is a small
// equirectangular projection for metric work within a city.
package geo
