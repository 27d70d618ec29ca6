package geo

import "github.com/paulmach/orb"

// Block is a street segment between two intersections (or a dead end): the unit a worker
// sweeps. Geometry is lon/lat (WGS-84), From and To are the OSM node ids at its ends.
type Block struct {
	// SourceID is stable across imports of the same data: "w<way id>:<segment index>".
	SourceID string
	WayID    int64
	From, To int64
	Geometry orb.LineString
	LengthM  float64
	// Highway is the OSM highway class (residential, footway, ...).
	Highway string
	Name    string
	// Oneway is true when vehicles may only go From→To (oneway=-1 ways are reversed at
	// import so that this always holds). Pedestrians ignore it.
	Oneway bool
}

// Shop is a place a grid worker visits. Category is one of the Category constants.
type Shop struct {
	// SourceID is "n<id>" or "w<id>" for OSM, or the caller's id for registers.
	SourceID string
	Name     string
	Category Category
	// Kind is the raw source value (shop=hairdresser, amenity=cafe ...).
	Kind    string
	Address string
	Point   orb.Point
}

// Station is a waste-sorting station or bin where a sweeper cart empties.
type Station struct {
	SourceID string
	Name     string
	// Kind is the amenity value: recycling, waste_disposal, waste_transfer_station, waste_basket.
	Kind  string
	Point orb.Point
}

// Area is a community, grid or administrative boundary.
type Area struct {
	SourceID string
	Name     string
	// Level is the OSM admin_level, or 0 when not administrative.
	Level    int
	Geometry orb.MultiPolygon
	// ParentSourceID names the enclosing area when known.
	ParentSourceID string
}

// Category is the small list of shop kinds this product's users visit.
type Category string

// The documented shop categories; every OSM shop maps to exactly one.
const (
	CategorySupermarket Category = "supermarket" // supermarket, convenience, greengrocer, kiosk ...
	CategoryRestaurant  Category = "restaurant"  // restaurant, cafe, fast_food, food_court ...
	CategoryBarber      Category = "barber"      // hairdresser, barber, beauty
	CategoryCarWash     Category = "car_wash"
	CategoryLaundry     Category = "laundry" // laundry, dry_cleaning
	CategoryOther       Category = "other"   // any other shop=*
)
