package routing

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/geo/fixture"
)

// quantileGrids splits the blocks' midpoints into rows×cols rectangles with about as
// many blocks each: columns by longitude quantiles, then each column's rows by latitude
// quantiles; the outer rectangles reach past every block.
func quantileGrids(net *geo.Network, rows, cols int) []Grid {
	mids := make([]orb.Point, len(net.Blocks))
	for b, bl := range net.Blocks {
		mids[b] = bl.Geometry[len(bl.Geometry)/2]
		if len(bl.Geometry) == 2 {
			a, c := bl.Geometry[0], bl.Geometry[1]
			mids[b] = orb.Point{(a[0] + c[0]) / 2, (a[1] + c[1]) / 2}
		}
	}
	cuts := func(vals []float64, n int) []float64 {
		s := slices.Clone(vals)
		sort.Float64s(s)
		out := []float64{s[0] - 1}
		for i := 1; i < n; i++ {
			out = append(out, s[i*len(s)/n])
		}
		return append(out, s[len(s)-1]+1)
	}
	xs := make([]float64, len(mids))
	for i, m := range mids {
		xs[i] = m[0]
	}
	xc := cuts(xs, cols)
	var grids []Grid
	for c := 0; c < cols; c++ {
		var ys []float64
		for _, m := range mids {
			if m[0] >= xc[c] && m[0] < xc[c+1] {
				ys = append(ys, m[1])
			}
		}
		yc := cuts(ys, rows)
		for r := 0; r < rows; r++ {
			x0, x1, y0, y1 := xc[c], xc[c+1], yc[r], yc[r+1]
			grids = append(grids, Grid{Name: string(rune('A'+c)) + string(rune('1'+r)),
				Area: orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}})
		}
	}
	return grids
}

// gridWorkers spreads k workers over the grids in proportion to their blocks (at least
// one each); with scatter, each worker starts at a random node of their grid's blocks.
func gridWorkers(net *geo.Network, grids []Grid, k int, scatter bool, seed uint64) []WorkerParams {
	in := make([][]int, len(grids))
	for b := range net.Blocks {
		mid := BlockMidpoint(net, b)
		for g, gr := range grids {
			if gridContains(gr.Area, gr.Area.Bound(), mid) {
				in[g] = append(in[g], b)
				break
			}
		}
	}
	share := make([]int, len(grids))
	left := k
	for g := range grids {
		share[g] = 1
		left--
	}
	for left > 0 {
		// Largest remainder: the grid with the most blocks per worker gets the next.
		best := 0
		for g := range grids {
			if float64(len(in[g]))/float64(share[g]) > float64(len(in[best]))/float64(share[best]) {
				best = g
			}
		}
		share[best]++
		left--
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	var pw []WorkerParams
	for g := range grids {
		for range share[g] {
			w := WorkerParams{Grid: g}
			if scatter && len(in[g]) > 0 {
				pt := net.Nodes[net.Edges[in[g][rng.IntN(len(in[g]))]].From].Point
				w.Start = &pt
			}
			pw = append(pw, w)
		}
	}
	return pw
}

// benchGrids plans net with grids and reports the targets' measures: the worst
// makespan / lower bound over grids with two workers or more, the worst longest/mean
// within a grid, the share of territories in at most two pieces, the deadhead share.
func benchGrids(b *testing.B, net *geo.Network, in PlanInput, grids []Grid, pw []WorkerParams, seconds float64) {
	in.Network = net
	for i := 0; i < b.N; i++ {
		began := time.Now()
		pl, err := PlanRoutes(context.Background(), in, PlanOptions{Workers: len(pw), Grids: grids, PerWorker: pw, Seconds: seconds, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		wall := time.Since(began)
		rep := pl.Report(wall)
		var gap, spread float64
		for _, g := range rep.Grids {
			if g.Workers >= 2 {
				gap = max(gap, g.MakespanOverBound)
			}
			if g.MeanRouteS > 0 {
				spread = max(spread, g.MakespanS/g.MeanRouteS)
			}
			if g.BlocksCovered > g.BlocksRequired {
				b.Errorf("grid %s: %d covered of %d", g.Name, g.BlocksCovered, g.BlocksRequired)
			}
		}
		compact := 0
		for _, p := range rep.TerritoryPieces {
			if p <= 2 {
				compact++
			}
		}
		if rep.BlocksCovered+len(rep.Unreachable) != rep.BlocksRequired {
			b.Errorf("covered %d + unreachable %d != required %d", rep.BlocksCovered, len(rep.Unreachable), rep.BlocksRequired)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(gap, "makespan/bound")
		b.ReportMetric(spread, "longest/mean")
		b.ReportMetric(float64(compact)/float64(len(rep.TerritoryPieces)), "le2pieces")
		b.ReportMetric(rep.DeadheadShare, "deadhead")
		b.ReportMetric(wall.Seconds(), "wall_s")
		b.ReportMetric(float64(ms.Sys)/1e6, "sys_MB")
		_, comps := net.Components()
		b.Logf("blocks %d/%d (unreachable %d, outside %d, %d components), %d grids, %d workers: makespan %.0f s, bound %.0f s; worst grid makespan/bound %.3f, longest/mean %.3f; pieces %v; deadhead %.3f (one postman tour per group: %.3f); %.1f s",
			rep.BlocksCovered, rep.BlocksRequired, len(rep.Unreachable), rep.OutsideGrids, comps, len(rep.Grids), rep.Workers,
			rep.MakespanS, rep.LowerBoundS, gap, spread, rep.TerritoryPieces, rep.DeadheadShare, rep.Postman.DeadheadShare, wall.Seconds())
		for _, g := range rep.Grids {
			b.Logf("  grid %s: %d workers, %d/%d blocks, makespan %.0f mean %.0f bound %.0f (%.3f)", g.Name, g.Workers, g.BlocksCovered, g.BlocksRequired,
				g.MakespanS, g.MeanRouteS, g.LowerBoundS, g.MakespanOverBound)
		}
	}
}

// BenchmarkPlanGridsHelsinki: central Helsinki (about 4,900 blocks) in a 2×5 split, 20
// workers starting at their grid's centre (target: every grid with two workers within
// 1.15 of its bound, 90 % of territories in at most two pieces, within 20 s).
func BenchmarkPlanGridsHelsinki(b *testing.B) {
	ex := loadOSMFile(b, fixture.SharedData(b, "osm/Helsinki.osm.pbf"))
	net, err := PlanNetwork(ex.Blocks, DefaultBridgeM)
	if err != nil {
		b.Fatal(err)
	}
	grids := quantileGrids(net, 2, 5)
	b.ResetTimer()
	benchGrids(b, net, PlanInput{Shops: ex.Shops, Stations: ex.Stations}, grids, gridWorkers(net, grids, 20, false, 1), 15)
}

// BenchmarkPlanGridsHelsinkiQuarters: the same city in 10 street-following grids (a
// stand-in for its neighbourhoods, which the extract lacks): every block goes to the
// nearest of 10 spread-out seeds by walking distance, so each grid is connected; a grid's
// area is a MultiPolygon of small squares around its blocks' midpoints.
func BenchmarkPlanGridsHelsinkiQuarters(b *testing.B) {
	ex := loadOSMFile(b, fixture.SharedData(b, "osm/Helsinki.osm.pbf"))
	net, err := PlanNetwork(ex.Blocks, DefaultBridgeM)
	if err != nil {
		b.Fatal(err)
	}
	grids := walkingGrids(net, 10)
	b.ResetTimer()
	benchGrids(b, net, PlanInput{Shops: ex.Shops, Stations: ex.Stations}, grids, gridWorkers(net, grids, 20, false, 1), 15)
}

// walkingGrids cuts the network into n grids around n seeds spread by farthest-point
// sampling of block midpoints, each block going to the seed nearest by walking.
func walkingGrids(net *geo.Network, n int) []Grid {
	mid := func(b int) orb.Point { return BlockMidpoint(net, b) }
	// Seeds in the largest component so that every grid is reachable.
	of, _ := net.Components()
	size := map[int]int{}
	for _, c := range of {
		size[c]++
	}
	big := of[0]
	for c, s := range size {
		if s > size[big] {
			big = c
		}
	}
	seeds := []int{}
	for b := range net.Blocks {
		if of[net.Edges[b].From] == big {
			seeds = append(seeds, b)
			break
		}
	}
	for len(seeds) < n {
		best, bestD := -1, -1.0
		for b := range net.Blocks {
			if of[net.Edges[b].From] != big {
				continue
			}
			d := math.Inf(1)
			for _, s := range seeds {
				d = min(d, net.DistanceM(mid(b), mid(s)))
			}
			if d > bestD {
				best, bestD = b, d
			}
		}
		seeds = append(seeds, best)
	}
	w := NewWalker(net)
	dist := make([][]int64, n)
	for i, s := range seeds {
		dist[i] = w.g.shortest(net.Edges[s].From, false, nil).dist
	}
	const half = 0.000002 // about 0.2 m
	grids := make([]Grid, n)
	areas := make([]orb.MultiPolygon, n)
	for b := range net.Blocks {
		// The nearer end decides: then the blocks of a grid are connected.
		u, v, best := net.Edges[b].From, net.Edges[b].To, 0
		for i := range seeds {
			if min(dist[i][u], dist[i][v]) < min(dist[best][u], dist[best][v]) {
				best = i
			}
		}
		m := mid(b)
		areas[best] = append(areas[best], orb.Polygon{{{m[0] - half, m[1] - half}, {m[0] + half, m[1] - half},
			{m[0] + half, m[1] + half}, {m[0] - half, m[1] + half}, {m[0] - half, m[1] - half}}})
	}
	for i := range grids {
		grids[i] = Grid{Name: "Q" + string(rune('0'+i)), Area: areas[i]}
	}
	return grids
}

// BenchmarkPlanGridsLattice: a generated 160×160 street lattice (50,880 blocks), 16
// grids, 200 workers with scattered starts (target: under 60 s and 1 GB).
func BenchmarkPlanGridsLattice(b *testing.B) {
	net, err := geo.BuildNetwork(gridBlocks(160, 160, 60))
	if err != nil {
		b.Fatal(err)
	}
	grids := quantileGrids(net, 4, 4)
	b.ResetTimer()
	benchGrids(b, net, PlanInput{}, grids, gridWorkers(net, grids, 200, true, 1), 40)
}

// BenchmarkPlanGridsAndorra: the demo community (a 2 km square around Andorra's densest
// 500 m cell of streets, 4 grids, 53 workers shared by GridWorkloads, starting at
// GridStarts of their grids and ending open, as make demo lays them out);
// set GRIDSWEEP_ANDORRA to the extract (make andorra prints it). Targets: deadhead share
// at most 30 %, longest/mean at most 1.15 within every grid.
func BenchmarkPlanGridsAndorra(b *testing.B) {
	name := os.Getenv("GRIDSWEEP_ANDORRA")
	if name == "" {
		b.Skip("GRIDSWEEP_ANDORRA not set")
	}
	ex := loadOSMFile(b, name)
	net, grids := demoCommunity(b, ex, 1000)
	pw := workWorkers(b, PlanInput{Network: net, Shops: ex.Shops}, grids, 53)
	b.ResetTimer()
	benchGrids(b, net, PlanInput{Shops: ex.Shops, Stations: ex.Stations}, grids, pw, 20)
}

// demoCommunity cuts the demo's community out of an extract the way `gridsweep demo`
// does: the densest 500 m cell of block midpoints, a square halfM either side of it, its
// blocks, and four grids (2×2 quarters).
func demoCommunity(b testing.TB, ex *geo.Extract, halfM float64) (*geo.Network, []Grid) {
	return demoCommunityMargin(b, ex, halfM, 0)
}

func demoCommunityMargin(b testing.TB, ex *geo.Extract, halfM, marginM float64) (*geo.Network, []Grid) {
	// As data.Store.StreetCentre: block midpoints snapped to a 500 m grid in Web
	// Mercator, the grid point with most blocks.
	const mPerDeg = 111_320.0
	const r = 6378137.0
	merc := func(p orb.Point) (float64, float64) {
		return p[0] * math.Pi / 180 * r, r * math.Log(math.Tan(math.Pi/4+p[1]*math.Pi/360))
	}
	count := map[[2]int]int{}
	cell := func(p orb.Point) [2]int {
		x, y := merc(p)
		return [2]int{int(math.Round(x / 500)), int(math.Round(y / 500))}
	}
	mid := func(bl geo.Block) orb.Point {
		ls := bl.Geometry
		return ls[len(ls)/2]
	}
	for _, bl := range ex.Blocks {
		count[cell(mid(bl))]++
	}
	var best [2]int
	for c, n := range count {
		if n > count[best] || (n == count[best] && (c[0] < best[0] || (c[0] == best[0] && c[1] < best[1]))) {
			best = c
		}
	}
	x, y := float64(best[0])*500, float64(best[1])*500
	centre := orb.Point{x / r * 180 / math.Pi, (2*math.Atan(math.Exp(y/r)) - math.Pi/2) * 180 / math.Pi}
	cosLat := math.Cos(centre[1] * math.Pi / 180)
	dLon, dLat := halfM/(mPerDeg*cosLat), halfM/mPerDeg
	// The community's blocks are those touching the square (as the store selects an
	// area's blocks); those whose midpoint lies outside it are outside every grid.
	var blocks []geo.Block
	for _, bl := range ex.Blocks {
		for _, q := range bl.Geometry {
			if math.Abs(q[0]-centre[0]) <= dLon*(halfM+marginM)/halfM && math.Abs(q[1]-centre[1]) <= dLat*(halfM+marginM)/halfM {
				blocks = append(blocks, bl)
				break
			}
		}
	}
	net, err := PlanNetwork(blocks, DefaultBridgeM)
	if err != nil {
		b.Fatal(err)
	}
	xs := []float64{centre[0] - dLon, centre[0], centre[0] + dLon}
	ys := []float64{centre[1] - dLat, centre[1], centre[1] + dLat}
	var grids []Grid
	for j := 0; j < 2; j++ {
		for i := 0; i < 2; i++ {
			grids = append(grids, Grid{Name: string(rune('1' + j*2 + i)), Area: orb.Polygon{{
				{xs[i], ys[j]}, {xs[i+1], ys[j]}, {xs[i+1], ys[j+1]}, {xs[i], ys[j+1]}, {xs[i], ys[j]}}}})
		}
	}
	return net, grids
}

// workWorkers shares k workers among the grids by GridWorkloads (ShareWorkers), starts
// each grid's workers at its GridStarts and ends their routes open (the demo's crew).
func workWorkers(tb testing.TB, in PlanInput, grids []Grid, k int) []WorkerParams {
	work, err := GridWorkloads(context.Background(), in, grids, PlanOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	share, err := ShareWorkers(work, k)
	if err != nil {
		tb.Fatal(err)
	}
	starts, err := GridStarts(context.Background(), in, grids, share, PlanOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	var pw []WorkerParams
	for g := range grids {
		for i := range starts[g] {
			pw = append(pw, WorkerParams{Grid: g, Start: &starts[g][i], End: RouteEnd{Kind: EndOpen}})
		}
	}
	return pw
}
