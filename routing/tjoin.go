package routing

import (
	"context"
	"errors"
	"fmt"
)

// minTJoin returns the exact minimum total shortest-path length (metres, undirected) of a
// perfect matching of the nodes in t (len(t) even), i.e. the min T-join, and the matched
// pairs. It is the deadhead a single walker must add to serve every edge of a connected
// network whose odd-degree nodes are t, and so a lower bound for any set of routes that
// together serve those edges. The answer is exact to the millimetre lengths of the edges
// and proved optimal by the matching's dual certificate (see odd_matching.go).
func (g *planGraph) minTJoin(ctx context.Context, t []int, threads int) (lengthM float64, pairs [][2]int, err error) {
	return g.minTJoinFree(ctx, t, 0, threads)
}

// minTJoinFree is minTJoin where up to free nodes of t may be left out (len(t)+free
// even): the least deadhead of walks whose loose ends, free of them, may lie anywhere.
func (g *planGraph) minTJoinFree(ctx context.Context, t []int, free, threads int) (lengthM float64, pairs [][2]int, err error) {
	if g.lengthMM == nil {
		return 0, nil, errors.New("min T-join: the graph carries no edge lengths")
	}
	res, err := g.exactPairsFree(ctx, t, free, g.lengthMM, threads)
	if err != nil {
		return 0, nil, fmt.Errorf("min T-join: %w", err)
	}
	return float64(res.cost) / 1000, res.pairs, nil
}
