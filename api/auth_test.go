package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/planning"
)

// matrixCase is one endpoint of the auth matrix. target builds the request for a
// resource in the token's own community (own=true) or in the other one; it may create
// a fresh resource (for deletes). want gives the status for each role on its own area;
// on the foreign area every role that passes the role check gets 403.
type matrixCase struct {
	method, route string
	target        func(f *fixture, own bool) (path string, body any)
	want          map[string]int
	// noForeign marks endpoints that have no foreign variant (lists scoped to the token,
	// a worker's own GPS).
	noForeign bool
	// stream marks event streams that never end by themselves: the request is cut short.
	stream bool
}

var keySeq atomic.Int64

func TestAuthMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	pick := func(own bool, a, b int64) int64 {
		if own {
			return a
		}
		return b
	}
	base := func(own bool) float64 { return map[bool]float64{true: 10, false: 11}[own] }
	pointIn := func(own bool) map[string]any {
		return map[string]any{"type": "Point", "coordinates": []float64{base(own) + 0.004, 50.004}}
	}
	freshPoint := func(tbl data.PointTable) func(f *fixture, own bool) (string, any) {
		return func(f *fixture, own bool) (string, any) {
			p, err := f.store.CreatePoint(ctx, tbl, data.PointInput{Geometry: []byte(fmt.Sprintf(`{"type":"Point","coordinates":[%v,50.004]}`, base(own)+0.004))})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("/api/v1/%s/%d", tbl, p.ID), nil
		}
	}
	S, W, V := data.RoleSupervisor, data.RoleWorker, data.RoleViewer
	all := func(st int) map[string]int { return map[string]int{S: st, W: st, V: st} }
	only := func(role string, st int) map[string]int {
		m := all(403)
		m[role] = st
		return m
	}
	// Plans need a job client to queue; an insert-only one never runs them.
	jobs, err := planning.NewQueue(ctx, f.store, planning.QueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.h = New(f.store, Options{Jobs: jobs})
	planA, planB := f.addDonePlan(f.areaA, f.workerA, f.blockA), f.addDonePlan(f.areaB, f.workerB, f.blockB)
	planPath := func(own bool, suffix string) string {
		if own {
			return fmt.Sprintf("/api/v1/plans/%d%s", planA, suffix)
		}
		return fmt.Sprintf("/api/v1/plans/%d%s", planB, suffix)
	}
	cases := []matrixCase{
		{method: "POST", route: "/api/v1/plans", want: only(S, 202),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/plans", map[string]any{"area_id": pick(own, f.areaA, f.areaB), "seconds": 1}
			}},
		{method: "GET", route: "/api/v1/plans/{id:[0-9]+}", want: all(200),
			target: func(f *fixture, own bool) (string, any) { return planPath(own, ""), nil }},
		{method: "PATCH", route: "/api/v1/plans/{id:[0-9]+}", want: only(S, 200),
			target: func(f *fixture, own bool) (string, any) {
				p, err := f.store.GetPlan(ctx, pick(own, planA, planB))
				if err != nil {
					t.Fatal(err)
				}
				return planPath(own, ""), map[string]any{"version": p.Version, "assignments": []map[string]any{
					{"block_id": pick(own, f.blockA, f.blockB), "worker_id": pick(own, f.workerA, f.workerB), "locked": true}}}
			}},
		{method: "DELETE", route: "/api/v1/plans/{id:[0-9]+}", want: only(S, 200),
			target: func(f *fixture, own bool) (string, any) {
				id := f.addDonePlan(pick(own, f.areaA, f.areaB), pick(own, f.workerA, f.workerB), pick(own, f.blockA, f.blockB))
				return fmt.Sprintf("/api/v1/plans/%d", id), nil
			}},
		{method: "GET", route: "/api/v1/plans/{id:[0-9]+}/events", want: all(200),
			target: func(f *fixture, own bool) (string, any) { return planPath(own, "/events"), nil }},
		{method: "GET", route: "/api/v1/plans/{id:[0-9]+}/routes/{worker:[0-9]+}", want: map[string]int{S: 200, W: 200, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				return planPath(own, fmt.Sprintf("/routes/%d", pick(own, f.workerA, f.workerB))), nil
			}},
		{method: "GET", route: "/api/v1/plans/{id:[0-9]+}/routes/{worker:[0-9]+}.gpx", want: map[string]int{S: 200, W: 200, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				return planPath(own, fmt.Sprintf("/routes/%d.gpx", pick(own, f.workerA, f.workerB))), nil
			}},
		{method: "GET", route: "/api/v1/me", noForeign: true, want: all(200),
			target: func(f *fixture, own bool) (string, any) { return "/api/v1/me", nil }},
		{method: "GET", route: "/api/v1/areas", noForeign: true, want: all(200),
			target: func(f *fixture, own bool) (string, any) { return "/api/v1/areas", nil }},
		{method: "GET", route: "/api/v1/areas/{id:[0-9]+}", want: all(200),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/areas/%d", pick(own, f.gridA1, f.areaB)), nil
			}},
		{method: "GET", route: "/api/v1/areas/{id:[0-9]+}/grids", want: only(S, 200),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/areas/%d/grids", pick(own, f.areaA, f.areaB)), nil
			}},
		{method: "POST", route: "/api/v1/areas", want: only(S, 201),
			target: func(f *fixture, own bool) (string, any) {
				b := base(own)
				return "/api/v1/areas", map[string]any{"kind": "grid", "parent_id": pick(own, f.areaA, f.areaB),
					"geometry": map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{b + 0.006, 50.006}, {b + 0.007, 50.006}, {b + 0.007, 50.007}, {b + 0.006, 50.006}}}}}
			}},
		{method: "PATCH", route: "/api/v1/areas/{id:[0-9]+}", want: only(S, 200),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/areas/%d", pick(own, f.gridA1, f.areaB)), map[string]any{"name": "renamed"}
			}},
		{method: "DELETE", route: "/api/v1/areas/{id:[0-9]+}", want: only(S, 204),
			target: func(f *fixture, own bool) (string, any) {
				parent, kind, src := pick(own, f.areaA, f.areaB), "grid", fmt.Sprintf("tmp%d", keySeq.Add(1))
				a, err := f.store.CreateArea(ctx, data.AreaInput{SourceID: &src, Kind: &kind, ParentID: &parent,
					Geometry: []byte(fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%[1]v,50.006],[%[2]v,50.006],[%[2]v,50.007],[%[1]v,50.006]]]}`, base(own)+0.006, base(own)+0.007))})
				if err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("/api/v1/areas/%d", a.ID), nil
			}},
		{method: "GET", route: "/api/v1/blocks", want: all(200),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/blocks?area=%d", pick(own, f.areaA, f.areaB)), nil
			}},
		{method: "GET", route: "/api/v1/workers", want: only(S, 200),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/workers?area=%d", pick(own, f.areaA, f.areaB)), nil
			}},
		{method: "POST", route: "/api/v1/workers", want: only(S, 201),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/workers", map[string]any{"area_id": pick(own, f.areaA, f.areaB), "name": "new"}
			}},
		{method: "GET", route: "/api/v1/workers/{id:[0-9]+}", want: map[string]int{S: 200, W: 200, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/workers/%d", pick(own, f.workerA, f.workerB)), nil
			}},
		{method: "PATCH", route: "/api/v1/workers/{id:[0-9]+}", want: only(S, 200),
			target: func(f *fixture, own bool) (string, any) {
				return fmt.Sprintf("/api/v1/workers/%d", pick(own, f.workerA, f.workerB)), map[string]any{"shift_minutes": 300}
			}},
		{method: "DELETE", route: "/api/v1/workers/{id:[0-9]+}", want: only(S, 204),
			target: func(f *fixture, own bool) (string, any) {
				area, name := pick(own, f.areaA, f.areaB), "tmp"
				w, err := f.store.CreateWorker(ctx, data.WorkerInput{AreaID: &area, Name: &name})
				if err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("/api/v1/workers/%d", w.ID), nil
			}},
		{method: "POST", route: "/api/v1/visits", want: map[string]int{S: 200, W: 200, V: 403},
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/visits", map[string]any{"client_key": fmt.Sprintf("k%d", keySeq.Add(1)),
					"worker_id": pick(own, f.workerA, f.workerB), "block_id": pick(own, f.blockA, f.blockB),
					"visited_at": time.Now().UTC().Format(time.RFC3339)}
			}},
		{method: "POST", route: "/api/v1/qr", noForeign: true, want: only(S, 200),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/qr", map[string]any{"text": "https://example.org/worker?code=x"}
			}},
		{method: "POST", route: "/api/v1/gps", noForeign: true, want: only(W, 200),
			target: func(f *fixture, own bool) (string, any) {
				return "/api/v1/gps", map[string]any{"points": []map[string]any{{"t": time.Now().UTC().Add(time.Duration(keySeq.Add(1)) * time.Second).Format(time.RFC3339), "lon": 10.001, "lat": 50.001}}}
			}},
	}
	for _, k := range []struct {
		plural string
		tbl    data.PointTable
	}{{"shops", data.ShopsTable}, {"stations", data.StationsTable}} {
		item := "/api/v1/" + k.plural + "/{id:[0-9]+}"
		fixed := func(f *fixture, own bool) (string, any) {
			id := pick(own, f.shopA, f.shopB)
			if k.tbl == data.StationsTable {
				id = pick(own, f.stationA, f.stationB)
			}
			return fmt.Sprintf("/api/v1/%s/%d", k.plural, id), nil
		}
		cases = append(cases,
			matrixCase{method: "GET", route: "/api/v1/" + k.plural, want: all(200),
				target: func(f *fixture, own bool) (string, any) {
					return fmt.Sprintf("/api/v1/%s?area=%d", k.plural, pick(own, f.areaA, f.areaB)), nil
				}},
			matrixCase{method: "POST", route: "/api/v1/" + k.plural, want: only(S, 201),
				target: func(f *fixture, own bool) (string, any) {
					return "/api/v1/" + k.plural, map[string]any{"name": "x", "geometry": pointIn(own)}
				}},
			matrixCase{method: "GET", route: item, want: all(200), target: fixed},
			matrixCase{method: "PATCH", route: item, want: only(S, 200),
				target: func(f *fixture, own bool) (string, any) {
					p, _ := fixed(f, own)
					return p, map[string]any{"name": "renamed"}
				}},
			matrixCase{method: "DELETE", route: item, want: only(S, 204), target: freshPoint(k.tbl)},
		)
	}

	cases = append(cases, fieldWorkAuthCases(t, f, planA, planB)...)
	cases = append(cases, dayAuthCases(t, f, planA, planB)...)

	// Every authenticated route must be in the matrix.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.method+" "+c.route] = true
	}
	err = testRouter(f).Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, _ := route.GetPathTemplate()
		methods, _ := route.GetMethods()
		// The sign-in exchange takes a one-time code instead of a token (me_route_test.go).
		if !strings.HasPrefix(tpl, "/api/v1/") || tpl == "/api/v1/openapi.json" || tpl == "/api/v1/signin" {
			return nil
		}
		for _, m := range methods {
			if !covered[m+" "+tpl] {
				t.Errorf("route %s %s is not in the auth matrix", m, tpl)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range cases {
		for _, own := range []bool{true, false} {
			if !own && c.noForeign {
				continue
			}
			for _, r := range []string{"", S, W, V} {
				name := fmt.Sprintf("%s %s/%s/own=%v", c.method, c.route, map[bool]string{true: r, false: "none"}[r != ""], own)
				t.Run(name, func(t *testing.T) {
					path, body := c.target(f, own)
					tok := ""
					if r != "" {
						tok = f.tok[r+":A"]
					}
					do := f.do
					if c.stream {
						do = f.doStream
					}
					res := do(c.method, path, tok, body)
					want := http.StatusUnauthorized
					switch {
					case r == "":
					case !own && c.want[r] != 403:
						want = 403
					default:
						want = c.want[r]
					}
					if res.status != want {
						t.Fatalf("%s %s as %q: status %d, want %d: %s", c.method, path, r, res.status, want, res.body)
					}
					if want >= 400 {
						kind := map[int]string{401: KindUnauthorized, 403: KindForbidden}[want]
						wantProblem(t, res, want, kind)
					}
				})
			}
		}
	}
}
