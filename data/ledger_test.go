package data

import (
	"context"
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
