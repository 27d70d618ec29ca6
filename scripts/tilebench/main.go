// Command tilebench measures the tile server on loopback: it serves the API in-process on
// 127.0.0.1 over the database in DATABASE_URL (the demo city with `gridsweep synth`
// check-ins), then a Go client requests a fixed set of tiles (every z14 tile with streets
// in the city, in a fixed order) for a fixed time, first with the tile cache off
// (every request renders in PostGIS) and then with it on and warm. It prints one
// Markdown table row per run: requests/s, p50 and p99 latency.
//
//	go run ./scripts/tilebench --duration 20s --layer coverage
//
// Client and server share the machine: the numbers include the client's own CPU. The last
// columns are the CPU used per request by this process (Go client and server) and by the
// database's server processes, read from /proc: costs that a busy machine does not inflate
// the way it inflates latency.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/gridsweep/gridsweep/api"
	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/geo"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tilebench:", err)
		os.Exit(1)
	}
}

func run() error {
	dbURL := flag.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL (default $DATABASE_URL)")
	duration := flag.Duration("duration", 20*time.Second, "how long each run lasts")
	conc := flag.Int("concurrency", 2*runtime.GOMAXPROCS(0), "concurrent client connections")
	zoom := flag.Int("zoom", 14, "zoom of the tile set")
	layer := flag.String("layer", "coverage", "tile path under /tiles/: coverage, heat, streets, shops, stations, or heat-png")
	query := flag.String("query", "", "query string added to every tile URL (e.g. days=30)")
	mode := flag.String("mode", "both", "uncached, cached or both")
	flag.Parse()
	if *dbURL == "" {
		return errors.New("set DATABASE_URL or --database-url")
	}
	ctx := context.Background()
	store, err := data.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer store.Close()

	// A viewer token of the largest top-level area: the dashboard's view of the whole city.
	area, err := store.LargestTopArea(ctx)
	if err != nil {
		return fmt.Errorf("find the city's area: %w", err)
	}
	token, _, err := store.CreateToken(ctx, data.NewTokenParams{Role: data.RoleViewer, AreaID: area, Label: "tilebench"})
	if err != nil {
		return err
	}
	b, ok, err := store.LayerBounds(ctx, data.LayerStreets, 0)
	if err != nil || !ok {
		return fmt.Errorf("no streets to draw (import a map first): %v", err)
	}
	minX, minY, maxX, maxY := geo.TileRange(b, maptile.Zoom(*zoom), 0)
	var paths []string
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			// Only tiles with streets: empty mountainside tiles would flatter the numbers.
			if mvt, err := store.VectorTile(ctx, data.LayerStreets, maptile.New(x, y, maptile.Zoom(*zoom)), data.CoverageFilter{}); err != nil {
				return err
			} else if len(mvt) == 0 {
				continue
			}
			p := fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", *layer, *zoom, x, y)
			if *layer == "heat-png" {
				p = fmt.Sprintf("/tiles/heat/%d/%d/%d.png", *zoom, x, y)
			}
			if *query != "" {
				p += "?" + *query
			}
			paths = append(paths, p)
		}
	}
	fmt.Fprintf(os.Stderr, "tilebench: %d z%d tiles of %s, %d connections, %s per run, GOMAXPROCS %d\n",
		len(paths), *zoom, *layer, *conc, *duration, runtime.GOMAXPROCS(0))
	fmt.Println("| run | tiles | requests | req/s | p50 ms | p99 ms | errors | mean body bytes | Go CPU ms/req | PG CPU ms/req |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for _, cached := range []bool{false, true} {
		if (*mode == "uncached" && cached) || (*mode == "cached" && !cached) {
			continue
		}
		if err := bench(ctx, store, token, paths, cached, *conc, *duration); err != nil {
			return err
		}
	}
	return nil
}

func bench(ctx context.Context, store *data.Store, token string, paths []string, cached bool, conc int, d time.Duration) error {
	cache := api.NewMemoryTileCache(api.DefaultTileCacheBytes)
	name := "cached (warm)"
	if !cached {
		// A cache that stores nothing: every request renders its tile in PostGIS.
		cache = api.NewMemoryTileCache(0)
		name = "uncached"
	}
	ready := make(chan struct{}, 1)
	h := api.New(store, api.Options{Tiles: api.TileOptions{Cache: cache, Listening: func() {
		select {
		case ready <- struct{}{}:
		default:
		}
	}}})
	<-ready
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Shutdown(ctx)
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc, DisableCompression: true}}

	get := func(p string) (int, time.Duration, error) {
		req, _ := http.NewRequest(http.MethodGet, base+p, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Encoding", "gzip")
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		n, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s: %s", p, res.Status)
		}
		return int(n), time.Since(start), err
	}
	// Warm-up: the pool's connections exist before measuring; with the cache on, every tile
	// of the set is cached.
	warm := paths[:min(len(paths), 2*conc)]
	if cached {
		warm = paths
	}
	for _, p := range warm {
		if _, _, err := get(p); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	pids, err := store.SessionPIDs(ctx)
	if err != nil {
		return err
	}
	pg0 := procCPU(pids)

	cpu0 := cpuTime()
	var (
		mu     sync.Mutex
		lat    []time.Duration
		errs   int
		bytes  int64
		wg     sync.WaitGroup
		start  = time.Now()
		stopAt = start.Add(d)
	)
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var myErrs int
			var myBytes int64
			// Each connection walks the fixed tile list from its own offset.
			for i := w * len(paths) / conc; time.Now().Before(stopAt); i++ {
				n, l, err := get(paths[i%len(paths)])
				if err != nil {
					myErrs++
					continue
				}
				mine = append(mine, l)
				myBytes += int64(n)
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += myErrs
			bytes += myBytes
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	pg := procCPU(pids) - pg0
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	mean := int64(0)
	if len(lat) > 0 {
		mean = bytes / int64(len(lat))
	}
	perReq := func(d time.Duration) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(d.Microseconds()) / 1000 / float64(len(lat))
	}
	fmt.Printf("| %s | %d | %d | %.0f | %.2f | %.2f | %d | %d | %.3f | %.3f |\n",
		name, len(paths), len(lat), float64(len(lat))/elapsed.Seconds(), pct(0.50), pct(0.99), errs, mean,
		perReq(cpu), perReq(pg))
	return nil
}

// procCPU sums the user+system CPU of the given processes from /proc (Linux; the database
// runs on this machine). Processes that are gone count as zero.
func procCPU(pids []int) time.Duration {
	var ticks int64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state is field 3, utime 14, stime 15.
		i := strings.LastIndexByte(string(b), ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	// Linux reports clock ticks of 1/100 s (USER_HZ) on every architecture Go runs on.
	return time.Duration(ticks) * 10 * time.Millisecond
}

// cpuTime is the user+system CPU this process (client and server together, not
// PostgreSQL) has used: a cost per request that does not depend on how busy the machine is.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
