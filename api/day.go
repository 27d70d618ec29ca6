package api

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/gridsweep/gridsweep/data"
)

// registerDay adds the routes of the day of the sweep: plan lists and publishing, the
// worker's route of the day and sign-in codes, live progress, the end-of-day report and
// token management.
func (s *server) registerDay(r *mux.Router, v1 string) {
	all := []string{data.RoleSupervisor, data.RoleWorker, data.RoleViewer}
	sup := []string{data.RoleSupervisor}
	a := func(path string, roles []string, h handlerFunc, methods ...string) {
		r.Handle(v1+path, s.authed(roles, h)).Methods(methods...)
	}
	a("/plans", all, s.handleListPlans, http.MethodGet)
	a("/plans/{id:[0-9]+}/publish", sup, s.handlePublishPlan, http.MethodPost)
	supViewer := []string{data.RoleSupervisor, data.RoleViewer}
	a("/plans/{id:[0-9]+}/progress", supViewer, s.handlePlanProgress, http.MethodGet)
	a("/plans/{id:[0-9]+}/progress/events", supViewer, s.handlePlanProgressEvents, http.MethodGet)
	a("/plans/{id:[0-9]+}/report", supViewer, s.handlePlanReport, http.MethodGet)
	a("/plans/{id:[0-9]+}/report.csv", supViewer, s.handlePlanReportCSV, http.MethodGet)
	a("/me/route", []string{data.RoleWorker}, s.handleMyRoute, http.MethodGet)
	a("/workers/{id:[0-9]+}/signin-codes", sup, s.handleCreateSigninCode, http.MethodPost)
	a("/tokens", sup, s.handleListTokens, http.MethodGet)
	a("/tokens", sup, s.handleCreateToken, http.MethodPost)
	a("/tokens/{id:[0-9]+}", sup, s.handleRevokeToken, http.MethodDelete)
	// The exchange needs no token: the code is the credential.
	r.Handle(v1+"/signin", s.serve(s.handleSignin)).Methods(http.MethodPost)
}
