package routing

import (
	"context"
	"errors"
	"testing"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/paulmach/orb"
)

// islandBlocks is a 4×4 grid (100 m spacing) plus a two-block street whose nearest end
// lies gapM metres east of the grid's north-east corner.
func islandBlocks(gapM float64) []geo.Block {
	blocks := gridBlocks(4, 4, 100)
	const lat0, lon0 = 60.17, 24.94
	dLon := 1 / 111195.0 / 0.4975
	x0 := lon0 + (300+gapM)*dLon
	y := lat0 + 300/111195.0
	return append(blocks,
		geo.Block{SourceID: "w900:0", From: 900, To: 901, Name: "Island Road", Geometry: orb.LineString{{x0, y}, {x0 + 80*dLon, y}}},
		geo.Block{SourceID: "w900:1", From: 901, To: 902, Name: "Island Road", Geometry: orb.LineString{{x0 + 80*dLon, y}, {x0 + 160*dLon, y}}},
	)
}

func TestPlanNetworkJoinsIslands(t *testing.T) {
	for _, tc := range []struct {
		name            string
		gapM, bridgeM   float64
		wantBridges     int
		wantUnreachable int
	}{
		{"island 60 m off, default bridge", 60, DefaultBridgeM, 1, 0},
		{"island 60 m off, bridging off", 60, 0, 0, 2},
		{"island 300 m off, default bridge", 300, DefaultBridgeM, 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net, err := PlanNetwork(islandBlocks(tc.gapM), tc.bridgeM)
			if err != nil {
				t.Fatal(err)
			}
			pl, err := PlanRoutes(context.Background(), PlanInput{Network: net}, PlanOptions{Workers: 1, Seconds: 1})
			if err != nil {
				t.Fatal(err)
			}
			rep := pl.Report(0)
			if rep.Bridges != tc.wantBridges || len(pl.Unreachable) != tc.wantUnreachable {
				t.Errorf("%d bridges used, %d blocks unreachable; want %d and %d", rep.Bridges, len(pl.Unreachable), tc.wantBridges, tc.wantUnreachable)
			}
			if tc.wantUnreachable == 0 && pl.BlocksCovered != pl.BlocksRequired {
				t.Errorf("covered %d of %d blocks", pl.BlocksCovered, pl.BlocksRequired)
			}
		})
	}
}

func TestPlanNetworkErrors(t *testing.T) {
	if _, err := PlanNetwork(gridBlocks(2, 2, 100), -1); !errors.Is(err, ErrBadPlanInput) {
		t.Errorf("negative bridge: %v, want ErrBadPlanInput", err)
	}
	if _, err := PlanNetwork(nil, DefaultBridgeM); !errors.Is(err, geo.ErrEmptyNetwork) {
		t.Errorf("no blocks: %v, want geo.ErrEmptyNetwork", err)
	}
}
