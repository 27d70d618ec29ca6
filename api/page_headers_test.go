package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/data"
)

// TestPageSecurityHeaders: every page served through the real router carries the CSP
// (scripts from this server only), no-referrer and nosniff; the consoles, the phone page,
// the start page and the snippet page may not be framed, the embed may.
func TestPageSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		path  string
		frame string
	}{
		{"/", "'none'"},
		{"/supervisor", "'none'"},
		{"/worker", "'none'"},
		{"/fieldwork", "'none'"},
		{"/embed/snippet", "'none'"},
		{"/embed", "*"},
		{"/static/js/common.js", "'none'"},
		{"/static/vendor/maplibre-gl.mjs", "'none'"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := f.do("GET", tc.path, "", nil)
			if res.status != 200 {
				t.Fatalf("%s: %d", tc.path, res.status)
			}
			h := res.header
			csp := h.Get("Content-Security-Policy")
			directives := map[string]string{}
			for _, d := range strings.Split(csp, ";") {
				name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
				directives[name] = value
			}
			for name, want := range map[string]string{
				"script-src":      "'self'",
				"default-src":     "'self'",
				"object-src":      "'none'",
				"base-uri":        "'self'",
				"frame-ancestors": tc.frame,
			} {
				if directives[name] != want {
					t.Errorf("CSP %s = %q, want %q (CSP %q)", name, directives[name], want, csp)
				}
			}
			if strings.Contains(directives["script-src"], "unsafe") {
				t.Errorf("script-src allows %s", directives["script-src"])
			}
			if got := h.Get("Referrer-Policy"); got != "no-referrer" {
				t.Errorf("Referrer-Policy %q", got)
			}
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if xfo := h.Get("X-Frame-Options"); (tc.frame == "'none'") != (xfo == "DENY") {
				t.Errorf("X-Frame-Options %q with frame-ancestors %s", xfo, tc.frame)
			}
		})
	}
}

// TestEmbedTokenOrigins: a viewer token created for origins lets only them frame its
// embed (and this server, whose snippet page previews it) and use it from a browser; a
// token without origins, an unknown token or none leaves the embed framable by anyone.
func TestEmbedTokenOrigins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	bound, _, err := f.store.CreateTokenForOrigins(ctx, data.NewTokenParams{Role: data.RoleViewer, AreaID: f.areaA},
		[]string{"https://a.example", "https://b.example"})
	if err != nil {
		t.Fatal(err)
	}
	free := f.tok["viewer:A"]

	frame := func(query string) string {
		t.Helper()
		res := f.do("GET", "/embed?layer=coverage&"+query, "", nil)
		if res.status != 200 {
			t.Fatalf("embed: %d", res.status)
		}
		_, fa, ok := strings.Cut(res.header.Get("Content-Security-Policy"), "frame-ancestors ")
		if !ok {
			t.Fatalf("no frame-ancestors in %q", res.header.Get("Content-Security-Policy"))
		}
		if xfo := res.header.Get("X-Frame-Options"); xfo != "" {
			t.Errorf("embed sends X-Frame-Options %q, which would forbid every frame", xfo)
		}
		return fa
	}
	for _, tc := range []struct{ query, want string }{
		{"token=" + bound, "'self' https://a.example https://b.example"},
		{fmt.Sprintf("area=%d&token=%s", f.areaA, bound), "'self' https://a.example https://b.example"},
		{"token=" + free, "*"},
		{"token=gst_unknown", "*"},
		{"", "*"},
	} {
		if got := frame(tc.query); got != tc.want {
			t.Errorf("embed?%s: frame-ancestors %q, want %q", tc.query, got, tc.want)
		}
	}

	// API and tile calls with the bound token: its origins, this server and clients that
	// send no Origin pass; another site is refused. The unbound token works from anywhere.
	for _, tc := range []struct {
		token, origin string
		status        int
	}{
		{bound, "", 200},
		{bound, "https://a.example", 200},
		{bound, "https://b.example", 200},
		{bound, "http://example.com", 200}, // httptest's own host: the server's pages
		{bound, "https://evil.example", 403},
		{bound, "https://a.example.evil.example", 403},
		{bound, "null", 403},
		{free, "https://evil.example", 200},
	} {
		for _, path := range []string{"/api/v1/me", "/tiles/streets/14/8647/5555.mvt", "/tiles/coverage.json"} {
			var hdr []string
			if tc.origin != "" {
				hdr = []string{"Origin", tc.origin}
			}
			res := f.do("GET", path, tc.token, nil, hdr...)
			if res.status != tc.status {
				t.Errorf("%s with Origin %q: %d, want %d (%.120s)", path, tc.origin, res.status, tc.status, res.body)
			}
			if tc.status == 403 && res.json["type"] != "https://gridsweep.dev/problems/forbidden" {
				t.Errorf("%s refused without a forbidden problem: %.120s", path, res.body)
			}
		}
	}
}
