package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/fieldwork"
)

// TestFieldWorkPageInBrowser opens the field work console in headless Chromium against the
// real API: the ledger summary and table, the campaign's unvisited count and the day's
// duty windows show, every control has a name, and the page follows a language switch.
func TestFieldWorkPageInBrowser(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	ctx := context.Background()
	f.addShops("Tea House")
	now := time.Now().UTC()
	open, closed := data.ShopOpen, data.ShopClosed
	if _, err := f.store.RecordLedger(ctx, []data.LedgerInput{
		{ClientKey: "b1", ShopID: f.shopA, TokenID: 1, ObservedAt: now.Add(-30 * 24 * time.Hour), Status: &closed},
		{ClientKey: "b2", ShopID: f.shopA, TokenID: 1, ObservedAt: now.Add(-time.Hour), Status: &open, NeedTags: []string{"masks"}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateCampaign(ctx, data.CampaignInput{OwnerArea: f.areaA, Name: "Coal stoves", StartsOn: "2020-01-01", EndsOn: "2099-12-31",
		TimeZone: DefaultTimeZone, Questions: []fieldwork.Question{{ID: "q", Text: "q", Kind: "yesno"}}, Areas: []int64{f.areaA}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateDutyWindow(ctx, fieldwork.DutyWindow{StationID: f.stationA, Starts: "07:00", Ends: "09:00",
		TimeZone: DefaultTimeZone, Weekdays: []int{1, 2, 3, 4, 5, 6, 7}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b.t = t
	b.do("open field work", chromedp.Navigate(fmt.Sprintf("%s/fieldwork?token=%s", srv.URL, f.tok["supervisor:A"])))
	b.wait("page ready", `window.gridsweep && window.gridsweep.ready === true`, 30*time.Second)
	if s := evalJS[string](b, `document.getElementById('summary').textContent`); s != "1 of 2 shops open, up 1 in the last 7 days" {
		t.Errorf("summary %q", s)
	}
	rows := evalJS[[]string](b, `[...document.querySelectorAll('#ledger tr')].map(r => r.textContent)`)
	if len(rows) != 2 || !strings.Contains(rows[0], "A MarketOpenMasks") || !strings.Contains(rows[1], "Tea HouseUnknown") {
		t.Errorf("ledger rows %q", rows)
	}
	if c := evalJS[string](b, `document.querySelector('#campaigns tr').textContent`); !strings.HasPrefix(c, "Coal stoves") || !strings.HasSuffix(c, "2") {
		t.Errorf("campaign row %q, want 2 unvisited", c)
	}
	if n := evalJS[int](b, `document.querySelectorAll('#duty tr').length`); n != 1 {
		t.Errorf("duty rows %d, want today's one window", n)
	}
	if u := b.unnamedControls(); u != "" {
		t.Errorf("controls without a name:\n%s", u)
	}
	b.do("filter by need", chromedp.SetValue(chromedp.CSS(`#f-need`), "masks"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-need').dispatchEvent(new Event('change'))`))
	b.wait("filtered", `document.querySelectorAll('#ledger tr').length === 1`, 10*time.Second)
	b.do("switch to Chinese", chromedp.SetValue(chromedp.CSS(`#lang`), "zh-CN"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('lang').dispatchEvent(new Event('change'))`))
	b.wait("Chinese summary", `document.getElementById('summary').textContent === '2 家商户中 1 家已营业，近 7 天增加 1 家'`, 10*time.Second)
	b.do("back to English", chromedp.Evaluate[chromedp.Void](`localStorage.setItem('gridsweep.lang', 'en')`))
}
