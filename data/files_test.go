package data

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sharedData finds shared/data/<rel> by walking up from the package directory: it sits
// beside the work tree here and beside the clone in CI. Without it the test is skipped on
// a developer machine and fails under CI=true, like the database tests.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			if os.Getenv("CI") == "true" {
				t.Fatalf("shared/data/%s not found above the package directory", rel)
			}
			t.Skipf("shared/data/%s not found above the package directory", rel)
		}
		dir = parent
	}
}

// andorraPath is the Andorra extract inside the github.com/paulmach/osm module, at the
// version go.mod names.
func andorraPath(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/paulmach/osm").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/paulmach/osm: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "testdata", "andorra-latest.osm.bz2")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Andorra extract missing (go mod download github.com/paulmach/osm): %v", err)
	}
	return p
}
