package bench

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// Columns are the fields of every row, in order.
var Columns = []string{"instance", "cost", "bks", "gap_pct", "seconds", "valid"}

// Printer writes rows as they complete, either as CSV (with a header line) or as an
// aligned table with the same columns; both end with the summary line. Rows are written
// one at a time so that a long run shows its progress.
type Printer struct {
	w     io.Writer
	csv   *csv.Writer
	width int // of the instance column in table mode
}

// NewPrinter prints to w; names are the instances to come, used to size the table.
func NewPrinter(w io.Writer, asCSV bool, names []string) *Printer {
	p := &Printer{w: w, width: len(Columns[0])}
	if asCSV {
		p.csv = csv.NewWriter(w)
	}
	for _, n := range names {
		p.width = max(p.width, len(n))
	}
	return p
}

// Header writes the column names.
func (p *Printer) Header() error {
	return p.line(Columns)
}

// Row writes one row; empty cells stand for missing values.
func (p *Printer) Row(r Row) error {
	return p.line(Fields(r))
}

// Summary writes the summary line, the last line of the output in both modes.
func (p *Printer) Summary(s Summary) error {
	_, err := fmt.Fprintln(p.w, s.String())
	return err
}

func (p *Printer) line(f []string) error {
	if p.csv != nil {
		if err := p.csv.Write(f); err != nil {
			return err
		}
		p.csv.Flush()
		return p.csv.Error()
	}
	_, err := fmt.Fprintf(p.w, "%-*s %9s %9s %8s %8s %s\n", p.width, f[0], f[1], f[2], f[3], f[4], f[5])
	return err
}

// Fields formats a row's cells in Columns order.
func Fields(r Row) []string {
	cost, bks, gap := "", "", ""
	if r.HasCost {
		cost = strconv.FormatInt(r.Cost, 10)
	}
	if r.HasBKS {
		bks = strconv.FormatInt(r.BKS, 10)
	}
	if g, ok := r.Gap(); ok {
		gap = strconv.FormatFloat(g, 'f', 2, 64)
	}
	return []string{r.Instance, cost, bks, gap, strconv.FormatFloat(r.Seconds, 'f', 2, 64), strconv.FormatBool(r.Valid)}
}
