package api

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"go.yaml.in/yaml/v3"
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

// operationID is the form of an operationId: camelCase, a verb first (listShops).
var operationID = regexp.MustCompile(`^[a-z]+[A-Z][A-Za-z0-9]*$`)

// TestOpenAPIOperations holds every operation to the rules at the top of openapi.yaml,
// which make lint also checks with Redocly CLI: a unique camelCase operationId (generated
// clients name their methods by it), at least one 4xx response, and nullable only beside
// a type.
func TestOpenAPIOperations(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	n := 0
	for path, ops := range doc["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			if method == "parameters" {
				continue
			}
			n++
			name := strings.ToUpper(method) + " " + path
			o := op.(map[string]any)
			id, _ := o["operationId"].(string)
			switch {
			case !operationID.MatchString(id):
				t.Errorf("%s: operationId %q is not camelCase verbNoun", name, id)
			case seen[id] != "":
				t.Errorf("%s: operationId %q already names %s", name, id, seen[id])
			default:
				seen[id] = name
			}
			has4xx := false
			for code := range o["responses"].(map[string]any) {
				has4xx = has4xx || (len(code) == 3 && code[0] == '4') || code == "4XX"
			}
			if !has4xx {
				t.Errorf("%s: no 4xx response", name)
			}
		}
	}
	if n < 70 {
		t.Fatalf("found only %d operations", n)
	}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["nullable"] == true && v["type"] == nil {
				t.Errorf("%s: nullable without a type", at)
			}
			for k, c := range v {
				walk(at+"/"+k, c)
			}
		case []any:
			for i, c := range v {
				walk(fmt.Sprintf("%s/%d", at, i), c)
			}
		}
	}
	walk("#", doc)
}

// TestOpenAPITooLarge: the operations whose only 4xx is TooLarge (health, metrics, pages)
// do answer 413 to a declared body over the cap, as the document says.
func TestOpenAPITooLarge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var doc struct {
		Paths map[string]map[string]any
	}
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("x", 64<<10+1) // the fixture's MaxBodyBytes + 1
	checked := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			o, ok := op.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			r413, _ := o["responses"].(map[string]any)["413"].(map[string]any)
			if r413["$ref"] != "#/components/responses/TooLarge" {
				continue
			}
			res := f.do(strings.ToUpper(method), path, "", body)
			if res.status != 413 || res.json["type"] != "https://gridsweep.dev/problems/payload-too-large" {
				t.Errorf("%s %s with a body over the cap: %d %.120s", method, path, res.status, res.body)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d operations document TooLarge", checked)
	}
}
