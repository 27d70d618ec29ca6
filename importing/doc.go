// Package importing is the import use case: it reads a file (an OpenStreetMap extract, a
// GeoJSON or CSV register), recognises its format, parses it completely with geo and only
// then hands the features to data/ to store in one transaction, so that a truncated or
// invalid file changes nothing. The command line's import and demo commands call it.
package importing
