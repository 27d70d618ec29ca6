// Package api is gridsweep's HTTP surface: the JSON/GeoJSON map API for supervisors,
// workers and dashboards, served on a gorilla/mux router.
//
// Handlers return an error and one adapter turns it into an RFC 9457
// application/problem+json answer with a stable type URI per kind of failure (see
// problem.go). Middleware around the router adds a request id, structured logs,
// panic recovery, a request body limit, a CORS allow-list for embeds, Prometheus
// metrics and bearer-token authentication.
//
// The package holds no SQL and no business rules: every query lives in package data, the
// rules of rosters, duty, campaigns and ledger exports in package fieldwork; handlers
// decode, authorise, call them and encode.
package api
