package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestSharesNoCodeWithSolver keeps the checker independent: its non-test files may name
// only the data types of carp and routing, never a function, method or value, so that a
// bug in the solver's bookkeeping cannot be repeated here by calling it.
func TestSharesNoCodeWithSolver(t *testing.T) {
	allowed := map[string]map[string]bool{
		"github.com/gridsweep/gridsweep/routing/carp": {"Instance": true, "Link": true},
		"github.com/gridsweep/gridsweep/routing":      {"Walk": true, "Move": true},
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		local := map[string]map[string]bool{} // import name → allowed selectors
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(path, "github.com/gridsweep/gridsweep/") {
				ok, known := allowed[path]
				if !known {
					t.Errorf("%s imports %s", name, path)
					continue
				}
				local[filepath.Base(path)] = ok
				if imp.Name != nil {
					local[imp.Name.Name] = ok
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && local[pkg.Name] != nil && !local[pkg.Name][sel.Sel.Name] {
				t.Errorf("%s uses %s.%s: the checker may use only the data types of the solver's packages", name, pkg.Name, sel.Sel.Name)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no source files found")
	}
}
