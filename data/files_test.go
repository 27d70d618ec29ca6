package data

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

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
