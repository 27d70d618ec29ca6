package geo

import (
	"strconv"
	"strings"

	"github.com/paulmach/osm"
)

// The OSM tag rules of the importer live in this file, one table-driven function per
// question, so that the rules are documented and tested in one place.

// walkableHighways are the highway classes a person on foot can sweep. Everything not
// listed is left out: motorway, trunk and their links (no pedestrians), platform (a
// public-transport platform is not a street), proposed/construction/abandoned/razed (not
// built), raceway, bus_guideway, busway, escape, elevator (a lift is not swept), and any
// value we do not recognise.
var walkableHighways = map[string]bool{
	"footway": true, "steps": true, "pedestrian": true, "path": true,
	"living_street": true, "residential": true, "service": true,
	"tertiary": true, "tertiary_link": true,
	"secondary": true, "secondary_link": true,
	"primary": true, "primary_link": true,
	"unclassified": true, "track": true, "cycleway": true, "corridor": true,
	"road": true, "bridleway": true,
	// trail is not an approved value but real data uses it for park and forest paths
	// (159 ways in the Helsinki extract); it is walked like path.
	"trail": true,
}

// footAllowed are foot=* values that override a general access restriction.
var footAllowed = map[string]bool{"yes": true, "designated": true, "permissive": true}

// walkable reports whether a way is part of the walkable street network, and so is split
// into blocks. The rules, in order:
//   - highway must be one of walkableHighways;
//   - area=yes highways are left out: a closed pedestrian square is a surface, not a street
//     that can be split at its corners;
//   - foot=no (or foot=private) leaves the way out, whatever its class (a cycleway with
//     foot=no is not walkable);
//   - access=no|private leaves it out unless foot=yes|designated|permissive: private
//     driveways and gated compounds are not public streets a city worker sweeps.
func walkable(tags osm.Tags) bool {
	if !walkableHighways[tags.Find("highway")] {
		return false
	}
	if tags.Find("area") == "yes" {
		return false
	}
	switch tags.Find("foot") {
	case "no", "private":
		return false
	}
	switch tags.Find("access") {
	case "no", "private":
		return footAllowed[tags.Find("foot")]
	}
	return true
}

// onewayOf reads the vehicle one-way rule of a way: oneway=yes|true|1 is one-way along the
// way, oneway=-1|reverse is one-way against it (reversed=true), junction=roundabout or
// circular implies one-way unless oneway says otherwise (oneway=no).
func onewayOf(tags osm.Tags) (oneway, reversed bool) {
	switch tags.Find("oneway") {
	case "yes", "true", "1":
		return true, false
	case "-1", "reverse":
		return true, true
	case "no", "false", "0":
		return false, false
	}
	switch tags.Find("junction") {
	case "roundabout", "circular":
		return true, false
	}
	return false, false
}

// shopCategories maps shop=* values to a category; any other shop value is CategoryOther.
var shopCategories = map[string]Category{
	"supermarket": CategorySupermarket, "convenience": CategorySupermarket,
	"greengrocer": CategorySupermarket, "kiosk": CategorySupermarket,
	"grocery": CategorySupermarket, "general": CategorySupermarket,
	"food": CategorySupermarket, "deli": CategorySupermarket,
	"butcher": CategorySupermarket, "bakery": CategorySupermarket,
	"beverages": CategorySupermarket, "department_store": CategorySupermarket,

	"hairdresser": CategoryBarber, "barber": CategoryBarber, "beauty": CategoryBarber,

	"car_wash": CategoryCarWash,

	"laundry": CategoryLaundry, "dry_cleaning": CategoryLaundry,
}

// amenityCategories are the amenity=* values that count as shops. Bars and pubs are in:
// they are small food-and-drink businesses with the same hygiene checks as restaurants.
var amenityCategories = map[string]Category{
	"restaurant": CategoryRestaurant, "cafe": CategoryRestaurant,
	"fast_food": CategoryRestaurant, "food_court": CategoryRestaurant,
	"bar": CategoryRestaurant, "pub": CategoryRestaurant, "ice_cream": CategoryRestaurant,
	"car_wash": CategoryCarWash,
}

// notShops are shop=* values that say there is no shop to visit.
var notShops = map[string]bool{"no": true, "vacant": true, "": true}

// shopOf classifies an element as a shop. Every shop=* value is a shop except no and
// vacant; amenity=* counts only for the values in amenityCategories. When both are set the
// shop tag wins (a bakery with amenity=cafe is a bakery). kind is the raw "key=value".
func shopOf(tags osm.Tags) (cat Category, kind string, ok bool) {
	if v := tags.Find("shop"); !notShops[v] {
		cat, known := shopCategories[v]
		if !known {
			cat = CategoryOther
		}
		return cat, "shop=" + v, true
	}
	v := tags.Find("amenity")
	if cat, known := amenityCategories[v]; known {
		return cat, "amenity=" + v, true
	}
	return "", "", false
}

// stationKinds are the amenity values that make a waste station.
var stationKinds = map[string]bool{
	"recycling": true, "waste_disposal": true, "waste_transfer_station": true, "waste_basket": true,
}

// stationOf reports whether an element is a waste station and returns its amenity value.
func stationOf(tags osm.Tags) (kind string, ok bool) {
	v := tags.Find("amenity")
	return v, stationKinds[v]
}

// nameOf is the name of a street or place: name, else ref (many service roads and paths
// only carry a ref).
func nameOf(tags osm.Tags) string {
	if n := tags.Find("name"); n != "" {
		return n
	}
	return tags.Find("ref")
}

// addressOf joins the addr:* tags into one line: addr:full when given, else
// "street housenumber, postcode city" with empty parts left out. Unit and floor are
// appended after the house number because grid workers look for the door.
func addressOf(tags osm.Tags) string {
	if full := tags.Find("addr:full"); full != "" {
		return full
	}
	street := tags.Find("addr:street")
	if street == "" {
		street = tags.Find("addr:place")
	}
	first := join(" ", street, tags.Find("addr:housenumber"), tags.Find("addr:unit"))
	second := join(" ", tags.Find("addr:postcode"), tags.Find("addr:city"))
	return join(", ", first, second)
}

// join joins the non-empty parts with sep.
func join(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// adminArea reports whether tags describe an administrative boundary, and its admin_level
// (0 when missing or not a number).
func adminArea(tags osm.Tags) (level int, ok bool) {
	if tags.Find("boundary") != "administrative" {
		return 0, false
	}
	level, err := strconv.Atoi(strings.TrimSpace(tags.Find("admin_level")))
	if err != nil {
		level = 0
	}
	return level, true
}
