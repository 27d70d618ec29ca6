package carp

import "io"

// mcarpDialect is the English mixed-graph format of the mval and Lpr files (Belenguer,
// Benavent, Lacomme & Prins 2006): required and non-required edges and arcs, with a
// service cost distinct from the traversal cost on required links.
var mcarpDialect = &fileDialect{
	format: "MCARP",
	header: map[string]fileHeaderField{
		"NAME":         fieldName,
		"COMMENT":      fieldIgnored,
		"NODES":        fieldVertices,
		"VEHICLES":     fieldVehicles,
		"CAPACITY":     fieldCapacity,
		"DUMPING_COST": fieldIgnored,
		"MAX_TRIP":     fieldIgnored,
		"DEPOT":        fieldDepot,
	},
	counts: map[string]fileListKind{
		"REQ_EDGES":   listReqEdges,
		"REQ_ARCS":    listReqArcs,
		"NOREQ_EDGES": listNoreqEdges,
		"NOREQ_ARCS":  listNoreqArcs,
	},
	lists: map[string]fileListKind{
		"LIST_REQ_EDGES":   listReqEdges,
		"LIST_REQ_ARCS":    listReqArcs,
		"LIST_NOREQ_EDGES": listNoreqEdges,
		"LIST_NOREQ_ARCS":  listNoreqArcs,
	},
	reqValues:   map[string]fileLinkValue{"serv_cost": valServ, "trav_cost": valTrav, "demand": valDemand},
	noreqValues: map[string]fileLinkValue{"cost": valTrav, "trav_cost": valTrav},
}

// ReadMCARP reads a file in the English MCARP (mixed CARP) format:
//
//	NAME : mval1A.dat
//	NODES : 24
//	REQ_EDGES : 20
//	NOREQ_EDGES : 0
//	REQ_ARCS : 35
//	NOREQ_ARCS : 0
//	VEHICLES : 2
//	CAPACITY : 200
//	DUMPING_COST : 0
//	LIST_REQ_EDGES :
//	(1,9)   serv_cost 3    trav_cost 3    demand 9
//	LIST_REQ_ARCS :
//	(1,5)   serv_cost 3   trav_cost 3   demand 2
//	LIST_NOREQ_EDGES :
//	(2,3)   cost 4
//	LIST_NOREQ_ARCS :
//	(3,2)   cost 4
//	DEPOT : 1
//
// Arcs may only be traversed and served from i to j. DUMPING_COST is ignored (it is 0 in
// every published mval and Lpr file). See ReadInstance for the shared conventions.
func ReadMCARP(r io.Reader, name string) (*Instance, error) {
	return readFileDialect(r, name, mcarpDialect)
}
