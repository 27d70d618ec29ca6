package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
	"github.com/gridsweep/gridsweep/geo"
)

// TestTokenListRevoke: create with --expires, list without secrets, revoke, refused.
func TestTokenListRevoke(t *testing.T) {
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
	runOK := func(args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(ctx, append([]string{"token"}, args...), &out, &errb); code != 0 {
			t.Fatalf("token %v: exit %d: %s", args, code, errb.String())
		}
		return out.String(), errb.String()
	}
	secret, msg := runOK("create", "--role", "viewer", "--area", "c9", "--expires", "30d", "--label", "dashboard")
	secret = strings.TrimSpace(secret)
	tok, err := tokenRecord(ctx, store, secret)
	if err != nil || tok.ExpiresAt == nil || time.Until(*tok.ExpiresAt) < 29*24*time.Hour || !strings.Contains(msg, "expires") {
		t.Fatalf("token %+v %v; stderr %q", tok, err, msg)
	}
	wsecret, _ := runOK("create", "--role", "worker", "--area", "c9", "--worker", fmt.Sprint(w.ID))
	wtok, err := tokenRecord(ctx, store, strings.TrimSpace(wsecret))
	if err != nil || wtok.ExpiresAt == nil || time.Until(*wtok.ExpiresAt) < 89*24*time.Hour {
		t.Fatalf("worker token default expiry: %+v %v", wtok, err)
	}
	nsecret, _ := runOK("create", "--role", "worker", "--area", "c9", "--worker", fmt.Sprint(w.ID), "--expires", "never")
	if ntok, err := tokenRecord(ctx, store, strings.TrimSpace(nsecret)); err != nil || ntok.ExpiresAt != nil {
		t.Fatalf("--expires never: %+v %v", ntok, err)
	}

	list, _ := runOK("list")
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID") || strings.Contains(list, "gst_") {
		t.Fatalf("list:\n%s", list)
	}
	if f := strings.Fields(lines[3]); f[0] != fmt.Sprint(tok.ID) || f[1] != "viewer" || f[4] != "active" || f[len(f)-1] != "dashboard" {
		t.Fatalf("oldest row %q", lines[3])
	}
	runOK("revoke", fmt.Sprint(tok.ID))
	if _, err := store.Authenticate(ctx, secret); !errors.Is(err, data.ErrTokenInvalid) {
		t.Fatalf("revoked token authenticates: %v", err)
	}
	list, _ = runOK("list", "--area", "c9")
	if !strings.Contains(list, "revoked") {
		t.Fatalf("list after revoke:\n%s", list)
	}
	if active, _ := runOK("list", "--active"); strings.Count(strings.TrimSpace(active), "\n") != 2 {
		t.Fatalf("list --active:\n%s", active)
	}
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"token", "revoke", fmt.Sprint(tok.ID)}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "not found") {
		t.Fatalf("revoke twice: exit %d: %s", code, errb.String())
	}
	if code := run(ctx, []string{"token", "revoke", "x"}, &out, &errb); code != 2 {
		t.Fatalf("revoke x: exit %d", code)
	}
}

// tokenRecord is the stored record of a valid secret.
func tokenRecord(ctx context.Context, store *data.Store, secret string) (data.TokenRecord, error) {
	tok, err := store.Authenticate(ctx, secret)
	if err != nil {
		return data.TokenRecord{}, err
	}
	return store.GetToken(ctx, tok.ID)
}
