package api

import (
	"math"
	"net/http"
	"time"

	"github.com/gridsweep/gridsweep/data"
	dayprogress "github.com/gridsweep/gridsweep/progress"
)

// planDay is the day a plan's progress is counted for: the plan's publication for today,
// else its latest past one, else its first future one; an unpublished plan counts today in
// its area's zone with the default shift start.
type planDay struct {
	Date       string
	Zone       *time.Location
	ShiftStart string
	Published  bool
	From, To   time.Time
	shiftStart time.Time
}

func (s *server) planDay(r *http.Request, plan data.PlanRecord, now time.Time) (planDay, error) {
	pubs, err := s.store.PlanPublications(r.Context(), plan.ID)
	if err != nil {
		return planDay{}, err
	}
	var today, past *data.Publication
	for i := range pubs { // newest day first
		p := &pubs[i]
		loc, err := time.LoadLocation(p.TimeZone)
		if err != nil {
			return planDay{}, err
		}
		switch now := now.In(loc).Format(data.DateLayout); {
		case p.Date == now && today == nil:
			today = p
		case p.Date < now && past == nil:
			past = p
		}
	}
	pick := today
	if pick == nil {
		pick = past
	}
	if pick == nil && len(pubs) > 0 {
		pick = &pubs[len(pubs)-1]
	}
	d := planDay{ShiftStart: "08:00"}
	if pick != nil {
		d.Date, d.ShiftStart, d.Published = pick.Date, pick.ShiftStart, true
		if d.Zone, err = time.LoadLocation(pick.TimeZone); err != nil {
			return d, err
		}
	} else {
		if d.Zone, err = s.timeZone(r, plan.AreaID); err != nil {
			return d, err
		}
		d.Date = now.In(d.Zone).Format(data.DateLayout)
	}
	day, err := time.ParseInLocation(data.DateLayout, d.Date, d.Zone)
	if err != nil {
		return d, err
	}
	d.From, d.To = day, day.AddDate(0, 0, 1)
	if d.shiftStart, err = time.ParseInLocation(data.DateLayout+" 15:04", d.Date+" "+d.ShiftStart, d.Zone); err != nil {
		return d, err
	}
	return d, nil
}

// workerProgress is one row of GET /plans/{id}/progress.
type workerProgress struct {
	Worker         int64          `json:"worker"`
	Name           string         `json:"name"`
	BlocksTotal    int            `json:"blocks_total"`
	BlocksDone     int            `json:"blocks_done"`
	ShopsTotal     int            `json:"shops_total"`
	ShopsVisited   int            `json:"shops_visited"`
	DistanceDoneM  float64        `json:"distance_done_m"`
	DistanceTotalM float64        `json:"distance_total_m"`
	DonePct        float64        `json:"done_pct"`
	LastPosition   *data.Position `json:"last_position"`
	FirstActivity  *time.Time     `json:"first_activity"`
	LastActivity   *time.Time     `json:"last_activity"`
	ShiftEnd       time.Time      `json:"shift_end"`
	Status         string         `json:"status"`
}

type progressTotals struct {
	Workers        int            `json:"workers"`
	BlocksTotal    int            `json:"blocks_total"`
	BlocksDone     int            `json:"blocks_done"`
	ShopsTotal     int            `json:"shops_total"`
	ShopsVisited   int            `json:"shops_visited"`
	DistanceDoneM  float64        `json:"distance_done_m"`
	DistanceTotalM float64        `json:"distance_total_m"`
	DonePct        float64        `json:"done_pct"`
	Statuses       map[string]int `json:"statuses"`
}

// planProgress is the answer of GET /plans/{id}/progress.
type planProgress struct {
	Plan       int64            `json:"plan"`
	Date       string           `json:"date"`
	TimeZone   string           `json:"time_zone"`
	Published  bool             `json:"published"`
	ShiftStart string           `json:"shift_start"`
	Rules      progressRules    `json:"rules"`
	Workers    []workerProgress `json:"workers"`
	Totals     progressTotals   `json:"totals"`
	AsOf       time.Time        `json:"as_of"`
}

type progressRules struct {
	BehindMarginPct float64 `json:"behind_margin_pct"`
	IdleAfterS      int     `json:"idle_after_s"`
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// computeProgress counts a plan's day: per worker and for the plan.
func (s *server) computeProgress(r *http.Request, plan data.PlanRecord) (planProgress, error) {
	now := time.Now()
	day, err := s.planDay(r, plan, now)
	if err != nil {
		return planProgress{}, err
	}
	acts, err := s.store.PlanActivity(r.Context(), plan.ID, day.From, day.To)
	if err != nil {
		return planProgress{}, err
	}
	out := planProgress{
		Plan: plan.ID, Date: day.Date, TimeZone: day.Zone.String(), Published: day.Published, ShiftStart: day.ShiftStart,
		Rules:   progressRules{BehindMarginPct: dayprogress.BehindMargin * 100, IdleAfterS: int(dayprogress.IdleAfter / time.Second)},
		Workers: make([]workerProgress, 0, len(acts)), AsOf: now.UTC(),
	}
	t := &out.Totals
	t.Statuses = map[string]int{}
	for _, st := range []dayprogress.Status{dayprogress.NotStarted, dayprogress.OnTrack, dayprogress.Behind, dayprogress.Idle, dayprogress.Done} {
		t.Statuses[string(st)] = 0
	}
	for _, a := range acts {
		rule := dayprogress.Worker{BlocksTotal: a.BlocksTotal, BlocksDone: a.BlocksDone, ShopsTotal: a.ShopsTotal,
			ShopsVisited: a.ShopsVisited, LastActivity: a.LastActivity, ShiftStart: day.shiftStart,
			ShiftEnd: day.shiftStart.Add(time.Duration(a.ShiftMinutes) * time.Minute)}
		st := rule.StatusAt(now)
		out.Workers = append(out.Workers, workerProgress{
			Worker: a.WorkerID, Name: a.Name, BlocksTotal: a.BlocksTotal, BlocksDone: a.BlocksDone,
			ShopsTotal: a.ShopsTotal, ShopsVisited: a.ShopsVisited, DistanceDoneM: round1(a.DoneM),
			DistanceTotalM: round1(a.LengthM), DonePct: round1(100 * rule.DoneShare()), LastPosition: a.LastPosition,
			FirstActivity: a.FirstActivity, LastActivity: a.LastActivity, ShiftEnd: rule.ShiftEnd.UTC(), Status: string(st),
		})
		t.Workers++
		t.BlocksTotal += a.BlocksTotal
		t.BlocksDone += a.BlocksDone
		t.ShopsTotal += a.ShopsTotal
		t.ShopsVisited += a.ShopsVisited
		t.DistanceDoneM += a.DoneM
		t.DistanceTotalM += a.LengthM
		t.Statuses[string(st)]++
	}
	t.DistanceDoneM, t.DistanceTotalM = round1(t.DistanceDoneM), round1(t.DistanceTotalM)
	t.DonePct = round1(100 * dayprogress.Worker{BlocksTotal: t.BlocksTotal, BlocksDone: t.BlocksDone,
		ShopsTotal: t.ShopsTotal, ShopsVisited: t.ShopsVisited}.DoneShare())
	return out, nil
}

// handlePlanProgress answers a plan's progress for its day (supervisor of the area, viewer).
func (s *server) handlePlanProgress(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.loadPlan(r)
	if err != nil {
		return err
	}
	p, err := s.computeProgress(r, plan)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, p)
}
