// Package geo is gridsweep's geometry on paulmach/orb: reading streets, shops, waste
// stations and boundaries from OpenStreetMap, splitting walkable ways at intersections
// into blocks, coordinate systems (WGS-84, GCJ-02, BD-09), metric measures, snapping
// points to blocks and tile maths. It needs no database.
package geo
