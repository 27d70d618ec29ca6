// Package check verifies arc-routing solutions independently of the solver that
// produced them (routing/carp). It imports carp only for the data types Instance and Link,
// and routing for Walk and Move, and recomputes everything else from the walks
// themselves: which links are served, in which direction, by which trip, with what load,
// and at what cost. Sharing no code with the solver is the point: a bug in the solver's
// cost bookkeeping or shortest paths cannot hide behind the same bug here.
package check

import (
	"fmt"
	"strings"

	"github.com/gridsweep/gridsweep/routing"
	"github.com/gridsweep/gridsweep/routing/carp"
)

// Report is what the checker recomputed from the walks.
type Report struct {
	// Cost is the total cost of all walks: ServCost for serving moves, TravCost for the
	// others.
	Cost int64
	// ServiceCost and DeadheadCost split Cost into serving and non-serving moves.
	ServiceCost, DeadheadCost int64
	// TripCosts and TripLoads hold the cost and served demand of each walk, in order.
	TripCosts, TripLoads []int64
	// Served counts the required links served; Required the required links there are.
	Served, Required int
	// Problems lists every violation found, in a stable order; empty when valid.
	Problems []string
}

// Valid reports whether no problem was found.
func (r *Report) Valid() bool { return len(r.Problems) == 0 }

// Error lists what is wrong with a solution.
type Error struct {
	Problems []string
}

// maxListed bounds the problems spelled out in one error line.
const maxListed = 8

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid solution (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("): ")
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p)
	}
	return b.String()
}

// Check verifies walks (one per trip, each expanded into every link it traverses) against
// the instance and against claimedCost, the cost the solver reported. It always returns
// a report; the error is non-nil, an *Error listing every problem, when the solution is
// invalid: a required link not served or served twice, a link served against its
// direction or not required, a walk that does not leave from and return to the depot or
// is not contiguous, an arc traversed backwards, a link that does not exist, a trip over
// capacity, or a claimed cost different from the recomputed one.
func Check(in *carp.Instance, walks []routing.Walk, claimedCost int64) (*Report, error) {
	r := &Report{}
	if in == nil {
		r.Problems = append(r.Problems, "no instance")
		return r, &Error{Problems: r.Problems}
	}
	if in.Depot < 0 || in.Depot >= in.Vertices {
		r.Problems = append(r.Problems, fmt.Sprintf("depot %d outside 1..%d", in.Depot+1, in.Vertices))
		return r, &Error{Problems: r.Problems}
	}
	servedBy := make([]int, len(in.Links)) // trip number (1-based) that served each link, 0 if none
	for t, w := range walks {
		cost, load := checkWalk(in, t+1, w, servedBy, r)
		r.TripCosts = append(r.TripCosts, cost)
		r.TripLoads = append(r.TripLoads, load)
		r.Cost += cost
	}
	for i, l := range in.Links {
		if !l.Required {
			continue
		}
		r.Required++
		if servedBy[i] == 0 {
			r.problemf("required link %s is not served", describe(in, i))
		} else {
			r.Served++
		}
	}
	if r.Cost != claimedCost {
		r.problemf("claimed cost %d but the walks cost %d", claimedCost, r.Cost)
	}
	if !r.Valid() {
		return r, &Error{Problems: r.Problems}
	}
	return r, nil
}

// checkWalk follows one walk, recording problems in r, and returns its cost and load.
func checkWalk(in *carp.Instance, trip int, w routing.Walk, servedBy []int, r *Report) (cost, load int64) {
	const lost = -1 // position unknown after a move on a link that does not exist
	at := in.Depot
	var service, deadhead int64
	for m, mv := range w {
		where := fmt.Sprintf("trip %d move %d", trip, m+1)
		if mv.Link < 0 || mv.Link >= len(in.Links) {
			r.problemf("%s: link index %d does not exist (instance has %d links)", where, mv.Link, len(in.Links))
			at = lost
			continue
		}
		l := in.Links[mv.Link]
		from, to := l.From, l.To
		if mv.Reverse {
			from, to = to, from
		}
		if mv.Reverse && l.Directed {
			r.problemf("%s: arc %s traversed against its direction", where, describe(in, mv.Link))
		}
		switch {
		case m == 0 && from != in.Depot:
			r.problemf("trip %d starts at vertex %d, not at the depot %d", trip, from+1, in.Depot+1)
		case at != lost && from != at:
			r.problemf("%s: walk is at vertex %d but link %s starts at %d", where, at+1, describe(in, mv.Link), from+1)
		}
		at = to
		if !mv.Serve {
			deadhead += l.TravCost
			continue
		}
		service += l.ServCost
		if !l.Required {
			r.problemf("%s: serves link %s, which is not required", where, describe(in, mv.Link))
			continue
		}
		if prev := servedBy[mv.Link]; prev != 0 {
			r.problemf("%s: serves link %s again (already served by trip %d)", where, describe(in, mv.Link), prev)
			continue
		}
		servedBy[mv.Link] = trip
		load += l.Demand
	}
	if len(w) > 0 && at != lost && at != in.Depot {
		r.problemf("trip %d ends at vertex %d, not at the depot %d", trip, at+1, in.Depot+1)
	}
	if in.Capacity > 0 && load > in.Capacity {
		r.problemf("trip %d load %d exceeds the capacity %d", trip, load, in.Capacity)
	}
	r.ServiceCost += service
	r.DeadheadCost += deadhead
	return service + deadhead, load
}

func (r *Report) problemf(format string, a ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
}

// describe names a link as the file does: 1-based vertices, and its ID when it has one.
func describe(in *carp.Instance, i int) string {
	l := in.Links[i]
	kind := "edge"
	if l.Directed {
		kind = "arc"
	}
	if l.ID != 0 {
		return fmt.Sprintf("%d (%s %d-%d)", l.ID, kind, l.From+1, l.To+1)
	}
	return fmt.Sprintf("#%d (%s %d-%d)", i, kind, l.From+1, l.To+1)
}
