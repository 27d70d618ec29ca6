package geo

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestReadShopsCSV(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"plain", "name,address,category,lon,lat\nS-Mart,Main St 5,supermarket,24.94,60.17\n\"Cut, Colour\",\"Side St 1\",hairdresser,24.95,60.171\n"},
		{"reordered with BOM and CRLF", "\ufefflat,Longitude,Name,Type,Addr\r\n60.17,24.94,S-Mart,supermarket,Main St 5\r\n60.171,24.95,\"Cut, Colour\",hairdresser,Side St 1\r\n"},
		{"semicolons and a blank row", "Name;Address;Category;Lng;Lat\nS-Mart;Main St 5;supermarket;24.94;60.17\n;;;;\nCut, Colour;Side St 1;hairdresser;24.95;60.171\n"},
		{"tabs and Chinese headers", "名称\t地址\t类别\t经度\t纬度\nS-Mart\tMain St 5\tsupermarket\t24.94\t60.17\nCut, Colour\tSide St 1\thairdresser\t24.95\t60.171\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shops, err := ReadShopsCSV(strings.NewReader(tc.in), WGS84)
			if err != nil {
				t.Fatal(err)
			}
			want := []Shop{
				{SourceID: registerID("shop", "S-Mart", "supermarket", orb.Point{24.94, 60.17}), Name: "S-Mart", Category: CategorySupermarket, Kind: "supermarket", Address: "Main St 5", Point: orb.Point{24.94, 60.17}},
				{SourceID: registerID("shop", "Cut, Colour", "barber", orb.Point{24.95, 60.171}), Name: "Cut, Colour", Category: CategoryBarber, Kind: "hairdresser", Address: "Side St 1", Point: orb.Point{24.95, 60.171}},
			}
			if len(shops) != len(want) {
				t.Fatalf("shops = %+v", shops)
			}
			for i := range want {
				if shops[i] != want[i] {
					t.Errorf("shop %d = %+v, want %+v", i, shops[i], want[i])
				}
			}
		})
	}
}

func TestReadShopsCSVConvertsAndKeepsIDs(t *testing.T) {
	in := "id,name,category,lon,lat\nA7,Bean,cafe,116.41036949371029,39.92133699351021\n"
	shops, err := ReadShopsCSV(strings.NewReader(in), BD09)
	if err != nil {
		t.Fatal(err)
	}
	// coordtransform: gcj02tobd09(116.404, 39.915) is this BD-09 point; to WGS-84 it is
	// the GCJ-02 point (116.404, 39.915) taken back to WGS-84.
	want := GCJ02ToWGS84(orb.Point{116.404, 39.915})
	if len(shops) != 1 || shops[0].SourceID != "A7" || shops[0].Category != CategoryRestaurant || DistanceM(shops[0].Point, want) > 0.01 {
		t.Errorf("shops = %+v, want A7 at %v", shops, want)
	}
}

func TestReadShopsCSVInvalid(t *testing.T) {
	header := "name,address,category,lon,lat\n"
	row := "ok,addr,cafe,1,2\n"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty file"},
		{"no lat column", "name,lon\nx,1\n", "line 1: header"},
		{"two lon columns", "name,lon,lng,lat\nx,1,1,2\n", "line 1: columns 2"},
		{"missing name", header + row + ",addr,cafe,1,2\n", "line 3: missing name"},
		{"lon not a number", header + row + "ok2,addr,cafe,1,2\n" + "x,a,cafe,abc,2\n", `line 4: lon "abc" is not a number`},
		{"NaN", header + "x,a,cafe,NaN,2\n", "line 2: coordinate (NaN, 2) is not a number"},
		{"Inf", header + "x,a,cafe,1,+Inf\n", "line 2: coordinate (1, +Inf) is not a number"},
		{"out of range", header + "x,a,cafe,200,2\n", "line 2: coordinate (200, 2) is outside"},
		{"missing lat field", header + row + "x,a,cafe,1\n", "line 3: missing lat"},
		{"bad quoting", header + row + "\"x,a,cafe,1,2\n", "line 3:"},
		{"duplicate row", header + row + "x,a,cafe,1,2\n" + row, `line 4: source id "h`},
		{"duplicate id", "id,name,lon,lat\nA,x,1,2\nB,y,1,2\nA,z,3,4\n", `line 4: source id "A" already used on line 2`},
		{"line numbers count quoted newlines", header + "\"two\nlines\",a,cafe,1,2\ny,a,cafe,q,2\n", `line 4: lon "q"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadShopsCSV(strings.NewReader(tc.in), WGS84)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRegisterIDSharedAcrossFormats(t *testing.T) {
	csvShops, err := ReadShopsCSV(strings.NewReader("name,category,lon,lat\nMystery,something new,116.31,39.98\n"), GCJ02)
	if err != nil {
		t.Fatal(err)
	}
	geoShops, err := ReadShopsGeoJSON(strings.NewReader(shopsGeoJSON), GCJ02)
	if err != nil {
		t.Fatal(err)
	}
	if csvShops[0].SourceID != geoShops[2].SourceID {
		t.Errorf("the same shop got ids %q (csv) and %q (geojson)", csvShops[0].SourceID, geoShops[2].SourceID)
	}
}
