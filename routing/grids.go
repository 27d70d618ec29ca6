package routing

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/gridsweep/gridsweep/geo"
)

// Grid is one territory of a community plan (网格): the required blocks whose midpoint
// lies in Area are served by the grid's workers only. They may walk through other grids
// on the way but serve nothing there. A block's midpoint is the point half-way along its
// line. A midpoint in several grids (on a shared boundary, which counts as inside, or
// where grids overlap) belongs to the first of them in the order given: the same on
// every run.
type Grid struct {
	// Name is unique among a plan's grids.
	Name string
	// Area is an orb.Polygon or orb.MultiPolygon in lon/lat.
	Area orb.Geometry
}

// WholeNetworkGrid names the one grid of a plan made without grids.
const WholeNetworkGrid = "all"

// EndKind says where a worker's route ends.
type EndKind string

// The kinds of route end.
const (
	// EndAtStart: the route is a closed walk back to the start (the default).
	EndAtStart EndKind = "start"
	// EndAtPoint: the route ends at RouteEnd.Point (snapped to the nearest node).
	EndAtPoint EndKind = "point"
	// EndOpen: the route ends after its last served block.
	EndOpen EndKind = "open"
)

// RouteEnd is where one worker's route ends; the zero value is back at the start.
type RouteEnd struct {
	Kind  EndKind
	Point orb.Point
}

// The start rules a report names (Route.StartRule).
const (
	// StartRuleGiven: the start point was given (PlanOptions.Starts or WorkerParams.Start).
	StartRuleGiven = "given"
	// StartRuleGridCentre: the node touched by the worker's grid's blocks with the least
	// summed walking distance to (a sample of up to 48 of) those blocks; every worker of
	// the grid without a start shares it.
	StartRuleGridCentre = "grid_centre"
	// StartRuleCentral: without grids and without starts (the behaviour before grids),
	// the node of the component holding most required blocks with the least summed
	// walking distance from a sample of its nodes, shared by every worker.
	StartRuleCentral = "central"
)

// checkGrids validates the grid options (called from withDefaults).
func (o PlanOptions) checkGrids() error {
	for i, e := range o.PerWorker {
		switch e.End.Kind {
		case "", EndAtStart, EndAtPoint, EndOpen:
		default:
			return badInput("%s: end %q (want start, point or open)", o.workerName(i), e.End.Kind)
		}
		if e.End.Kind != "" && e.End.Kind != EndAtStart && o.Mode == ModeSweeper {
			return badInput("%s: sweeper routes end back at their start (ends are for patrol mode)", o.workerName(i))
		}
	}
	if len(o.Grids) == 0 {
		return nil
	}
	if len(o.PerWorker) != o.Workers {
		return badInput("with %d grids every worker needs their grid (per-worker settings: %d for %d workers)", len(o.Grids), len(o.PerWorker), o.Workers)
	}
	names := map[string]bool{}
	for i, g := range o.Grids {
		if g.Name == "" {
			return badInput("grid %d has no name", i+1)
		}
		if names[g.Name] {
			return badInput("grid name %q is used twice", g.Name)
		}
		names[g.Name] = true
		switch a := g.Area.(type) {
		case orb.Polygon:
			if len(a) == 0 || len(a[0]) < 4 {
				return badInput("grid %q: its polygon has no outer ring", g.Name)
			}
		case orb.MultiPolygon:
			if len(a) == 0 {
				return badInput("grid %q: its multipolygon is empty", g.Name)
			}
		default:
			return badInput("grid %q: area must be a Polygon or MultiPolygon", g.Name)
		}
	}
	for w, e := range o.PerWorker {
		if e.Grid < 0 || e.Grid >= len(o.Grids) {
			return badInput("%s: grid %d is not one of the %d grids", o.workerName(w), e.Grid+1, len(o.Grids))
		}
	}
	return nil
}

// gridContains reports whether pt lies in the grid's area (boundary included).
func gridContains(area orb.Geometry, bound orb.Bound, pt orb.Point) bool {
	if !bound.Contains(pt) {
		return false
	}
	switch a := area.(type) {
	case orb.Polygon:
		return planar.PolygonContains(a, pt)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(a, pt)
	}
	return false
}

// BlockMidpoint is the point half-way along block b's line (by ground length): the point
// whose grid the block belongs to (see Grid).
func BlockMidpoint(net *geo.Network, b int) orb.Point {
	ls := net.Blocks[b].Geometry
	seg := make([]float64, len(ls)-1)
	var total float64
	for i := range seg {
		seg[i] = net.DistanceM(ls[i], ls[i+1])
		total += seg[i]
	}
	half := total / 2
	for i, d := range seg {
		if half <= d && d > 0 {
			f := half / d
			return orb.Point{ls[i][0] + f*(ls[i+1][0]-ls[i][0]), ls[i][1] + f*(ls[i+1][1]-ls[i][1])}
		}
		half -= d
	}
	return ls[len(ls)-1]
}

// assignGrids sets p.blockGrid for every required block (-1: in no grid, then no longer
// required) and the grid names. Without grids every required block is in grid 0.
func (p *planner) assignGrids() {
	p.blockGrid = make([]int, len(p.net.Blocks))
	if len(p.opt.Grids) == 0 {
		p.gridNames = []string{WholeNetworkGrid}
		for b := range p.blockGrid {
			p.blockGrid[b] = -1
			if p.required[b] {
				p.blockGrid[b] = 0
			}
		}
		return
	}
	bounds := make([]orb.Bound, len(p.opt.Grids))
	for i, g := range p.opt.Grids {
		bounds[i] = g.Area.Bound()
		p.gridNames = append(p.gridNames, g.Name)
	}
	p.unrequired = make([]int, len(p.opt.Grids))
	for b := range p.blockGrid {
		p.blockGrid[b] = -1
		if !p.required[b] {
			if p.in.Required != nil {
				mid := BlockMidpoint(p.net, b)
				for i, g := range p.opt.Grids {
					if gridContains(g.Area, bounds[i], mid) {
						p.unrequired[i]++
						break
					}
				}
			}
			continue
		}
		mid := BlockMidpoint(p.net, b)
		for i, g := range p.opt.Grids {
			if gridContains(g.Area, bounds[i], mid) {
				p.blockGrid[b] = i
				break
			}
		}
		if p.blockGrid[b] < 0 {
			p.required[b] = false
			p.plan.OutsideGrids++
		}
	}
}

// workerGrid is worker w's grid (0 without grids).
func (p *planner) workerGrid(w int) int {
	if len(p.opt.Grids) == 0 {
		return 0
	}
	return p.opt.PerWorker[w].Grid
}

// UnstaffedGridError is the error for a grid with required blocks and no workers; it is
// an ErrBadPlanInput. Callers whose workers stand for someone else (a team plan's leads)
// can say so in their own words.
type UnstaffedGridError struct {
	Grid   string
	Blocks int
}

func (e *UnstaffedGridError) Error() string {
	return fmt.Sprintf("%v: grid %q has %d required blocks and no workers", ErrBadPlanInput, e.Grid, e.Blocks)
}

func (e *UnstaffedGridError) Unwrap() error { return ErrBadPlanInput }

// CheckStaffing reports, without planning, the errors PlanRoutes gives about who serves
// what: bad options, no required block (in any grid), a grid with required blocks and no
// workers (an *UnstaffedGridError), a worker whose grid has none. It walks no paths, so a
// request can be refused quickly, before it is queued.
func CheckStaffing(in PlanInput, opt PlanOptions) error {
	o, err := opt.withDefaults()
	if err != nil {
		return err
	}
	if in.Network == nil || len(in.Network.Blocks) == 0 {
		return badInput("the network has no blocks")
	}
	p := &planner{opt: o, in: in, net: in.Network, plan: &Plan{}}
	if err := p.requireBlocks(); err != nil {
		return err
	}
	return p.staffGrids()
}

// requireBlocks sets p.required from the input's selection; a plan needs one.
func (p *planner) requireBlocks() error {
	p.required = make([]bool, len(p.net.Blocks))
	anyRequired := false
	for b := range p.net.Blocks {
		p.required[b] = p.in.Required == nil || p.in.Required(b)
		anyRequired = anyRequired || p.required[b]
	}
	if !anyRequired {
		return badInput("no required blocks in the area")
	}
	return nil
}

// staffGrids puts the required blocks in their grids, counts them and checks that every
// grid with blocks has workers and every worker's grid has blocks.
func (p *planner) staffGrids() error {
	p.assignGrids()
	for b := range p.net.Blocks {
		if p.required[b] {
			p.plan.BlocksRequired++
		}
	}
	if p.plan.BlocksRequired == 0 {
		if p.plan.OutsideGrids > 0 {
			return badInput("no required block lies in any grid (%d lie outside every grid)", p.plan.OutsideGrids)
		}
		return badInput("no required blocks in the area")
	}
	return p.checkGridStaffing()
}

// checkGridStaffing returns the error for a grid with blocks and no workers, or a worker
// whose grid has no blocks (its workers are idle when the grid has streets but none the
// plan requires).
func (p *planner) checkGridStaffing() error {
	blocks := make([]int, len(p.gridNames))
	for _, g := range p.blockGrid {
		if g >= 0 {
			blocks[g]++
		}
	}
	staff := make([]int, len(p.gridNames))
	for w := 0; w < p.opt.Workers; w++ {
		staff[p.workerGrid(w)]++
	}
	for g, n := range blocks {
		if n > 0 && staff[g] == 0 {
			return &UnstaffedGridError{Grid: p.gridNames[g], Blocks: n}
		}
	}
	for w := 0; w < p.opt.Workers; w++ {
		// A grid whose streets the plan's selection left out (a campaign with no stop
		// there) leaves its workers idle; a grid with no streets at all is a mistake.
		if g := p.workerGrid(w); blocks[g] == 0 && (g >= len(p.unrequired) || p.unrequired[g] == 0) {
			return badInput("%s belongs to grid %q, which has no required blocks", p.opt.workerName(w), p.gridNames[g])
		}
	}
	return nil
}

// placeWorkers sets every worker's start node, start rule and end node.
func (p *planner) placeWorkers() error {
	o := p.opt
	k := o.Workers
	p.starts = make([]int, k)
	p.startRule = make([]string, k)
	p.ends = make([]int, k)
	p.endKind = make([]EndKind, k)
	snap := func(w int, pt orb.Point, what string) (int, error) {
		v, d := p.net.NearestNode(pt, nil)
		if d > o.MaxStartDistM {
			return -1, badInput("%s: %s point %.6f,%.6f is %.0f m from the nearest street node (limit %.0f m)",
				o.workerName(w), what, pt[0], pt[1], d, o.MaxStartDistM)
		}
		return v, nil
	}
	centre := map[int]int{} // grid → its centre node, computed once
	for w := 0; w < k; w++ {
		var pt *orb.Point
		if w < len(o.PerWorker) && o.PerWorker[w].Start != nil {
			pt = o.PerWorker[w].Start
		} else if len(o.Starts) > 0 {
			pt = &o.Starts[min(w, len(o.Starts)-1)]
		}
		switch {
		case pt != nil:
			v, err := snap(w, *pt, "start")
			if err != nil {
				return err
			}
			p.starts[w], p.startRule[w] = v, StartRuleGiven
		case len(o.Grids) == 0:
			c, ok := centre[-1]
			if !ok {
				c = p.centralNode()
				centre[-1] = c
			}
			p.starts[w], p.startRule[w] = c, StartRuleCentral
		default:
			g := p.workerGrid(w)
			c, ok := centre[g]
			if !ok {
				c = p.gridCentre(g)
				centre[g] = c
			}
			p.starts[w], p.startRule[w] = c, StartRuleGridCentre
		}
		end := RouteEnd{}
		if w < len(o.PerWorker) {
			end = o.PerWorker[w].End
		}
		switch end.Kind {
		case EndOpen:
			p.ends[w], p.endKind[w] = -1, EndOpen
		case EndAtPoint:
			v, err := snap(w, end.Point, "end")
			if err != nil {
				return err
			}
			p.ends[w], p.endKind[w] = v, EndAtPoint
		default:
			p.ends[w], p.endKind[w] = p.starts[w], EndAtStart
		}
	}
	return nil
}

// gridCentre is the StartRuleGridCentre node of grid g.
func (p *planner) gridCentre(g int) int {
	var nodes []int
	seen := map[int]bool{}
	var blocks []int
	for b, bg := range p.blockGrid {
		if bg != g {
			continue
		}
		blocks = append(blocks, b)
		for _, v := range []int{p.net.Edges[b].From, p.net.Edges[b].To} {
			if !seen[v] {
				seen[v] = true
				nodes = append(nodes, v)
			}
		}
	}
	if len(nodes) == 0 {
		// A grid with nothing required in this plan: its idle workers wait at the street
		// node nearest the grid's middle.
		v, _ := p.net.NearestNode(p.opt.Grids[g].Area.Bound().Center(), nil)
		return v
	}
	rng := rand.New(rand.NewPCG(uint64(p.opt.Seed), uint64(g)+1))
	const sample = 48
	srcs := make([]int, 0, sample)
	if len(blocks) <= sample {
		for _, b := range blocks {
			srcs = append(srcs, p.net.Edges[b].From)
		}
	} else {
		for range sample {
			srcs = append(srcs, p.net.Edges[blocks[rng.IntN(len(blocks))]].From)
		}
	}
	// Out and back (one-way streets in sweeper mode). An unreachable sample counts as a
	// large fixed penalty so that the node reaching most of the grid wins.
	trees := append(p.g.parallelTrees(srcs, false, p.opt.Threads), p.g.parallelTrees(srcs, true, p.opt.Threads)...)
	best, bestSum := nodes[0], int64(math.MaxInt64)
	for _, v := range nodes {
		var s int64
		for _, t := range trees {
			d := t.dist[v]
			if d >= planUnreachable {
				d = planUnreachable >> 20
			}
			s += d
		}
		if s < bestSum {
			best, bestSum = v, s
		}
	}
	return best
}
