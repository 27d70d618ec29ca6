package data

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestShopTilesCarryLedgerStatus: the shops layer shows each shop's ledger status
// (unknown until checked) and a status change notifies the shops layer around the shop.
func TestShopTilesCarryLedgerStatus(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	status := func() any {
		t.Helper()
		b, err := f.s.VectorTile(ctx, LayerShops, f.tile, CoverageFilter{})
		if err != nil {
			t.Fatal(err)
		}
		shops := decodeLayer(t, b, LayerShops)
		if len(shops) != 1 {
			t.Fatalf("shops tile: %v", shops)
		}
		return shops[0].Properties["status"]
	}
	if got := status(); got != ShopUnknown {
		t.Fatalf("status before any check-in: %v", got)
	}
	changes := make(chan TileChange, 16)
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- f.s.ListenTileChanges(ctx, func(c TileChange) { changes <- c }, func() { close(ready) })
	}()
	<-ready
	open := ShopOpen
	res, err := f.s.RecordLedger(ctx, []LedgerInput{{ClientKey: "t1", ShopID: f.shop, TokenID: 1, ObservedAt: f.t0, Status: &open}})
	if err != nil || res[0].Status != VisitCreated {
		t.Fatalf("record: %v %v", res, err)
	}
	select {
	case c := <-changes:
		if len(c.Layers) != 1 || c.Layers[0] != LayerShops || len(c.Boxes) != 1 || c.Boxes[0].Min[0] != 1.5202 {
			t.Fatalf("change %+v, want the shops layer at the shop", c)
		}
	case <-time.After(30 * time.Second): // only stops a hung test
		t.Fatal("no tile change notified")
	}
	if got := status(); got != ShopOpen {
		t.Fatalf("status after check-in: %v", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("listener ended with %v", err)
	}
}

// TestRecordLedgerConcurrent: check-ins racing on one shop are serialised (each event's
// prev_status is the status the event before it left) and a key sent by several requests
// at once is stored once.
func TestRecordLedgerConcurrent(t *testing.T) {
	t.Parallel()
	f := newTileFixture(t)
	ctx := context.Background()
	statuses := []string{ShopClosed, ShopPreparing, ShopOpen, ShopMoved}
	errs := make(chan error, 16)
	for i := range 12 {
		go func() {
			st := statuses[i%len(statuses)]
			key := "race-" + st // three requests per key
			_, err := f.s.RecordLedger(ctx, []LedgerInput{{ClientKey: key, ShopID: f.shop, TokenID: 7,
				ObservedAt: f.t0.Add(time.Duration(i%len(statuses)) * time.Minute), Status: &st}})
			errs <- err
		}()
	}
	for range 12 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	rows, err := f.s.pool.Query(ctx, `SELECT status, prev_status FROM ledger_events WHERE shop_id = $1 ORDER BY id`, f.shop)
	if err != nil {
		t.Fatal(err)
	}
	var chain [][2]string
	for rows.Next() {
		var s, p string
		if err := rows.Scan(&s, &p); err != nil {
			t.Fatal(err)
		}
		chain = append(chain, [2]string{s, p})
	}
	if len(chain) != len(statuses) {
		t.Fatalf("%d events stored, want one per key (%d): %v", len(chain), len(statuses), chain)
	}
	// The current state follows the newest observation, whatever the arrival order.
	cur, hist, err := f.s.ShopLedger(ctx, f.shop)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Status != ShopMoved || cur.Events != len(statuses) || len(hist) != len(statuses) {
		t.Fatalf("current %+v with %d events", cur, len(hist))
	}
	// Each event saw the state the events stored before it left (by arrival order).
	state, newest := ShopUnknown, time.Time{}
	for i, e := range chain {
		if e[1] != state {
			t.Fatalf("event %d: prev_status %s, want %s (chain %v)", i, e[1], state, chain)
		}
		at := f.t0.Add(time.Duration(slices.Index(statuses, e[0])) * time.Minute)
		if !at.Before(newest) {
			state, newest = e[0], at
		}
	}
}
