package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// parseTimeZone reads an area's time_zone member: absent (set false), null (inherit the
// parent's zone again) or an IANA zone name this binary knows.
func parseTimeZone(raw json.RawMessage) (tz *string, set bool, err error) {
	if len(raw) == 0 {
		return nil, false, nil
	}
	if string(raw) == "null" {
		return nil, true, nil
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil || name == "" {
		return nil, false, problemf(KindValidation, "time_zone must be an IANA zone name such as Europe/Andorra, or null")
	}
	// LoadLocation also accepts "Local", which means nothing to a client.
	if _, err := time.LoadLocation(name); err != nil || name == "Local" {
		return nil, false, problemf(KindValidation, "time_zone %q is not an IANA zone name such as Europe/Andorra", name)
	}
	return &name, true, nil
}

func (s *server) setAreaTimeZone(r *http.Request, id int64, tz *string) (data.AreaRecord, error) {
	if err := s.store.SetAreaTimeZone(r.Context(), id, tz); err != nil {
		return data.AreaRecord{}, err
	}
	return s.store.GetArea(r.Context(), id)
}
