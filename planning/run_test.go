package planning

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/routing"
)

func TestRunnerAreaStoresAndReplans(t *testing.T) {
	t.Parallel()
	c := newCity(t, 2)
	ctx := context.Background()
	r := NewRunner(c.store)
	opt := routing.PlanOptions{Seconds: 1, Seed: 3}
	res, err := r.Run(ctx, Request{Area: "Grid", Workers: 3, Options: opt})
	if err != nil {
		t.Fatal(err)
	}
	// Three workers asked, two in the table: a third is created for the plan.
	if ids := res.WorkerIDs(); len(ids) != 3 || ids[0] != c.workers[0] || ids[1] != c.workers[1] {
		t.Fatalf("plan workers %v, want %v and a new one", ids, c.workers)
	}
	rec, err := c.store.GetPlan(ctx, res.PlanID)
	if err != nil {
		t.Fatal(err)
	}
	var stats struct {
		Workers       int `json:"workers"`
		BlocksCovered int `json:"blocks_covered"`
	}
	if err := json.Unmarshal(rec.Stats, &stats); err != nil {
		t.Fatal(err)
	}
	if rec.Status != data.PlanDone || rec.AreaID != c.grid || stats.Workers != 3 || stats.BlocksCovered != c.blocksInPlace {
		t.Fatalf("stored plan %+v, stats %s", rec, rec.Stats)
	}
	first := c.assignments(t, res.PlanID)
	if len(first) != c.blocksInPlace {
		t.Fatalf("%d blocks assigned, want %d", len(first), c.blocksInPlace)
	}

	// The first worker goes off duty: only their blocks change hands.
	off := c.workers[0]
	again, err := r.Run(ctx, Request{Area: "Grid", Workers: 3, Options: opt, Replan: &Replan{Of: res.PlanID, Off: []int64{off}}})
	if err != nil {
		t.Fatal(err)
	}
	second := c.assignments(t, again.PlanID)
	offBlocks := 0
	for b, w := range first {
		if w == off {
			offBlocks++
			if second[b] == off {
				t.Errorf("block %d still with the worker off duty", b)
			}
		}
	}
	rp := again.Report.Replan
	if rp == nil || offBlocks == 0 || rp.Reassigned != offBlocks || rp.Kept+rp.Moved+rp.Reassigned != c.blocksInPlace {
		t.Fatalf("re-plan stats %+v, %d blocks were the off worker's", rp, offBlocks)
	}

	_, err = r.Run(ctx, Request{Area: "Grid", Workers: 3, Options: opt, Replan: &Replan{Of: res.PlanID, Off: []int64{999999}}})
	if !errors.Is(err, ErrUnknownWorker) || !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), "999999") {
		t.Fatalf("off duty worker not in the plan: %v", err)
	}
}

func TestRunnerBadRequests(t *testing.T) {
	t.Parallel()
	c := newCity(t, 1)
	ctx := context.Background()
	r := NewRunner(c.store)
	opt := routing.PlanOptions{Seconds: 1}
	for _, tc := range []struct {
		name    string
		req     Request
		unknown bool
		want    string
	}{
		{"no workers", Request{AreaID: c.field, Options: opt}, false, "no active workers"},
		{"no streets", Request{Area: "Field", Workers: 1, Options: opt}, false, "no street blocks"},
		{"stranger", Request{AreaID: c.grid, WorkerIDs: []int64{999999}, Options: opt}, true, "not an active worker"},
		{"file and area", Request{OSMFile: "x.osm", Area: "Grid", Workers: 1}, false, "not both"},
		{"re-plan of nothing", Request{AreaID: c.grid, Options: opt, Replan: &Replan{Of: 999999}}, false, "no assignments"},
		{"bad mode", Request{AreaID: c.grid, Options: routing.PlanOptions{Mode: "drone"}}, false, "mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Run(ctx, tc.req)
			if !errors.Is(err, ErrBadRequest) || errors.Is(err, ErrUnknownWorker) != tc.unknown || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a bad request about %q (unknown worker: %v)", err, tc.want, tc.unknown)
			}
		})
	}
	if _, err := NewRunner(nil).Run(ctx, Request{Area: "Grid", Workers: 1}); err == nil || errors.Is(err, ErrBadRequest) {
		t.Fatalf("an area without a store: %v", err)
	}
	if _, err := NewRunner(nil).Run(ctx, Request{OSMFile: "/nonexistent.osm", Workers: 1}); err == nil || !strings.Contains(err.Error(), "nonexistent") {
		t.Fatalf("missing file: %v", err)
	}
}

// gridOSM writes the grid of gridBlocks(n) as an OSM XML file.
func gridOSM(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><osm version="0.6">`)
	id := func(i, j int) int { return 1000 + i*n + j }
	for i := range n {
		for j := range n {
			b.WriteString(`<node id="` + itoa(id(i, j)) + `" lat="` + ftoa(50.0005+float64(i)*0.001) + `" lon="` + ftoa(10.0005+float64(j)*0.001) + `"/>`)
		}
	}
	way := 1
	for i := range n {
		b.WriteString(`<way id="` + itoa(way) + `">`)
		for j := range n {
			b.WriteString(`<nd ref="` + itoa(id(i, j)) + `"/>`)
		}
		b.WriteString(`<tag k="highway" v="residential"/></way>`)
		way++
	}
	for j := range n {
		b.WriteString(`<way id="` + itoa(way) + `">`)
		for i := range n {
			b.WriteString(`<nd ref="` + itoa(id(i, j)) + `"/>`)
		}
		b.WriteString(`<tag k="highway" v="residential"/></way>`)
		way++
	}
	b.WriteString(`</osm>`)
	name := filepath.Join(t.TempDir(), "grid.osm")
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestRunnerFile(t *testing.T) {
	t.Parallel()
	name := gridOSM(t, 4)
	res, err := NewRunner(nil).Run(context.Background(), Request{OSMFile: name, Workers: 2,
		Starts: []orb.Point{{10.0005, 50.0005}}, Options: routing.PlanOptions{Seconds: 1, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.PlanID != 0 || len(res.WorkerIDs()) != 0 || res.Report.Workers != 2 || res.Report.BlocksRequired != 24 ||
		res.Report.BlocksCovered != 24 || res.Report.Replan != nil {
		t.Fatalf("file plan: id %d, report %+v", res.PlanID, res.Report)
	}
	for _, rt := range res.Plan.Routes {
		if rt.StartPoint != (orb.Point{10.0005, 50.0005}) {
			t.Errorf("worker %d starts at %v, not the given start", rt.Worker, rt.StartPoint)
		}
	}
	// The budget covers the whole request: a plan never takes much longer than asked.
	if res.Report.Seconds > 1+2*time.Second.Seconds() {
		t.Errorf("plan took %.1f s on a 1 s budget", res.Report.Seconds)
	}
}

func TestOptionsFromWorkers(t *testing.T) {
	start := func(lon, lat string) json.RawMessage {
		return json.RawMessage(`{"type":"Point","coordinates":[` + lon + `,` + lat + `]}`)
	}
	ws := []data.WorkerRecord{
		{ID: 1, ShiftMinutes: 60, WalkSpeedKmh: 5, ServiceSpeedKmh: 2, Start: start("10.1", "50.1")},
		{ID: 2, ShiftMinutes: 300, WalkSpeedKmh: 4, ServiceSpeedKmh: 3, Start: start("10.2", "50.2")},
	}
	src := &Source{AreaID: 1, Workers: ws}
	p1, p2 := orb.Point{10.1, 50.1}, orb.Point{10.2, 50.2}
	for _, tc := range []struct {
		name       string
		src        *Source
		req        Request
		wantStarts []orb.Point
		wantPer    []routing.WorkerParams
		wantErr    bool
	}{
		{"workers' own", src, Request{}, nil,
			[]routing.WorkerParams{{ShiftLimit: time.Hour, WalkKmh: 5, ServeKmh: 2, Start: &p1}, {ShiftLimit: 5 * time.Hour, WalkKmh: 4, ServeKmh: 3, Start: &p2}}, false},
		{"walking speed and shift for all", src, Request{Options: routing.PlanOptions{WalkKmh: 6, ShiftLimit: 2 * time.Hour}}, nil,
			[]routing.WorkerParams{{ServeKmh: 2, Start: &p1}, {ServeKmh: 3, Start: &p2}}, false},
		{"given start", src, Request{Starts: []orb.Point{{9, 49}}}, []orb.Point{{9, 49}},
			[]routing.WorkerParams{{ShiftLimit: time.Hour, WalkKmh: 5, ServeKmh: 2}, {ShiftLimit: 5 * time.Hour, WalkKmh: 4, ServeKmh: 3}}, false},
		{"one without a start", &Source{AreaID: 1, Workers: []data.WorkerRecord{ws[0], {ID: 3, Name: "Bo", Start: json.RawMessage("null"), End: json.RawMessage(`"open"`)}}}, Request{}, nil,
			[]routing.WorkerParams{{ShiftLimit: time.Hour, WalkKmh: 5, ServeKmh: 2, Start: &p1}, {Name: "Bo", End: routing.RouteEnd{Kind: routing.EndOpen}}}, false},
		{"an end point", &Source{AreaID: 1, Workers: []data.WorkerRecord{{ID: 5, End: json.RawMessage(`[10.3,50.3]`)}}}, Request{}, nil,
			[]routing.WorkerParams{{End: routing.RouteEnd{Kind: routing.EndAtPoint, Point: orb.Point{10.3, 50.3}}}}, false},
		{"bad start", &Source{AreaID: 1, Workers: []data.WorkerRecord{{ID: 4, Start: json.RawMessage(`{"coordinates":"x"}`)}}}, Request{}, nil, nil, true},
		{"bad end", &Source{AreaID: 1, Workers: []data.WorkerRecord{{ID: 4, End: json.RawMessage(`"later"`)}}}, Request{}, nil, nil, true},
		{"file", &Source{}, Request{Workers: 3, Options: routing.PlanOptions{WalkKmh: 6}}, nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt, err := options(tc.src, tc.req)
			if tc.wantErr {
				if !errors.Is(err, ErrBadRequest) {
					t.Fatalf("got %v, want a bad request", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantWorkers := len(tc.src.Workers)
			if tc.src.AreaID == 0 {
				wantWorkers = tc.req.Workers
			}
			samePer := slices.EqualFunc(opt.PerWorker, tc.wantPer, func(a, b routing.WorkerParams) bool {
				sa, sb := a.Start, b.Start
				a.Start, b.Start = nil, nil
				return a == b && (sa == nil) == (sb == nil) && (sa == nil || *sa == *sb)
			})
			if opt.Workers != wantWorkers || !slices.Equal(opt.Starts, tc.wantStarts) || !samePer ||
				opt.WalkKmh != tc.req.Options.WalkKmh || opt.ShiftLimit != tc.req.Options.ShiftLimit {
				t.Fatalf("options %+v", opt)
			}
		})
	}
}

func TestReplanInput(t *testing.T) {
	src := &Source{
		BlockIDs: []int64{10, 11, 12, 13},
		Workers:  []data.WorkerRecord{{ID: 7}, {ID: 8}},
		Previous: []data.Assignment{
			{BlockID: 10, WorkerID: 7}, {BlockID: 11, WorkerID: 8, Locked: true}, {BlockID: 12, WorkerID: 8},
			{BlockID: 99, WorkerID: 7}, // the block left the area
			{BlockID: 13, WorkerID: 9}, // the worker is not in this plan
		},
	}
	in, err := replanInput(src, Replan{Locks: []int64{12}, LockedWorkers: []int64{7}, Off: []int64{8}})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Previous) != 3 || in.Previous[0] != 0 || in.Previous[1] != 1 || in.Previous[2] != 1 ||
		!slices.Equal(in.LockedBlocks, []int{1, 2}) || !slices.Equal(in.LockedWorkers, []int{0}) || !slices.Equal(in.Removed, []int{1}) {
		t.Fatalf("re-plan input %+v", in)
	}
	for _, rp := range []Replan{{LockedWorkers: []int64{9}}, {Off: []int64{9}}} {
		if _, err := replanInput(src, rp); !errors.Is(err, ErrUnknownWorker) {
			t.Errorf("%+v: got %v, want an unknown worker", rp, err)
		}
	}
}
