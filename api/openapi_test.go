package api

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// muxVar matches a gorilla/mux path variable with a pattern, {id:[0-9]+}, which OpenAPI
// writes {id}.
var muxVar = regexp.MustCompile(`\{([a-zA-Z_]+):[^}]*\}`)

// TestOpenAPIMatchesRouter keeps the document true: every registered route is documented
// and every documented operation is registered.
func TestOpenAPIMatchesRouter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.do("GET", "/api/v1/openapi.json", "", nil)
	if res.status != 200 || res.json["openapi"] != "3.0.3" {
		t.Fatalf("openapi.json: %d %.200s", res.status, res.body)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(res.body, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	registered := map[string]bool{}
	err := testRouter(f).Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := route.GetMethods()
		if err != nil {
			t.Errorf("route %s has no method restriction", tpl)
			return nil
		}
		for _, m := range methods {
			registered[m+" "+muxVar.ReplaceAllString(tpl, "{$1}")] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(registered) < 20 {
		t.Fatalf("walked only %d routes", len(registered))
	}
	var missing, extra []string
	for r := range registered {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !registered[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("registered but not documented: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("documented but not registered: %v", extra)
	}
}
