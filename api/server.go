package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/planning"
)

// DefaultMaxBodyBytes caps request bodies: a phone's offline check-in queue of a whole
// shift (a few thousand visits) fits well within it.
const DefaultMaxBodyBytes = 1 << 20

// Options configure the API. The zero value is usable.
type Options struct {
	// Logger receives one structured line per request; nil discards logs.
	Logger *slog.Logger
	// MaxBodyBytes caps request bodies (413 above it); 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// CORSOrigins lists the browser origins (dashboards embedding the map) allowed to call
	// the API; "*" allows any origin.
	CORSOrigins []string
	// Jobs queues plan jobs; nil makes POST /api/v1/plans answer 503 (the other plan
	// endpoints only read the database and work without it).
	Jobs *planning.Queue
	// Tiles configures the tile server's cache (tiles.go).
	Tiles TileOptions
	// TimeZone is the zone of areas that set none (their "today" for publishing and
	// progress); "" means DefaultTimeZone.
	TimeZone string
}

// server carries the dependencies of every handler; it has no mutable state, so any number
// of replicas can run side by side.
type server struct {
	store   *data.Store
	opts    Options
	log     *slog.Logger
	metrics *metrics
	router  *mux.Router
	// progress fans progress notifications out to this replica's streams.
	progress progressHub
}

// New returns the API's HTTP handler: the router wrapped in its middleware.
func New(store *data.Store, opts Options) http.Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &server{store: store, opts: opts, log: log, metrics: newMetrics()}
	s.router = s.routes()
	var h http.Handler = s.router
	h = s.withBodyLimit(h)
	h = s.withCORS(h)
	h = s.withRecovery(h)
	h = s.withObservation(h)
	h = withRequestID(h)
	return h
}

// handlerFunc is a handler that returns its failure instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// serve adapts a handlerFunc: it writes the returned error as a problem and logs the cause
// of internal errors (the client sees only the request id).
func (s *server) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		p := asProblem(err)
		if p.Status >= 500 {
			s.log.ErrorContext(r.Context(), "request failed",
				slog.String("request_id", requestIDFrom(r.Context())),
				slog.String("error", err.Error()))
		}
		writeProblem(w, r, p)
	})
}

// routes registers every endpoint. The OpenAPI test walks this router, so a route added
// here without documentation fails the build's tests.
func (s *server) routes() *mux.Router {
	r := mux.NewRouter()
	r.StrictSlash(false)
	r.Use(withRouteName)
	r.NotFoundHandler = s.serve(func(w http.ResponseWriter, r *http.Request) error {
		return problemf(KindNotFound, "no resource at %s", r.URL.Path)
	})
	r.MethodNotAllowedHandler = s.serve(func(w http.ResponseWriter, r *http.Request) error {
		return problemf(KindMethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path)
	})

	r.Handle("/healthz", s.serve(s.handleHealthz)).Methods(http.MethodGet)
	r.Handle("/readyz", s.serve(s.handleReadyz)).Methods(http.MethodGet)
	r.Handle("/metrics", s.metrics.handler()).Methods(http.MethodGet)

	// Routes are registered on the root router with their full path, not on a PathPrefix
	// subrouter: mux v1.8 answers 404 instead of 405 for a method mismatch inside one.
	const v1 = "/api/v1"
	r.Handle(v1+"/openapi.json", s.serve(s.handleOpenAPI)).Methods(http.MethodGet)

	all := []string{data.RoleSupervisor, data.RoleWorker, data.RoleViewer}
	sup := []string{data.RoleSupervisor}
	supWorker := []string{data.RoleSupervisor, data.RoleWorker}
	a := func(path string, roles []string, h handlerFunc, methods ...string) {
		r.Handle(v1+path, s.authed(roles, h)).Methods(methods...)
	}

	a("/me", all, s.handleMe, http.MethodGet)

	a("/areas", all, s.handleListAreas, http.MethodGet)
	a("/areas", sup, s.handleCreateArea, http.MethodPost)
	a("/areas/{id:[0-9]+}", all, s.handleGetArea, http.MethodGet)
	a("/areas/{id:[0-9]+}", sup, s.handleUpdateArea, http.MethodPatch)
	a("/areas/{id:[0-9]+}", sup, s.handleDeleteArea, http.MethodDelete)
	a("/areas/{id:[0-9]+}/grids", sup, s.handleListGrids, http.MethodGet)

	a("/blocks", all, s.handleListBlocks, http.MethodGet)

	for _, k := range []pointKind{shopKind, stationKind} {
		a("/"+k.plural, all, s.handleListPoints(k), http.MethodGet)
		a("/"+k.plural, sup, s.handleCreatePoint(k), http.MethodPost)
		a("/"+k.plural+"/{id:[0-9]+}", all, s.handleGetPoint(k), http.MethodGet)
		a("/"+k.plural+"/{id:[0-9]+}", sup, s.handleUpdatePoint(k), http.MethodPatch)
		a("/"+k.plural+"/{id:[0-9]+}", sup, s.handleDeletePoint(k), http.MethodDelete)
	}

	a("/workers", sup, s.handleListWorkers, http.MethodGet)
	a("/workers", sup, s.handleCreateWorker, http.MethodPost)
	a("/workers/{id:[0-9]+}", supWorker, s.handleGetWorker, http.MethodGet)
	a("/workers/{id:[0-9]+}", sup, s.handleUpdateWorker, http.MethodPatch)
	a("/workers/{id:[0-9]+}", sup, s.handleDeleteWorker, http.MethodDelete)

	a("/plans", sup, s.handleCreatePlan, http.MethodPost)
	a("/plans/{id:[0-9]+}", all, s.handleGetPlan, http.MethodGet)
	a("/plans/{id:[0-9]+}", sup, s.handleEditPlan, http.MethodPatch)
	a("/plans/{id:[0-9]+}", sup, s.handleCancelPlan, http.MethodDelete)
	a("/plans/{id:[0-9]+}/events", all, s.handlePlanEvents, http.MethodGet)
	a("/plans/{id:[0-9]+}/routes/{worker:[0-9]+}", supWorker, s.handleRoute, http.MethodGet)
	a("/plans/{id:[0-9]+}/routes/{worker:[0-9]+}.gpx", supWorker, s.handleRouteGPX, http.MethodGet)

	a("/visits", supWorker, s.handlePostVisits, http.MethodPost)
	a("/gps", []string{data.RoleWorker}, s.handlePostGPS, http.MethodPost)

	s.registerWeb(r)

	s.registerTiles(r, all)

	s.registerFieldWork(r, v1)

	s.registerDay(r, v1)

	return r
}

func (s *server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz tells a load balancer whether this replica can serve: it can only if the
// database answers.
func (s *server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Pool().Ping(ctx); err != nil {
		return problemf(KindUnavailable, "the database does not answer").withCause(err)
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// writeJSON sends v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	return writeJSONType(w, status, "application/json", v)
}

func writeJSONType(w http.ResponseWriter, status int, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// decodeJSON reads one JSON value into v, refusing unknown fields (a typo in a field name
// must not silently do nothing) and trailing data.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/geo+json" && mt != "application/merge-patch+json") {
			return problemf(KindUnsupportedMedia, "send application/json, not %q", ct)
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return problemf(KindMalformedJSON, "the request body is empty")
		}
		return problemf(KindMalformedJSON, "the request body is not valid JSON for this endpoint: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return problemf(KindMalformedJSON, "the request body has data after the JSON value")
	}
	return nil
}
