// Package web holds gridsweep's browser pages — the supervisor console, the worker's
// phone view and the chrome-less dashboard embed — as static HTML, CSS and plain JS
// modules (no build step), embedded in the binary.
//
// The map library (MapLibre GL JS, npm package maplibre-gl pinned in package-lock.json)
// is committed as its dist files in static/vendor, with the version and SHA-256 sums
// beside them (vendor_test.go checks them against package-lock.json), so that every way
// of building — go build, go install, make build — gives pages with a working map.
// `make web-deps` refreshes them after the pinned version changes.
package web

import (
	"embed"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
)

// static holds the pages, their scripts and the vendored map library. The vendor files
// are also named one by one so that a checkout missing one fails to compile instead of
// making a binary whose pages have no map.
//
//go:embed static
//go:embed static/vendor/maplibre-gl.mjs static/vendor/maplibre-gl-worker.mjs
//go:embed static/vendor/maplibre-gl-shared.mjs static/vendor/maplibre-gl.css
var static embed.FS

// Pages maps each page's URL path to its HTML file in Static.
var pages = map[string]string{
	"/":              "index.html",
	"/supervisor":    "supervisor.html",
	"/worker":        "worker.html",
	"/embed":         "embed.html",
	"/embed/snippet": "snippet.html",
	"/fieldwork":     "fieldwork.html",
	// The console's own pages: token management and the printable end-of-day report.
	"/supervisor/tokens": "tokens.html",
	"/supervisor/report": "report.html",
}

// PagePaths lists the URL paths of the pages (sorted), for routers that register them
// one by one.
func PagePaths() []string {
	return slices.Sorted(maps.Keys(pages))
}

// StaticPrefix is the URL prefix of the assets (scripts, styles, vendored map library).
const StaticPrefix = "/static/"

// Static is the asset tree served under StaticPrefix.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic("web: embedded static folder missing: " + err.Error()) // cannot happen: the embed names it
	}
	return sub
}

// Options adjust Handler.
type Options struct {
	// EmbedOrigins gives the origins allowed to frame the embed page requested by r (its
	// viewer token's origins): none means any site may frame it. An error makes the page
	// unframable. Nil: any site may frame the embed.
	EmbedOrigins func(r *http.Request) ([]string, error)
}

// Handler serves the pages at their paths (see PagePaths) and the assets under
// StaticPrefix; anything else is 404. Any site may frame the embed.
func Handler() http.Handler {
	return NewHandler(Options{})
}

// NewHandler is Handler with options.
func NewHandler(o Options) http.Handler {
	files := http.StripPrefix(StaticPrefix[:len(StaticPrefix)-1], http.FileServerFS(Static()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		frame := "'none'"
		if r.URL.Path == "/embed" {
			frame = embedAncestors(o, r)
		}
		setSecurityHeaders(w, frame)
		if name, ok := pages[r.URL.Path]; ok {
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, Static(), name)
			return
		}
		if len(r.URL.Path) > len(StaticPrefix) && r.URL.Path[:len(StaticPrefix)] == StaticPrefix {
			// Assets are revalidated each time: a new binary must not run yesterday's script
			// against today's API; ETags keep the revalidation cheap.
			w.Header().Set("Cache-Control", "no-cache")
			if r.URL.Path == StaticPrefix+"sw.js" {
				// The worker page's service worker lives with the assets but controls /worker.
				w.Header().Set("Service-Worker-Allowed", "/")
			}
			if path.Ext(r.URL.Path) == ".mjs" {
				// Module scripts must have a JavaScript type; Go's table may lack .mjs.
				w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			}
			files.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

// embedAncestors is the embed page's frame-ancestors: its token's origins and this
// server (the snippet page previews the embed), or any site when the token names none.
func embedAncestors(o Options, r *http.Request) string {
	if o.EmbedOrigins == nil {
		return "*"
	}
	origins, err := o.EmbedOrigins(r)
	if err != nil {
		return "'none'"
	}
	if len(origins) == 0 {
		return "*"
	}
	return "'self' " + strings.Join(origins, " ")
}

// ContentSecurityPolicy is the policy of every page and asset with its frame-ancestors
// left out. Scripts come only from this server (no inline script, no eval); MapLibre runs
// its web worker from /static/vendor or, on the worker page, from a blob: copy; the map may
// fetch a style, tiles and sprites from elsewhere (the embed's style= parameter), so
// connections and https images are open. Inline style attributes are allowed: the pages
// colour legend swatches with them.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob: https:; worker-src 'self' blob:; connect-src *; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'"

// setSecurityHeaders keeps the pages out of other sites' frames unless frame says
// otherwise (the embed, which exists to be framed by dashboards), their tokens out of
// Referer headers and their assets from being sniffed into another type.
func setSecurityHeaders(w http.ResponseWriter, frame string) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", ContentSecurityPolicy+"; frame-ancestors "+frame)
	if frame == "'none'" {
		h.Set("X-Frame-Options", "DENY") // for browsers older than frame-ancestors
	}
}
