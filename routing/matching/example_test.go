package matching_test

import (
	"context"
	"fmt"

	"github.com/gridsweep/gridsweep/routing/matching"
)

// A square 0-1-2-3 with one cheap diagonal: the two cheap sides win.
func Example() {
	eu := []int32{0, 1, 2, 3, 0}
	ev := []int32{1, 2, 3, 0, 2}
	w := []int64{1, 5, 1, 5, 2}
	m, err := matching.Solve(context.Background(), 4, eu, ev, w)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := m.Duals()
	fmt.Println("mates:", m.Mates())
	fmt.Println("cost:", d.Cost/(2*d.Scale), "proved:", d.Objective == d.Cost)
	// Output:
	// mates: [1 0 3 2]
	// cost: 2 proved: true
}
