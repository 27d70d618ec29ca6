package progress

import (
	"testing"
	"time"
)

func TestStatusAt(t *testing.T) {
	start := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	end := start.Add(8 * time.Hour)
	at := func(h, m int) *time.Time {
		v := start.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
		return &v
	}
	tests := []struct {
		name string
		w    Worker
		now  *time.Time
		want Status
	}{
		{"nothing yet", Worker{BlocksTotal: 10}, at(1, 0), NotStarted},
		{"nothing yet after the shift", Worker{BlocksTotal: 10}, at(9, 0), NotStarted},
		{"all done", Worker{BlocksTotal: 10, BlocksDone: 10, ShopsTotal: 2, ShopsVisited: 2}, at(3, 0), Done},
		{"blocks done, a shop left", Worker{BlocksTotal: 10, BlocksDone: 10, ShopsTotal: 2, ShopsVisited: 1, LastActivity: at(3, 55)}, at(4, 0), OnTrack},
		{"empty route", Worker{}, at(1, 0), Done},
		{"half done at half time", Worker{BlocksTotal: 10, BlocksDone: 5, LastActivity: at(3, 59)}, at(4, 0), OnTrack},
		{"within the margin", Worker{BlocksTotal: 10, BlocksDone: 4, LastActivity: at(3, 59)}, at(4, 0), OnTrack},
		{"behind the margin", Worker{BlocksTotal: 10, BlocksDone: 3, LastActivity: at(3, 59)}, at(4, 0), Behind},
		{"idle 20 minutes", Worker{BlocksTotal: 10, BlocksDone: 5, LastActivity: at(3, 40)}, at(4, 0), Idle},
		{"quiet 19 minutes", Worker{BlocksTotal: 10, BlocksDone: 5, LastActivity: at(3, 41)}, at(4, 0), OnTrack},
		{"quiet after the shift is not idle", Worker{BlocksTotal: 10, BlocksDone: 9, LastActivity: at(7, 0)}, at(9, 0), OnTrack},
		{"unfinished after the shift", Worker{BlocksTotal: 10, BlocksDone: 5, LastActivity: at(7, 0)}, at(9, 0), Behind},
		{"early start", Worker{BlocksTotal: 10, BlocksDone: 1, LastActivity: at(-1, 0)}, at(-1, 0), OnTrack},
		{"shops only", Worker{ShopsTotal: 4, ShopsVisited: 1, LastActivity: at(5, 59)}, at(6, 0), Behind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.w
			w.ShiftStart, w.ShiftEnd = start, end
			if got := w.StatusAt(*tt.now); got != tt.want {
				t.Fatalf("status %s, want %s (done %.2f, shift %.2f)", got, tt.want, w.DoneShare(), w.ShiftShare(*tt.now))
			}
		})
	}
}
