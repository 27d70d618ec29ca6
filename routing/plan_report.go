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

// WorkerReport is one route in the report.
type WorkerReport struct {
	Worker       int        `json:"worker"`
	Start        [2]float64 `json:"start"`
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
		PerWorker: []WorkerReport{},
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
			Worker: rt.Worker + 1, Start: [2]float64{rt.StartPoint[0], rt.StartPoint[1]},
			Blocks: len(rt.Blocks), RouteS: rt.Cost.Seconds(),
			DistanceM: round1(rt.DistanceM), DeadheadM: round1(rt.DeadheadM),
			Pieces: rt.Pieces, Shops: shops, StationStops: len(rt.Stops), Legs: len(p.Steps(i)),
			ShiftLimitS: limit.Seconds(), OverShiftS: max(rt.Cost-limit, 0).Seconds(),
		})
	}
	return r
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
