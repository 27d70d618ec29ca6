package data

import (
	"strings"
	"testing"
)

// Every registered layer draws an MVT layer of its own name, with the fields it documents,
// and is found by name.
func TestTileRegistryMatchesItsSQL(t *testing.T) {
	seen := map[string]bool{}
	for _, src := range tileSources {
		l := src.layer()
		if seen[l.Name] {
			t.Errorf("layer %q registered twice", l.Name)
		}
		seen[l.Name] = true
		if got, ok := tileSourceOf(l.Name); !ok || got.layer().Name != l.Name {
			t.Errorf("tileSourceOf(%q) = %v, %v", l.Name, got, ok)
		}
		filters := []CoverageFilter{{}}
		if l.Filter&(FilterPlan|FilterPlanRequired) != 0 {
			filters = append(filters, CoverageFilter{PlanID: 1})
		}
		for _, f := range filters {
			q := src.tileSQL(f)
			if !strings.Contains(q, "ST_AsMVT(t, '"+l.Name+"'") {
				t.Errorf("%s: the SQL does not draw an MVT layer named %q", l.Name, l.Name)
			}
			for field := range l.Fields {
				if f.PlanID == 0 && strings.Contains(l.Fields[field], "(with plan=)") {
					continue
				}
				if !strings.Contains(q, field) {
					t.Errorf("%s: documented field %q is not in the SQL", l.Name, field)
				}
			}
		}
		switch src.extentTable() {
		case "blocks", "shops", "stations":
		default:
			t.Errorf("%s: extent table %q", l.Name, src.extentTable())
		}
	}
	if _, ok := tileSourceOf("nope"); ok {
		t.Error("an unknown layer was found")
	}
	if len(TileLayers()) != len(tileSources) {
		t.Error("TileLayers lists a different number of layers")
	}
}
