package routing

import (
	"math"
	"time"
)

// Report is the JSON summary of a plan (the CLI's --report file). The first fields are
// the contract other tools read.
type Report struct {
	Mode            Mode    `json:"mode"`
	Workers         int     `json:"workers"`
	BlocksRequired  int     `json:"blocks_required"`
	BlocksCovered   int     `json:"blocks_covered"`
	MakespanS       float64 `json:"makespan_s"`
	MeanRouteS      float64 `json:"mean_route_s"`
	TotalM          float64 `json:"total_m"`
	DeadheadM       float64 `json:"deadhead_m"`
	TerritoryPieces []int   `json:"territory_pieces"`
	Seconds         float64 `json:"seconds"`
	// LowerBoundS is a certified lower bound on makespan_s (the largest of the grids');
	// MakespanOverBound the plan's gap to it (makespan_s / lower_bound_s, 0 without a
	// bound).
	LowerBoundS       float64 `json:"lower_bound_s"`
	MakespanOverBound float64 `json:"makespan_over_lower_bound"`
	// OutsideGrids counts the blocks whose midpoint lies in no grid (not required).
	OutsideGrids int          `json:"outside_grids"`
	Grids        []GridReport `json:"grids"`

	MakespanOverMean float64 `json:"makespan_over_mean"`
	DeadheadShare    float64 `json:"deadhead_share"`
	// Postman is the one-worker tour over the same blocks from the first start (the giant
	// tour the plan was cut from), for comparison of the deadhead share.
	Postman     *PostmanReport `json:"postman,omitempty"`
	ShiftLimitS float64        `json:"shift_limit_s"`
	Feasible    bool           `json:"feasible"`
	Shift       *ShiftReport   `json:"shift,omitempty"`
	Unreachable []BlockRef     `json:"unreachable"`
	// Bridges counts the straight walks across open ground that joined street islands
	// to the network (geo.Network.ConnectIslands), BridgesM their total length.
	Bridges        int            `json:"bridges"`
	BridgesM       float64        `json:"bridges_m"`
	ShopsOnBlocks  int            `json:"shops_on_blocks"`
	ShopsTooFar    []PointRef     `json:"shops_too_far"`
	StationsTooFar []PointRef     `json:"stations_too_far,omitempty"`
	Interrupted    bool           `json:"interrupted"`
	Approximations []string       `json:"approximations,omitempty"`
	PerWorker      []WorkerReport `json:"per_worker"`
}

// PostmanReport describes the one-worker tour over all the plan's blocks.
type PostmanReport struct {
	RouteS        float64 `json:"route_s"`
	TotalM        float64 `json:"total_m"`
	DeadheadM     float64 `json:"deadhead_m"`
	DeadheadShare float64 `json:"deadhead_share"`
}

// ShiftReport is ShiftAdvice in report form.
type ShiftReport struct {
	OverS         float64 `json:"over_s"`
	WorkersNeeded int     `json:"workers_needed"`
	HoursNeeded   float64 `json:"hours_needed"`
	// LateWorkers are the workers (numbered as in per_worker) whose route exceeds their
	// own shift limit.
	LateWorkers []int  `json:"late_workers"`
	Message     string `json:"message"`
}

// GridReport is one grid in the report (the whole network, named WholeNetworkGrid,
// when the plan has no grids).
type GridReport struct {
	Name           string  `json:"name"`
	Workers        int     `json:"workers"`
	BlocksRequired int     `json:"blocks_required"`
	BlocksCovered  int     `json:"blocks_covered"`
	MakespanS      float64 `json:"makespan_s"`
	MeanRouteS     float64 `json:"mean_route_s"`
	TotalM         float64 `json:"total_m"`
	DeadheadM      float64 `json:"deadhead_m"`
	LowerBoundS    float64 `json:"lower_bound_s"`
	// MakespanOverBound is makespan_s / lower_bound_s (0 without a bound).
	MakespanOverBound float64 `json:"makespan_over_lower_bound"`
}

// WorkerReport is one route in the report.
type WorkerReport struct {
	Worker int `json:"worker"`
	// Grid is the name of the worker's grid.
	Grid  string     `json:"grid"`
	Start [2]float64 `json:"start"`
	// StartRule is "given" or the rule that chose the start (see StartRuleGridCentre).
	StartRule string `json:"start_rule"`
	// End is where the route ends; EndRule what was asked: "start", "point" or "open".
	End          [2]float64 `json:"end"`
	EndRule      EndKind    `json:"end_rule"`
	Blocks       int        `json:"blocks"`
	RouteS       float64    `json:"route_s"`
	DistanceM    float64    `json:"distance_m"`
	DeadheadM    float64    `json:"deadhead_m"`
	Pieces       int        `json:"pieces"`
	Shops        int        `json:"shops"`
	StationStops int        `json:"station_stops"`
	Legs         int        `json:"legs"`
	// ShiftLimitS is this worker's own shift limit; OverShiftS how far the route exceeds
	// it (0 when it fits).
	ShiftLimitS float64 `json:"shift_limit_s"`
	OverShiftS  float64 `json:"over_shift_s"`
}

// Report summarises the plan; elapsed is the wall time the caller measured.
func (p *Plan) Report(elapsed time.Duration) Report {
	r := Report{
		Mode: p.Mode, Workers: len(p.Routes),
		BlocksRequired: p.BlocksRequired, BlocksCovered: p.BlocksCovered,
		MakespanS: p.Makespan.Seconds(), MeanRouteS: math.Round(p.MeanRoute.Seconds()*10) / 10,
		TotalM: round1(p.TotalM), DeadheadM: round1(p.DeadheadM),
		TerritoryPieces: []int{},
		Seconds:         math.Round(elapsed.Seconds()*100) / 100,
		ShiftLimitS:     p.opt.ShiftLimit.Seconds(),
		Feasible:        p.Shift == nil,
		Unreachable:     p.Unreachable, ShopsOnBlocks: p.ShopsOnBlocks,
		ShopsTooFar: p.ShopsTooFar, StationsTooFar: p.StationsTooFar,
		Interrupted: p.Interrupted, Approximations: p.Approximations,
		PerWorker:   []WorkerReport{},
		LowerBoundS: p.LowerBound.Seconds(), OutsideGrids: p.OutsideGrids,
		MakespanOverBound: overBound(p.Makespan, p.LowerBound),
		Grids:             []GridReport{},
	}
	for _, g := range p.Grids {
		r.Grids = append(r.Grids, GridReport{Name: g.Name, Workers: len(g.Workers),
			BlocksRequired: g.BlocksRequired, BlocksCovered: g.BlocksCovered,
			MakespanS: g.Makespan.Seconds(), MeanRouteS: math.Round(g.MeanRoute.Seconds()*10) / 10,
			TotalM: round1(g.TotalM), DeadheadM: round1(g.DeadheadM), LowerBoundS: g.LowerBound.Seconds(),
			MakespanOverBound: overBound(g.Makespan, g.LowerBound)})
	}
	for _, e := range p.net.Edges {
		if e.Block < 0 {
			r.Bridges++
			r.BridgesM += e.LengthM
		}
	}
	r.BridgesM = round1(r.BridgesM)
	if r.Unreachable == nil {
		r.Unreachable = []BlockRef{}
	}
	if r.ShopsTooFar == nil {
		r.ShopsTooFar = []PointRef{}
	}
	if p.MeanRoute > 0 {
		r.MakespanOverMean = math.Round(float64(p.Makespan)/float64(p.MeanRoute)*10000) / 10000
	}
	if p.TotalM > 0 {
		r.DeadheadShare = math.Round(p.DeadheadM/p.TotalM*10000) / 10000
	}
	if p.postman != nil {
		pm := *p.postman
		r.Postman = &pm
	}
	if p.Shift != nil {
		r.Shift = &ShiftReport{OverS: p.Shift.Over.Seconds(), WorkersNeeded: p.Shift.WorkersNeeded, HoursNeeded: p.Shift.HoursNeeded,
			LateWorkers: p.Shift.Late, Message: p.Shift.Message}
	}
	for i, rt := range p.Routes {
		shops := 0
		for _, b := range rt.Blocks {
			shops += len(p.shops[b])
		}
		r.TerritoryPieces = append(r.TerritoryPieces, rt.Pieces)
		limit := p.opt.worker(rt.Worker).ShiftLimit
		r.PerWorker = append(r.PerWorker, WorkerReport{
			Worker: rt.Worker + 1, Grid: p.gridName(rt.Grid), Start: [2]float64{rt.StartPoint[0], rt.StartPoint[1]},
			StartRule: rt.StartRule, End: [2]float64{rt.EndPoint[0], rt.EndPoint[1]}, EndRule: rt.End,
			Blocks: len(rt.Blocks), RouteS: rt.Cost.Seconds(),
			DistanceM: round1(rt.DistanceM), DeadheadM: round1(rt.DeadheadM),
			Pieces: rt.Pieces, Shops: shops, StationStops: len(rt.Stops), Legs: len(p.Steps(i)),
			ShiftLimitS: limit.Seconds(), OverShiftS: max(rt.Cost-limit, 0).Seconds(),
		})
	}
	return r
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// overBound is makespan / bound rounded to 4 decimals (0 without a bound).
func overBound(makespan, bound time.Duration) float64 {
	if bound <= 0 {
		return 0
	}
	return math.Round(float64(makespan)/float64(bound)*10000) / 10000
}

// gridName is the name of grid g of the plan.
func (p *Plan) gridName(g int) string {
	if g >= 0 && g < len(p.Grids) {
		return p.Grids[g].Name
	}
	return ""
}
