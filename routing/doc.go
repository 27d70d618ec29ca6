// Package routing is gridsweep's street planner: pure and database-free, it turns a street
// network (geo.Network) and a team into one route per worker.
//
// Street blocks are the links of a plan graph; a route is a walk from a worker's start to
// their end (back at the start, a given point, or open: after the last served block) that
// serves its blocks and may pass others without serving them (deadheading). PlanRoutes
// plans grid workers on foot (patrol mode: a postman tour over each grid's required
// blocks, cut into balanced territories handed to the workers who reach them best,
// improved until the longest route stops shrinking, then evened out from below) or
// street-sweeping carts (sweeper mode: one-way streets respected, trips to
// waste stations when a cart is full); Replan re-plans after absent workers or new blocks,
// keeping as much of the previous assignment as it can. PlanNetwork joins the islands of a network,
// Walker finds walks between points the same way the planner does, and a Plan is
// reported (Report), sequenced into street-by-street steps (Steps) and exported as
// GeoJSON and GPX.
//
// Move and Walk, a route as a sequence of link traversals, are the only types shared
// with the CARP benchmark engine in routing/carp, which imports this package; this package
// never imports it.
package routing
