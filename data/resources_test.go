package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// square is a GeoJSON polygon of side degrees with its south-west corner at lon, lat.
func square(lon, lat, side float64) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]g,%[2]g],[%[3]g,%[2]g],[%[3]g,%[4]g],[%[1]g,%[4]g],[%[1]g,%[2]g]]]}`,
		lon, lat, lon+side, lat+side))
}

func TestLargestTopArea(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.LargestTopArea(ctx); !errors.Is(err, ErrRecordNotFound) {
		t.Fatalf("empty database: %v, want ErrRecordNotFound", err)
	}
	add := func(source string, parent *int64, side float64) int64 {
		t.Helper()
		kind := "community"
		a, err := s.CreateArea(ctx, AreaInput{SourceID: &source, Kind: &kind, ParentID: parent, Geometry: square(1.5, 42.5, side)})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	small := add("small", nil, 0.01)
	if got, err := s.LargestTopArea(ctx); err != nil || got != small {
		t.Fatalf("one area: %d, %v; want %d", got, err, small)
	}
	big := add("big", nil, 0.05)
	// An area with a parent never counts, however large.
	add("child", &small, 0.5)
	// An equally large top-level area added later loses the tie to the older one.
	add("big-twin", nil, 0.05)
	if got, err := s.LargestTopArea(ctx); err != nil || got != big {
		t.Fatalf("largest top-level area %d, %v; want %d", got, err, big)
	}
}

func TestSessionPIDsIncludeOwnSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var own int
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&own); err != nil {
		t.Fatal(err)
	}
	pids, err := s.SessionPIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pids, own) {
		t.Errorf("session pids %v lack this session's backend %d", pids, own)
	}
}
