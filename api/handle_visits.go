package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// Batch caps: a whole shift's offline queue fits; anything larger is a bug or abuse.
const (
	maxVisitBatch = 2000
	maxGPSBatch   = 10000
	maxClientKey  = 128
)

type visitBody struct {
	ClientKey string          `json:"client_key"`
	WorkerID  *int64          `json:"worker_id"`
	PlanID    *int64          `json:"plan_id"`
	BlockID   *int64          `json:"block_id"`
	ShopID    *int64          `json:"shop_id"`
	VisitedAt *time.Time      `json:"visited_at"`
	Position  json.RawMessage `json:"position"`
}

// handlePostVisits stores one check-in (a JSON object) or a batch (a JSON array). Each
// result says created or duplicate, so a phone can drop exactly what landed.
func (s *server) handlePostVisits(w http.ResponseWriter, r *http.Request) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	var bodies []visitBody
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = decodeStrict(trimmed, &bodies)
	} else {
		var one visitBody
		err = decodeStrict(trimmed, &one)
		bodies = []visitBody{one}
	}
	if err != nil {
		return err
	}
	if len(bodies) == 0 {
		return problemf(KindValidation, "the batch is empty")
	}
	if len(bodies) > maxVisitBatch {
		return problemf(KindValidation, "at most %d check-ins per request", maxVisitBatch)
	}
	p := mustPrincipal(r)
	inputs := make([]data.VisitInput, len(bodies))
	var errs []FieldError
	checked := map[int64]bool{}
	for i, b := range bodies {
		field := func(name string) string { return fmt.Sprintf("[%d].%s", i, name) }
		in := data.VisitInput{ClientKey: b.ClientKey, PlanID: b.PlanID, BlockID: b.BlockID, ShopID: b.ShopID}
		if b.ClientKey == "" || len(b.ClientKey) > maxClientKey {
			errs = append(errs, FieldError{field("client_key"), fmt.Sprintf("required, at most %d bytes", maxClientKey)})
		}
		if b.VisitedAt == nil {
			errs = append(errs, FieldError{field("visited_at"), "required (RFC 3339 time)"})
		} else {
			in.VisitedAt = *b.VisitedAt
		}
		if (b.BlockID == nil) == (b.ShopID == nil) {
			errs = append(errs, FieldError{field("block_id"), "give exactly one of block_id and shop_id"})
		}
		switch {
		case p.Role == data.RoleWorker && b.WorkerID != nil && *b.WorkerID != p.WorkerID:
			return problemf(KindForbidden, "a worker token checks in only for worker %d", p.WorkerID)
		case p.Role == data.RoleWorker:
			in.WorkerID = p.WorkerID
		case b.WorkerID == nil:
			errs = append(errs, FieldError{field("worker_id"), "required with a supervisor token"})
		default:
			in.WorkerID = *b.WorkerID
			if !checked[in.WorkerID] {
				if _, err := s.loadWorker(r, in.WorkerID); err != nil {
					return err
				}
				checked[in.WorkerID] = true
			}
		}
		if len(b.Position) > 0 && string(b.Position) != "null" {
			pos, err := checkGeometry(field("position"), b.Position, "Point")
			if err != nil {
				return err
			}
			var pt struct{ Coordinates [2]float64 }
			if err := json.Unmarshal(pos, &pt); err != nil {
				return err
			}
			in.Lon, in.Lat = &pt.Coordinates[0], &pt.Coordinates[1]
		}
		inputs[i] = in
	}
	if len(errs) > 0 {
		pr := problemf(KindValidation, "some check-ins are invalid; nothing was stored")
		pr.Errors = errs
		return pr
	}
	results, err := s.store.InsertVisits(r.Context(), inputs)
	if err != nil {
		return err
	}
	return writeBatchResults(w, results, func(r data.VisitResult) string { return r.Status })
}

// writeBatchResults answers an idempotent batch write the same way for every kind of
// check-in (visits, ledger entries, campaign answers): how many were stored, how many were
// repeats of a key already stored, how many used a key another worker holds, and each
// item's own result in request order.
func writeBatchResults[T any](w http.ResponseWriter, results []T, status func(T) string) error {
	counts := map[string]int{}
	for _, r := range results {
		counts[status(r)]++
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"created": counts[data.VisitCreated], "duplicates": counts[data.VisitDuplicate],
		"key_taken": counts[data.VisitKeyTaken], "results": results,
	})
}

// decodeStrict is decodeJSON for a body already read.
func decodeStrict(b []byte, v any) error {
	if len(b) == 0 {
		return problemf(KindMalformedJSON, "the request body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return problemf(KindMalformedJSON, "the request body is not valid JSON for this endpoint: %v", err)
	}
	if dec.More() {
		return problemf(KindMalformedJSON, "the request body has data after the JSON value")
	}
	return nil
}

type gpsBody struct {
	Points []struct {
		T          *time.Time `json:"t"`
		Lon        *float64   `json:"lon"`
		Lat        *float64   `json:"lat"`
		AccuracyM  *float32   `json:"accuracy_m"`
		SpeedMPS   *float32   `json:"speed_mps"`
		HeadingDeg *float32   `json:"heading_deg"`
	} `json:"points"`
}

// handlePostGPS stores a batch of the calling worker's GPS fixes; re-sent fixes are
// skipped (one fix per worker and instant).
func (s *server) handlePostGPS(w http.ResponseWriter, r *http.Request) error {
	var b gpsBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	if len(b.Points) == 0 || len(b.Points) > maxGPSBatch {
		return problemf(KindValidation, "send 1 to %d points", maxGPSBatch)
	}
	fixes := make([]data.GPSFix, len(b.Points))
	var errs []FieldError
	for i, p := range b.Points {
		if p.T == nil || p.Lon == nil || p.Lat == nil || *p.Lon < -180 || *p.Lon > 180 || *p.Lat < -90 || *p.Lat > 90 {
			errs = append(errs, FieldError{fmt.Sprintf("points[%d]", i), "needs t (RFC 3339), lon in [-180,180], lat in [-90,90]"})
			continue
		}
		if p.HeadingDeg != nil && (*p.HeadingDeg < 0 || *p.HeadingDeg >= 360) {
			errs = append(errs, FieldError{fmt.Sprintf("points[%d].heading_deg", i), "must be in [0,360)"})
		}
		if (p.AccuracyM != nil && *p.AccuracyM < 0) || (p.SpeedMPS != nil && *p.SpeedMPS < 0) {
			errs = append(errs, FieldError{fmt.Sprintf("points[%d]", i), "accuracy_m and speed_mps must not be negative"})
		}
		fixes[i] = data.GPSFix{RecordedAt: *p.T, Lon: *p.Lon, Lat: *p.Lat, AccuracyM: p.AccuracyM, SpeedMPS: p.SpeedMPS, HeadingDeg: p.HeadingDeg}
	}
	if len(errs) > 0 {
		pr := problemf(KindValidation, "some points are invalid; nothing was stored")
		pr.Errors = errs
		return pr
	}
	n, err := s.store.InsertGPS(r.Context(), mustPrincipal(r).WorkerID, fixes)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]int{"received": len(fixes), "stored": n})
}
