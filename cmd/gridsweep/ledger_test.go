package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/fieldwork"
	"github.com/gridsweep/gridsweep/geo"
)

// TestFieldWorkCommands runs ledger summary/export, campaign unvisited and duty report on
// a small community with a ledger history, a campaign and a duty window.
func TestFieldWorkCommands(t *testing.T) {
	url := datatest.NewDatabase(t)
	t.Setenv("DATABASE_URL", url)
	ctx := context.Background()
	store, err := data.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sq := orb.MultiPolygon{{{{10, 50}, {10.01, 50}, {10.01, 50.01}, {10, 50.01}, {10, 50}}}}
	ext := &geo.Extract{
		Blocks: []geo.Block{{SourceID: "w1:0", WayID: 1, From: 1, To: 2, Geometry: orb.LineString{{10.001, 50.001}, {10.002, 50.001}},
			LengthM: 71.5, Highway: "residential", Name: "Main"}},
		Shops: []geo.Shop{
			{SourceID: "s1", Name: "Noodles", Category: geo.CategoryRestaurant, Point: orb.Point{10.0012, 50.0011}},
			{SourceID: "s2", Name: "Barber", Category: geo.CategoryBarber, Point: orb.Point{10.0015, 50.0011}},
		},
		Stations: []geo.Station{{SourceID: "st1", Kind: "recycling", Point: orb.Point{10.0018, 50.0011}}},
		Areas:    []geo.Area{{SourceID: "c9", Name: "Kaifu Test", Geometry: sq}},
	}
	if _, err := store.ImportOSM(ctx, ext); err != nil {
		t.Fatal(err)
	}
	area, err := store.AreaIDByRef(ctx, "c9")
	if err != nil {
		t.Fatal(err)
	}
	shops, err := store.ListPoints(ctx, data.ShopsTable, data.PointFilter{Area: area}, data.ListPage{Limit: 10})
	if err != nil || len(shops) != 2 {
		t.Fatalf("shops %v %v", shops, err)
	}
	stations, err := store.ListPoints(ctx, data.StationsTable, data.PointFilter{Area: area}, data.ListPage{Limit: 10})
	if err != nil || len(stations) != 1 {
		t.Fatalf("stations %v %v", stations, err)
	}
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	open, closed := data.ShopOpen, data.ShopClosed
	if _, err := store.RecordLedger(ctx, []data.LedgerInput{
		{ClientKey: "a", ShopID: shops[0].ID, TokenID: 1, ObservedAt: now.Add(-20 * 24 * time.Hour), Status: &closed},
		{ClientKey: "b", ShopID: shops[0].ID, TokenID: 1, ObservedAt: now.Add(-2 * 24 * time.Hour), Status: &open, NeedTags: []string{"masks"}},
	}); err != nil {
		t.Fatal(err)
	}
	c, err := store.CreateCampaign(ctx, data.CampaignInput{OwnerArea: area, Name: "Stoves", StartsOn: "2026-03-01", EndsOn: "2026-03-31",
		TimeZone: "Asia/Shanghai", Questions: []fieldwork.Question{{ID: "q", Text: "q", Kind: "yesno"}}, Areas: []int64{area}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.RecordCampaignAnswers(ctx, []data.CampaignAnswerInput{{ClientKey: "x", CampaignID: c.ID, ShopID: shops[0].ID,
		TokenID: 1, VisitedAt: now, Answers: map[string]any{"q": true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateDutyWindow(ctx, fieldwork.DutyWindow{StationID: stations[0].ID, Starts: "07:00", Ends: "09:00",
		TimeZone: "Asia/Shanghai", Weekdays: []int{1, 2, 3, 4, 5, 6, 7}}); err != nil {
		t.Fatal(err)
	}

	runOK := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(ctx, args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		return out.String()
	}
	out := runOK("ledger", "summary", "--area", "c9", "--at", now.Format(time.RFC3339))
	if !strings.HasPrefix(out, "1 of 2 shops open, up 1 in the last 7 days\n") || !strings.Contains(out, "unknown 1") {
		t.Fatalf("summary:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "ledger.csv")
	runOK("ledger", "export", "--area", "Kaifu Test", "--need", "masks", "-o", file)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != "Noodles" || rows[1][4] != "open" || rows[1][10] != "2" {
		t.Fatalf("export %q %v", rows, err)
	}
	if out := runOK("campaign", "unvisited", "--campaign", strconv.FormatInt(c.ID, 10)); !strings.Contains(out, "\tBarber\tbarber\tblock ") || strings.Contains(out, "Noodles") {
		t.Fatalf("unvisited:\n%s", out)
	}
	out = runOK("duty", "report", "--area", "c9", "--first", "2026-03-02", "--last", "2026-03-03", "--at", now.Format(time.RFC3339))
	if strings.Count(out, "missed\t") != 2 || !strings.Contains(out, "met 0, missed 2") || !strings.Contains(out, "23:00-01:00 UTC\tnobody rostered") {
		t.Fatalf("duty report:\n%s", out)
	}

	for _, args := range [][]string{
		{"ledger"}, {"ledger", "summary"}, {"ledger", "export", "--area", "c9", "--status", "shut"},
		{"campaign", "unvisited"}, {"duty", "report", "--area", "c9", "--first", "2026-03-03", "--last", "2026-03-02"},
	} {
		var out, errb bytes.Buffer
		if code := run(ctx, args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, errb.String())
		}
	}
}
