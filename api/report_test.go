package api

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
)

// TestPlanReport: the end-of-day report lists per worker what was done and the blocks
// missed by street, as JSON and as CSV.
func TestPlanReport(t *testing.T) {
	t.Parallel()
	p := newProgressFixture(t)
	p.checkIn(p.ada[0], 10.001, 50.0005)
	p.checkIn(p.ada[1], 10.002, 50.0005)
	res := p.do("GET", fmt.Sprintf("/api/v1/plans/%d/report", p.plan), p.sup, nil)
	ada, ann := workerRow(t, res, p.workerA2), workerRow(t, res, p.workerA)
	missed := func(row map[string]any) (n int, streets []string) {
		for _, m := range row["missed"].([]any) {
			mm := m.(map[string]any)
			n += len(mm["blocks"].([]any))
			streets = append(streets, mm["street"].(string))
		}
		return n, streets
	}
	if n, _ := missed(ada); n != 2 || num(ada["blocks_done"]) != 2 || ada["first_activity"] == nil {
		t.Fatalf("Ada: %v", ada)
	}
	if n, streets := missed(ann); n != 4 || fmt.Sprint(streets) != "[Column 0 Row 1]" {
		t.Fatalf("Ann missed %d on %v: %v", n, streets, ann)
	}

	res = p.do("GET", fmt.Sprintf("/api/v1/plans/%d/report.csv", p.plan), p.tok["viewer:A"], nil)
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %s", res)
	}
	rows, err := csv.NewReader(strings.NewReader(string(res.body))).ReadAll()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(reportCSVHeader, ",") {
		t.Fatalf("csv rows %q: %v", rows, err)
	}
	for _, row := range rows[1:] {
		switch row[0] {
		case fmt.Sprint(p.workerA):
			if row[1] != "Ann" || row[3] != "0" || row[4] != "4" || row[12] != "4" || row[13] != "Column 0 (1); Row 1 (3)" || row[10] != "" {
				t.Fatalf("Ann's row %q", row)
			}
		case fmt.Sprint(p.workerA2):
			if row[3] != "2" || row[4] != "4" || row[9] != "50.0" || row[12] != "2" || row[10] == "" {
				t.Fatalf("Ada's row %q", row)
			}
		default:
			t.Fatalf("row %q", row)
		}
	}
	wantProblem(t, p.do("GET", fmt.Sprintf("/api/v1/plans/%d/report.csv", p.plan), p.adaTok, nil), 403, KindForbidden)
}
