package check

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/routing"
	"github.com/gridsweep/gridsweep/routing/carp"
)

// testInstance is a small mixed graph (vertices 1..4 in messages, depot 1):
//
//	ID 1: edge 1-2 required, serv 5, trav 3, demand 2
//	ID 2: arc  2→3 required, serv 4, trav 2, demand 3
//	ID 3: edge 3-1 deadhead only, trav 6
//	ID 4: edge 3-4 required, serv 2, trav 1, demand 1
//	ID 5: arc  4→1 deadhead only, trav 1
func testInstance(capacity int64) *carp.Instance {
	return &carp.Instance{
		Name: "check", Vertices: 4, Depot: 0, Capacity: capacity,
		Links: []carp.Link{
			{From: 0, To: 1, Required: true, ServCost: 5, TravCost: 3, Demand: 2, ID: 1},
			{From: 1, To: 2, Directed: true, Required: true, ServCost: 4, TravCost: 2, Demand: 3, ID: 2},
			{From: 2, To: 0, TravCost: 6, ID: 3},
			{From: 2, To: 3, Required: true, ServCost: 2, TravCost: 1, Demand: 1, ID: 4},
			{From: 3, To: 0, Directed: true, TravCost: 1, ID: 5},
		},
	}
}

func serve(link int, reverse bool) routing.Move {
	return routing.Move{Link: link, Reverse: reverse, Serve: true}
}
func pass(link int, reverse bool) routing.Move { return routing.Move{Link: link, Reverse: reverse} }

// validWalks serves everything: trip 1 costs 5+4+6 = 15 with load 5, trip 2 costs
// 6+2+1 = 9 with load 1.
func validWalks() []routing.Walk {
	return []routing.Walk{
		{serve(0, false), serve(1, false), pass(2, false)},
		{pass(2, true), serve(3, false), pass(4, false)},
	}
}

func TestCheckValid(t *testing.T) {
	for _, capacity := range []int64{5, 0} { // 0 means unlimited
		r, err := Check(testInstance(capacity), validWalks(), 24)
		if err != nil {
			t.Fatalf("capacity %d: %v", capacity, err)
		}
		if !r.Valid() || r.Cost != 24 || r.ServiceCost != 11 || r.DeadheadCost != 13 || r.Served != 3 || r.Required != 3 {
			t.Errorf("capacity %d: report %+v", capacity, r)
		}
		if !slices.Equal(r.TripCosts, []int64{15, 9}) || !slices.Equal(r.TripLoads, []int64{5, 1}) {
			t.Errorf("trips: costs %v loads %v", r.TripCosts, r.TripLoads)
		}
	}
	// An empty trip stays at the depot and costs nothing.
	if _, err := Check(testInstance(5), append(validWalks(), routing.Walk{}), 24); err != nil {
		t.Errorf("empty trip: %v", err)
	}
}

func TestCheckRejects(t *testing.T) {
	for _, tc := range []struct {
		name     string
		capacity int64
		walks    []routing.Walk
		claimed  int64
		want     []string // each must appear among the problems
	}{
		{
			name:     "missing link",
			capacity: 5,
			walks:    []routing.Walk{validWalks()[0], {pass(2, true), pass(3, false), pass(4, false)}},
			claimed:  23,
			want:     []string{"required link 4 (edge 3-4) is not served"},
		},
		{
			name:     "served twice",
			capacity: 5,
			walks:    append(validWalks(), routing.Walk{serve(0, false), pass(0, true)}),
			claimed:  32,
			want:     []string{"trip 3 move 1: serves link 1 (edge 1-2) again (already served by trip 1)"},
		},
		{
			name:     "arc against its direction",
			capacity: 5,
			walks:    []routing.Walk{{pass(2, true), serve(1, true), serve(0, true)}, validWalks()[1]},
			claimed:  24,
			want:     []string{"trip 1 move 2: arc 2 (arc 2-3) traversed against its direction"},
		},
		{
			name:     "deadheading an arc backwards",
			capacity: 5,
			walks:    []routing.Walk{validWalks()[0], {pass(4, true), serve(3, true), pass(2, false)}},
			claimed:  24,
			want:     []string{"trip 2 move 1: arc 5 (arc 4-1) traversed against its direction"},
		},
		{
			name:     "over capacity",
			capacity: 4,
			walks:    validWalks(),
			claimed:  24,
			want:     []string{"trip 1 load 5 exceeds the capacity 4"},
		},
		{
			name:     "gap inside a walk",
			capacity: 5,
			walks:    []routing.Walk{{serve(0, false), pass(2, false)}, {pass(2, true), serve(1, true), serve(3, false), pass(4, false)}},
			claimed:  24,
			want:     []string{"trip 1 move 2: walk is at vertex 2 but link 3 (edge 3-1) starts at 3"},
		},
		{
			name:     "not from the depot",
			capacity: 5,
			walks:    []routing.Walk{validWalks()[0], {serve(3, false), pass(4, false)}},
			claimed:  18,
			want:     []string{"trip 2 starts at vertex 3, not at the depot 1"},
		},
		{
			name:     "not back to the depot",
			capacity: 5,
			walks:    []routing.Walk{validWalks()[0], {pass(2, true), serve(3, false)}},
			claimed:  23,
			want:     []string{"trip 2 ends at vertex 4, not at the depot 1"},
		},
		{
			name:     "link that does not exist",
			capacity: 5,
			walks:    []routing.Walk{validWalks()[0], {pass(2, true), serve(3, false), pass(9, false)}},
			claimed:  23,
			want:     []string{"trip 2 move 3: link index 9 does not exist (instance has 5 links)"},
		},
		{
			name:     "serving a link that is not required",
			capacity: 5,
			walks:    []routing.Walk{validWalks()[0], {serve(2, true), serve(3, false), pass(4, false)}},
			claimed:  18,
			want:     []string{"trip 2 move 1: serves link 3 (edge 3-1), which is not required"},
		},
		{
			name:     "wrong claimed cost",
			capacity: 5,
			walks:    validWalks(),
			claimed:  23,
			want:     []string{"claimed cost 23 but the walks cost 24"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Check(testInstance(tc.capacity), tc.walks, tc.claimed)
			if err == nil {
				t.Fatalf("accepted; report %+v", r)
			}
			var ce *Error
			if !errors.As(err, &ce) || !slices.Equal(ce.Problems, r.Problems) {
				t.Fatalf("error %v does not carry the report's problems %v", err, r.Problems)
			}
			if r.Valid() {
				t.Error("report says valid")
			}
			for _, w := range tc.want {
				if !slices.Contains(r.Problems, w) {
					t.Errorf("problems %q lack %q", r.Problems, w)
				}
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestCheckRecomputesCostOfInvalidWalks(t *testing.T) {
	// The missing-link walk costs 15 + 6 + 1 + 1: the report still says so, so a caller
	// can show the real cost next to the verdict.
	walks := []routing.Walk{validWalks()[0], {pass(2, true), pass(3, false), pass(4, false)}}
	r, _ := Check(testInstance(5), walks, 0)
	if r.Cost != 23 || r.Served != 2 {
		t.Errorf("cost %d served %d, want 23 and 2", r.Cost, r.Served)
	}
}

func TestErrorListsAtMostSomeProblems(t *testing.T) {
	e := &Error{Problems: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}}
	want := "invalid solution (10 problems): a; b; c; d; e; f; g; h; and 2 more"
	if e.Error() != want {
		t.Errorf("got %q, want %q", e.Error(), want)
	}
	if got := (&Error{Problems: []string{"x"}}).Error(); got != "invalid solution (1 problem): x" {
		t.Errorf("got %q", got)
	}
}

func TestCheckNoInstance(t *testing.T) {
	if _, err := Check(nil, nil, 0); err == nil {
		t.Error("nil instance accepted")
	}
	in := testInstance(5)
	in.Depot = 7
	if _, err := Check(in, nil, 0); err == nil || !strings.Contains(err.Error(), "depot 8 outside 1..4") {
		t.Errorf("err = %v", err)
	}
}
