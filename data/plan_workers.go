package data

import (
	"time"

	"github.com/gridsweep/gridsweep/routing"
)

// PlanWorkerParams returns the workers' own planning settings (shift_minutes,
// walk_speed_kmh, service_speed_kmh), in order, for routing.PlanOptions.PerWorker, so
// that the command line and the API's plan job read the workers table the same way. A
// zero value (a record not read from the table) leaves the plan-wide setting in force.
func PlanWorkerParams(ws []WorkerRecord) []routing.WorkerParams {
	out := make([]routing.WorkerParams, len(ws))
	for i, w := range ws {
		out[i] = routing.WorkerParams{
			ShiftLimit: time.Duration(w.ShiftMinutes) * time.Minute,
			WalkKmh:    w.WalkSpeedKmh,
			ServeKmh:   w.ServiceSpeedKmh,
		}
	}
	return out
}
