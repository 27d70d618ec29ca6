package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gridsweep/gridsweep/data"
)

// missedStreet is a street with blocks of a worker's route not done on the plan's day.
type missedStreet struct {
	Street  string  `json:"street"`
	Blocks  []int64 `json:"blocks"`
	LengthM float64 `json:"length_m"`
}

// reportWorker is one row of the end-of-day report.
type reportWorker struct {
	workerProgress
	Missed []missedStreet `json:"missed"`
}

// planReport is the end-of-day report: the progress document with, per worker, the
// blocks not done grouped by street name.
type planReport struct {
	planProgress
	Workers []reportWorker `json:"workers"`
}

// unnamedStreet labels blocks whose street has no name in the map.
const unnamedStreet = "(unnamed street)"

func (s *server) planReport(r *http.Request) (planReport, error) {
	plan, err := s.loadPlan(r)
	if err != nil {
		return planReport{}, err
	}
	p, err := s.computeProgress(r, plan)
	if err != nil {
		return planReport{}, err
	}
	day, err := time.ParseInLocation(data.DateLayout, p.Date, mustLocation(p.TimeZone))
	if err != nil {
		return planReport{}, err
	}
	missed, err := s.store.PlanMissedBlocks(r.Context(), plan.ID, day, day.AddDate(0, 0, 1))
	if err != nil {
		return planReport{}, err
	}
	byWorker := map[int64][]missedStreet{}
	for _, m := range missed { // ordered by worker, street, block
		list := byWorker[m.WorkerID]
		street := m.Street
		if street == "" {
			street = unnamedStreet
		}
		if n := len(list); n > 0 && list[n-1].Street == street {
			list[n-1].Blocks = append(list[n-1].Blocks, m.BlockID)
			list[n-1].LengthM = round1(list[n-1].LengthM + m.LengthM)
		} else {
			list = append(list, missedStreet{Street: street, Blocks: []int64{m.BlockID}, LengthM: round1(m.LengthM)})
		}
		byWorker[m.WorkerID] = list
	}
	out := planReport{planProgress: p, Workers: make([]reportWorker, 0, len(p.Workers))}
	for _, wp := range p.Workers {
		ms := byWorker[wp.Worker]
		if ms == nil {
			ms = []missedStreet{}
		}
		out.Workers = append(out.Workers, reportWorker{workerProgress: wp, Missed: ms})
	}
	return out, nil
}

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC // names come from computeProgress, which loaded them already
	}
	return loc
}

// handlePlanReport answers the end-of-day report as JSON (for the printable page).
func (s *server) handlePlanReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.planReport(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, rep)
}

// reportCSVHeader names the columns of report.csv.
var reportCSVHeader = []string{"worker_id", "worker", "status", "blocks_done", "blocks_total", "shops_visited", "shops_total",
	"distance_done_m", "distance_total_m", "done_pct", "first_activity", "last_activity", "missed_blocks", "missed_streets"}

// handlePlanReportCSV answers the end-of-day report as CSV (RFC 4180, UTF-8, header row):
// one row per worker; missed_streets lists "street (blocks)" separated by "; ".
func (s *server) handlePlanReportCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.planReport(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(reportCSVHeader)
	ts := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	for _, wk := range rep.Workers {
		var streets []string
		missedBlocks := 0
		for _, m := range wk.Missed {
			streets = append(streets, fmt.Sprintf("%s (%d)", m.Street, len(m.Blocks)))
			missedBlocks += len(m.Blocks)
		}
		_ = cw.Write([]string{strconv.FormatInt(wk.Worker, 10), wk.Name, wk.Status,
			strconv.Itoa(wk.BlocksDone), strconv.Itoa(wk.BlocksTotal), strconv.Itoa(wk.ShopsVisited), strconv.Itoa(wk.ShopsTotal),
			f(wk.DistanceDoneM), f(wk.DistanceTotalM), f(wk.DonePct), ts(wk.FirstActivity), ts(wk.LastActivity),
			strconv.Itoa(missedBlocks), strings.Join(streets, "; ")})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="plan-%d-%s.csv"`, rep.Plan, rep.Date))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	return err
}
