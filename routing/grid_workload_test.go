package routing

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// TestGridWorkloads: grid "loop" is a closed square of four 60 m blocks (no odd node:
// no deadhead) with one shop; grid "line" three 60 m blocks in a row (two odd ends: the
// min T-join walks the whole 180 m back). Each workload is the street at the service
// speed, its shops, and its min T-join at the walking speed.
func TestGridWorkloads(t *testing.T) {
	const lat0, lon0 = 60.17, 24.94
	d := 60 / 111195.0
	pt := func(x, y float64) orb.Point { return orb.Point{lon0 + x*d/0.4975, lat0 + y*d} }
	var blocks []geo.Block
	add := func(a, b int64, p, q orb.Point) {
		n := len(blocks) + 1
		blocks = append(blocks, geo.Block{SourceID: "w" + string(rune('0'+n)) + ":0", WayID: int64(n), From: a, To: b,
			Geometry: orb.LineString{p, q}, Highway: "residential"})
	}
	add(1, 2, pt(0, 0), pt(1, 0))
	add(2, 3, pt(1, 0), pt(1, 1))
	add(3, 4, pt(1, 1), pt(0, 1))
	add(4, 1, pt(0, 1), pt(0, 0))
	add(5, 6, pt(2, 0), pt(3, 0)) // 60 m east of the loop, joined to it by a bridge
	add(6, 7, pt(3, 0), pt(4, 0))
	add(7, 8, pt(4, 0), pt(5, 0))
	net, err := PlanNetwork(blocks, 0)
	if err != nil {
		t.Fatal(err)
	}
	box := func(x0, x1 float64) orb.Polygon {
		a, c := pt(x0, -0.5), pt(x1, 1.5)
		return orb.Polygon{{a, {c[0], a[1]}, c, {a[0], c[1]}, a}}
	}
	grids := []Grid{{Name: "loop", Area: box(-0.5, 1.5)}, {Name: "line", Area: box(1.5, 5.5)}}
	shop := geo.Shop{SourceID: "n1", Name: "corner shop", Point: pt(0.5, 0)}
	got, err := GridWorkloads(context.Background(), PlanInput{Network: net, Shops: []geo.Shop{shop}}, grids, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	serve, walk := DefaultServeKmh/3.6, DefaultWalkKmh/3.6
	var loopM, lineM float64
	for b := range net.Blocks {
		if b < 4 {
			loopM += net.Edges[b].LengthM
		} else {
			lineM += net.Edges[b].LengthM
		}
	}
	want := []float64{loopM/serve + DefaultShopService.Seconds(), lineM/serve + lineM/walk}
	for g := range grids {
		if math.Abs(got[g].Seconds()-want[g]) > 0.01 {
			t.Errorf("grid %s: %.3f s, want %.3f s", grids[g].Name, got[g].Seconds(), want[g])
		}
	}
	if _, err := GridWorkloads(context.Background(), PlanInput{Network: net}, []Grid{grids[0], {Name: "nowhere", Area: box(10, 11)}}, PlanOptions{}); !errors.Is(err, ErrBadPlanInput) {
		t.Errorf("a grid without blocks: err %v, want ErrBadPlanInput", err)
	}
}

func TestShareWorkers(t *testing.T) {
	h := time.Hour
	for _, c := range []struct {
		name string
		work []time.Duration
		k    int
		want []int
	}{
		{"in proportion", []time.Duration{6 * h, 3 * h, 1 * h}, 10, []int{6, 3, 1}},
		{"at least one each", []time.Duration{10 * h, 0, 0}, 5, []int{3, 1, 1}},
		{"ties to the earlier grid", []time.Duration{h, h}, 3, []int{2, 1}},
	} {
		got, err := ShareWorkers(c.work, c.k)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if _, err := ShareWorkers([]time.Duration{h, h, h}, 2); !errors.Is(err, ErrBadPlanInput) {
		t.Errorf("fewer workers than grids: err %v, want ErrBadPlanInput", err)
	}
}
