package fieldwork

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func TestWriteLedgerCSV(t *testing.T) {
	seen := time.Date(2026, 3, 6, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	entries := []LedgerEntry{
		{ShopID: 7, Name: "=HYPERLINK(\"x\")", Category: "food", Address: "1 Main St, Kaifu", Status: "open",
			NeedTags: []string{"permit", "loan"}, Needs: "-cash", Documents: []string{"@doc", "b"}, Note: "line\nbreak",
			ObservedAt: &seen, Events: 3},
		{ShopID: 8, Name: "Barber", Category: "service", Status: "unknown", NeedTags: []string{}, Documents: []string{}},
	}
	var buf bytes.Buffer
	if err := WriteLedgerCSV(&buf, entries); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the export is not valid CSV: %v", err)
	}
	want := [][]string{
		{"shop_id", "name", "category", "address", "status", "need_tags", "needs", "documents", "note", "observed_at", "events"},
		{"7", "'=HYPERLINK(\"x\")", "food", "1 Main St, Kaifu", "open", "permit;loan", "'-cash", "'@doc;b", "line\nbreak", "2026-03-06T01:30:00Z", "3"},
		{"8", "Barber", "service", "", "unknown", "", "", "", "", "", "0"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
}
