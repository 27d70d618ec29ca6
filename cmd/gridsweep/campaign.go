package main

import (
	"context"
	"fmt"
	"io"

	"github.com/gridsweep/gridsweep/routing"
)

// runCampaign handles "gridsweep campaign unvisited --campaign ID [--area AREA]": the shops
// of an inspection campaign nobody has answered for yet, with the street block each lies on.
func runCampaign(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "unvisited" {
		return usageErrorf("gridsweep campaign unvisited --campaign ID [--area AREA]")
	}
	fs := newFlags("campaign unvisited", stderr)
	idFlag := fs.Int64("campaign", 0, "campaign id")
	areaFlag := fs.String("area", "", "only shops inside this area (id, source id or name)")
	dbFlag := databaseFlag(fs)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if *idFlag <= 0 {
		return usageErrorf("--campaign is required")
	}
	store, err := openStoreFlag(ctx, *dbFlag)
	if err != nil {
		return err
	}
	defer store.Close()
	c, err := store.GetCampaign(ctx, *idFlag)
	if err != nil {
		return err
	}
	var area int64
	if *areaFlag != "" {
		if area, err = store.AreaIDByRef(ctx, *areaFlag); err != nil {
			return err
		}
	}
	us, err := store.CampaignUnvisited(ctx, c.ID, area, routing.DefaultSnapToleranceM)
	if err != nil {
		return err
	}
	for _, u := range us {
		block := "-"
		if u.BlockID != nil {
			block = fmt.Sprint(*u.BlockID)
		}
		fmt.Fprintf(stdout, "%d\t%s\t%s\tblock %s\n", u.ShopID, u.Name, u.Category, block)
	}
	fmt.Fprintf(stderr, "campaign %d %q (%s to %s): %d shops unvisited\n", c.ID, c.Name, c.StartsOn, c.EndsOn, len(us))
	return nil
}
