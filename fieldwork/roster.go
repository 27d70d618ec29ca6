package fieldwork

import (
	"slices"
	"time"
)

// RosterPerson is someone who can be put on station duty, with the weekdays they never work.
type RosterPerson struct {
	WorkerID int64          `json:"worker_id"`
	DaysOff  []time.Weekday `json:"days_off"`
}

// RosterSlot puts one person on one station for one day (all its windows that day).
type RosterSlot struct {
	StationID int64  `json:"station_id"`
	Day       string `json:"day"`
	WorkerID  int64  `json:"worker_id"`
}

func (p RosterPerson) availableOn(d time.Time) bool { return !slices.Contains(p.DaysOff, d.Weekday()) }

// BuildRoster fills every (day, station) slot with a person who is not off that weekday,
// fairly, and returns the slots nobody can take as unfilled (WorkerID 0). days are dates
// (their calendar day is used).
//
// Fair means equal numbers of slots as far as days off allow: each person's target is
// found by water-filling (everyone gets the same level L, capped by the days they are
// available, with the levels summing to the number of slots). Slots are then handed out
// day by day to the available person with the fewest slots that day (one person covers
// several stations only when everyone else free is already on duty), then the most
// behind their target relative to the available days they have left, then the lowest id
// (so the roster is repeatable). Plain least-loaded greedy is not enough: it starves
// someone with many days off, who cannot catch up later.
func BuildRoster(days []time.Time, stations []int64, people []RosterPerson) (slots, unfilled []RosterSlot) {
	left := make([]int, len(people)) // available days from the current day on
	for i, p := range people {
		for _, d := range days {
			if p.availableOn(d) {
				left[i]++
			}
		}
	}
	target := waterFill(left, len(days)*len(stations))
	total := make([]int, len(people))
	for _, d := range days {
		today := make([]int, len(people))
		for _, st := range stations {
			slot := RosterSlot{StationID: st, Day: d.Format(time.DateOnly)}
			best := -1
			for i, p := range people {
				if !p.availableOn(d) {
					continue
				}
				if best < 0 || rosterBefore(i, best, people, today, total, target, left) {
					best = i
				}
			}
			if best < 0 {
				unfilled = append(unfilled, slot)
				continue
			}
			slot.WorkerID = people[best].WorkerID
			total[best]++
			today[best]++
			slots = append(slots, slot)
		}
		for i, p := range people {
			if p.availableOn(d) {
				left[i]--
			}
		}
	}
	return slots, unfilled
}

// rosterBefore reports whether person a should get the slot rather than b.
func rosterBefore(a, b int, people []RosterPerson, today, total []int, target []float64, left []int) bool {
	if today[a] != today[b] {
		return today[a] < today[b]
	}
	ua := (target[a] - float64(total[a])) / float64(max(left[a], 1))
	ub := (target[b] - float64(total[b])) / float64(max(left[b], 1))
	if ua != ub {
		return ua > ub
	}
	return people[a].WorkerID < people[b].WorkerID
}

// waterFill returns per person min(capacity, L) for the level L at which they sum to
// total (or the capacities themselves when they cannot reach it).
func waterFill(capacity []int, total int) []float64 {
	sum := func(level float64) float64 {
		s := 0.0
		for _, c := range capacity {
			s += min(float64(c), level)
		}
		return s
	}
	lo, hi := 0.0, float64(total)
	for range 60 {
		mid := (lo + hi) / 2
		if sum(mid) < float64(total) {
			lo = mid
		} else {
			hi = mid
		}
	}
	out := make([]float64, len(capacity))
	for i, c := range capacity {
		out[i] = min(float64(c), hi)
	}
	return out
}
