package routing

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestPlanBadInput(t *testing.T) {
	net := gridNetwork(t, 3, 3, 100)
	far := orb.Point{25.5, 60.5}
	empty := &geo.Network{}
	for _, tc := range []struct {
		name string
		in   PlanInput
		opt  PlanOptions
	}{
		{"zero workers", PlanInput{Network: net}, PlanOptions{Workers: 0}},
		{"negative workers", PlanInput{Network: net}, PlanOptions{Workers: -2}},
		{"no network", PlanInput{}, PlanOptions{Workers: 1}},
		{"empty network", PlanInput{Network: empty}, PlanOptions{Workers: 1}},
		{"nothing required", PlanInput{Network: net, Required: func(int) bool { return false }}, PlanOptions{Workers: 1}},
		{"start outside", PlanInput{Network: net}, PlanOptions{Workers: 1, Starts: []orb.Point{far}}},
		{"negative walk speed", PlanInput{Network: net}, PlanOptions{Workers: 1, WalkKmh: -4}},
		{"negative service speed", PlanInput{Network: net}, PlanOptions{Workers: 1, ServeKmh: -1}},
		{"negative shop time", PlanInput{Network: net}, PlanOptions{Workers: 1, ShopService: -time.Minute}},
		{"wrong start count", PlanInput{Network: net}, PlanOptions{Workers: 3, Starts: []orb.Point{net.Nodes[0].Point, net.Nodes[1].Point}}},
		{"unknown mode", PlanInput{Network: net}, PlanOptions{Workers: 1, Mode: "drone"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pl, err := PlanRoutes(context.Background(), tc.in, tc.opt)
			if !errors.Is(err, ErrBadPlanInput) {
				t.Fatalf("err = %v (plan %v), want ErrBadPlanInput", err, pl != nil)
			}
			if msg := err.Error(); len(msg) == 0 || bytes.ContainsRune([]byte(msg), '\n') {
				t.Errorf("error %q is not one line", msg)
			}
		})
	}
}

// petals is k identical square loops of four 100 m blocks sharing one hub node: the ideal
// split gives each worker one loop.
func petals(k int) []geo.Block {
	const lat0, lon0 = 60.17, 24.94
	dLat := 100 / 111195.0
	dLon := dLat / 0.4975
	var out []geo.Block
	hub := orb.Point{lon0, lat0}
	id := int64(2)
	for p := 0; p < k; p++ {
		ang := 2 * math.Pi * float64(p) / float64(k)
		dir := func(a float64, s float64) orb.Point {
			return orb.Point{lon0 + s*math.Cos(a)*dLon, lat0 + s*math.Sin(a)*dLat}
		}
		// Hub → a → b → c → hub, every side 100 m long.
		a, b, c := dir(ang-0.3, 1), dir(ang, 1.7), dir(ang+0.3, 1)
		ids := []int64{1, id, id + 1, id + 2, 1}
		pts := []orb.Point{hub, a, b, c, hub}
		for s := 0; s < 4; s++ {
			n := len(out) + 1
			out = append(out, geo.Block{SourceID: fmt.Sprintf("w%d:0", n), WayID: int64(n), From: ids[s], To: ids[s+1],
				Geometry: orb.LineString{pts[s], pts[s+1]}, LengthM: 100, Name: fmt.Sprintf("Petal %d", p)})
		}
		id += 3
	}
	return out
}

func TestPlanBalanceKnownIdeal(t *testing.T) {
	for _, k := range []int{2, 3, 5} {
		net, err := geo.BuildNetwork(petals(k))
		if err != nil {
			t.Fatal(err)
		}
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: k, Starts: []orb.Point{net.Nodes[0].Point}, Seconds: 2})
		if err != nil {
			t.Fatal(err)
		}
		checkComplete(t, pl)
		// One loop: 400 m served at 3 km/h = 480 s.
		if pl.Makespan != 480*time.Second || pl.MeanRoute != 480*time.Second {
			t.Errorf("k=%d: makespan %v mean %v, want 8m0s each", k, pl.Makespan, pl.MeanRoute)
		}
		for _, r := range pl.Routes {
			if r.Pieces != 1 || len(r.Blocks) != 4 || r.DeadheadM != 0 {
				t.Errorf("k=%d worker %d: %d pieces, %d blocks, %.0f m deadhead; want one whole loop", k, r.Worker, r.Pieces, len(r.Blocks), r.DeadheadM)
			}
		}
	}
}

func TestPlanGridBalance(t *testing.T) {
	net := gridNetwork(t, 12, 12, 80)
	for _, k := range []int{2, 3, 6} {
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: k, Seconds: 3})
		if err != nil {
			t.Fatal(err)
		}
		checkComplete(t, pl)
		if r := float64(pl.Makespan) / float64(pl.MeanRoute); r > 1.05 {
			t.Errorf("k=%d: makespan/mean %.3f > 1.05", k, r)
		}
		// The makespan cannot beat an even share of the serving time alone.
		var serve int64
		for b := range net.Blocks {
			serve += pl.g.serve[b]
		}
		if lb := dsToDuration(serve / int64(k)); pl.Makespan < lb {
			t.Errorf("k=%d: makespan %v below the lower bound %v", k, pl.Makespan, lb)
		}
	}
}

func TestPlanDeterministic(t *testing.T) {
	net := gridNetwork(t, 9, 9, 100)
	run := func(seed int64) []Route {
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 4, Seed: seed, Seconds: 3})
		if err != nil {
			t.Fatal(err)
		}
		return pl.Routes
	}
	a, b := run(5), run(5)
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs with the same seed differ")
	}
}

func TestPlanIslandsReported(t *testing.T) {
	blocks := gridBlocks(4, 4, 100)
	// Two blocks 5 km away: no worker can walk there.
	far := orb.Point{25.03, 60.17}
	island := []geo.Block{
		{SourceID: "w900:0", From: 900, To: 901, Name: "Island Road", Geometry: orb.LineString{far, {far[0] + 0.001, far[1]}}},
		{SourceID: "w900:1", From: 901, To: 902, Name: "Island Road", Geometry: orb.LineString{{far[0] + 0.001, far[1]}, {far[0] + 0.002, far[1]}}},
	}
	net, err := geo.BuildNetwork(append(blocks, island...))
	if err != nil {
		t.Fatal(err)
	}
	if n := net.ConnectIslands(100); n != 0 {
		t.Fatalf("bridged %d islands 5 km away", n)
	}
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 2, Seconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, pl)
	want := []BlockRef{{len(blocks), "w900:0", "Island Road"}, {len(blocks) + 1, "w900:1", "Island Road"}}
	if !reflect.DeepEqual(pl.Unreachable, want) {
		t.Errorf("unreachable %v, want %v", pl.Unreachable, want)
	}
	if pl.BlocksCovered != len(blocks) || pl.BlocksRequired != len(blocks)+2 {
		t.Errorf("covered %d of %d", pl.BlocksCovered, pl.BlocksRequired)
	}
}

func TestPlanPerWorkerStarts(t *testing.T) {
	net := gridNetwork(t, 8, 8, 100)
	corner := func(id int64) orb.Point {
		v, _ := net.NodeIndex(id)
		return net.Nodes[v].Point
	}
	starts := []orb.Point{corner(1), corner(64), corner(8)}
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 3, Starts: starts, Seconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, pl)
	for i, r := range pl.Routes {
		if r.Worker != i || net.Nodes[r.StartNode].Point != starts[i] {
			t.Errorf("route %d is worker %d starting at %v, want start %v", i, r.Worker, net.Nodes[r.StartNode].Point, starts[i])
		}
		if len(r.Blocks) == 0 {
			t.Errorf("worker %d idle", i)
		}
	}
}

func TestPlanShiftAdvice(t *testing.T) {
	net := gridNetwork(t, 8, 8, 100)
	limit := time.Hour
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 1, ShiftLimit: limit, Seconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Shift == nil || pl.Shift.Over != pl.Makespan-limit || pl.Shift.WorkersNeeded < 2 {
		t.Fatalf("shift advice %+v for makespan %v over a %v limit", pl.Shift, pl.Makespan, limit)
	}
	again, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: pl.Shift.WorkersNeeded, ShiftLimit: limit, Seconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	if again.Shift != nil || again.Makespan > limit {
		t.Errorf("with the advised %d workers the makespan is %v (limit %v)", pl.Shift.WorkersNeeded, again.Makespan, limit)
	}
}

func TestPlanShopsSnapAndCost(t *testing.T) {
	net := gridNetwork(t, 3, 3, 100)
	b := net.Blocks[0]
	mid := orb.Point{(b.Geometry[0][0] + b.Geometry[1][0]) / 2, b.Geometry[0][1] + 10/111195.0}
	shops := []geo.Shop{{SourceID: "n1", Name: "Kiosk", Point: mid}, {SourceID: "n2", Name: "Far away", Point: orb.Point{24.99, 60.2}}}
	in := PlanInput{Network: net, Shops: shops}
	with, err := PlanRoutes(context.Background(), in, PlanOptions{Workers: 1, Seconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	without, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 1, Seconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if d := with.Makespan - without.Makespan; d != DefaultShopService {
		t.Errorf("one shop adds %v, want %v", d, DefaultShopService)
	}
	if with.ShopsOnBlocks != 1 || len(with.ShopsTooFar) != 1 || with.ShopsTooFar[0].SourceID != "n2" {
		t.Errorf("shops on blocks %d, too far %v", with.ShopsOnBlocks, with.ShopsTooFar)
	}
	if got := with.ShopsOn(0); len(got) != 1 || got[0] != 0 {
		t.Errorf("shops on block 0: %v", got)
	}
}

func TestPlanGeoJSONAndGPX(t *testing.T) {
	net := gridNetwork(t, 5, 5, 100)
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 3, Seconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := pl.WriteGeoJSON(&buf); err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(buf.Bytes())
	if err != nil {
		t.Fatalf("routes GeoJSON does not decode: %v", err)
	}
	dist := map[int]float64{}
	seq := map[int]int{}
	for _, f := range fc.Features {
		ls, ok := f.Geometry.(orb.LineString)
		if !ok || len(ls) < 2 {
			t.Fatalf("feature geometry %T with %d points", f.Geometry, len(ls))
		}
		w := int(f.Properties.MustInt("worker"))
		s := int(f.Properties.MustInt("seq"))
		if s != seq[w]+1 {
			t.Errorf("worker %d: leg %d after leg %d", w, s, seq[w])
		}
		seq[w] = s
		for _, k := range []string{"kind", "street", "shops", "distance_m", "duration_s"} {
			if _, ok := f.Properties[k]; !ok {
				t.Errorf("leg without %q", k)
			}
		}
		dist[w] += f.Properties.MustFloat64("distance_m")
	}
	for _, r := range pl.Routes {
		if math.Abs(dist[r.Worker+1]-r.DistanceM) > 1 {
			t.Errorf("worker %d: legs add to %.1f m, route is %.1f m", r.Worker+1, dist[r.Worker+1], r.DistanceM)
		}
	}
	for i, r := range pl.Routes {
		buf.Reset()
		if err := pl.WriteGPX(&buf, i); err != nil {
			t.Fatal(err)
		}
		var doc geo.GPX
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("GPX does not decode: %v", err)
		}
		if len(doc.Tracks) != 1 || len(doc.Tracks[0].Segments) != 1 {
			t.Fatalf("GPX has %d tracks", len(doc.Tracks))
		}
		pts := doc.Tracks[0].Segments[0].Points
		start := r.StartPoint
		if len(pts) < 2 || pts[0].Lon != deg7(start[0]) || pts[0].Lat != deg7(start[1]) || pts[len(pts)-1] != pts[0] {
			t.Errorf("worker %d track of %d points does not start and end at its start", r.Worker, len(pts))
		}
	}
}

// TestPlanInterruptedReturnsBest: cancelling after the first complete plan (as Ctrl-C
// does) returns that plan, complete, marked interrupted.
func TestPlanInterruptedReturnsBest(t *testing.T) {
	net := gridNetwork(t, 10, 10, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	pl, err := PlanRoutes(ctx, PlanInput{Network: net}, PlanOptions{Workers: 3, Seconds: 30,
		Progress: func(makespan, elapsed time.Duration) {
			calls++
			cancel()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !pl.Interrupted || calls == 0 {
		t.Errorf("interrupted %v after %d progress calls", pl.Interrupted, calls)
	}
	checkComplete(t, pl)
	if pl.BlocksCovered != len(net.Blocks) {
		t.Errorf("covered %d of %d", pl.BlocksCovered, len(net.Blocks))
	}
}

func TestPlanDegenerateNetworks(t *testing.T) {
	p0, p1 := orb.Point{24.94, 60.17}, orb.Point{24.941, 60.17}
	loop := orb.LineString{p0, {24.9405, 60.1703}, {24.9402, 60.1701}, p0}
	for _, tc := range []struct {
		name    string
		blocks  []geo.Block
		workers int
	}{
		{"one block", []geo.Block{{SourceID: "a", From: 1, To: 2, Geometry: orb.LineString{p0, p1}}}, 1},
		{"more workers than blocks", gridBlocks(2, 2, 100), 9},
		{"a loop street", []geo.Block{{SourceID: "loop", From: 1, To: 1, Geometry: loop}, {SourceID: "b", From: 1, To: 2, Geometry: orb.LineString{p0, p1}}}, 2},
		{"zero-length block", []geo.Block{{SourceID: "z", From: 1, To: 2, Geometry: orb.LineString{p0, p0}}, {SourceID: "b", From: 2, To: 3, Geometry: orb.LineString{p0, p1}}}, 1},
		{"parallel blocks", []geo.Block{{SourceID: "x", From: 1, To: 2, Geometry: orb.LineString{p0, p1}}, {SourceID: "y", From: 2, To: 1, Geometry: orb.LineString{p1, {24.9405, 60.1702}, p0}}}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := geo.BuildNetwork(tc.blocks)
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []Mode{ModePatrol, ModeSweeper} {
				pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: tc.workers, Mode: mode, Capacity: 150, Seconds: 1})
				if err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				checkComplete(t, pl)
				if pl.BlocksCovered != len(tc.blocks) || len(pl.Routes) != tc.workers {
					t.Errorf("%s: covered %d of %d with %d routes", mode, pl.BlocksCovered, len(tc.blocks), len(pl.Routes))
				}
			}
		})
	}
}

func TestPlanStepsMergeStreets(t *testing.T) {
	net := gridNetwork(t, 4, 6, 100)
	b := net.Blocks[2] // on Row 0
	shop := geo.Shop{SourceID: "n7", Name: "Barber", Point: orb.Point{(b.Geometry[0][0] + b.Geometry[1][0]) / 2, b.Geometry[0][1]}}
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net, Shops: []geo.Shop{shop}}, PlanOptions{Workers: 2, Seconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	barber := 0
	for r := range pl.Routes {
		legs := pl.Steps(r)
		var moves, blocks int
		for _, m := range pl.Routes[r].Walk {
			if net.Edges[m.Link].Block >= 0 {
				moves++
			}
		}
		for i, l := range legs {
			blocks += len(l.Blocks)
			if i > 0 && legs[i-1].Kind == l.Kind && legs[i-1].Street == l.Street {
				t.Errorf("worker %d legs %d and %d are both %s on %s", r, i, i+1, l.Kind, l.Street)
			}
			if l.Street == "" || l.DistanceM <= 0 || l.Duration <= 0 {
				t.Errorf("worker %d leg %+v", r, l)
			}
			for _, s := range l.Shops {
				if s != "Barber" || l.Kind != LegServe {
					t.Errorf("shop %q on a %s leg", s, l.Kind)
				}
				barber++
			}
		}
		if blocks != moves {
			t.Errorf("worker %d: legs hold %d block traversals, the walk %d", r, blocks, moves)
		}
		if len(legs) >= moves {
			t.Errorf("worker %d: %d legs for %d moves, nothing merged", r, len(legs), moves)
		}
	}
	if barber != 1 {
		t.Errorf("the barber appears on %d legs, want 1", barber)
	}
}

// TestPlanStartsInSeparateNetworks: workers whose starts lie in different components each
// cover their own component.
func TestPlanStartsInSeparateNetworks(t *testing.T) {
	a := gridBlocks(3, 3, 100)
	b := gridBlocks(3, 3, 100)
	for i := range b {
		b[i].SourceID = "far" + b[i].SourceID
		b[i].From += 1000
		b[i].To += 1000
		g := make(orb.LineString, len(b[i].Geometry))
		for k, p := range b[i].Geometry {
			g[k] = orb.Point{p[0] + 0.05, p[1]} // about 2.8 km east
		}
		b[i].Geometry = g
	}
	net, err := geo.BuildNetwork(append(a, b...))
	if err != nil {
		t.Fatal(err)
	}
	starts := []orb.Point{a[0].Geometry[0], b[0].Geometry[0], a[5].Geometry[1]}
	pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 3, Starts: starts, Seconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, pl)
	if pl.BlocksCovered != len(a)+len(b) || len(pl.Unreachable) != 0 {
		t.Fatalf("covered %d of %d, unreachable %d", pl.BlocksCovered, len(a)+len(b), len(pl.Unreachable))
	}
	if n := len(pl.Routes[1].Blocks); n != len(b) {
		t.Errorf("the worker in the east network serves %d blocks, want all %d there", n, len(b))
	}
	for _, w := range []int{0, 2} {
		for _, blk := range pl.Routes[w].Blocks {
			if blk >= len(a) {
				t.Errorf("worker %d serves block %d of the other network", w, blk)
			}
		}
	}
}

func TestStreetName(t *testing.T) {
	for _, tc := range []struct{ name, highway, want string }{
		{"Mannerheimintie", "primary", "Mannerheimintie"},
		{"", "footway", "(unnamed footway)"},
		{"", "", "(unnamed street)"},
	} {
		if got := streetName(tc.name, tc.highway); got != tc.want {
			t.Errorf("streetName(%q, %q) = %q, want %q", tc.name, tc.highway, got, tc.want)
		}
	}
}
