package fieldwork

import (
	"context"
	"testing"
	"time"
)

// fakeDuty is a DutyRouteSource kept in memory.
type fakeDuty struct {
	windows  []DutyWindow
	roster   []RosterSlot
	checkins []DutyCheckin
}

func (f fakeDuty) DutyWindows(_ context.Context, _, station int64) ([]DutyWindow, error) {
	var out []DutyWindow
	for _, w := range f.windows {
		if station == 0 || w.StationID == station {
			out = append(out, w)
		}
	}
	return out, nil
}

func (f fakeDuty) Roster(_ context.Context, _ []int64, first, last string) ([]RosterSlot, error) {
	var out []RosterSlot
	for _, r := range f.roster {
		if r.Day >= first && r.Day <= last {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f fakeDuty) DutyCheckins(_ context.Context, _ []int64, from, to time.Time) ([]DutyCheckin, error) {
	var out []DutyCheckin
	for _, c := range f.checkins {
		if !c.At.Before(from) && c.At.Before(to) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Two stations in Shanghai time (UTC+8): station 1 from 08:00 to 10:00 every day, station
// 2 from 14:00 to 16:00 on weekdays only.
var dutyWindows = []DutyWindow{
	{ID: 11, StationID: 1, Starts: "08:00", Ends: "10:00", TimeZone: "Asia/Shanghai", Weekdays: []int{1, 2, 3, 4, 5, 6, 7}},
	{ID: 12, StationID: 2, Starts: "14:00", Ends: "16:00", TimeZone: "Asia/Shanghai", Weekdays: []int{1, 2, 3, 4, 5}},
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestStationReport(t *testing.T) {
	src := fakeDuty{
		windows: dutyWindows,
		roster:  []RosterSlot{{StationID: 1, Day: "2026-03-06", WorkerID: 7}},
		checkins: []DutyCheckin{
			{ID: 1, StationID: 1, WorkerID: 7, At: utc("2026-03-06T01:00:00Z")}, // 09:00 local: station 1 met on Friday
			{ID: 2, StationID: 2, WorkerID: 7, At: utc("2026-03-06T01:00:00Z")}, // 09:00 local: no window at station 2
			{ID: 3, StationID: 1, WorkerID: 7, At: utc("2026-03-07T02:00:00Z")}, // 10:00 local: the window's end counts
		},
	}
	// Friday 6 and Saturday 7 March 2026, judged on Saturday at 15:00 local.
	rep, err := StationReport(context.Background(), src, 1, "2026-03-06", "2026-03-07", utc("2026-03-07T07:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{DutyMet: 2, DutyMissed: 1, DutyOpen: 0, DutyUpcoming: 0}
	for k, v := range want {
		if rep.Counts[k] != v {
			t.Errorf("counts %v, want %v", rep.Counts, want)
			break
		}
	}
	if len(rep.Windows) != 3 {
		t.Fatalf("%d occurrences, want 3 (station 2 has no Saturday window): %+v", len(rep.Windows), rep.Windows)
	}
	if len(rep.Missed) != 1 || rep.Missed[0].StationID != 2 || rep.Missed[0].Day != "2026-03-06" || rep.Missed[0].Rostered != nil {
		t.Errorf("missed %+v, want station 2 on Friday with nobody rostered", rep.Missed)
	}
	fri := rep.Windows[0]
	if fri.StationID != 1 || fri.Rostered == nil || *fri.Rostered != 7 || !fri.Starts.Equal(utc("2026-03-06T00:00:00Z")) {
		t.Errorf("first occurrence %+v, want station 1 from 00:00 UTC with worker 7 rostered", fri)
	}
	if len(rep.NotCounted) != 1 || rep.NotCounted[0].ID != 2 {
		t.Errorf("not counted %+v, want check-in 2", rep.NotCounted)
	}
}

func TestJudgeWindowsStatusAsOfNow(t *testing.T) {
	day := "2026-03-06" // station 1 runs 00:00-02:00 UTC
	for _, tc := range []struct {
		now  string
		want string
	}{
		{"2026-03-05T23:59:00Z", DutyUpcoming},
		{"2026-03-06T00:00:00Z", DutyOpen},
		{"2026-03-06T02:00:00Z", DutyOpen},
		{"2026-03-06T02:00:01Z", DutyMissed},
	} {
		occ, _, err := JudgeWindows(dutyWindows[:1], nil, nil, day, day, utc(tc.now))
		if err != nil {
			t.Fatal(err)
		}
		if len(occ) != 1 || occ[0].Status != tc.want {
			t.Errorf("at %s: %+v, want one %s", tc.now, occ, tc.want)
		}
	}
}

func TestMatchDutyWindow(t *testing.T) {
	for _, tc := range []struct {
		station int64
		at      string
		window  int64
		day     string
	}{
		{1, "2026-03-06T01:30:00Z", 11, "2026-03-06"},
		{1, "2026-03-06T02:00:00Z", 11, "2026-03-06"}, // the end is inclusive
		{1, "2026-03-06T02:00:01Z", 0, ""},
		{2, "2026-03-06T07:00:00Z", 12, "2026-03-06"}, // Friday 15:00 local
		{2, "2026-03-07T07:00:00Z", 0, ""},            // Saturday: no window
		{3, "2026-03-06T01:30:00Z", 0, ""},            // a station without windows
	} {
		w, day, ok, err := MatchDutyWindow(dutyWindows, tc.station, utc(tc.at))
		if err != nil {
			t.Fatal(err)
		}
		if ok != (tc.window != 0) || w.ID != tc.window || day != tc.day {
			t.Errorf("station %d at %s: window %d day %q ok %v, want %d %q", tc.station, tc.at, w.ID, day, ok, tc.window, tc.day)
		}
	}
}

func TestDutyWindowErrors(t *testing.T) {
	bad := []DutyWindow{{ID: 1, StationID: 1, Starts: "8am", Ends: "10:00", TimeZone: "UTC", Weekdays: []int{5}}}
	if _, _, err := JudgeWindows(bad, nil, nil, "2026-03-06", "2026-03-06", time.Now()); err == nil {
		t.Error("a start that is not HH:MM was accepted")
	}
	zone := []DutyWindow{{ID: 1, StationID: 1, Starts: "08:00", Ends: "10:00", TimeZone: "Mars/Olympus", Weekdays: []int{5}}}
	if _, _, _, err := MatchDutyWindow(zone, 1, time.Now()); err == nil {
		t.Error("an unknown zone was accepted")
	}
	if _, err := StationReport(context.Background(), fakeDuty{}, 1, "2026-3-6", "2026-03-06", time.Now()); err == nil {
		t.Error("a first day that is not YYYY-MM-DD was accepted")
	}
}
