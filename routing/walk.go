package routing

// Move is one traversal of a link in a walk: Link indexes the links of the graph walked
// (a plan's Network.Edges, or a carp.Instance's Links), Reverse means To→From, Serve marks
// the traversal that serves the link (costing its service cost instead of its traversal
// cost). It is the one type the street planner and the CARP engine (routing/carp) share.
type Move struct {
	Link    int
	Reverse bool
	Serve   bool
}

// Walk is a route expanded into every link it traverses, in order: for a plan, a worker's
// route from start to end; for a CARP solution, one trip from depot to depot.
type Walk []Move
