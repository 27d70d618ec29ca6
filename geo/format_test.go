package geo

import (
	"os"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/geo/fixture"
)

func TestFormatOf(t *testing.T) {
	pbf, err := os.ReadFile(fixture.SharedData(t, "osm/Helsinki.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		head string
		want Format
		err  bool
	}{
		{"Helsinki.osm.pbf", string(pbf[:FormatHeadSize]), FormatPBF, false},
		{"misnamed.osm", string(pbf[:FormatHeadSize]), FormatPBF, false}, // content wins
		{"x.osm", `<?xml version="1.0"?><osm>`, FormatXML, false},
		{"x.dat", "\ufeff\n  <osm version=\"0.6\">", FormatXML, false},
		{"x.dat", "BZh91AY&SY", FormatXMLBzip2, false},
		{"andorra.osm.bz2", "", FormatXMLBzip2, false}, // no head: the name decides
		{"a.OSM.PBF", "", FormatPBF, false},
		{"map.osm", "", FormatXML, false},
		{"map.xml", "", FormatXML, false},
		{"garbage.osm.pbf", "hello world, this is text", FormatPBF, false}, // ReadOSM will fail
		{"notes.txt", "hello", 0, true},
		{"archive.zip", "PK\x03\x04", 0, true},
		{"map.osm.gz", "\x1f\x8b", 0, true},
		{"BZh", "BZh", 0, true}, // too short for bzip2, and no known extension
	}
	for _, tc := range tests {
		got, err := FormatOf(tc.name, []byte(tc.head))
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("FormatOf(%q, %q) = %v, %v; want %v (error %v)", tc.name, tc.head, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), tc.name) {
			t.Errorf("error %q does not name the file", err)
		}
	}
}
