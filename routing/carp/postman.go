package carp

import (
	"errors"
	"fmt"
)

// ErrPostmanTooLarge is returned by ChinesePostmanCost for graphs with too many odd nodes
// for its exact subset dynamic programme.
var ErrPostmanTooLarge = errors.New("chinese postman: more than 20 odd-degree nodes")

// ChinesePostmanCost is the exact cost of an optimal closed walk that serves every link of
// an undirected instance once (every link is treated as required, served at ServCost and
// deadheaded at TravCost): the sum of the service costs plus a minimum-cost perfect
// matching of the odd-degree vertices under deadhead distances. It exists to check the
// street planner (package routing) and Solve, so it shares no code with either:
// Floyd–Warshall distances and a memoised subset recursion. Only graphs that are
// connected (on the vertices that have links) and have at most 20 odd vertices are
// accepted.
func ChinesePostmanCost(in *Instance) (int64, error) {
	n := in.Vertices
	const inf = int64(1) << 60
	d := make([][]int64, n)
	for i := range d {
		d[i] = make([]int64, n)
		for j := range d[i] {
			if i != j {
				d[i][j] = inf
			}
		}
	}
	deg := make([]int, n)
	var total int64
	for _, l := range in.Links {
		if l.Directed {
			return 0, fmt.Errorf("chinese postman %s: directed link %d-%d", in.Name, l.From+1, l.To+1)
		}
		total += l.ServCost
		deg[l.From]++
		deg[l.To]++
		if l.TravCost < d[l.From][l.To] {
			d[l.From][l.To] = l.TravCost
			d[l.To][l.From] = l.TravCost
		}
	}
	for k := 0; k < n; k++ {
		for i := 0; i < n; i++ {
			if d[i][k] == inf {
				continue
			}
			for j := 0; j < n; j++ {
				if c := d[i][k] + d[k][j]; c < d[i][j] {
					d[i][j] = c
				}
			}
		}
	}
	var odd, used []int
	for v := 0; v < n; v++ {
		if deg[v] > 0 {
			used = append(used, v)
		}
		if deg[v]%2 == 1 {
			odd = append(odd, v)
		}
	}
	for _, v := range used {
		if d[used[0]][v] == inf {
			return 0, fmt.Errorf("chinese postman %s: graph is not connected", in.Name)
		}
	}
	if len(odd) > 20 {
		return 0, ErrPostmanTooLarge
	}
	memo := map[uint32]int64{}
	var match func(left uint32) int64
	match = func(left uint32) int64 {
		if left == 0 {
			return 0
		}
		if c, ok := memo[left]; ok {
			return c
		}
		i := 0
		for left&(1<<i) == 0 {
			i++
		}
		best := inf
		for j := i + 1; j < len(odd); j++ {
			if left&(1<<j) == 0 {
				continue
			}
			if c := d[odd[i]][odd[j]] + match(left&^(1<<i|1<<j)); c < best {
				best = c
			}
		}
		memo[left] = best
		return best
	}
	return total + match(uint32(1)<<len(odd)-1), nil
}
