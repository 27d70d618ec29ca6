package data

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestNormalizeOrigins(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string // nil with wantErr
		err  bool
	}{
		{in: nil, want: nil},
		{in: []string{"https://a.example", "https://b.example"}, want: []string{"https://a.example", "https://b.example"}},
		{in: []string{" HTTPS://Dash.Example:443/ ", "https://dash.example"}, want: []string{"https://dash.example"}},
		{in: []string{"http://localhost:8080", "http://x.example:80"}, want: []string{"http://localhost:8080", "http://x.example"}},
		{in: []string{"https://[::1]:8443", "http://[::1]"}, want: []string{"https://[::1]:8443", "http://[::1]"}},
		{in: []string{"https://a.example/path"}, err: true},
		{in: []string{"https://a.example?x=1"}, err: true},
		{in: []string{"https://a.example#f"}, err: true},
		{in: []string{"ftp://a.example"}, err: true},
		{in: []string{"a.example"}, err: true},
		{in: []string{"https://user@a.example"}, err: true},
		{in: []string{"https://*.example"}, err: true},
		{in: []string{"https://"}, err: true},
		{in: []string{"*"}, err: true},
		{in: []string{""}, err: true},
	} {
		got, err := NormalizeOrigins(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("NormalizeOrigins(%q) error %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("NormalizeOrigins(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTokenOrigins(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	var area int64
	if err := s.pool.QueryRow(ctx, `INSERT INTO areas (source_id, name, kind, geom)
		VALUES ('t1', 'T', 'community', ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 4326))) RETURNING id`).Scan(&area); err != nil {
		t.Fatal(err)
	}
	viewer := NewTokenParams{Role: RoleViewer, AreaID: area}

	secret, tok, err := s.CreateTokenForOrigins(ctx, viewer, []string{"https://A.example/", "https://b.example"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://a.example", "https://b.example"}
	if got, err := s.TokenOrigins(ctx, tok.ID); err != nil || !slices.Equal(got, want) {
		t.Fatalf("TokenOrigins = %q, %v; want %q", got, err, want)
	}
	if got, err := s.OriginsOfSecret(ctx, secret); err != nil || !slices.Equal(got, want) {
		t.Fatalf("OriginsOfSecret = %q, %v; want %q", got, err, want)
	}
	if _, err := s.Authenticate(ctx, secret); err != nil {
		t.Fatalf("a token with origins must authenticate: %v", err)
	}

	// No origins: any origin, and the plain CreateToken path stays as it was.
	open, openTok, err := s.CreateTokenForOrigins(ctx, viewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.OriginsOfSecret(ctx, open); err != nil || len(got) != 0 {
		t.Fatalf("OriginsOfSecret of an unrestricted token = %q, %v", got, err)
	}

	if _, err := s.OriginsOfSecret(ctx, "gst_nope"); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("unknown secret: %v, want ErrTokenInvalid", err)
	}
	if err := s.RevokeToken(ctx, openTok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OriginsOfSecret(ctx, open); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("revoked secret: %v, want ErrTokenInvalid", err)
	}

	// Refused before anything is stored: a bad origin, and origins on another role.
	var before int
	_ = s.pool.QueryRow(ctx, `SELECT count(*) FROM api_tokens`).Scan(&before)
	if _, _, err := s.CreateTokenForOrigins(ctx, viewer, []string{"https://a.example/x"}); err == nil {
		t.Fatal("an origin with a path was accepted")
	}
	sup := NewTokenParams{Role: RoleSupervisor, AreaID: area}
	if _, _, err := s.CreateTokenForOrigins(ctx, sup, []string{"https://a.example"}); err == nil {
		t.Fatal("origins on a supervisor token were accepted")
	}
	var after int
	_ = s.pool.QueryRow(ctx, `SELECT count(*) FROM api_tokens`).Scan(&after)
	if after != before {
		t.Fatalf("refused creations stored %d tokens", after-before)
	}
}
