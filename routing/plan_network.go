package routing

import (
	"fmt"

	"github.com/gridsweep/gridsweep/geo"
)

// DefaultBridgeM is how far apart (metres) two street islands may lie and still be joined
// by a straight walk before planning: a square, a car park or a gap left by a cut extract.
const DefaultBridgeM = 100.0

// PlanNetwork builds the street network a plan runs on from an area's blocks and joins
// islands within bridgeM metres (0: never). Every caller that plans (the command line,
// the demo, the API's plan job) goes through here so that they cannot disagree on which
// blocks are reachable.
func PlanNetwork(blocks []geo.Block, bridgeM float64) (*geo.Network, error) {
	if bridgeM < 0 {
		return nil, badInput("bridge distance %v must not be negative", bridgeM)
	}
	net, err := geo.BuildNetwork(blocks)
	if err != nil {
		return nil, fmt.Errorf("plan network: %w", err)
	}
	net.ConnectIslands(bridgeM)
	return net, nil
}
