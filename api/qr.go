package api

import (
	"net/http"
	"unicode/utf8"

	"rsc.io/qr"
)

// maxQRText bounds what a QR code may hold: a sign-in link is about 60 characters, and a
// code much denser than a few hundred is hard to scan off a screen.
const maxQRText = 512

// handleQR draws a text (the console's one-time sign-in link) as a QR code in PNG, for a
// supervisor. The page sends the absolute link it shows beside the image: only the page
// knows the origin the phone must open, which a server behind a proxy may not. The code is
// drawn here rather than by a script so the pages need no third-party JavaScript; rsc.io/qr
// is small, has no dependencies, and the link is sent in a body, not a URL, so no access
// log keeps it.
func (s *server) handleQR(w http.ResponseWriter, r *http.Request) error {
	var b struct {
		Text string `json:"text"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if b.Text == "" || len(b.Text) > maxQRText || !utf8.ValidString(b.Text) {
		return problemf(KindValidation, "text must be 1 to %d bytes of UTF-8", maxQRText)
	}
	code, err := qr.Encode(b.Text, qr.M)
	if err != nil {
		return problemf(KindValidation, "text cannot be drawn as a QR code: %v", err)
	}
	code.Scale = 6
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(code.PNG())
	return err
}
