package geo

import (
	"testing"

	"github.com/paulmach/osm"
)

// tags builds osm.Tags from key, value pairs.
func tags(kv ...string) osm.Tags {
	var ts osm.Tags
	for i := 0; i+1 < len(kv); i += 2 {
		ts = append(ts, osm.Tag{Key: kv[i], Value: kv[i+1]})
	}
	return ts
}

func TestWalkable(t *testing.T) {
	tests := []struct {
		tags osm.Tags
		want bool
	}{
		{tags("highway", "residential"), true},
		{tags("highway", "footway"), true},
		{tags("highway", "steps"), true},
		{tags("highway", "pedestrian"), true},
		{tags("highway", "path"), true},
		{tags("highway", "trail"), true},
		{tags("highway", "living_street"), true},
		{tags("highway", "service"), true},
		{tags("highway", "primary_link"), true},
		{tags("highway", "track"), true},
		{tags("highway", "corridor"), true},
		{tags("highway", "cycleway"), true},
		{tags("highway", "cycleway", "foot", "no"), false},
		{tags("highway", "motorway"), false},
		{tags("highway", "motorway_link"), false},
		{tags("highway", "trunk"), false},
		{tags("highway", "trunk_link"), false},
		{tags("highway", "platform"), false},
		{tags("highway", "construction"), false},
		{tags("highway", "proposed"), false},
		{tags("highway", "raceway"), false},
		{tags("highway", "bus_guideway"), false},
		{tags("highway", "elevator"), false},
		{tags("highway", "pedestrian", "area", "yes"), false},
		{tags("highway", "pedestrian", "area", "no"), true},
		{tags("highway", "service", "access", "private"), false},
		{tags("highway", "service", "access", "no"), false},
		{tags("highway", "service", "access", "private", "foot", "yes"), true},
		{tags("highway", "footway", "access", "no", "foot", "designated"), true},
		{tags("highway", "service", "access", "destination"), true},
		{tags("highway", "footway", "foot", "private"), false},
		{tags("building", "yes"), false},
		{nil, false},
	}
	for _, tc := range tests {
		if got := walkable(tc.tags); got != tc.want {
			t.Errorf("walkable(%v) = %v, want %v", tc.tags, got, tc.want)
		}
	}
}

func TestOnewayOf(t *testing.T) {
	tests := []struct {
		tags             osm.Tags
		oneway, reversed bool
	}{
		{tags("oneway", "yes"), true, false},
		{tags("oneway", "true"), true, false},
		{tags("oneway", "1"), true, false},
		{tags("oneway", "-1"), true, true},
		{tags("oneway", "reverse"), true, true},
		{tags("oneway", "no"), false, false},
		{tags("junction", "roundabout"), true, false},
		{tags("junction", "circular"), true, false},
		{tags("junction", "roundabout", "oneway", "no"), false, false},
		{tags("oneway", "alternating"), false, false},
		{nil, false, false},
	}
	for _, tc := range tests {
		o, r := onewayOf(tc.tags)
		if o != tc.oneway || r != tc.reversed {
			t.Errorf("onewayOf(%v) = %v, %v; want %v, %v", tc.tags, o, r, tc.oneway, tc.reversed)
		}
	}
}

func TestShopOf(t *testing.T) {
	tests := []struct {
		tags osm.Tags
		cat  Category
		kind string
		ok   bool
	}{
		{tags("shop", "supermarket"), CategorySupermarket, "shop=supermarket", true},
		{tags("shop", "convenience"), CategorySupermarket, "shop=convenience", true},
		{tags("shop", "kiosk"), CategorySupermarket, "shop=kiosk", true},
		{tags("amenity", "restaurant"), CategoryRestaurant, "amenity=restaurant", true},
		{tags("amenity", "cafe"), CategoryRestaurant, "amenity=cafe", true},
		{tags("amenity", "fast_food"), CategoryRestaurant, "amenity=fast_food", true},
		{tags("amenity", "food_court"), CategoryRestaurant, "amenity=food_court", true},
		{tags("amenity", "bar"), CategoryRestaurant, "amenity=bar", true},
		{tags("amenity", "pub"), CategoryRestaurant, "amenity=pub", true},
		{tags("shop", "hairdresser"), CategoryBarber, "shop=hairdresser", true},
		{tags("shop", "barber"), CategoryBarber, "shop=barber", true},
		{tags("shop", "beauty"), CategoryBarber, "shop=beauty", true},
		{tags("amenity", "car_wash"), CategoryCarWash, "amenity=car_wash", true},
		{tags("shop", "car_wash"), CategoryCarWash, "shop=car_wash", true},
		{tags("shop", "laundry"), CategoryLaundry, "shop=laundry", true},
		{tags("shop", "dry_cleaning"), CategoryLaundry, "shop=dry_cleaning", true},
		{tags("shop", "clothes"), CategoryOther, "shop=clothes", true},
		{tags("shop", "yes"), CategoryOther, "shop=yes", true},
		{tags("shop", "bakery", "amenity", "cafe"), CategorySupermarket, "shop=bakery", true},
		{tags("shop", "vacant"), "", "", false},
		{tags("shop", "no"), "", "", false},
		{tags("shop", "vacant", "amenity", "cafe"), CategoryRestaurant, "amenity=cafe", true},
		{tags("amenity", "bank"), "", "", false},
		{tags("amenity", "recycling"), "", "", false},
		{nil, "", "", false},
	}
	for _, tc := range tests {
		cat, kind, ok := shopOf(tc.tags)
		if cat != tc.cat || kind != tc.kind || ok != tc.ok {
			t.Errorf("shopOf(%v) = %q, %q, %v; want %q, %q, %v", tc.tags, cat, kind, ok, tc.cat, tc.kind, tc.ok)
		}
	}
}

func TestStationOf(t *testing.T) {
	for _, kind := range []string{"recycling", "waste_disposal", "waste_transfer_station", "waste_basket"} {
		if got, ok := stationOf(tags("amenity", kind)); !ok || got != kind {
			t.Errorf("stationOf(amenity=%s) = %q, %v", kind, got, ok)
		}
	}
	for _, ts := range []osm.Tags{tags("amenity", "toilets"), tags("landuse", "landfill"), nil} {
		if _, ok := stationOf(ts); ok {
			t.Errorf("stationOf(%v) is a station", ts)
		}
	}
}

func TestAddressOf(t *testing.T) {
	tests := []struct {
		tags osm.Tags
		want string
	}{
		{tags("addr:street", "Mannerheimintie", "addr:housenumber", "5", "addr:postcode", "00100", "addr:city", "Helsinki"), "Mannerheimintie 5, 00100 Helsinki"},
		{tags("addr:street", "成府路", "addr:housenumber", "28"), "成府路 28"},
		{tags("addr:full", "海淀区成府路28号", "addr:street", "ignored"), "海淀区成府路28号"},
		{tags("addr:place", "Market Square", "addr:unit", "B"), "Market Square B"},
		{tags("addr:city", "Helsinki"), "Helsinki"},
		{nil, ""},
	}
	for _, tc := range tests {
		if got := addressOf(tc.tags); got != tc.want {
			t.Errorf("addressOf(%v) = %q, want %q", tc.tags, got, tc.want)
		}
	}
}

func TestNameOf(t *testing.T) {
	if got := nameOf(tags("name", "Aleksanterinkatu", "ref", "A1")); got != "Aleksanterinkatu" {
		t.Errorf("name first: %q", got)
	}
	if got := nameOf(tags("ref", "G6")); got != "G6" {
		t.Errorf("ref fallback: %q", got)
	}
}
