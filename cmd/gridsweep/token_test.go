package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
)

func TestTokenCreate(t *testing.T) {
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
	area, err := store.AreaIDByRef(ctx, "c9")
	if err != nil {
		t.Fatal(err)
	}
	name := "Wu"
	w, err := store.CreateWorker(ctx, data.WorkerInput{AreaID: &area, Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args     []string
		code     int
		role     string
		errorHas string
	}{
		{args: []string{"create", "--role", "supervisor", "--area", "c9"}, role: "supervisor"},
		{args: []string{"create", "--role", "viewer", "--area", "Kaifu Test"}, role: "viewer"},
		{args: []string{"create", "--role", "worker", "--area", fmt.Sprint(area), "--worker", fmt.Sprint(w.ID)}, role: "worker"},
		{args: []string{"create", "--area", "c9"}, code: 2, errorHas: "--role and --area are required"},
		{args: []string{"forget"}, code: 2, errorHas: "usage"},
		{args: []string{"create", "--role", "viewer", "--area", "c9", "--expires", "soon"}, code: 2, errorHas: "--expires"},
		{args: []string{"create", "--role", "worker", "--area", "c9"}, code: 1, errorHas: "needs a worker"},
		{args: []string{"create", "--role", "admin", "--area", "c9"}, code: 1, errorHas: "unknown role"},
		{args: []string{"create", "--role", "viewer", "--area", "nowhere"}, code: 1, errorHas: "not found"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(ctx, append([]string{"token"}, tt.args...), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errb.String())
			}
			if tt.code != 0 {
				if !strings.Contains(errb.String(), tt.errorHas) {
					t.Fatalf("stderr %q lacks %q", errb.String(), tt.errorHas)
				}
				return
			}
			secret := strings.TrimSpace(out.String())
			if !strings.HasPrefix(secret, "gst_") || strings.Contains(secret, "\n") {
				t.Fatalf("stdout %q is not one token", out.String())
			}
			tok, err := store.Authenticate(ctx, secret)
			if err != nil || tok.Role != tt.role || tok.AreaID != area {
				t.Fatalf("token authenticates as %+v, %v", tok, err)
			}
		})
	}
}
