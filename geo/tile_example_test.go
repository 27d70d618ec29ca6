package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/geo"
)

// A tile URL's z/x/y is parsed strictly, and a changed street's box names the tiles whose
// buffered area it touches: the tiles a cache must drop.
func ExampleParseTile() {
	t, err := geo.ParseTile("14", "8261", "6049")
	fmt.Println(t, err)

	_, err = geo.ParseTile("14", "16384", "0")
	fmt.Println(err)

	street := orb.Bound{Min: orb.Point{1.5200, 42.5000}, Max: orb.Point{1.5210, 42.5000}}
	minX, minY, maxX, maxY := geo.TileRange(street, 16, geo.TileBuffer)
	fmt.Printf("z16 x %d..%d y %d..%d\n", minX, maxX, minY, maxY)
	// Output:
	// {8261 6049 14} <nil>
	// geo: bad tile address: 14/16384/0 is outside the 2^14 grid
	// z16 x 33044..33044 y 24205..24205
}
