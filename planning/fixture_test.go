package planning

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
)

// gridBlocks is an n×n-node street grid 0.001° apart around (10.0005, 50.0005).
func gridBlocks(n int) []geo.Block {
	const step = 0.001
	pt := func(i, j int) orb.Point { return orb.Point{10.0005 + float64(j)*step, 50.0005 + float64(i)*step} }
	node := func(i, j int) int64 { return int64(1000 + i*n + j) }
	var blocks []geo.Block
	for i := range n {
		for j := range n {
			if j+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("g%d-%d-e", i, j), WayID: int64(100 + i), From: node(i, j), To: node(i, j+1),
					Geometry: orb.LineString{pt(i, j), pt(i, j+1)}, Highway: "residential", Name: fmt.Sprintf("Row %d", i)})
			}
			if i+1 < n {
				blocks = append(blocks, geo.Block{SourceID: fmt.Sprintf("g%d-%d-n", i, j), WayID: int64(200 + j), From: node(i, j), To: node(i+1, j),
					Geometry: orb.LineString{pt(i, j), pt(i+1, j)}, Highway: "residential", Name: fmt.Sprintf("Column %d", j)})
			}
		}
	}
	for i := range blocks {
		blocks[i].LengthM = geo.LengthM(blocks[i].Geometry)
	}
	return blocks
}

// city is a fresh database with a 4×4 street grid (24 blocks) and a shop inside area
// "Grid", an empty area "Field" next to it, and workers in Grid.
type city struct {
	store         *data.Store
	grid, field   int64
	workers       []int64
	blocksInPlace int
}

func newCity(t *testing.T, workers int) *city {
	t.Helper()
	ctx := context.Background()
	store, err := data.Open(ctx, datatest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	blocks := gridBlocks(4)
	shops := []geo.Shop{{SourceID: "n500", Name: "Grid Cafe", Category: geo.CategoryRestaurant, Point: orb.Point{10.001, 50.00052}}}
	if _, err := store.ImportOSM(ctx, &geo.Extract{Blocks: blocks, Shops: shops}); err != nil {
		t.Fatal(err)
	}
	sq := func(lon float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{lon, 50}, {lon + 0.005, 50}, {lon + 0.005, 50.005}, {lon, 50.005}, {lon, 50}}}}
	}
	if _, err := store.ImportAreas(ctx, []geo.Area{
		{SourceID: "test:grid", Name: "Grid", Geometry: sq(10)},
		{SourceID: "test:field", Name: "Field", Geometry: sq(10.01)},
	}); err != nil {
		t.Fatal(err)
	}
	c := &city{store: store, blocksInPlace: len(blocks)}
	for name, id := range map[string]*int64{"Grid": &c.grid, "Field": &c.field} {
		a, err := store.AreaByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		*id = a.ID
	}
	for k := range workers {
		name := fmt.Sprintf("Walker %d", k+1)
		w, err := store.CreateWorker(ctx, data.WorkerInput{AreaID: &c.grid, Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		c.workers = append(c.workers, w.ID)
	}
	return c
}

// assignments returns block id → worker id of a stored plan.
func (c *city) assignments(t *testing.T, plan int64) map[int64]int64 {
	t.Helper()
	as, err := c.store.PlanAssignments(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[int64]int64, len(as))
	for _, a := range as {
		out[a.BlockID] = a.WorkerID
	}
	return out
}

func itoa(i int) string     { return strconv.Itoa(i) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 7, 64) }
