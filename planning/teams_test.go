package planning

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/routing"
)

// teamCity is newCity's community "Grid" split into the grids West (lon < 10.0027: 17
// blocks) and East (7 blocks) and an empty grid Park, with a team in each, a lead and a
// member in West and East, and Cora working for the community itself.
type teamCity struct {
	*city
	west, east, park int64
	// workers by name; teams by their lead's name.
	worker map[string]int64
	team   map[string]data.Team
}

// The boundary between West and East: no block midpoint lies on it.
const westEastLon = 10.0027

func newTeamCity(t *testing.T) *teamCity {
	t.Helper()
	ctx := context.Background()
	c := &teamCity{city: newCity(t, 0), worker: map[string]int64{}, team: map[string]data.Team{}}
	ring := func(lon0, lat0, lon1, lat1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}
	}
	if _, err := c.store.ImportAreas(ctx, []geo.Area{
		{SourceID: "test:grid:west", Name: "West", ParentSourceID: "test:grid", Geometry: ring(10, 50, westEastLon, 50.005)},
		{SourceID: "test:grid:east", Name: "East", ParentSourceID: "test:grid", Geometry: ring(westEastLon, 50, 10.0044, 50.005)},
		{SourceID: "test:grid:park", Name: "Park", ParentSourceID: "test:grid", Geometry: ring(10.0045, 50.0045, 10.005, 50.005)},
	}); err != nil {
		t.Fatal(err)
	}
	for ref, id := range map[string]*int64{"test:grid:west": &c.west, "test:grid:east": &c.east, "test:grid:park": &c.park} {
		v, err := c.store.AreaIDByRef(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		*id = v
	}
	for _, w := range []struct {
		name string
		area int64
	}{{"Wes", c.west}, {"Wen", c.west}, {"Eve", c.east}, {"Eli", c.east}, {"Pat", c.park}, {"Cora", c.grid}} {
		rec, err := c.store.CreateWorker(ctx, data.WorkerInput{AreaID: &w.area, Name: &w.name})
		if err != nil {
			t.Fatal(err)
		}
		c.worker[w.name] = rec.ID
	}
	for lead, member := range map[string]string{"Wes": "Wen", "Eve": "Eli", "Pat": "", "Cora": ""} {
		var members []int64
		if member != "" {
			members = []int64{c.worker[member]}
		}
		tm, err := c.store.CreateTeam(ctx, c.grid, lead+"'s", c.worker[lead], members)
		if err != nil {
			t.Fatal(err)
		}
		c.team[lead] = tm
	}
	return c
}

func (c *teamCity) teams(leads ...string) []data.Team {
	out := make([]data.Team, len(leads))
	for i, l := range leads {
		out[i] = c.team[l]
	}
	return out
}

// TestTeamPlanByGrids: a team plan of a community with grids gives each grid's blocks to
// the leads working in that grid, and nothing to the members; Check passes it.
func TestTeamPlanByGrids(t *testing.T) {
	t.Parallel()
	c := newTeamCity(t)
	ctx := context.Background()
	r := NewRunner(c.store)
	req := Request{AreaID: c.grid, Teams: c.teams("Wes", "Eve"), Options: routing.PlanOptions{Seconds: 1, Seed: 2}}
	if err := r.Check(ctx, req); err != nil {
		t.Fatalf("check: %v", err)
	}
	res, err := r.Run(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if ids := res.WorkerIDs(); len(ids) != 2 || ids[0] != c.worker["Wes"] || ids[1] != c.worker["Eve"] {
		t.Fatalf("plan workers %v, want the leads Wes %d and Eve %d", ids, c.worker["Wes"], c.worker["Eve"])
	}
	d, err := c.store.LoadPlanData(ctx, c.grid)
	if err != nil {
		t.Fatal(err)
	}
	as := c.assignments(t, res.PlanID)
	if len(as) != c.blocksInPlace {
		t.Fatalf("%d of %d blocks assigned", len(as), c.blocksInPlace)
	}
	served := map[string]int{}
	for i, b := range d.Blocks {
		ls := b.Geometry
		midLon := (ls[0][0] + ls[len(ls)-1][0]) / 2 // the blocks are straight
		want, grid := c.worker["Wes"], "West"
		if midLon > westEastLon {
			want, grid = c.worker["Eve"], "East"
		}
		if got := as[d.BlockIDs[i]]; got != want {
			t.Errorf("block %s (%s) served by worker %d, want the %s lead %d", b.SourceID, grid, got, grid, want)
		}
		served[grid]++
	}
	if served["West"] != 17 || served["East"] != 7 {
		t.Fatalf("blocks per grid %v, want West 17, East 7", served)
	}
	grids := res.Report.Grids
	if len(grids) != 3 || grids[0].Name != "West" || grids[0].Workers != 1 || grids[1].Name != "East" || grids[1].Workers != 1 ||
		grids[1].BlocksCovered != 7 || grids[2].Name != "Park" || grids[2].Workers != 0 {
		t.Fatalf("report grids %+v", grids)
	}
}

// TestTeamPlanByGridsErrors: a grid with blocks and no lead is refused naming the grid,
// leads who work in no grid are refused naming them (rather than serving every grid),
// and a lead whose grid has no blocks is refused naming the lead; Check and Run agree.
func TestTeamPlanByGridsErrors(t *testing.T) {
	t.Parallel()
	c := newTeamCity(t)
	ctx := context.Background()
	r := NewRunner(c.store)
	for _, tc := range []struct {
		name  string
		leads []string
		want  []string
	}{
		{"grid without a lead", []string{"Wes"}, []string{`grid "East" has 7 required blocks and no team lead`}},
		{"grid without a lead, the other led from outside", []string{"Wes", "Cora"}, []string{`"Cora"`, "in none of them"}},
		{"leads in no grid", []string{"Cora"}, []string{`"Cora"`, "team", "in none of them", `"West", "East", "Park"`}},
		{"lead of an empty grid", []string{"Wes", "Eve", "Pat"}, []string{`worker "Pat"`, `grid "Park"`, "no required blocks"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := Request{AreaID: c.grid, Teams: c.teams(tc.leads...), Options: routing.PlanOptions{Seconds: 0.5, Seed: 1}}
			checked := r.Check(ctx, req)
			_, ran := r.Run(ctx, req)
			for what, err := range map[string]error{"check": checked, "run": ran} {
				if !errors.Is(err, ErrBadRequest) {
					t.Fatalf("%s: %v, want a bad request", what, err)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: %q does not say %s", what, err, w)
					}
				}
			}
		})
	}
	plans, err := c.store.ListPlans(ctx, data.PlanFilter{Root: c.grid}, data.ListPage{Limit: 10})
	if err != nil || len(plans) != 0 {
		t.Fatalf("%d refused plans stored (%v)", len(plans), err)
	}
}

// TestQueueTeamPlanByGrids: the queue's Check refuses a team plan that leaves a grid
// without a lead, and a job queued all the same (as if the lead moved meanwhile) fails
// with the same reason: the job knows its plan's teams. A team plan led from inside the
// grids runs by grids.
func TestQueueTeamPlanByGrids(t *testing.T) {
	t.Parallel()
	c := newTeamCity(t)
	ctx := context.Background()
	q, err := NewQueue(ctx, c.store, QueueOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	job := func(leads ...string) JobRequest {
		ids := make([]int64, len(leads))
		for i, l := range leads {
			ids[i] = c.worker[l]
		}
		return JobRequest{AreaID: c.grid, Mode: "patrol", Teams: c.teams(leads...), Params: JobParams{Workers: ids, Seconds: 0.5, Seed: 1}}
	}
	const why = `grid "East" has 7 required blocks and no team lead`
	if err := q.Check(ctx, job("Wes")); !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), why) {
		t.Fatalf("check: %v", err)
	}
	bad, err := q.Create(ctx, job("Wes"))
	if err != nil {
		t.Fatal(err)
	}
	if p := waitPlan(t, c.store, bad.ID); p.Status != data.PlanFailed || !strings.Contains(p.Error, why) {
		t.Fatalf("plan %s: %q", p.Status, p.Error)
	}
	if err := q.Check(ctx, job("Eve", "Wes")); err != nil {
		t.Fatalf("check: %v", err)
	}
	good, err := q.Create(ctx, job("Eve", "Wes"))
	if err != nil {
		t.Fatal(err)
	}
	if p := waitPlan(t, c.store, good.ID); p.Status != data.PlanDone {
		t.Fatalf("plan %s: %q", p.Status, p.Error)
	}
	perLead := map[int64]int{}
	for _, w := range c.assignments(t, good.ID) {
		perLead[w]++
	}
	if len(perLead) != 2 || perLead[c.worker["Wes"]] != 17 || perLead[c.worker["Eve"]] != 7 {
		t.Fatalf("blocks per lead %v", perLead)
	}
}
