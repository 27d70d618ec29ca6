// Package web holds gridsweep's browser pages — the supervisor console, the worker's
// phone view and the chrome-less dashboard embed — as static HTML, CSS and plain JS
// modules (no build step), embedded in the binary.
//
// The map library (MapLibre GL JS, npm package maplibre-gl pinned in package-lock.json)
// is not committed: `make web-deps` runs npm ci here and copies its dist files into
// static/vendor, which the embed picks up. Built without them, the pages still load and
// say that the map library is missing; HasMapLibrary reports which case a binary is.
package web

import (
	"embed"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
)

// static holds the pages and whatever `make web-deps` put in static/vendor. The pattern
// names the folder, not the vendor files, so a build without them still compiles.
//
//go:embed static
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

// HasMapLibrary reports whether the binary was built with the vendored MapLibre files.
func HasMapLibrary() bool {
	_, err := fs.Stat(Static(), "vendor/maplibre-gl.mjs")
	return err == nil
}

// Handler serves the pages at their paths (see PagePaths) and the assets under
// StaticPrefix; anything else is 404.
func Handler() http.Handler {
	files := http.StripPrefix(StaticPrefix[:len(StaticPrefix)-1], http.FileServerFS(Static()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		setSecurityHeaders(w, r.URL.Path)
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

// setSecurityHeaders keeps the pages out of other sites' frames, except the embed,
// which exists to be framed by dashboards. Scripts come only from this server; the map
// may fetch a style from elsewhere (the style= parameter), so connections are open.
func setSecurityHeaders(w http.ResponseWriter, p string) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	frame := "'none'"
	if p == "/embed" {
		frame = "*"
	}
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data: blob: https:; worker-src 'self' blob:; connect-src *; frame-ancestors "+frame)
}
