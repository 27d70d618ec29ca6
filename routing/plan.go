package routing

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/paulmach/orb"
)

// Mode is the kind of workers a plan is for.
type Mode string

// The plan modes.
const (
	// ModePatrol is grid workers on foot: one-way flags are ignored, one closed walk per
	// worker, the longest walk is minimised.
	ModePatrol Mode = "patrol"
	// ModeSweeper is carts: one-way streets are respected and a cart empties at the
	// nearest waste station whenever its load would exceed the capacity.
	ModeSweeper Mode = "sweeper"
)

// The planning defaults; the issue that defined plans states them.
const (
	DefaultWalkKmh        = 4.5
	DefaultServeKmh       = 3.0
	DefaultShopService    = 3 * time.Minute
	DefaultShiftLimit     = 4 * time.Hour
	DefaultSnapToleranceM = 30.0
	DefaultMaxStartDistM  = 500.0
)

// PlanInput is what a plan covers: the street network and the points of interest that
// snap onto it.
type PlanInput struct {
	Network  *geo.Network
	Shops    []geo.Shop
	Stations []geo.Station
	// Required selects the blocks that must be served (by index into Network.Blocks);
	// nil means every block.
	Required func(block int) bool
}

// PlanOptions tunes a plan. Zero values mean the documented defaults; negative speeds,
// times or tolerances are errors.
type PlanOptions struct {
	Mode    Mode
	Workers int
	// Starts are the workers' start points (lon/lat): none (the planner picks a central
	// node, StartRuleCentral, or with grids each grid's centre, StartRuleGridCentre), one
	// shared by all, or one per worker. WorkerParams.Start overrides it per worker.
	Starts []orb.Point
	// WalkKmh is the speed when passing a block without serving it; ServeKmh when serving.
	WalkKmh, ServeKmh float64
	// ShopService is the time spent at each shop snapped to a served block.
	ShopService time.Duration
	// ShiftLimit is the longest a route may take; plans above it are reported infeasible
	// with advice (they are still returned).
	ShiftLimit time.Duration
	// SnapToleranceM is how far from a block a shop or station may lie and still belong
	// to it; MaxStartDistM how far a start point may lie from the nearest network node.
	SnapToleranceM, MaxStartDistM float64
	// Capacity is the sweeper's load per trip in metres of street swept (0: unlimited).
	Capacity float64
	// Seconds is the time budget (0: 10 s); Seed makes runs repeatable; Threads bounds
	// parallelism (0: 2).
	Seconds float64
	Seed    int64
	Threads int
	// Progress, when set, is told the best makespan whenever it improves.
	Progress func(makespan, elapsed time.Duration)
	// PerWorker, when set, has one entry per worker (len Workers) with that worker's own
	// shift limit, speeds, grid, start and end; a zero field takes the plan-wide value
	// above. The split gives each worker work in proportion to their shift at their own
	// speeds (the longest route relative to its worker's shift is minimised), and each
	// route's time (Route.Cost, the makespan) is priced at its worker's own speeds and
	// checked against its own shift limit. Required when Grids are given.
	PerWorker []WorkerParams
	// Grids, when set, are the community's territories (see Grid): each required block
	// belongs to the grid holding its midpoint and is served only by that grid's workers
	// (WorkerParams.Grid). Without grids the whole network is one grid.
	Grids []Grid
}

// WorkerParams are one worker's own settings (the workers table: shift_minutes,
// walk_speed_kmh, service_speed_kmh, plus the grid, start and end of a community plan).
type WorkerParams struct {
	ShiftLimit        time.Duration
	WalkKmh, ServeKmh float64
	// Name labels the worker in messages (default "worker N", N counted from 1).
	Name string
	// Grid indexes PlanOptions.Grids: the only grid whose blocks this worker serves
	// (ignored without grids).
	Grid int
	// Start, when set, is this worker's start point (lon/lat); it takes precedence over
	// PlanOptions.Starts. A worker without any start starts at their grid's centre (see
	// StartRuleGridCentre).
	Start *orb.Point
	// End is where the route ends: back at the start (the zero value), at a point, or
	// open.
	End RouteEnd
}

// ErrBadPlanInput marks a request the planner cannot start on; the message says why.
var ErrBadPlanInput = errors.New("bad plan input")

func badInput(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadPlanInput, fmt.Sprintf(format, a...))
}

// withDefaults checks the options and fills in defaults.
func (o PlanOptions) withDefaults() (PlanOptions, error) {
	if o.Mode == "" {
		o.Mode = ModePatrol
	}
	if len(o.PerWorker) > 0 && len(o.PerWorker) != o.Workers {
		return o, badInput("%d per-worker settings for %d workers (give none or one per worker)", len(o.PerWorker), o.Workers)
	}
	if o.Mode != ModePatrol && o.Mode != ModeSweeper {
		return o, badInput("mode %q (want patrol or sweeper)", o.Mode)
	}
	if o.Workers <= 0 {
		return o, badInput("%d workers (need at least 1)", o.Workers)
	}
	if len(o.Starts) > 1 && len(o.Starts) != o.Workers {
		return o, badInput("%d start points for %d workers (give none, one, or one per worker)", len(o.Starts), o.Workers)
	}
	for _, c := range []struct {
		name string
		v    float64
	}{
		{"walking speed", o.WalkKmh}, {"service speed", o.ServeKmh},
		{"shop service time", o.ShopService.Seconds()}, {"shift limit", o.ShiftLimit.Seconds()},
		{"snap tolerance", o.SnapToleranceM}, {"start distance", o.MaxStartDistM},
		{"capacity", o.Capacity}, {"seconds", o.Seconds},
	} {
		if c.v < 0 || math.IsNaN(c.v) || math.IsInf(c.v, 0) {
			return o, badInput("%s %v must not be negative", c.name, c.v)
		}
	}
	if o.WalkKmh == 0 {
		o.WalkKmh = DefaultWalkKmh
	}
	if o.ServeKmh == 0 {
		o.ServeKmh = DefaultServeKmh
	}
	if o.ShopService == 0 {
		o.ShopService = DefaultShopService
	}
	if o.ShiftLimit == 0 {
		o.ShiftLimit = DefaultShiftLimit
		// With every worker's own shift given, the plan-wide limit (what "workers needed"
		// in the shift advice is counted at) is the shortest of them, so the advice holds
		// for every worker.
		if len(o.PerWorker) > 0 {
			shortest := time.Duration(0)
			for _, p := range o.PerWorker {
				if p.ShiftLimit <= 0 {
					shortest = 0
					break
				}
				if shortest == 0 || p.ShiftLimit < shortest {
					shortest = p.ShiftLimit
				}
			}
			if shortest > 0 {
				o.ShiftLimit = shortest
			}
		}
	}
	if o.SnapToleranceM == 0 {
		o.SnapToleranceM = DefaultSnapToleranceM
	}
	if o.MaxStartDistM == 0 {
		o.MaxStartDistM = DefaultMaxStartDistM
	}
	if o.Seconds == 0 {
		o.Seconds = 10
	}
	if o.Threads <= 0 {
		o.Threads = 2
	}
	if err := o.checkGrids(); err != nil {
		return o, err
	}
	if len(o.PerWorker) > 0 {
		pw := make([]WorkerParams, len(o.PerWorker))
		for w, p := range o.PerWorker {
			for _, v := range []float64{p.ShiftLimit.Seconds(), p.WalkKmh, p.ServeKmh} {
				if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
					return o, badInput("worker %d: shift limit, walking and service speed must not be negative (got %v, %v, %v)",
						w+1, p.ShiftLimit, p.WalkKmh, p.ServeKmh)
				}
			}
			if p.ShiftLimit == 0 {
				p.ShiftLimit = o.ShiftLimit
			}
			if p.WalkKmh == 0 {
				p.WalkKmh = o.WalkKmh
			}
			if p.ServeKmh == 0 {
				p.ServeKmh = o.ServeKmh
			}
			pw[w] = p
		}
		o.PerWorker = pw
	}
	return o, nil
}

// worker returns worker w's own settings (the plan-wide ones when none were given).
func (o PlanOptions) worker(w int) WorkerParams {
	if w >= 0 && w < len(o.PerWorker) {
		return o.PerWorker[w]
	}
	return WorkerParams{ShiftLimit: o.ShiftLimit, WalkKmh: o.WalkKmh, ServeKmh: o.ServeKmh}
}

// workerName is how messages name worker w.
func (o PlanOptions) workerName(w int) string {
	if w >= 0 && w < len(o.PerWorker) && o.PerWorker[w].Name != "" {
		return fmt.Sprintf("worker %q", o.PerWorker[w].Name)
	}
	return fmt.Sprintf("worker %d", w+1)
}

// Plan is the result of planning: one route per worker plus what could not be planned.
type Plan struct {
	Mode   Mode
	Routes []Route
	// Unreachable lists required blocks that no worker's start can reach.
	Unreachable []BlockRef
	// BlocksRequired counts the required blocks (reachable or not), BlocksCovered those
	// served by some route.
	BlocksRequired, BlocksCovered int
	// Makespan is the longest route, MeanRoute the mean over workers.
	Makespan, MeanRoute time.Duration
	TotalM, DeadheadM   float64
	// ShopsOnBlocks counts shops snapped to a required block; ShopsTooFar lists the shops
	// farther than the tolerance from every block.
	ShopsOnBlocks  int
	ShopsTooFar    []PointRef
	StationsTooFar []PointRef
	// Shift is set when the makespan exceeds the shift limit.
	Shift *ShiftAdvice
	// Grids has one entry per grid (one for the whole network without grids), in the
	// order of PlanOptions.Grids.
	Grids []GridResult
	// OutsideGrids counts the blocks whose midpoint lies in no grid: they are not
	// required and not counted in BlocksRequired.
	OutsideGrids int
	// LowerBound is a certified lower bound on Makespan: the largest of the grids' (see
	// GridResult.LowerBound).
	LowerBound time.Duration
	// Interrupted is true when the context ended the search early; the plan is the best
	// found until then.
	Interrupted bool
	// Approximations names the simplifications a mode made, for the report.
	Approximations []string

	net   *geo.Network
	g     *planGraph
	opt   PlanOptions
	shops [][]int // per block, indices into the input shops
	input PlanInput
	owner []int // per block, the worker serving it or -1
	// stationNodes is, per input station, the network node a cart empties at (-1 when
	// the station is too far from every block).
	stationNodes []int
	postman      *PostmanReport
	// off marks removed workers (re-plan); they are left out of the mean.
	off []bool
	// needed is the fewest workers that fit the shift limit, summed over groups.
	needed int
}

func (p *Plan) workersNeeded() int     { return p.needed }
func (p *Plan) addWorkersNeeded(n int) { p.needed += n }

// GridResult is one grid of a plan.
type GridResult struct {
	Name    string
	Workers []int // the grid's workers (0-based, as Route.Worker)
	// BlocksRequired counts the required blocks of the grid (reachable or not),
	// BlocksCovered those served.
	BlocksRequired, BlocksCovered int
	Makespan, MeanRoute           time.Duration
	TotalM, DeadheadM             float64
	// LowerBound is a certified lower bound on the grid's makespan (see lowerBound).
	LowerBound time.Duration
}

// Route is one worker's walk from their start to their end (by default back at the
// start).
type Route struct {
	Worker int
	// Grid indexes Plan.Grids.
	Grid       int
	StartNode  int
	StartPoint orb.Point
	// StartRule says how the start was chosen: StartRuleGiven or the rule's name.
	StartRule string
	// End is the kind of end asked for; EndNode and EndPoint are where the walk ends
	// (for an open end, after the last served block; the start for an idle worker).
	End      EndKind
	EndNode  int
	EndPoint orb.Point
	// Blocks are the served blocks (indices into Network.Blocks) in serving order.
	Blocks []int
	// Walk is every traversal in order; Move.Link indexes Network.Edges.
	Walk Walk
	// Cost is the route's duration.
	Cost                 time.Duration
	DistanceM, DeadheadM float64
	// Pieces is the number of connected pieces the served blocks form (1 is a
	// contiguous territory; 0 for an idle worker).
	Pieces int
	// Stops are station visits (sweeper mode): indices into Walk after which the cart
	// empties at Stations[Station].
	Stops []StationStop
}

// StationStop is a sweeper's visit to a waste station after move AfterMove of its walk.
type StationStop struct {
	AfterMove int
	Station   int
}

// BlockRef names a block for reports.
type BlockRef struct {
	Block    int    `json:"block"`
	SourceID string `json:"source_id"`
	Name     string `json:"name"`
}

// PointRef names a shop or station for reports.
type PointRef struct {
	SourceID string  `json:"source_id"`
	Name     string  `json:"name"`
	DistM    float64 `json:"dist_m"`
}

// ShiftAdvice says by how much a plan misses the shift limit and what would fit.
type ShiftAdvice struct {
	Limit time.Duration
	Over  time.Duration
	// WorkersNeeded is the fewest workers that could do the work within the plan-wide
	// limit: the routes' total time over the limit, grid by grid, or more when splitting
	// a shared start's tour shows it (0 only when a single block is too far for the
	// shift, which the message then names).
	WorkersNeeded int
	// HoursNeeded is the shift length that fits with the current workers.
	HoursNeeded float64
	// Late lists the workers (1-based, as in the report) whose route exceeds their own
	// shift limit.
	Late    []int
	Message string
}

// Owner returns the worker serving block b, or -1.
func (p *Plan) Owner(b int) int {
	if b < 0 || b >= len(p.owner) {
		return -1
	}
	return p.owner[b]
}

// Assignment returns block → worker for every covered block (the input of Replan).
func (p *Plan) Assignment() map[int]int {
	m := make(map[int]int, p.BlocksCovered)
	for b, w := range p.owner {
		if w >= 0 {
			m[b] = w
		}
	}
	return m
}

// Network is the network the plan was made on.
func (p *Plan) Network() *geo.Network { return p.net }

// ShopsOn returns the indices (into the input shops) of the shops snapped to block b.
func (p *Plan) ShopsOn(b int) []int {
	if b < 0 || b >= len(p.shops) {
		return nil
	}
	return p.shops[b]
}

func dsToDuration(ds int64) time.Duration { return time.Duration(ds) * 100 * time.Millisecond }

func (p *Plan) stationNode(s int) int { return p.stationNodes[s] }
