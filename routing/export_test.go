package routing

// Hooks for the external tests (package routing_test), which check the planner against
// the CARP engine's exact Chinese postman cost: routing/carp imports routing, so only an
// external test can import it here.

// PlanGraphOf returns the planner's graph of a plan: vertex count, link ends and the
// traversal and service cost of each link, indexed like Network.Edges.
func PlanGraphOf(pl *Plan) (vertices int, from, to []int32, trav, serve []int64) {
	return pl.g.n, pl.g.from, pl.g.to, pl.g.trav, pl.g.serve
}

var (
	RandomConnectedBlocks = randomConnectedBlocks
	CheckComplete         = checkComplete
	DsToDuration          = dsToDuration
)
