// Package progress holds the rules of a sweep day's progress: when a worker counts as done,
// on track, behind or idle. It is pure (no SQL, no HTTP) so the rules are tested alone; the
// counts come from data and the API serves the result.
package progress

import "time"

// Status of a worker during the day.
type Status string

// The statuses, in the order a supervisor looks at them.
const (
	NotStarted Status = "not_started"
	OnTrack    Status = "on_track"
	Behind     Status = "behind"
	Idle       Status = "idle"
	Done       Status = "done"
)

// BehindMargin is how far (as a share of the route) the share done may trail the share of
// the shift gone by before a worker counts as behind: 10 points, so that the first block of
// the morning or a long block does not flag a worker who keeps pace.
const BehindMargin = 0.10

// IdleAfter is how long a worker may send neither a position nor a check-in during the
// shift before counting as idle.
const IdleAfter = 20 * time.Minute

// Worker is what the rules need to know about one worker's day.
type Worker struct {
	BlocksTotal, BlocksDone  int
	ShopsTotal, ShopsVisited int
	// LastActivity is the worker's latest position or check-in of the day; nil for none.
	LastActivity *time.Time
	// ShiftStart and ShiftEnd bound the worker's shift.
	ShiftStart, ShiftEnd time.Time
}

// DoneShare is the share of the worker's blocks done (shops when the route has no block),
// from 0 to 1; a route with nothing to do is complete.
func (w Worker) DoneShare() float64 {
	switch {
	case w.BlocksTotal > 0:
		return min(float64(w.BlocksDone)/float64(w.BlocksTotal), 1)
	case w.ShopsTotal > 0:
		return min(float64(w.ShopsVisited)/float64(w.ShopsTotal), 1)
	}
	return 1
}

// ShiftShare is the share of the shift gone by at now, from 0 to 1.
func (w Worker) ShiftShare(now time.Time) float64 {
	d := w.ShiftEnd.Sub(w.ShiftStart)
	if d <= 0 {
		return 1
	}
	return min(max(float64(now.Sub(w.ShiftStart))/float64(d), 0), 1)
}

// StatusAt applies the rules, first match wins:
//   - done: every block done and every shop visited;
//   - not_started: no position, check-in, block or shop yet today;
//   - idle: during the shift, nothing heard from the worker for IdleAfter;
//   - behind: the share done trails the share of the shift gone by more than BehindMargin;
//   - on_track otherwise.
func (w Worker) StatusAt(now time.Time) Status {
	if w.BlocksDone >= w.BlocksTotal && w.ShopsVisited >= w.ShopsTotal {
		return Done
	}
	if w.LastActivity == nil && w.BlocksDone == 0 && w.ShopsVisited == 0 {
		return NotStarted
	}
	inShift := !now.Before(w.ShiftStart) && now.Before(w.ShiftEnd)
	if inShift && (w.LastActivity == nil || now.Sub(*w.LastActivity) >= IdleAfter) {
		return Idle
	}
	if w.DoneShare() < w.ShiftShare(now)-BehindMargin {
		return Behind
	}
	return OnTrack
}
