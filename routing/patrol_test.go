package routing

import (
	"context"
	"testing"
)

func TestPatrolGridCompleteAndBalanced(t *testing.T) {
	net := gridNetwork(t, 11, 11, 100)
	for _, k := range []int{1, 2, 4, 5} {
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: k, Seconds: 5})
		if err != nil {
			t.Fatal(err)
		}
		checkComplete(t, pl)
		t.Logf("k=%d makespan=%v mean=%v ratio=%.3f pieces=%v", k, pl.Makespan, pl.MeanRoute, float64(pl.Makespan)/float64(pl.MeanRoute), piecesOf(pl))
	}
}

func piecesOf(pl *Plan) []int {
	var out []int
	for _, r := range pl.Routes {
		out = append(out, r.Pieces)
	}
	return out
}

// checkComplete asserts that every reachable required block is served exactly once and
// that every walk is a closed, connected walk from its start.
func checkComplete(t *testing.T, pl *Plan) {
	t.Helper()
	net := pl.Network()
	served := make([]int, len(net.Blocks))
	for _, r := range pl.Routes {
		at := r.StartNode
		for i, m := range r.Walk {
			e := net.Edges[m.Link]
			a, b := e.From, e.To
			if m.Reverse {
				a, b = b, a
			}
			if a != at {
				t.Fatalf("worker %d move %d starts at node %d, walker is at %d", r.Worker, i, a, at)
			}
			at = b
			if m.Serve {
				served[e.Block]++
			}
		}
		if at != r.StartNode {
			t.Fatalf("worker %d ends at node %d, not at its start %d", r.Worker, at, r.StartNode)
		}
	}
	unreach := map[int]bool{}
	for _, u := range pl.Unreachable {
		unreach[u.Block] = true
	}
	covered := 0
	for b, n := range served {
		switch {
		case unreach[b] && n != 0:
			t.Errorf("unreachable block %d served %d times", b, n)
		case !unreach[b] && n != 1:
			t.Errorf("block %d (%s) served %d times, want 1", b, net.Blocks[b].SourceID, n)
		}
		covered += n
	}
	if covered != pl.BlocksCovered || pl.BlocksCovered+len(pl.Unreachable) != pl.BlocksRequired {
		t.Errorf("covered %d (plan says %d) + unreachable %d != required %d", covered, pl.BlocksCovered, len(pl.Unreachable), pl.BlocksRequired)
	}
}
