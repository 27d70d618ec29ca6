package api

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

// TestQRCode draws a sign-in link as a PNG QR code for a supervisor: a square image whose
// finder patterns (the three corner squares every reader looks for) are where the
// standard puts them; other roles and bad texts are refused.
func TestQRCode(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	link := "http://127.0.0.1:8080/worker?code=gsc_3q2-7wEJ8bXJm1n0u9oP2w"
	res := f.do("POST", "/api/v1/qr", f.tok["supervisor:A"], map[string]any{"text": link})
	if res.status != 200 || res.header.Get("Content-Type") != "image/png" || res.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("qr: %d %v", res.status, res.header)
	}
	img, err := png.Decode(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	const scale, quiet = 6, 4
	if b.Dx() != b.Dy() || b.Dx()%scale != 0 {
		t.Fatalf("image %v, want a square of %d px modules", b, scale)
	}
	modules := b.Dx()/scale - 2*quiet
	if modules < 21 || (modules-17)%4 != 0 {
		t.Fatalf("%d modules a side: not a QR code version", modules)
	}
	dark := func(x, y int) bool { // module coordinates, quiet zone excluded
		r, _, _, _ := img.At((x+quiet)*scale+scale/2, (y+quiet)*scale+scale/2).RGBA()
		return r < 0x8000
	}
	// A finder pattern: a dark 7×7 ring, a light ring, a dark 3×3 core.
	finder := func(x0, y0 int) bool {
		for y := range 7 {
			for x := range 7 {
				ring := x == 0 || y == 0 || x == 6 || y == 6
				core := x >= 2 && x <= 4 && y >= 2 && y <= 4
				if dark(x0+x, y0+y) != (ring || core) {
					return false
				}
			}
		}
		return true
	}
	if !finder(0, 0) || !finder(modules-7, 0) || !finder(0, modules-7) || finder(modules-7, modules-7) {
		t.Error("finder patterns are not in the three corners")
	}
	if dark(-1, -1) || dark(modules, modules) {
		t.Error("no light quiet zone")
	}

	wantProblem(t, f.do("POST", "/api/v1/qr", f.tok["worker:A"], map[string]any{"text": link}), 403, KindForbidden)
	wantProblem(t, f.do("POST", "/api/v1/qr", "", map[string]any{"text": link}), 401, KindUnauthorized)
	wantProblem(t, f.do("POST", "/api/v1/qr", f.tok["supervisor:A"], map[string]any{"text": ""}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/qr", f.tok["supervisor:A"], map[string]any{"text": strings.Repeat("x", maxQRText+1)}), 422, KindValidation)
	wantProblem(t, f.do("POST", "/api/v1/qr", f.tok["supervisor:A"], map[string]any{"txt": link}), 400, KindMalformedJSON)
}
