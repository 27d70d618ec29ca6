// Package data is the only package that speaks SQL. It owns the PostGIS schema (versioned
// migrations embedded in the binary and applied with goose on start-up), the bulk imports of
// streets, shops, stations and areas (COPY into staging tables, then one upsert by source id,
// all in one transaction), and the queries the rest of gridsweep runs. It is the only
// package that imports pgx (a test enforces it): failures cross to callers as the error
// values of errors.go, and the values field work stores and loads are fieldwork's types.
//
// Geometries cross the wire as EWKB with SRID 4326, encoded and decoded with orb's
// encoding/ewkb: the geo package's types are orb types, so no conversion layer is needed.
package data
