package carp

import "io"

// carpDialect is the Spanish CARP format of the gdb, val and egl files (CARPLIB,
// Universitat de València): undirected edges whose single "coste" is both the service and
// the traversal cost.
var carpDialect = &fileDialect{
	format: "CARP",
	header: map[string]fileHeaderField{
		"NOMBRE":              fieldName,
		"COMENTARIO":          fieldIgnored,
		"VERTICES":            fieldVertices,
		"VEHICULOS":           fieldVehicles,
		"CAPACIDAD":           fieldCapacity,
		"TIPO_COSTES_ARISTAS": fieldIgnored,
		"COSTE_TOTAL_REQ":     fieldIgnored,
		"DEPOSITO":            fieldDepot,
	},
	counts: map[string]fileListKind{
		"ARISTAS_REQ":   listReqEdges,
		"ARISTAS_NOREQ": listNoreqEdges,
	},
	lists: map[string]fileListKind{
		"LISTA_ARISTAS_REQ":   listReqEdges,
		"LISTA_ARISTAS_NOREQ": listNoreqEdges,
	},
	reqValues:   map[string]fileLinkValue{"coste": valServTrav, "demanda": valDemand},
	noreqValues: map[string]fileLinkValue{"coste": valTrav},
}

// ReadCARP reads a file in the Spanish CARP format:
//
//	NOMBRE : gdb1
//	VERTICES : 12
//	ARISTAS_REQ : 22
//	ARISTAS_NOREQ : 0
//	VEHICULOS : 5
//	CAPACIDAD : 5
//	COSTE_TOTAL_REQ : 252
//	LISTA_ARISTAS_REQ :
//	 ( 1, 2)  coste 13 demanda 1
//	LISTA_ARISTAS_NOREQ :
//	 ( 3, 7)  coste 9
//	DEPOSITO :   1
//
// All links are undirected; service and traversal cost are the same "coste". See
// ReadInstance for the conventions shared with the MCARP reader.
func ReadCARP(r io.Reader, name string) (*Instance, error) {
	return readFileDialect(r, name, carpDialect)
}
