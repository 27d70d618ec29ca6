package carp

// Service is one served required link inside a trip: Link indexes Instance.Links;
// Reverse means it is served To→From (only allowed for undirected links).
type Service struct {
	Link    int
	Reverse bool
}

// Trip leaves the depot, serves its services in order, deadheading between them along
// shortest paths, and returns to the depot.
type Trip struct {
	Services []Service
}

// Solution is a set of trips; Cost is its total (service plus deadheading) cost as
// computed by the solver.
type Solution struct {
	Trips []Trip
	Cost  int64
}
