package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// runLoadCheckins is the command: a bounded load generator that posts
// check-ins to a gridsweep server on the loopback interface at rising rates, then counts
// the rows in the server's database to find acknowledged check-ins that were lost or
// stored twice. It is a measuring tool, so it refuses any address but 127.0.0.1/::1 and
// every run ends within --seconds (plus the drain of requests in flight).
//
// With --retry it behaves like a phone's offline queue: a check-in that is not
// acknowledged is sent again with the same client key until it is, which is what a
// database outage needs (scripts/faults).
func runLoadCheckins(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("loadcheckins", stderr)
	target := fs.String("url", "", "base URL of a running server, e.g. http://127.0.0.1:8080 (loopback only)")
	dbURL := databaseFlag(fs)
	rates := fs.String("rates", "100,200,400,800,1600,3200", "check-ins per second, one step each, rising")
	seconds := fs.Float64("seconds", 60, "total time of all steps; each step gets an equal share")
	inflight := fs.Int("inflight", 256, "most requests in flight; a step that needs more has not held its rate")
	retry := fs.Bool("retry", false, "resend unacknowledged check-ins with the same key until acknowledged (outage mode)")
	drain := fs.Duration("drain", 60*time.Second, "with --retry: how long to keep resending after the last step")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if err := loopbackOnly(*target); err != nil {
		return err
	}
	if *dbURL == "" {
		return usageErrorf("set DATABASE_URL or --db (the rows are counted there)")
	}
	steps, err := parseRates(*rates)
	if err != nil {
		return err
	}
	if *seconds <= 0 || *seconds > 600 {
		return usageErrorf("--seconds must be in (0, 600]")
	}
	if *inflight < 1 || *inflight > 4096 {
		return usageErrorf("--inflight must be 1..4096")
	}

	store, err := data.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	setup, err := loadSetup(ctx, store)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "loadcheckins: worker %d, block %d, run %s\n", setup.worker, setup.block, setup.run)

	g := &loadGen{
		base:   strings.TrimRight(*target, "/"),
		token:  setup.token,
		block:  setup.block,
		prefix: "load-" + setup.run + "-",
		client: &http.Client{
			Timeout: 10 * time.Second,
			Transport: &http.Transport{
				MaxIdleConns: *inflight, MaxIdleConnsPerHost: *inflight, IdleConnTimeout: 30 * time.Second,
				DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			},
		},
		acked: map[string]bool{},
		retry: *retry,
	}
	per := time.Duration(*seconds / float64(len(steps)) * float64(time.Second))
	var results []stepResult
	for i, rate := range steps {
		res := g.step(ctx, rate, per, *inflight)
		results = append(results, res)
		fmt.Fprintf(stderr, "loadcheckins: %s\n", res)
		if ctx.Err() != nil {
			break
		}
		// A rate not held makes the higher ones pointless, unless the run is about
		// riding out an outage rather than finding a ceiling.
		if !res.held() && !g.retry && i < len(steps)-1 {
			fmt.Fprintf(stderr, "loadcheckins: %d/s not held; stopping the ramp\n", rate)
			break
		}
	}
	if g.retry {
		g.drainRetries(ctx, *drain, stderr)
	}

	// Count: every acknowledged key must be in the database exactly once, and nothing
	// the server did not acknowledge may count twice either.
	count, err := countRun(ctx, store, g.prefix)
	if err != nil {
		return err
	}
	g.mu.Lock()
	acked := len(g.acked)
	var lost int
	for k := range g.acked {
		if count.keys[k] == 0 {
			lost++
		}
	}
	pending := len(g.pending)
	g.mu.Unlock()
	highest := 0
	for _, r := range results {
		if r.held() && lost == 0 && count.duplicated == 0 {
			highest = max(highest, r.rate)
		}
	}
	summary := loadSummary{
		Run: setup.run, Steps: results, Acknowledged: acked, Rows: count.rows, Lost: lost,
		Duplicated: count.duplicated, Unacknowledged: pending, HighestHeldRate: highest,
	}
	out, err := json.MarshalIndent(summary, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(out))
	if lost > 0 || count.duplicated > 0 {
		return fmt.Errorf("%d acknowledged check-ins lost, %d stored twice", lost, count.duplicated)
	}
	if g.retry && pending > 0 {
		return fmt.Errorf("%d check-ins still unacknowledged after the drain", pending)
	}
	return nil
}

// loopbackOnly refuses any target but the loopback interface: this tool generates load
// and must not be pointed at someone else's server.
func loopbackOnly(raw string) error {
	if raw == "" {
		return usageErrorf("--url is required")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return usageErrorf("--url must be an http:// URL on 127.0.0.1")
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return usageErrorf("--url must name 127.0.0.1 or [::1], not %q", u.Host)
	}
	return nil
}

func parseRates(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 100000 {
			return nil, usageErrorf("--rates: %q is not a rate from 1 to 100000", f)
		}
		if len(out) > 0 && n <= out[len(out)-1] {
			return nil, usageErrorf("--rates must rise")
		}
		out = append(out, n)
	}
	return out, nil
}

type loadSetupResult struct {
	token         string
	worker, block int64
	run           string
}

// loadSetup finds a block inside an area (importing a one-street town when the database
// has none), adds a worker there and mints a worker token for it.
func loadSetup(ctx context.Context, store *data.Store) (loadSetupResult, error) {
	var res loadSetupResult
	var area int64
	find := func() (err error) {
		res.block, area, err = store.FirstBlockInArea(ctx)
		return err
	}
	if err := find(); errors.Is(err, data.ErrRecordNotFound) {
		ext := &geo.Extract{
			Blocks: []geo.Block{{SourceID: "load:w1:0", WayID: 1, From: 1, To: 2,
				Geometry: orb.LineString{{10.002, 50.002}, {10.003, 50.002}}, LengthM: 71.5, Highway: "residential", Name: "Load Street"}},
			Areas: []geo.Area{{SourceID: "load-town", Name: "Load Town",
				Geometry: orb.MultiPolygon{{{{10, 50}, {10.01, 50}, {10.01, 50.01}, {10, 50.01}, {10, 50}}}}}},
		}
		if _, err := store.ImportOSM(ctx, ext); err != nil {
			return res, fmt.Errorf("load setup: import a test street: %w", err)
		}
		if err := find(); err != nil {
			return res, fmt.Errorf("load setup: no block inside an area after import: %w", err)
		}
	} else if err != nil {
		return res, fmt.Errorf("load setup: %w", err)
	}
	res.run = strconv.FormatInt(time.Now().UnixNano(), 36)
	name := "load " + res.run
	w, err := store.CreateWorker(ctx, data.WorkerInput{AreaID: &area, Name: &name})
	if err != nil {
		return res, fmt.Errorf("load setup: %w", err)
	}
	res.worker = w.ID
	res.token, _, err = store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleWorker, AreaID: area, WorkerID: w.ID, Label: name})
	if err != nil {
		return res, fmt.Errorf("load setup: %w", err)
	}
	return res, nil
}

type loadGen struct {
	base, token, prefix string
	block               int64
	client              *http.Client
	retry               bool
	seq                 atomic.Int64

	mu      sync.Mutex
	acked   map[string]bool
	pending []string // keys sent but not acknowledged (retry mode resends them)
}

// stepResult is one rate step's figures.
type stepResult struct {
	rate          int
	Rate          int     `json:"rate_per_s"`
	Planned       float64 `json:"planned_seconds"`
	Seconds       float64 `json:"seconds"`
	Sent          int64   `json:"sent"`
	Acked         int64   `json:"acknowledged"`
	Status503     int64   `json:"status_503"`
	OtherErrors   int64   `json:"other_errors"`
	NotSent       int64   `json:"not_sent_inflight_full"`
	AchievedPerS  float64 `json:"achieved_per_s"`
	LatencyP50ms  float64 `json:"p50_ms"`
	LatencyP99ms  float64 `json:"p99_ms"`
	FirstErrorMsg string  `json:"first_error,omitempty"`
}

// held: every check-in of the step was sent on schedule and acknowledged, and the last
// answer came at most 2 s after the step's planned end — the server kept up instead of
// building a backlog (a rising backlog shows as a run that overruns, whatever its p50).
func (r stepResult) held() bool {
	return r.NotSent == 0 && r.Status503 == 0 && r.OtherErrors == 0 && r.Acked == r.Sent &&
		r.Sent == int64(float64(r.rate)*r.Planned) && r.Seconds <= r.Planned+2
}

func (r stepResult) String() string {
	return fmt.Sprintf("%5d/s: sent %d, acked %d, 503 %d, other errors %d, not sent %d, %.0f/s acked over %.1f s (planned %.1f), p50 %.1f ms, p99 %.1f ms%s",
		r.rate, r.Sent, r.Acked, r.Status503, r.OtherErrors, r.NotSent, r.AchievedPerS, r.Seconds, r.Planned, r.LatencyP50ms, r.LatencyP99ms,
		map[bool]string{true: "", false: " " + r.FirstErrorMsg}[r.FirstErrorMsg == ""])
}

// step sends rate check-ins per second for d, open loop: each request starts at its
// scheduled time whatever the previous ones do, so a slow server shows as latency and
// requests that could not start, not as a politely lowered rate.
func (g *loadGen) step(ctx context.Context, rate int, d time.Duration, inflight int) stepResult {
	res := stepResult{rate: rate, Rate: rate, Planned: d.Seconds()}
	sem := make(chan struct{}, inflight)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var lat []time.Duration
	start := time.Now()
	total := int64(float64(rate) * d.Seconds())
	interval := time.Second / time.Duration(rate)
	for i := int64(0); i < total; i++ {
		at := start.Add(time.Duration(i) * interval)
		if wait := time.Until(at); wait > 0 {
			select {
			case <-ctx.Done():
				i = total
				continue
			case <-time.After(wait):
			}
		}
		key := g.nextKey()
		select {
		case sem <- struct{}{}:
		default:
			res.NotSent++
			if g.retry {
				g.addPending(key) // the phone keeps it queued and sends it later
			}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t0 := time.Now()
			status, err := g.post(ctx, key)
			el := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			res.Sent++
			switch {
			case err == nil && status == http.StatusOK:
				res.Acked++
				lat = append(lat, el)
			case err == nil && status == http.StatusServiceUnavailable:
				res.Status503++
			default:
				res.OtherErrors++
				if res.FirstErrorMsg == "" {
					res.FirstErrorMsg = fmt.Sprintf("status %d %v", status, err)
				}
			}
		}()
	}
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	res.AchievedPerS = float64(res.Acked) / res.Seconds
	slices.Sort(lat)
	if len(lat) > 0 {
		res.LatencyP50ms = float64(lat[len(lat)/2].Microseconds()) / 1000
		res.LatencyP99ms = float64(lat[len(lat)*99/100].Microseconds()) / 1000
	}
	return res
}

func (g *loadGen) nextKey() string {
	return g.prefix + strconv.FormatInt(g.seq.Add(1), 10)
}

func (g *loadGen) addPending(key string) {
	g.mu.Lock()
	g.pending = append(g.pending, key)
	g.mu.Unlock()
}

// post sends one check-in and records its key as acknowledged only when the server said
// it was created or already there (a duplicate of our own earlier, unanswered, attempt).
func (g *loadGen) post(ctx context.Context, key string) (int, error) {
	body, _ := json.Marshal(map[string]any{"client_key": key, "block_id": g.block, "visited_at": time.Now().UTC()})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.base+"/api/v1/visits", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.token)
	resp, err := g.client.Do(req)
	if err != nil {
		g.addPending(key)
		return 0, err
	}
	defer resp.Body.Close()
	var out struct {
		Results []data.VisitResult `json:"results"`
	}
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		g.addPending(key)
		return resp.StatusCode, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		g.addPending(key)
		return resp.StatusCode, fmt.Errorf("decode answer: %w", err)
	}
	if len(out.Results) != 1 || out.Results[0].ClientKey != key ||
		(out.Results[0].Status != data.VisitCreated && out.Results[0].Status != data.VisitDuplicate) {
		g.addPending(key)
		return resp.StatusCode, fmt.Errorf("unexpected answer %+v", out.Results)
	}
	g.mu.Lock()
	g.acked[key] = true
	g.mu.Unlock()
	return resp.StatusCode, nil
}

// drainRetries resends the unacknowledged keys, like a phone emptying its queue once the
// network (or here, the database) is back, until none is left or d has passed.
func (g *loadGen) drainRetries(ctx context.Context, d time.Duration, stderr io.Writer) {
	deadline := time.Now().Add(d)
	for round := 1; time.Now().Before(deadline) && ctx.Err() == nil; round++ {
		g.mu.Lock()
		keys := g.pending
		g.pending = nil
		g.mu.Unlock()
		var todo []string
		for _, k := range keys {
			g.mu.Lock()
			done := g.acked[k]
			g.mu.Unlock()
			if !done && !slices.Contains(todo, k) {
				todo = append(todo, k)
			}
		}
		if len(todo) == 0 {
			return
		}
		fmt.Fprintf(stderr, "loadcheckins: retry round %d: %d check-ins\n", round, len(todo))
		for _, k := range todo {
			_, _ = g.post(ctx, k)
		}
		// Drop keys that were acknowledged on this round from pending.
		g.mu.Lock()
		g.pending = slices.DeleteFunc(g.pending, func(k string) bool { return g.acked[k] })
		left := len(g.pending)
		g.mu.Unlock()
		if left == 0 {
			return
		}
		time.Sleep(time.Second)
	}
}

type runCount struct {
	rows, duplicated int
	keys             map[string]int
}

func countRun(ctx context.Context, store *data.Store, prefix string) (runCount, error) {
	c := runCount{keys: map[string]int{}}
	keys, err := store.VisitClientKeys(ctx, prefix)
	if err != nil {
		return c, fmt.Errorf("count check-ins: %w", err)
	}
	for _, k := range keys {
		c.keys[k]++
		c.rows++
		if c.keys[k] == 2 {
			c.duplicated++
		}
	}
	if c.rows == 0 {
		return c, errors.New("count check-ins: no rows at all for this run")
	}
	return c, nil
}

// loadSummary is the machine-readable result printed on stdout.
type loadSummary struct {
	Run          string       `json:"run"`
	Steps        []stepResult `json:"steps"`
	Acknowledged int          `json:"acknowledged"`
	Rows         int          `json:"rows"`
	Lost         int          `json:"lost"`
	Duplicated   int          `json:"duplicated"`
	// Unacknowledged counts check-ins sent (or, with --retry, queued) and never
	// acknowledged: the server refused them or did not answer.
	Unacknowledged  int `json:"unacknowledged"`
	HighestHeldRate int `json:"highest_rate_held_per_s"`
}
