package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	h := Handler()
	for _, tc := range []struct {
		method, path string
		status       int
		contains     string // in the body
		ctype        string // prefix of Content-Type
		frame        string // frame-ancestors value in the CSP
	}{
		{"GET", "/", 200, `href="/supervisor"`, "text/html", "'none'"},
		{"GET", "/supervisor", 200, `src="/static/js/supervisor.js"`, "text/html", "'none'"},
		{"GET", "/worker", 200, `src="/static/js/worker.js"`, "text/html", "'none'"},
		{"GET", "/embed", 200, `src="/static/js/embed.js"`, "text/html", "*"},
		{"GET", "/embed/snippet", 200, `src="/static/js/snippet.js"`, "text/html", "'none'"},
		{"GET", "/static/js/common.js", 200, "export function t(", "text/javascript", "'none'"},
		{"GET", "/static/css/app.css", 200, ":focus-visible", "text/css", "'none'"},
		{"GET", "/static/nope.js", 404, "", "", ""},
		{"GET", "/static/../web.go", 404, "", "", ""},
		{"GET", "/elsewhere", 404, "", "", ""},
		{"POST", "/supervisor", 405, "", "", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status != 200 {
				return
			}
			if !strings.Contains(string(body), tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
				t.Errorf("Content-Type %q, want %s…", ct, tc.ctype)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors "+tc.frame) {
				t.Errorf("CSP %q does not end with frame-ancestors %s", csp, tc.frame)
			}
		})
	}
}

// TestServiceWorkerScope: the worker page's service worker lives under /static/ but must
// be allowed to control /worker.
func TestServiceWorkerScope(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/sw.js", nil))
	if rec.Code != 200 || rec.Header().Get("Service-Worker-Allowed") != "/" {
		t.Fatalf("sw.js: %d, Service-Worker-Allowed %q", rec.Code, rec.Header().Get("Service-Worker-Allowed"))
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("sw.js Content-Type %q", rec.Header().Get("Content-Type"))
	}
}

// TestPagesReferenceOnlyEmbeddedAssets catches a page pointing at a script or style that
// is not in the binary.
func TestPagesReferenceOnlyEmbeddedAssets(t *testing.T) {
	h := Handler()
	for _, p := range PagePaths() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		body := rec.Body.String()
		for _, attr := range []string{`src="`, `href="`} {
			for rest := body; ; {
				i := strings.Index(rest, attr)
				if i < 0 {
					break
				}
				rest = rest[i+len(attr):]
				ref := rest[:strings.IndexByte(rest, '"')]
				if !strings.HasPrefix(ref, StaticPrefix) {
					continue
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, ref, nil))
				if rec.Code != 200 {
					t.Errorf("%s refers to %s, which answers %d", p, ref, rec.Code)
				}
			}
		}
	}
}

// TestI18nKeysInBothLanguages keeps the two string tables in step: every key the
// pages use exists in English and Chinese. i18n.js merges the tables of i18n_day.js.
func TestI18nKeysInBothLanguages(t *testing.T) {
	keys := func(s string, into map[string]bool) {
		for _, line := range strings.Split(s, "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "'") && strings.Contains(line, "':") && !strings.HasSuffix(line, "{") {
				into[line[1:strings.Index(line[1:], "'")+1]] = true
			}
		}
	}
	en, cn := map[string]bool{}, map[string]bool{}
	for _, file := range []string{"js/i18n.js", "js/i18n_day.js"} {
		b, err := fs.ReadFile(Static(), file)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		zh := strings.Index(src, "'zh-CN': {")
		if zh < 0 {
			t.Fatalf("no zh-CN table in %s", file)
		}
		keys(src[:zh], en)
		keys(src[zh:], cn)
	}
	if len(en) < 50 {
		t.Fatalf("only %d English keys found", len(en))
	}
	for k := range en {
		if !cn[k] {
			t.Errorf("key %q has no Chinese string", k)
		}
	}
	for k := range cn {
		if !en[k] {
			t.Errorf("key %q has no English string", k)
		}
	}
	// Every key a page or script names is in the table (dynamic 'wk.step.' + kind and
	// 'status.' + status keys are listed in full in the table and skipped here).
	used := regexp.MustCompile(`data-i18n(?:-aria|-placeholder|-title)?="([a-z.]+)"|\bt\('([a-z.]+)'|announce\([^,]+, '([a-z.]+)'`)
	err := fs.WalkDir(Static(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path, "vendor/") {
			return err
		}
		b, err := fs.ReadFile(Static(), path)
		if err != nil {
			return err
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2] + m[3]
			if !en[k] && !strings.HasSuffix(k, ".") {
				t.Errorf("%s uses the string %q, which the table lacks", path, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEmbedFrameAncestors: the embed's frame-ancestors follow Options.EmbedOrigins — its
// token's origins and this server, any site when there are none, no site on an error —
// while the other pages stay unframable whatever it says.
func TestEmbedFrameAncestors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		origins []string
		err     error
		path    string
		want    string
	}{
		{"origins", []string{"https://a.example", "https://b.example"}, nil, "/embed", "'self' https://a.example https://b.example"},
		{"none", nil, nil, "/embed", "*"},
		{"lookup failed", nil, io.ErrUnexpectedEOF, "/embed", "'none'"},
		{"console stays unframable", []string{"https://a.example"}, nil, "/supervisor", "'none'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var asked string
			h := NewHandler(Options{EmbedOrigins: func(r *http.Request) ([]string, error) {
				asked = r.URL.Query().Get("token")
				return tc.origins, tc.err
			}})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path+"?token=gst_x", nil))
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.HasSuffix(csp, "; frame-ancestors "+tc.want) {
				t.Fatalf("CSP %q, want frame-ancestors %s", csp, tc.want)
			}
			if tc.path == "/embed" && asked != "gst_x" {
				t.Fatalf("EmbedOrigins saw token %q", asked)
			}
			if !strings.Contains(csp, "script-src 'self';") || rec.Header().Get("Referrer-Policy") != "no-referrer" {
				t.Fatalf("headers %v", rec.Header())
			}
		})
	}
}
