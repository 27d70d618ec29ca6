// Package routing is gridsweep's optimiser: a pure, database-free engine for arc routing.
//
// Street blocks are links of a graph; a route is a closed walk from a depot (a worker's
// start point) that serves some required links and may pass others without serving them
// (deadheading). The package holds the problem model (Instance), readers for the standard
// CARP and MCARP benchmark formats, the solver and the sequencing of routes into steps.
package routing
