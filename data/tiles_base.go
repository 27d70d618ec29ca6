package data

// The base layers: the map features themselves, changed by imports and edits only (and
// the shops' ledger status).

type streetsTiles struct{}

func (streetsTiles) layer() TileLayer {
	return TileLayer{
		Name: LayerStreets, Description: "Street blocks: the base map.",
		Fields: map[string]string{
			"name": "String: street name", "highway": "String: OSM highway value",
			"oneway": "Boolean: vehicles only from start to end", "length_m": "Number: length in metres"},
		ChangedBy: []string{LayerStreets},
	}
}

func (streetsTiles) tileSQL(CoverageFilter) string { return streetsTileSQL }
func (streetsTiles) extentTable() string           { return "blocks" }

type shopsTiles struct{}

// Shops carry their ledger status, which a worker's check-in changes at any time: live.
func (shopsTiles) layer() TileLayer {
	return TileLayer{
		Name: LayerShops, Description: "Shops workers visit.",
		Fields: map[string]string{
			"name": "String: shop name", "category": "String: supermarket, restaurant, barber, car_wash, laundry or other",
			"kind": "String: the source's own value"},
		Live: true, ChangedBy: []string{LayerShops},
	}
}

func (shopsTiles) tileSQL(CoverageFilter) string { return shopsTileSQL }
func (shopsTiles) extentTable() string           { return "shops" }

type stationsTiles struct{}

func (stationsTiles) layer() TileLayer {
	return TileLayer{
		Name: LayerStations, Description: "Waste-sorting stations.",
		Fields: map[string]string{
			"name": "String: station name", "kind": "String: recycling, waste_disposal, waste_transfer_station or waste_basket"},
		ChangedBy: []string{LayerStations},
	}
}

func (stationsTiles) tileSQL(CoverageFilter) string { return stationsTileSQL }
func (stationsTiles) extentTable() string           { return "stations" }

const streetsTileSQL = `WITH` + tileBounds + `
	SELECT COALESCE(ST_AsMVT(t, 'streets', @extent, 'geom', 'id'), '') FROM (
		SELECT b.id, b.name, b.highway, b.oneway, round(b.length_m::numeric, 1)::float8 AS length_m,
		       ST_AsMVTGeom(ST_Transform(b.geom, 3857), bounds.env, @extent, @buffer, true) AS geom
		FROM blocks b, bounds
		WHERE b.geom && bounds.box
	) t`

const shopsTileSQL = `WITH` + tileBounds + `
	SELECT COALESCE(ST_AsMVT(t, 'shops', @extent, 'geom', 'id'), '') FROM (
		SELECT s.id, s.name, s.category, s.kind, COALESCE(l.status, 'unknown') AS status,
		       ST_AsMVTGeom(ST_Transform(s.geom, 3857), bounds.env, @extent, @buffer, true) AS geom
		FROM shops s CROSS JOIN bounds LEFT JOIN shop_ledger l ON l.shop_id = s.id
		WHERE s.geom && bounds.box
	) t`

const stationsTileSQL = `WITH` + tileBounds + `
	SELECT COALESCE(ST_AsMVT(t, 'stations', @extent, 'geom', 'id'), '') FROM (
		SELECT s.id, s.name, s.kind,
		       ST_AsMVTGeom(ST_Transform(s.geom, 3857), bounds.env, @extent, @buffer, true) AS geom
		FROM stations s, bounds
		WHERE s.geom && bounds.box
	) t`
