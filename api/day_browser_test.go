package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWorkerDayInBrowser follows a worker's day on the phone page in headless Chromium
// against the real API and database: with nothing published the page says so; once the
// plan is published the page opens today's route without a plan number; a one-time
// sign-in link signs a phone in once and not twice; positions shared with consent while
// offline arrive once after going online, and a replay of them stores nothing new.
func TestWorkerDayInBrowser(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	plan := f.addDonePlan(f.areaA, f.workerA, f.blockA)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t)
	sup := f.tok["supervisor:A"]
	gpsPoints := func() int {
		t.Helper()
		var n int
		if err := f.store.Pool().QueryRow(ctx, `SELECT count(*) FROM gps_points WHERE worker_id = $1`, f.workerA).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	b.do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	b.do("open the page with no plan", chromedp.Navigate(fmt.Sprintf("%s/worker?token=%s", srv.URL, f.tok["worker:A"])))
	b.wait("page ready", `window.gridsweep && window.gridsweep.ready === true`, 30*time.Second)
	if s := evalJS[string](b, `document.getElementById('today').textContent`); !strings.Contains(s, "No route is published for you today") {
		t.Errorf("nothing published: the page says %q", s)
	}
	if evalJS[bool](b, `document.getElementById('gps-consent').checked`) {
		t.Error("position sharing is on before the worker turned it on")
	}

	res := f.do("POST", fmt.Sprintf("/api/v1/plans/%d/publish", plan), sup, map[string]any{})
	if res.status != 200 {
		t.Fatalf("publish: %s", res)
	}
	b.do("reload", chromedp.Reload())
	b.wait("today's route open", fmt.Sprintf(`window.gridsweep && window.gridsweep.ready && window.gridsweep.today === %d && document.querySelectorAll('#steps li').length === 1`, plan), 30*time.Second)
	if s := evalJS[string](b, `document.getElementById('today').textContent`); s != fmt.Sprintf("Today’s route (plan %d).", plan) {
		t.Errorf("today line %q", s)
	}
	if u := b.unnamedControls(); u != "" {
		t.Errorf("controls without a name:\n%s", u)
	}
	if w := evalJS[int](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the page is %d px wide on a 360 px screen", w)
	}

	// One-time sign-in: a phone without a token opens the link and is signed in; the same
	// link on a second phone (or a reload of an old tab) is refused.
	res = f.do("POST", fmt.Sprintf("/api/v1/workers/%d/signin-codes", f.workerA), sup, nil)
	if res.status != 201 {
		t.Fatalf("sign-in code: %s", res)
	}
	link := srv.URL + res.json["url"].(string)
	b.do("forget the token", chromedp.Evaluate[chromedp.Void](`localStorage.removeItem('gridsweep.token.worker')`))
	b.do("open the sign-in link", chromedp.Navigate(link))
	b.wait("signed in, today's route open", fmt.Sprintf(`window.gridsweep && window.gridsweep.ready && window.gridsweep.today === %d`, plan), 30*time.Second)
	if href := evalJS[string](b, `location.href`); strings.Contains(href, "code=") {
		t.Errorf("the code stayed in the address bar: %s", href)
	}
	kept := evalJS[string](b, `localStorage.getItem('gridsweep.token.worker') || ''`)
	if kept == "" || kept == f.tok["worker:A"] {
		t.Fatalf("the page kept token %q after the sign-in, want a new worker token", kept)
	}
	if me := f.do("GET", "/api/v1/me", kept, nil); me.status != 200 || num(me.json["worker_id"]) != f.workerA {
		t.Fatalf("the kept token: %s", me)
	}
	b.do("forget the token again", chromedp.Evaluate[chromedp.Void](`localStorage.removeItem('gridsweep.token.worker')`))
	b.do("open the used link", chromedp.Navigate(link))
	b.wait("refused", `document.getElementById('tokenerror').textContent.includes('already used') && !document.getElementById('tokenform').hidden`, 30*time.Second)
	b.screenshot("worker-signin-used")

	// Positions: offline, with consent, every second.
	b.do("sign in again", chromedp.Navigate(fmt.Sprintf("%s/worker?token=%s", srv.URL, f.tok["worker:A"])))
	b.wait("route open", fmt.Sprintf(`window.gridsweep && window.gridsweep.ready && window.gridsweep.today === %d`, plan), 30*time.Second)
	b.do("put the phone on the street", b.at(10.0015, 50.001))
	b.do("go offline", b.offline(true))
	b.wait("page sees offline", `navigator.onLine === false`, 5*time.Second)
	b.do("record every second", chromedp.SetValue(chromedp.CSS(`#gps-every`), "1"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('gps-every').dispatchEvent(new Event('change'))`))
	b.do("turn sharing on from the keyboard", chromedp.Focus(chromedp.CSS(`#gps-consent`)), chromedp.KeyEvent(" "))
	b.wait("three positions queued", `JSON.parse(localStorage.getItem('gridsweep.gpsqueue') || '[]').length >= 3`, 20*time.Second)
	b.do("turn sharing off", chromedp.Focus(chromedp.CSS(`#gps-consent`)), chromedp.KeyEvent(" "))
	b.screenshot("worker-gps-offline")
	raw := evalJS[string](b, `localStorage.getItem('gridsweep.gpsqueue')`)
	queued := evalJS[int](b, `JSON.parse(localStorage.getItem('gridsweep.gpsqueue')).length`)
	if n := gpsPoints(); n != 0 {
		t.Fatalf("%d positions stored while offline", n)
	}
	b.do("go online", b.offline(false))
	b.wait("positions sent", `JSON.parse(localStorage.getItem('gridsweep.gpsqueue')).length === 0`, 30*time.Second)
	if n := gpsPoints(); n != queued {
		t.Fatalf("%d positions stored, want the %d queued", n, queued)
	}
	b.do("replay", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`localStorage.setItem('gridsweep.gpsqueue', %q); window.dispatchEvent(new Event('online'))`, raw)))
	b.wait("replay sent", `JSON.parse(localStorage.getItem('gridsweep.gpsqueue')).length === 0`, 30*time.Second)
	if n := gpsPoints(); n != queued {
		t.Fatalf("%d positions stored after the replay, want still %d", n, queued)
	}
	b.do("reload", chromedp.Reload())
	b.wait("route open", `window.gridsweep && window.gridsweep.ready === true`, 30*time.Second)
	if evalJS[bool](b, `document.getElementById('gps-consent').checked`) || evalJS[string](b, `document.getElementById('gps-every').value`) != "1" {
		t.Error("the page forgot the worker's choices (sharing off, every 1 s)")
	}
	b.do("zh-CN", chromedp.SetValue(chromedp.CSS(`#lang`), "zh-CN"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('lang').dispatchEvent(new Event('change'))`))
	b.wait("chinese", `document.getElementById('gps-status').textContent.includes('未共享位置')`, 5*time.Second)
	b.screenshot("worker-today-zh")
	b.do("desktop viewport", chromedp.ResetViewport())
}

// TestTokensPageInBrowser manages tokens from the console's tokens page: a worker token
// made with an expiry shows its secret once and works; revoked from the list, it is
// refused at once.
func TestTokensPageInBrowser(t *testing.T) {
	f := newFixture(t)
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	b := newBrowser(t)
	b.do("open the tokens page", chromedp.Navigate(fmt.Sprintf("%s/supervisor/tokens?token=%s", srv.URL, f.tok["supervisor:A"])))
	b.wait("page ready", `window.gridsweep && window.gridsweep.ready === true`, 30*time.Second)
	if u := b.unnamedControls(); u != "" {
		t.Errorf("controls without a name:\n%s", u)
	}
	b.do("make a worker token for Ann, 30 days",
		chromedp.SetValue(chromedp.CSS(`#role`), "worker"),
		chromedp.SetValue(chromedp.CSS(`#worker`), fmt.Sprint(f.workerA)),
		chromedp.SetValue(chromedp.CSS(`#expires`), "30d"),
		chromedp.SendKeys(chromedp.CSS(`#label`), "Ann's phone"),
		chromedp.Click(chromedp.CSS(`#create`)))
	b.wait("secret shown", `!document.getElementById('secretbox').hidden && document.getElementById('secret').value.length > 10`, 10*time.Second)
	secret := evalJS[string](b, `document.getElementById('secret').value`)
	if me := f.do("GET", "/api/v1/me", secret, nil); me.status != 200 || num(me.json["worker_id"]) != f.workerA {
		t.Fatalf("the new token: %s", me)
	}
	id := int64(evalJS[float64](b, `window.gridsweep.created`))
	row := fmt.Sprintf(`#tokens tr[data-id="%d"]`, id)
	b.wait("listed", `document.querySelector('`+row+`')`, 10*time.Second)
	cells := evalJS[[]string](b, `[...document.querySelectorAll('`+row+` td')].map(c => c.textContent)`)
	if len(cells) != 8 || cells[1] != "Worker (phone)" || cells[2] != "Ann" || cells[3] != "Ann's phone" || cells[6] != "active" {
		t.Errorf("the new token's row %q", cells)
	}
	if evalJS[bool](b, `document.getElementById('areafield').offsetParent !== null`) {
		t.Error("the area field shows for a worker token (its area is the worker's)")
	}
	b.screenshot("tokens-created")
	b.do("revoke it", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`), chromedp.Click(chromedp.CSS(row+` button.revoke`)))
	b.wait("gone from the active list", `document.getElementById('status').dataset.kind === 'ok' && !document.querySelector('`+row+`')`, 10*time.Second)
	if me := f.do("GET", "/api/v1/me", secret, nil); me.status != 401 {
		t.Fatalf("the revoked token: %s, want 401", me)
	}
	b.do("show all tokens", chromedp.Click(chromedp.CSS(`#onlyactive`)))
	b.wait("listed as revoked", `(document.querySelector('`+row+`') || {}).dataset?.status === 'revoked' && !document.querySelector('`+row+` button')`, 10*time.Second)
	b.do("zh-CN", chromedp.SetValue(chromedp.CSS(`#lang`), "zh-CN"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('lang').dispatchEvent(new Event('change'))`))
	b.wait("chinese", `document.querySelector('`+row+` td:nth-child(7)').textContent === '已吊销'`, 5*time.Second)
	b.screenshot("tokens-zh")
	b.do("phone viewport", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	if w := evalJS[int](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the tokens page is %d px wide on a 360 px screen", w)
	}
	b.screenshot("tokens-phone")
	b.do("desktop viewport", chromedp.ResetViewport())
}
