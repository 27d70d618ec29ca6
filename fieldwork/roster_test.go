package fieldwork

import (
	"fmt"
	"testing"
	"time"
)

func TestBuildRosterFairAndRespectsDaysOff(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday
	var days []time.Time
	for i := range 28 {
		days = append(days, start.AddDate(0, 0, i))
	}
	people := []RosterPerson{
		{WorkerID: 1, DaysOff: []time.Weekday{time.Saturday, time.Sunday}},
		{WorkerID: 2, DaysOff: []time.Weekday{time.Monday}},
		{WorkerID: 3, DaysOff: []time.Weekday{time.Wednesday}},
		{WorkerID: 4},
	}
	stations := []int64{10, 11, 12}
	slots, unfilled := BuildRoster(days, stations, people)
	if len(unfilled) != 0 || len(slots) != len(days)*len(stations) {
		t.Fatalf("%d slots, %d unfilled, want %d and 0", len(slots), len(unfilled), len(days)*len(stations))
	}
	off := map[int64][]time.Weekday{}
	for _, p := range people {
		off[p.WorkerID] = p.DaysOff
	}
	count := map[int64]int{}
	perDay := map[string]int{}
	seen := map[string]bool{}
	for _, s := range slots {
		d, _ := time.Parse(time.DateOnly, s.Day)
		for _, w := range off[s.WorkerID] {
			if d.Weekday() == w {
				t.Fatalf("worker %d rostered on a day off: %v", s.WorkerID, s)
			}
		}
		key := fmt.Sprint(s.StationID, s.Day)
		if seen[key] {
			t.Fatalf("slot %s filled twice", key)
		}
		seen[key] = true
		count[s.WorkerID]++
		perDay[fmt.Sprint(s.WorkerID, s.Day)]++
	}
	// Fair: no slot could move from its holder to someone free that day (available and
	// not already on duty) who holds at least two fewer slots.
	for _, s := range slots {
		d, _ := time.Parse(time.DateOnly, s.Day)
		for _, q := range people {
			free := perDay[fmt.Sprint(q.WorkerID, s.Day)] == 0
			for _, w := range q.DaysOff {
				free = free && d.Weekday() != w
			}
			if free && count[q.WorkerID] <= count[s.WorkerID]-2 {
				t.Fatalf("slot %v could go to worker %d: counts %v", s, q.WorkerID, count)
			}
		}
	}
	// Worker 1 is free on only 20 of the 28 days; the others share the rest evenly.
	if count[1] != 20 || count[2]+count[3]+count[4] != 64 || max(count[2], count[3], count[4])-min(count[2], count[3], count[4]) > 1 {
		t.Fatalf("counts %v", count)
	}
	// With 3 stations and at least 3 people free every day, nobody doubles up.
	for k, n := range perDay {
		if n > 1 {
			t.Fatalf("%s has %d stations on one day while others were free", k, n)
		}
	}
	again, _ := BuildRoster(days, stations, people)
	if fmt.Sprint(again) != fmt.Sprint(slots) {
		t.Fatal("the roster is not repeatable")
	}
}

func TestBuildRosterUnfilledWhenEveryoneIsOff(t *testing.T) {
	sunday := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	slots, unfilled := BuildRoster([]time.Time{sunday, sunday.AddDate(0, 0, 1)}, []int64{1},
		[]RosterPerson{{WorkerID: 5, DaysOff: []time.Weekday{time.Sunday}}})
	if len(slots) != 1 || slots[0].Day != "2026-03-09" || len(unfilled) != 1 || unfilled[0].Day != "2026-03-08" {
		t.Fatalf("slots %v unfilled %v", slots, unfilled)
	}
}
