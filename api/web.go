package api

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/web"
)

// registerWeb mounts the browser pages and their assets (package web). They are public:
// a page holds no data, it asks the API with the bearer token its user gives it.
func (s *server) registerWeb(r *mux.Router) {
	pages := web.NewHandler(web.Options{EmbedOrigins: s.embedOrigins})
	for _, p := range web.PagePaths() {
		r.Handle(p, pages).Methods(http.MethodGet)
	}
	r.Handle(web.StaticPrefix+"{file:.+}", pages).Methods(http.MethodGet)
	// The console's QR codes of sign-in links (a page helper, not data).
	r.Handle("/api/v1/qr", s.authed([]string{data.RoleSupervisor}, s.handleQR)).Methods(http.MethodPost)
}
