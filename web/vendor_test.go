package web

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// vendored lists the MapLibre files committed in static/vendor (Makefile MAPLIBRE_FILES
// plus the licence), by their name there and in the npm package.
var vendored = map[string]string{
	"maplibre-gl.mjs":         "dist/maplibre-gl.mjs",
	"maplibre-gl-worker.mjs":  "dist/maplibre-gl-worker.mjs",
	"maplibre-gl-shared.mjs":  "dist/maplibre-gl-shared.mjs",
	"maplibre-gl.css":         "dist/maplibre-gl.css",
	"maplibre-gl-LICENSE.txt": "LICENSE.txt",
}

// vendorNotes are the other files of static/vendor: what the vendored files are.
var vendorNotes = []string{"README.txt", "SHA256SUMS", "VERSION"}

// TestVendoredMapLibre keeps the committed MapLibre files in step with the pinned npm
// package: static/vendor/VERSION is the version package.json and package-lock.json pin,
// SHA256SUMS covers exactly the vendored files and matches what the binary embeds, and
// when node_modules holds that version its dist files are the vendored ones byte for byte.
// On a mismatch: make web-deps, then commit static/vendor.
func TestVendoredMapLibre(t *testing.T) {
	const hint = " (run make web-deps and commit web/static/vendor)"
	version := pinnedMapLibre(t)
	got, err := fs.ReadFile(Static(), "vendor/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if v := strings.TrimSpace(string(got)); v != version {
		t.Fatalf("static/vendor/VERSION is %q, package-lock.json pins maplibre-gl %q"+hint, v, version)
	}

	sums := readSums(t)
	if names, want := slices.Sorted(maps.Keys(sums)), slices.Sorted(maps.Keys(vendored)); !slices.Equal(names, want) {
		t.Fatalf("SHA256SUMS lists %v, want %v"+hint, names, want)
	}
	for name, want := range sums {
		b, err := fs.ReadFile(Static(), "vendor/"+name)
		if err != nil {
			t.Fatalf("vendored %s not embedded: %v", name, err)
		}
		if got := sha256Hex(b); got != want {
			t.Errorf("embedded %s has sha256 %s, SHA256SUMS says %s"+hint, name, got, want)
		}
	}

	// Nothing else sits in static/vendor: a stray file would be served unchecked.
	entries, err := fs.ReadDir(Static(), "vendor")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := vendored[e.Name()]; !ok && !slices.Contains(vendorNotes, e.Name()) {
			t.Errorf("static/vendor/%s is neither a vendored MapLibre file nor a note", e.Name())
		}
	}

	// node_modules is there after npm ci (make web-deps, make test); it is the npm
	// package the lock's integrity hash was checked against.
	pkgDir := filepath.Join("node_modules", "maplibre-gl")
	pkg, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("web/node_modules/maplibre-gl missing under CI=true (make test runs npm ci first)")
		}
		t.Logf("web/node_modules/maplibre-gl missing: vendored files checked against SHA256SUMS only")
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var meta struct{ Version string }
	if err := json.Unmarshal(pkg, &meta); err != nil {
		t.Fatalf("node_modules/maplibre-gl/package.json: %v", err)
	}
	if meta.Version != version {
		t.Fatalf("web/node_modules has maplibre-gl %s, package-lock.json pins %s (run npm ci in web/)", meta.Version, version)
	}
	for name, src := range vendored {
		b, err := os.ReadFile(filepath.Join(pkgDir, filepath.FromSlash(src)))
		if err != nil {
			t.Fatal(err)
		}
		if got := sha256Hex(b); got != sums[name] {
			t.Errorf("npm's maplibre-gl/%s (sha256 %s) differs from vendored %s (%s)"+hint, src, got, name, sums[name])
		}
	}
}

// pinnedMapLibre is the maplibre-gl version of package-lock.json, which must also be the
// exact version package.json asks for (no range: the vendored copy is one version).
func pinnedMapLibre(t *testing.T) string {
	t.Helper()
	var lock struct {
		Packages map[string]struct {
			Version      string
			Dependencies map[string]string
		}
	}
	b, err := os.ReadFile("package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatalf("package-lock.json: %v", err)
	}
	locked := lock.Packages["node_modules/maplibre-gl"].Version
	if locked == "" {
		t.Fatal("package-lock.json has no node_modules/maplibre-gl")
	}
	var manifest struct{ Dependencies map[string]string }
	if b, err = os.ReadFile("package.json"); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatalf("package.json: %v", err)
	}
	if want := manifest.Dependencies["maplibre-gl"]; want != locked {
		t.Fatalf("package.json asks for maplibre-gl %q, package-lock.json has %q (run npm install in web/)", want, locked)
	}
	if root := lock.Packages[""].Dependencies["maplibre-gl"]; root != locked {
		t.Fatalf("package-lock.json root asks for maplibre-gl %q but locks %q", root, locked)
	}
	return locked
}

// readSums parses static/vendor/SHA256SUMS (sha256sum's output: hash, two spaces, name).
func readSums(t *testing.T) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(Static(), "vendor/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		hash, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(hash) != 64 || name == "" {
			t.Fatalf("SHA256SUMS: bad line %q", sc.Text())
		}
		if _, dup := sums[name]; dup {
			t.Fatalf("SHA256SUMS lists %s twice", name)
		}
		sums[name] = hash
	}
	return sums
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
