package planning

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/routing"
)

// Request says what to plan. Exactly one of OSMFile, Area and AreaID names the streets;
// the zero value of every other field means "the default" or "none", so that new ways to
// plan (grids as territories, per-worker ends) are new fields, not new entry points.
type Request struct {
	// OSMFile plans a plain OSM file (.osm.pbf, .osm, .osm.bz2) without the store.
	OSMFile string
	// GridsFile, with OSMFile, names a grids file (geo.ReadGridsGeoJSON): the plan covers
	// its grids as territories, with the file's workers, starts and ends (Workers and
	// Starts must then be unset). An area's grids are its child areas of kind grid.
	GridsFile string
	// Area names an area in the store by name or source id; AreaID by id.
	Area   string
	AreaID int64

	// Workers is how many workers plan. From the store: the area's first Workers active
	// workers in id order, created (named "Worker k") when there are fewer; 0 means every
	// active worker, or exactly WorkerIDs when given.
	Workers   int
	WorkerIDs []int64
	// Teams, when set, plans for these teams: their leads are the plan's workers
	// (WorkerIDs, when empty, are taken from them) and a team walks its lead's route. A
	// community whose active workers work in its grids plans by grids whoever leads: each
	// grid's blocks go to the leads who work in it (their area_id), and a grid with
	// blocks and no lead is an error naming it.
	Teams []data.Team
	// Starts are start points given for the plan (one shared, or one per worker); nil
	// takes the workers' own when every one has one, else the planner picks a central node.
	Starts []orb.Point

	// Options are the plan-wide settings (mode, speeds, shift, budget, seed, progress).
	// Workers, Starts and PerWorker are filled in by the Runner. With workers from the
	// store, a non-zero WalkKmh, ServeKmh or ShiftLimit overrides every worker's own;
	// zero leaves each worker theirs. Seconds is the budget of the whole request, loading
	// included.
	Options routing.PlanOptions
	// BridgeM joins street islands to the network by a straight walk when within this
	// many metres: 0 means routing.DefaultBridgeM, a negative value never joins.
	BridgeM float64

	// Replan, when set, plans again from a stored plan (store only).
	Replan *Replan
	// CampaignID, when set, requires only the blocks of the campaign's unvisited shops.
	CampaignID int64
}

// Replan re-plans from a stored plan of the same area: its assignments are kept where
// possible and its locked blocks always.
type Replan struct {
	Of int64
	// Locks are more blocks (row ids) to keep with their previous worker.
	Locks []int64
	// LockedWorkers keep exactly their previous blocks; Off are off duty and give all
	// theirs to the others (worker row ids).
	LockedWorkers []int64
	Off           []int64
}

// ErrBadRequest marks a request that cannot be planned as it is (no workers, no streets,
// a worker that is not part of the plan, bad planner input): trying again cannot help.
var ErrBadRequest = errors.New("bad plan request")

// ErrUnknownWorker marks a request naming a worker that is not one of the plan's; it is
// also an ErrBadRequest.
var ErrUnknownWorker = errors.New("worker not in the plan")

// badRequest is an ErrBadRequest whose message is only its own (it is stored as the
// failed plan's error).
type badRequest struct {
	msg   string
	cause error
}

func (e *badRequest) Error() string        { return e.msg }
func (e *badRequest) Unwrap() error        { return e.cause }
func (e *badRequest) Is(target error) bool { return target == ErrBadRequest }

func badRequestf(format string, a ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, a...)}
}

func unknownWorkerf(format string, a ...any) error {
	return &badRequest{msg: fmt.Sprintf(format, a...), cause: ErrUnknownWorker}
}

// asBadRequest marks err (a cause that retrying cannot fix) as a bad request, keeping its
// message.
func asBadRequest(err error) error { return &badRequest{msg: err.Error(), cause: err} }
