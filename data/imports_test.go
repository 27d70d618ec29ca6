package data

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOnlyDataImportsPgx keeps SQL behind one door: no Go file of the module outside data/
// (and data's own subpackages such as datatest) may import pgx or pgconn. Other packages
// reach the database through the store's methods and its error values (ErrRecordNotFound,
// IsUnavailable, ...). It also keeps fieldwork/ free of data/ and net/http.
func TestOnlyDataImportsPgx(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod above data/: %v", err)
	}
	fset := token.NewFileSet()
	checked := 0
	var offences []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			// data/ may; node_modules, testdata and hidden folders hold no package of ours.
			name := d.Name()
			if rel == "data" || name == "node_modules" || name == "testdata" || name == "vendor" || (name != "." && strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/jackc/pgx") || strings.HasPrefix(p, "github.com/jackc/pgconn") {
				offences = append(offences, rel+" imports "+p+": only data/ may import pgx (use the store and its error values)")
			}
			// The rules of field work stay free of storage and transport.
			if strings.HasPrefix(filepath.ToSlash(rel), "fieldwork/") && (p == "net/http" || strings.HasPrefix(p, "github.com/gridsweep/gridsweep/data") || p == "github.com/gridsweep/gridsweep/api") {
				offences = append(offences, rel+" imports "+p+": fieldwork holds rules, without SQL or HTTP")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d files under %s; the walk missed the module", checked, root)
	}
	for _, o := range offences {
		t.Error(o)
	}
}
