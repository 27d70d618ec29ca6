package routing

import (
	"context"
	"errors"
)

func (p *planner) sweep(ctx context.Context) (*Plan, error) {
	return nil, errors.New("sweeper mode: not written yet")
}
