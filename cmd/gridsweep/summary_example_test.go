package main

import (
	"os"
	"time"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

func Example_printImportSummary() {
	sum := data.ImportSummary{
		Blocks: 4525, StreetM: 89781, Nodes: 24260, Ways: 5130, MissingNodeRefs: 4525,
		Shops: 939, Stations: 52,
		ShopsByCategory: map[geo.Category]int{
			geo.CategorySupermarket: 43, geo.CategoryRestaurant: 427, geo.CategoryBarber: 66,
			geo.CategoryLaundry: 2, geo.CategoryOther: 401,
		},
		Rows:     data.Upserted{Inserted: 9029},
		ReadTime: 160 * time.Millisecond, WriteTime: 410 * time.Millisecond,
	}
	_ = printImportSummary(os.Stdout, sum)
	// Output:
	// blocks       4525  89.8 km of street
	// osm         24260 nodes, 5130 ways read; 4525 node refs missing from the file, skipped
	// shops         939  supermarket 43, restaurant 427, barber 66, car_wash 0, laundry 2, other 401
	// stations       52
	// areas           0
	// rows         9029 inserted, 0 updated, 0 unchanged
	// seconds      0.57  (read 0.16, write 0.41)
}
