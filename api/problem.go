package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gridsweep/gridsweep/data"
	"github.com/gridsweep/gridsweep/fieldwork"
)

// ProblemBase prefixes every problem type URI. The URIs are identifiers that clients
// compare, not pages that must resolve; they never change once published.
const ProblemBase = "https://gridsweep.dev/problems/"

// Problem kinds: the last segment of the type URI. Each maps to exactly one status.
const (
	KindMalformedJSON    = "malformed-json"
	KindInvalidGeoJSON   = "invalid-geojson"
	KindValidation       = "validation"
	KindUnauthorized     = "unauthorized"
	KindForbidden        = "forbidden"
	KindNotFound         = "not-found"
	KindMethodNotAllowed = "method-not-allowed"
	KindConflict         = "version-conflict"
	KindPrecondition     = "precondition-required"
	KindTooLarge         = "payload-too-large"
	KindUnsupportedMedia = "unsupported-media-type"
	KindUnavailable      = "unavailable"
	KindInternal         = "internal"
)

var kindStatus = map[string]int{
	KindMalformedJSON:    http.StatusBadRequest,
	KindInvalidGeoJSON:   http.StatusUnprocessableEntity,
	KindValidation:       http.StatusUnprocessableEntity,
	KindUnauthorized:     http.StatusUnauthorized,
	KindForbidden:        http.StatusForbidden,
	KindNotFound:         http.StatusNotFound,
	KindMethodNotAllowed: http.StatusMethodNotAllowed,
	KindConflict:         http.StatusConflict,
	KindPrecondition:     http.StatusPreconditionRequired,
	KindTooLarge:         http.StatusRequestEntityTooLarge,
	KindUnsupportedMedia: http.StatusUnsupportedMediaType,
	KindUnavailable:      http.StatusServiceUnavailable,
	KindInternal:         http.StatusInternalServerError,
}

var kindTitle = map[string]string{
	KindMalformedJSON:    "Malformed JSON",
	KindInvalidGeoJSON:   "Invalid GeoJSON",
	KindValidation:       "Invalid request",
	KindUnauthorized:     "Missing or invalid token",
	KindForbidden:        "Not allowed",
	KindNotFound:         "Not found",
	KindMethodNotAllowed: "Method not allowed",
	KindConflict:         "Version conflict",
	KindPrecondition:     "Version required",
	KindTooLarge:         "Request body too large",
	KindUnsupportedMedia: "Unsupported media type",
	KindUnavailable:      "Service unavailable",
	KindInternal:         "Internal error",
}

// Problem is an RFC 9457 problem detail and also the error handlers return for an
// expected failure. Unexpected errors become KindInternal problems whose detail hides
// the cause (it is logged instead).
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// RequestID lets a user quote the failing request to an operator.
	RequestID string `json:"request_id,omitempty"`
	// Errors lists per-field validation failures or per-item batch failures.
	Errors []FieldError `json:"errors,omitempty"`

	kind string
	// cause is the wrapped error (logged, never sent).
	cause error
}

// FieldError names one invalid input.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p *Problem) Error() string {
	if p.cause != nil {
		return p.kind + ": " + p.Detail + ": " + p.cause.Error()
	}
	return p.kind + ": " + p.Detail
}

func (p *Problem) Unwrap() error { return p.cause }

// Kind returns the problem's kind, e.g. KindNotFound.
func (p *Problem) Kind() string { return p.kind }

// problemf builds a problem of a known kind with a formatted detail.
func problemf(kind, format string, a ...any) *Problem {
	status, ok := kindStatus[kind]
	if !ok {
		panic("api: unknown problem kind " + kind)
	}
	return &Problem{
		Type:   ProblemBase + kind,
		Title:  kindTitle[kind],
		Status: status,
		Detail: fmt.Sprintf(format, a...),
		kind:   kind,
	}
}

// withCause keeps err for the logs without exposing it to the client.
func (p *Problem) withCause(err error) *Problem {
	p.cause = err
	return p
}

// asProblem maps any handler error to the problem sent to the client.
func asProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return problemf(KindTooLarge, "request body exceeds %d bytes", mbe.Limit).withCause(err)
	}
	if mapped := mapDataError(err); mapped != nil {
		return mapped
	}
	var bad *fieldwork.InputError
	if errors.As(err, &bad) {
		return problemf(KindValidation, "%s", bad.Error()).withCause(err)
	}
	if data.IsUnavailable(err) {
		// The request was fine and may succeed once PostgreSQL is back: 503 tells clients
		// (and a phone's check-in queue) to retry, where a 500 would say the server is broken.
		return problemf(KindUnavailable, "the database is not reachable; retry shortly").withCause(err)
	}
	return problemf(KindInternal, "the server failed to handle the request").withCause(err)
}

// writeProblem sends p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	out := *p
	out.Instance = r.URL.Path
	out.RequestID = requestIDFrom(r.Context())
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	if out.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gridsweep"`)
	}
	w.WriteHeader(out.Status)
	_ = json.NewEncoder(w).Encode(&out)
}
