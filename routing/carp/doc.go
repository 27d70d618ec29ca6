// Package carp is gridsweep's engine for the capacitated arc routing problem (CARP) and
// its mixed-graph form (MCARP), judged on the published benchmark instances.
//
// An Instance is a graph of Links (undirected edges, or one-way arcs served only
// From→To), some of them required, each with a traversal cost, a service cost and a
// demand; one depot; and a vehicle capacity (0 for unlimited). A Solution is a set of
// trips from the depot and back, each serving required links in order and deadheading
// between them along shortest paths, so that every required link is served exactly once
// and no trip exceeds the capacity.
//
// ReadInstance reads the two standard text formats, telling them apart by their keywords:
// the CARP format of the gdb/val/egl sets (ReadCARP: NOMBRE, VERTICES, …) and the MCARP
// format of the mval and Lpr sets (ReadMCARP: NAME, NODES, …). Solve is a hybrid genetic
// search after Vidal's HGS-CARP: giant tours split optimally into trips, granular local
// search priced with O(1) sequence summaries, penalised capacity and a diversity-managed
// population; it minimises the total cost, or the longest trip under a trip limit
// (MinMax with MaxTrips), and is deterministic for a given seed and thread count. Solution.Walks expands trips into
// routing.Walk link traversals; ChinesePostmanCost is an exact reference for the
// one-trip case. The design is described in docs/solver.md.
//
// The benchmark runner (routing/carp/bench) and the independent solution checker, which
// shares no code with the solver (routing/carp/check), live beside it.
package carp
