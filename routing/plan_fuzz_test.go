package routing

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
)

// FuzzPlanRoutes plans random street networks (with one-way streets in sweeper mode) and
// checks that every block is served exactly once by closed, connected walks.
func FuzzPlanRoutes(f *testing.F) {
	f.Add(uint64(1), uint8(6), uint8(4), uint8(2), false, uint16(0))
	f.Add(uint64(7), uint8(20), uint8(15), uint8(5), true, uint16(400))
	f.Add(uint64(3), uint8(2), uint8(0), uint8(9), true, uint16(50))
	f.Fuzz(func(t *testing.T, seed uint64, nodes, extra, workers uint8, sweeper bool, capacity uint16) {
		n := 2 + int(nodes)%30
		rng := rand.New(rand.NewPCG(seed, 99))
		blocks := randomConnectedBlocks(rng, n, int(extra)%40)
		for i := range blocks {
			blocks[i].Oneway = rng.IntN(4) == 0
		}
		net, err := geo.BuildNetwork(blocks)
		if err != nil {
			t.Fatal(err)
		}
		opt := PlanOptions{Workers: 1 + int(workers)%8, Seconds: 0.2, Seed: int64(seed)}
		var stations []geo.Station
		if sweeper {
			opt.Mode = ModeSweeper
			opt.Capacity = float64(capacity)
			stations = []geo.Station{{SourceID: "s", Point: net.Nodes[rng.IntN(len(net.Nodes))].Point}}
		}
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net, Stations: stations}, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkComplete(t, pl)
		for _, r := range pl.Routes {
			for _, m := range r.Walk {
				if e := net.Edges[m.Link]; sweeper && e.Block >= 0 && net.Blocks[e.Block].Oneway && m.Reverse {
					t.Fatalf("worker %d goes against a one-way street", r.Worker)
				}
			}
		}
		_ = pl.Report(0)
		_ = pl.GeoJSON()
	})
}
