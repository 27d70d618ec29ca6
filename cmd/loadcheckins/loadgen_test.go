package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/api"
	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/data/datatest"
)

// TestLoadCheckinsShort is the short version of `make load`: two low rates for two
// seconds against an in-process server, then the row count must match the acknowledged
// check-ins exactly.
func TestLoadCheckinsShort(t *testing.T) {
	ctx := context.Background()
	dbURL := datatest.NewDatabase(t)
	store, err := data.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := httptest.NewServer(api.New(store, api.Options{}))
	defer srv.Close()

	var out, errOut bytes.Buffer
	err = runLoadCheckins(ctx, []string{"--url", srv.URL, "--db", dbURL, "--seconds", "2", "--rates", "20,40"}, &out, &errOut)
	if err != nil {
		t.Fatalf("loadcheckins: %v\n%s", err, errOut.String())
	}
	var sum loadSummary
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, out.String())
	}
	var sent int64
	for _, s := range sum.Steps {
		sent += s.Sent
	}
	if len(sum.Steps) == 0 || sent == 0 {
		t.Fatalf("nothing was sent: %s", out.String())
	}
	if sum.Lost != 0 || sum.Duplicated != 0 || int64(sum.Acknowledged) != sent || sum.Rows != sum.Acknowledged {
		t.Fatalf("sent %d: %s", sent, out.String())
	}
	if keys, err := store.VisitClientKeys(ctx, ""); err != nil || len(keys) != sum.Rows {
		t.Fatalf("visits table has %d rows (%v), summary says %d", len(keys), err, sum.Rows)
	}
}

func TestLoadCheckinsLoopbackOnly(t *testing.T) {
	for _, tt := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://[::1]:8080/", true},
		{"http://localhost:8080", false}, // a name could resolve anywhere
		{"http://10.0.0.1:8080", false},
		{"http://example.com", false},
		{"https://127.0.0.1:8080", false},
		{"", false},
	} {
		err := loopbackOnly(tt.url)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, errUsage)) {
			t.Errorf("loopbackOnly(%q) = %v", tt.url, err)
		}
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--url", "http://192.0.2.1:80", "--db", "postgres://x"}, io.Discard, &stderr); code != 2 ||
		strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "127.0.0.1") {
		t.Fatalf("non-loopback target: exit %d, %q; want 2 and one line", code, stderr.String())
	}
}
