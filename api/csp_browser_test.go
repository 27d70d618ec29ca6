package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/gridsweep/gridsweep/data"
)

// cspWatch records every Content-Security-Policy violation a document reports, from its
// first script on (DevTools injects it, so the policy does not apply to it).
const cspWatch = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.effectiveDirective + ' ' + e.blockedURI));`

// TestPagesUnderCSPInBrowser opens the pages in headless Chromium with their real
// Content-Security-Policy: each loads, draws its map (MapLibre's worker from
// /static/vendor, or from a blob: copy on the phone page) and reports no violation; the
// policy is in force (an eval is refused and reported). A page on another origin may
// frame the embed of a token created for it, but neither the console nor the embed of a
// token created for someone else.
func TestPagesUnderCSPInBrowser(t *testing.T) {
	b := newBrowser(t)
	f := newFixture(t)
	f.addStreetGrid()
	var bearers sync.Map // Authorization headers the server has seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bearers.Store(r.Header.Get("Authorization"), true)
		f.h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatal(err)
	}
	mapDrawn := `window.gridsweep && window.gridsweep.ready && window.gridsweep.map && window.gridsweep.map.loaded() &&
		window.gridsweep.map.queryRenderedFeatures({layers: ['streets']}).length > 0`
	for _, tc := range []struct{ name, url, ready string }{
		{"supervisor", fmt.Sprintf("/supervisor?token=%s&area=%d", f.tok["supervisor:A"], f.gridA1), mapDrawn},
		// Without a plan the phone shows the whole world, where the streets are too small
		// to draw: its map must still load every tile through the blob: worker.
		{"worker", "/worker?token=" + f.tok["worker:A"], `window.gridsweep && window.gridsweep.ready && window.gridsweep.map && window.gridsweep.map.loaded()`},
		{"embed", fmt.Sprintf("/embed?layer=coverage&area=%d&token=%s", f.gridA1, f.tok["viewer:A"]), mapDrawn},
		{"fieldwork", "/fieldwork?token=" + f.tok["supervisor:A"], `window.gridsweep && window.gridsweep.ready === true`},
		{"snippet", "/embed/snippet", `document.readyState === 'complete'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.t = t
			b.mu.Lock()
			b.console = nil
			b.mu.Unlock()
			b.do("open "+tc.name, chromedp.Navigate(srv.URL+tc.url))
			b.wait(tc.name+" ready", tc.ready, 40*time.Second)
			// Late violations (a tile, the map's worker) would land in the next second.
			time.Sleep(time.Second)
			if v := evalJS[[]string](b, `window.__csp`); len(v) > 0 {
				t.Errorf("CSP violations: %q", v)
			}
			b.mu.Lock()
			for _, m := range b.console {
				if strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Refused to") {
					t.Errorf("console: %s", m)
				}
			}
			b.mu.Unlock()
		})
	}

	t.Run("policy in force", func(t *testing.T) {
		b.t = t
		// An inline script, as an injection would add: refused and reported.
		evalJS[bool](b, `(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = true'; document.head.append(s); return true; })()`)
		b.wait("inline script reported", `window.__csp.some((v) => v.startsWith('script-src'))`, 5*time.Second)
		if evalJS[bool](b, `window.__inline === true`) {
			t.Fatal("an inline script ran: the page has no script-src policy")
		}
	})

	t.Run("framing", func(t *testing.T) {
		b.t = t
		// The dashboard: another origin (localhost, not 127.0.0.1) framing three pages.
		var frames string
		dash := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, frames)
		}))
		t.Cleanup(dash.Close)
		dashOrigin := strings.Replace(dash.URL, "127.0.0.1", "localhost", 1)
		ctx := context.Background()
		mine, _, err := f.store.CreateTokenForOrigins(ctx, data.NewTokenParams{Role: data.RoleViewer, AreaID: f.areaA}, []string{dashOrigin})
		if err != nil {
			t.Fatal(err)
		}
		theirs, _, err := f.store.CreateTokenForOrigins(ctx, data.NewTokenParams{Role: data.RoleViewer, AreaID: f.areaA}, []string{"https://other.example"})
		if err != nil {
			t.Fatal(err)
		}
		embed := fmt.Sprintf("%s/embed?layer=coverage&area=%d&token=", srv.URL, f.gridA1)
		frames = fmt.Sprintf(`<!doctype html><title>dashboard</title>
<iframe id="mine" src="%s"></iframe><iframe id="theirs" src="%s"></iframe><iframe id="console" src="%s/supervisor"></iframe>`,
			embed+mine, embed+theirs, srv.URL)
		b.mu.Lock()
		b.console = nil
		b.mu.Unlock()
		b.do("open dashboard", chromedp.Navigate(dashOrigin+"/"))
		// Chromium reports each refused frame on the framing page's console, quoting the
		// directive that refused it (the framed URL is cut to its origin).
		refused := func(directive string) bool {
			b.mu.Lock()
			defer b.mu.Unlock()
			for _, m := range b.console {
				if strings.Contains(m, `"frame-ancestors `+directive+`"`) {
					return true
				}
			}
			return false
		}
		theirsRefused, consoleRefused := "'self' https://other.example", "'none'"
		deadline := time.Now().Add(20 * time.Second)
		for !(refused(theirsRefused) && refused(consoleRefused)) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if !refused(theirsRefused) {
			t.Error("another dashboard framed the embed of a token made for https://other.example")
		}
		if !refused(consoleRefused) {
			t.Error("another origin framed the supervisor console")
		}
		// The embed of the dashboard's own token runs inside its frame: it asks for tiles.
		for _, ok := bearers.Load("Bearer " + mine); !ok && time.Now().Before(deadline); _, ok = bearers.Load("Bearer " + mine) {
			time.Sleep(100 * time.Millisecond)
		}
		if _, ok := bearers.Load("Bearer " + mine); !ok {
			t.Error("the embed framed by its own dashboard made no API call")
		}
		if _, ok := bearers.Load("Bearer " + theirs); ok {
			t.Error("the refused embed made API calls")
		}
		if refused("'self' " + dashOrigin) {
			t.Errorf("the embed of a token made for %s was refused its frame", dashOrigin)
		}
	})
}
