package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gridsweep/gridsweep/api"
	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/planning"
	"github.com/gridsweep/gridsweep/retention"
)

// runServe serves the map API until ctx is cancelled (SIGINT/SIGTERM), then stops taking
// new connections and lets in-flight requests finish.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", envOr("GRIDSWEEP_ADDR", "127.0.0.1:8080"), "listen address (env GRIDSWEEP_ADDR)")
	dbURL := databaseFlag(fs)
	cors := fs.String("cors", os.Getenv("GRIDSWEEP_CORS_ORIGINS"), "comma-separated browser origins allowed to embed the API (env GRIDSWEEP_CORS_ORIGINS)")
	maxBody := fs.Int64("max-body", api.DefaultMaxBodyBytes, "request body limit in bytes")
	planWorkers := fs.Int("plan-workers", envInt("GRIDSWEEP_PLAN_WORKERS", 1), "plans this replica computes at once; 0 only queues them (env GRIDSWEEP_PLAN_WORKERS)")
	timeZone := fs.String("time-zone", envOr("GRIDSWEEP_TIME_ZONE", api.DefaultTimeZone), "IANA zone of areas that set none: their today for publishing and progress (env GRIDSWEEP_TIME_ZONE)")
	gpsKeep := fs.String("gps-retention", envOr("GRIDSWEEP_GPS_RETENTION", "30d"), "delete GPS positions older than this (30d, 72h; off keeps them) (env GRIDSWEEP_GPS_RETENTION)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if *dbURL == "" {
		return usageErrorf("set DATABASE_URL or --db")
	}
	if *planWorkers < 0 {
		return usageErrorf("--plan-workers must not be negative")
	}
	if _, err := time.LoadLocation(*timeZone); err != nil || *timeZone == "Local" {
		return usageErrorf("--time-zone %q is not an IANA zone name such as Asia/Shanghai", *timeZone)
	}
	keep, err := parseRetention(*gpsKeep)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	store, err := data.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer store.Close()
	return serveStore(ctx, store, serveConfig{
		Addr: *addr, PlanWorkers: *planWorkers, GPSRetention: keep,
		Options: api.Options{Logger: log, MaxBodyBytes: *maxBody, CORSOrigins: splitList(*cors), TimeZone: *timeZone},
	}, stdout)
}

// serveConfig is what serveStore needs besides the store; Options.Jobs is filled in.
type serveConfig struct {
	Addr        string
	PlanWorkers int
	Options     api.Options
	// GPSRetention is how long GPS positions are kept; 0 means retention.DefaultGPS,
	// negative keeps them.
	GPSRetention time.Duration
}

// serveStore serves the API on an open store (serve and demo share it) with a plan job
// runner, until ctx is cancelled; then the HTTP server drains and running plans get a
// grace period.
func serveStore(ctx context.Context, store *data.Store, cfg serveConfig, stdout io.Writer) error {
	log := cfg.Options.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	jobs, err := planning.NewQueue(ctx, store, planning.QueueOptions{Workers: cfg.PlanWorkers, Logger: log})
	if err != nil {
		ln.Close()
		return err
	}
	// Jobs get their own context: a signal must let running plans finish (Stop below),
	// not cut them off the way cancelling Start's context would.
	if err := jobs.Start(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		return err
	}
	if keep := cfg.GPSRetention; keep >= 0 {
		if keep == 0 {
			keep = retention.DefaultGPS
		}
		go retention.Run(ctx, store, keep, retention.DefaultEvery, log)
	}
	opts := cfg.Options
	opts.Jobs = jobs
	serveErr := serveUntilDone(ctx, ln, api.New(store, opts), log, stdout)
	// Plans still running get the shutdown grace period; after it river cancels them and
	// they are retried by whichever replica runs next.
	stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return errors.Join(serveErr, jobs.Stop(stopCtx))
}

// serveUntilDone runs an http.Server on ln with timeouts that bound slow clients, and
// shuts it down gracefully when ctx ends.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger, stdout io.Writer) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Long enough for the largest list page; the SSE handler extends its own deadline.
		WriteTimeout: 60 * time.Second,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "serving on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseRetention reads --gps-retention: days ("30d"), a Go duration ("72h") or off.
func parseRetention(v string) (time.Duration, error) {
	if v == "off" {
		return -1, nil
	}
	if d, ok := strings.CutSuffix(v, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if dur, err := time.ParseDuration(v); err == nil && dur > 0 {
		return dur, nil
	}
	return 0, usageErrorf("--gps-retention %q: give days (30d), a duration (72h) or off", v)
}
