package api

import (
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb/maptile"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

// TileOptions configure the tile server. The zero value is an in-memory cache of
// DefaultTileCacheBytes kept fresh through LISTEN/NOTIFY.
type TileOptions struct {
	// Cache stores rendered tiles; nil means NewMemoryTileCache(DefaultTileCacheBytes).
	Cache TileCache
	// Listening, if set, is called whenever the LISTEN connection that invalidates the
	// cache is (re)established: tests wait for it before writing.
	Listening func()
}

// Tile media types and the problem kind of a bad tile request. A bad z/x/y or query is the
// client's mistake in the URL, so 400 rather than the 422 of an invalid JSON body.
const (
	mvtContentType     = "application/vnd.mapbox-vector-tile"
	KindInvalidTileReq = "invalid-tile-request"
)

// Cache-Control of the tiles (see cacheControl). "private": the responses answer an
// authenticated request.
const (
	cacheControlLive = "private, no-cache"
	cacheControlBase = "private, max-age=300"
)

// tileService serves every /tiles route; it shares the server's store and auth.
type tileService struct {
	s      *server
	cache  TileCache
	layers tileLayers
	// now is the clock for days= windows.
	now func() time.Time
	// listening is set once LISTEN is in effect: before, a change could go unnoticed, so
	// nothing is cached. (A connection lost later purges the cache when it is back.)
	listening atomic.Bool
	// uncached is set when invalidation stopped working for good.
	uncached atomic.Bool
	// gzips holds *gzip.Writer at BestSpeed.
	gzips sync.Pool
	// events fans changes out to /tiles/events streams.
	events broadcast[data.TileChange]
}

// registerTiles adds the tile routes to r and starts the cache's LISTEN loop, which ends
// when the store is closed.
func (s *server) registerTiles(r *mux.Router, roles []string) {
	ts := &tileService{s: s, cache: s.opts.Tiles.Cache, layers: newTileLayers(data.TileLayers()), now: time.Now}
	ts.gzips.New = func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // a valid level never fails
		return zw
	}
	if ts.cache == nil {
		ts.cache = NewMemoryTileCache(DefaultTileCacheBytes)
	}
	go ts.listen(s.opts.Tiles.Listening)

	r.Handle("/tiles/{layer:"+ts.layers.routePattern()+"}/{z}/{x}/{y}.mvt", s.authed(roles, ts.handleVectorTile)).Methods(http.MethodGet)
	r.Handle("/tiles/heat/{z}/{x}/{y}.png", s.authed(roles, ts.handleHeatPNG)).Methods(http.MethodGet)
	r.Handle("/tiles/{layer:"+ts.layers.routePattern(heatRaster)+"}.json", s.authed(roles, ts.handleTileJSON)).Methods(http.MethodGet)
	r.Handle("/tiles/events", s.authed(roles, ts.handleTileEvents)).Methods(http.MethodGet)
}

func (ts *tileService) listen(ready func()) {
	err := ts.s.store.ListenTileChanges(context.Background(), func(c data.TileChange) {
		if c.All {
			ts.cache.Purge()
		} else {
			ts.cache.Invalidate(ts.layers.stale(c.Layers), c.Boxes)
		}
		// After the cache: a dashboard that refetches at once gets the new tile.
		ts.events.publish(c, data.TileChange{All: true})
	}, func() {
		ts.listening.Store(true)
		if ready != nil {
			ready()
		}
	})
	if err != nil {
		// Without notifications a cached tile could stay stale forever: stop caching.
		ts.s.log.Error("tile cache invalidation stopped; tiles are no longer cached", slog.String("error", err.Error()))
		ts.uncached.Store(true)
		ts.cache.Purge()
	}
}

// tileProblem is a 400 problem for a malformed tile address or query.
func tileProblem(format string, a ...any) *Problem {
	return &Problem{
		Type:   ProblemBase + KindInvalidTileReq,
		Title:  "Invalid tile request",
		Status: http.StatusBadRequest,
		Detail: fmt.Sprintf(format, a...),
		kind:   KindInvalidTileReq,
	}
}

// tileAddress reads z/x/y from the path; y may carry a suffix (the raster's "@2x").
func tileAddress(r *http.Request, ySuffixes ...string) (maptile.Tile, string, error) {
	v := mux.Vars(r)
	y, suffix := v["y"], ""
	for _, s := range ySuffixes {
		if strings.HasSuffix(y, s) {
			y, suffix = strings.TrimSuffix(y, s), s
			break
		}
	}
	t, err := geo.ParseTile(v["z"], v["x"], y)
	if err != nil {
		return maptile.Tile{}, "", tileProblem("%s", strings.TrimPrefix(err.Error(), "geo: "))
	}
	return t, suffix, nil
}

// tileQuery is the validated query of a tile URL.
type tileQuery struct {
	filter data.CoverageFilter
	// key is the filter in canonical form: the cache key part and what TileJSON repeats.
	key url.Values
	// area bounds the layer's features for TileJSON: the filter's area, else the plan's.
	area int64
}

// parseTileQuery validates the query of a layer's tile URL against the parameters of its
// filter and, for the data layers, scopes it to the token: the area defaults to the token's
// own and any area, plan or worker named must lie within it. Unknown parameters are
// refused, so one filter has one URL and one cache entry.
//
// Parameters (tileParams): area, plan, worker (ids); days=N (the current UTC day and the
// N-1 before it) or since/until (RFC 3339 instants, or dates: since a date means from its
// start, until a date includes that day).
// name is the layer as the URL spells it (a raster form's own name), for messages.
func (ts *tileService) parseTileQuery(r *http.Request, name string, layer data.TileLayer) (tileQuery, error) {
	q := r.URL.Query()
	params := tileParams(layer.Filter)
	for k, vs := range q {
		if !slices.Contains(params, k) {
			if len(params) == 0 {
				return tileQuery{}, tileProblem("the %s layer takes no query parameters, got %q", name, k)
			}
			return tileQuery{}, tileProblem("unknown parameter %q for the %s layer (use %s)", k, name, strings.Join(params, ", "))
		}
		if len(vs) != 1 {
			return tileQuery{}, tileProblem("parameter %q is given %d times", k, len(vs))
		}
	}
	if layer.Filter&data.FilterPlanRequired != 0 && q.Get("plan") == "" {
		return tileQuery{}, tileProblem("the %s layer needs plan=ID", name)
	}
	out := tileQuery{key: url.Values{}}
	if len(params) == 0 {
		return out, nil
	}
	id := func(name string) (int64, error) {
		v := q.Get(name)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, tileProblem("%s must be a positive integer id, not %q", name, v)
		}
		return n, nil
	}
	var err error
	f := &out.filter
	if f.AreaID, err = id("area"); err != nil {
		return out, err
	}
	if f.PlanID, err = id("plan"); err != nil {
		return out, err
	}
	if f.WorkerID, err = id("worker"); err != nil {
		return out, err
	}
	if err := ts.parseWindow(q, f); err != nil {
		return out, err
	}

	// Scope: the data layers show only the token's area unless a sub-area is asked for.
	// A layer without an area filter is scoped by what it draws (a plan), checked below.
	if layer.Filter&data.FilterArea != 0 {
		if f.AreaID == 0 {
			f.AreaID = mustPrincipal(r).AreaID
		} else if err := ts.s.requireArea(r, f.AreaID); err != nil {
			return out, err
		}
	}
	if f.PlanID != 0 {
		area, err := ts.s.store.PlanAreaID(r.Context(), f.PlanID)
		if err != nil {
			return out, err
		}
		if err := ts.s.requireArea(r, area); err != nil {
			return out, err
		}
		out.area = area
	}
	if f.AreaID != 0 {
		out.area = f.AreaID
	}
	if f.WorkerID != 0 {
		area, err := ts.s.store.WorkerAreaID(r.Context(), f.WorkerID)
		if err != nil {
			return out, err
		}
		if err := ts.s.requireArea(r, area); err != nil {
			return out, err
		}
	}
	set := func(k string, v int64) {
		if v != 0 {
			out.key.Set(k, strconv.FormatInt(v, 10))
		}
	}
	set("area", f.AreaID)
	set("plan", f.PlanID)
	set("worker", f.WorkerID)
	if !f.Since.IsZero() {
		out.key.Set("since", f.Since.UTC().Format(time.RFC3339Nano))
	}
	if !f.Until.IsZero() {
		out.key.Set("until", f.Until.UTC().Format(time.RFC3339Nano))
	}
	return out, nil
}

func (ts *tileService) parseWindow(q url.Values, f *data.CoverageFilter) error {
	if d := q.Get("days"); d != "" {
		if q.Has("since") || q.Has("until") {
			return tileProblem("give either days or since/until, not both")
		}
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 3660 {
			return tileProblem("days must be a whole number from 1 to 3660, not %q", d)
		}
		now := ts.now().UTC()
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
		f.Since = today.AddDate(0, 0, -(n - 1))
		return nil
	}
	parse := func(name string, endOfDay bool) (time.Time, error) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.UTC(), nil
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return time.Time{}, tileProblem("%s must be an RFC 3339 time or a YYYY-MM-DD date, not %q", name, v)
		}
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	var err error
	if f.Since, err = parse("since", false); err != nil {
		return err
	}
	if f.Until, err = parse("until", true); err != nil {
		return err
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return tileProblem("since (%s) must be before until (%s)", f.Since.Format(time.RFC3339), f.Until.Format(time.RFC3339))
	}
	return nil
}

func (ts *tileService) handleVectorTile(w http.ResponseWriter, r *http.Request) error {
	layer, ok := ts.layers.vector(mux.Vars(r)["layer"])
	if !ok {
		return tileProblem("no layer %q", mux.Vars(r)["layer"]) // the route admits registered names only
	}
	t, _, err := tileAddress(r)
	if err != nil {
		return err
	}
	tq, err := ts.parseTileQuery(r, layer.Name, layer)
	if err != nil {
		return err
	}
	key := newTileKey(layer.Name, "mvt", t, tq.key.Encode())
	tile, err := ts.cached(r, key, func(ctx context.Context) ([]byte, error) {
		return ts.s.store.VectorTile(ctx, layer.Name, t, tq.filter)
	}, true)
	if err != nil {
		return err
	}
	return writeTile(w, r, tile, mvtContentType, cacheControl(layer))
}

// handleHeatPNG renders the heat layer as a 256-pixel PNG, or 512 for ".../{y}@2x.png".
func (ts *tileService) handleHeatPNG(w http.ResponseWriter, r *http.Request) error {
	t, suffix, err := tileAddress(r, "@2x")
	if err != nil {
		return err
	}
	heat, ok := ts.layers.vector(data.LayerHeat)
	if !ok {
		return fmt.Errorf("heat raster: no %s layer", data.LayerHeat)
	}
	tq, err := ts.parseTileQuery(r, heat.Name, heat)
	if err != nil {
		return err
	}
	size, format := 256, "png"
	if suffix == "@2x" {
		size, format = 512, "png@2x"
	}
	key := newTileKey(data.LayerHeat, format, t, tq.key.Encode())
	tile, err := ts.cached(r, key, func(ctx context.Context) ([]byte, error) {
		bins, err := ts.s.store.HeatBins(ctx, t, heatPad, tq.filter)
		if err != nil {
			return nil, err
		}
		return renderHeatPNG(bins, t.Z, size)
	}, false)
	if err != nil {
		return err
	}
	return writeTile(w, r, tile, "image/png", cacheControl(heat))
}

// writeTile answers with the tile, 304 when the client's ETag matches (either encoding),
// gzipped when the client accepts it. An empty vector tile is a 200 with an empty body.
func writeTile(w http.ResponseWriter, r *http.Request, t *CachedTile, contentType, cacheControl string) error {
	h := w.Header()
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Authorization, Accept-Encoding")
	zipped := t.Gzip != nil && acceptsGzip(r)
	etag := t.ETag
	if zipped {
		// A different byte stream needs a different strong validator.
		etag = strings.TrimSuffix(t.ETag, `"`) + `-gz"`
	}
	h.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), t.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", contentType)
	body := t.Body
	if zipped {
		h.Set("Content-Encoding", "gzip")
		body = t.Gzip
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(body)
	return err
}

// etagMatches implements If-None-Match's weak comparison: "*", or any listed tag equal to
// etag once W/ and our "-gz" variant suffix are set aside.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	base := strings.Trim(etag, `"`)
	for _, part := range strings.Split(header, ",") {
		p := strings.TrimSpace(part)
		if p == "*" {
			return true
		}
		p = strings.Trim(strings.TrimPrefix(p, "W/"), `"`)
		if p == base || p == base+"-gz" {
			return true
		}
	}
	return false
}

// acceptsGzip reads Accept-Encoding, honouring q=0 ("not acceptable").
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		q := strings.TrimSpace(params)
		if v, ok := strings.CutPrefix(q, "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}
