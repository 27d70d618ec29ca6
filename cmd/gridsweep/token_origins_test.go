package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
)

// TestTokenCreateOrigins: --origins stores the normalised origins with a viewer token and
// refuses what is not an origin, or origins on another role, with one line and exit 1.
func TestTokenCreateOrigins(t *testing.T) {
	url := datatest.NewDatabase(t)
	t.Setenv("DATABASE_URL", url)
	ctx := context.Background()
	store, err := data.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sq := orb.MultiPolygon{{{{10, 50}, {10.01, 50}, {10.01, 50.01}, {10, 50.01}, {10, 50}}}}
	if _, err := store.ImportAreas(ctx, []geo.Area{{SourceID: "c9", Name: "Kaifu Test", Geometry: sq}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args     []string
		code     int
		origins  []string
		errorHas string
	}{
		{args: []string{"--role", "viewer", "--origins", "https://a.example, https://B.example:443/"},
			origins: []string{"https://a.example", "https://b.example"}},
		{args: []string{"--role", "viewer"}},
		{args: []string{"--role", "viewer", "--origins", "https://a.example/dash"}, code: 1, errorHas: "no path"},
		{args: []string{"--role", "viewer", "--origins", "a.example"}, code: 1, errorHas: "scheme"},
		{args: []string{"--role", "supervisor", "--origins", "https://a.example"}, code: 1, errorHas: "viewer tokens"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"token", "create", "--area", "c9"}, tc.args...)
			if code := run(ctx, args, &out, &errb); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, errb.String())
			}
			if tc.code != 0 {
				if msg := errb.String(); !strings.Contains(msg, tc.errorHas) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
					t.Fatalf("stderr %q is not one line with %q", msg, tc.errorHas)
				}
				return
			}
			got, err := store.OriginsOfSecret(ctx, strings.TrimSpace(out.String()))
			if err != nil || !slices.Equal(got, tc.origins) {
				t.Fatalf("stored origins %q, %v; want %q", got, err, tc.origins)
			}
		})
	}
}
