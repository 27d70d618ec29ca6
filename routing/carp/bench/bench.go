// Package bench runs the CARP solver (routing/carp) over a directory of CARP/MCARP
// benchmark files and compares each result with its best-known value, checking every
// solution with the independent checker (routing/carp/check). It holds the logic behind
// "gridsweep carp bench"; the command only parses flags and prints.
//
// Conventions, fixed here so that published tables mean one thing:
//   - Every instance file in the directory gets a row, in natural order (gdb1, gdb2, …,
//     gdb10). A file that cannot be read or solved still gets a row, with an empty cost
//     and valid=false, and its error is returned with the row.
//   - gap_pct = 100 × (cost − bks) / bks, printed with two decimals; it is empty when the
//     instance has no best-known value (an empty bks cell) or no cost.
//   - The summary's mean gap is the plain average of the gaps over the N rows that have
//     one (a best-known value and a cost), whether or not the checker accepted them, so
//     an invalid solution cannot drop out of the mean; the V count shows validity.
//   - M counts rows whose solution is valid and costs no more than the best-known value
//     (mval values are upper bounds, so a negative gap is possible and counts).
package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gridsweep/gridsweep/routing/carp"
	"github.com/gridsweep/gridsweep/routing/carp/check"
)

// Config says what to run and how long.
type Config struct {
	// Dir holds the instance files.
	Dir string
	// BKS maps an instance name (file name without extension) to its best-known cost;
	// instances missing from it get no gap.
	BKS map[string]int64
	// Seconds, Seed and Threads are passed to carp.Solve for every instance.
	Seconds float64
	Seed    int64
	Threads int

	// solve replaces carp.Solve in tests.
	solve func(context.Context, *carp.Instance, carp.Options) (*carp.Solution, error)
}

// Row is the outcome for one instance.
type Row struct {
	Instance string
	// Cost is the solver's cost; meaningful when HasCost.
	Cost    int64
	HasCost bool
	// BKS is the best-known cost; meaningful when HasBKS.
	BKS    int64
	HasBKS bool
	// Seconds is the wall time spent in the solver.
	Seconds float64
	// Valid is the checker's verdict.
	Valid bool
	// Err says why the row is not valid: a read or solve error, or the checker's list of
	// problems. Nil when Valid.
	Err error
}

// Gap returns 100 × (cost − bks) / bks, and whether the row has one.
func (r Row) Gap() (float64, bool) {
	if !r.HasCost || !r.HasBKS || r.BKS <= 0 {
		return 0, false
	}
	return 100 * float64(r.Cost-r.BKS) / float64(r.BKS), true
}

// AtBest reports a valid solution costing no more than the best-known value.
func (r Row) AtBest() bool {
	return r.Valid && r.HasCost && r.HasBKS && r.Cost <= r.BKS
}

// Summary aggregates rows; see the package comment for what each count means.
type Summary struct {
	MeanGapPct float64
	// WithGap is N, the number of rows with a gap; AtBest is M; Valid is V.
	WithGap, AtBest, Valid int
	// Rows is the number of instances run.
	Rows int
}

// Summarise computes the summary of rows.
func Summarise(rows []Row) Summary {
	s := Summary{Rows: len(rows)}
	var sum float64
	for _, r := range rows {
		if g, ok := r.Gap(); ok {
			sum += g
			s.WithGap++
		}
		if r.AtBest() {
			s.AtBest++
		}
		if r.Valid {
			s.Valid++
		}
	}
	if s.WithGap > 0 {
		s.MeanGapPct = sum / float64(s.WithGap)
	}
	return s
}

// String is the summary line, exactly
// "mean gap X.XX% over N instances, M at best-known, V valid".
func (s Summary) String() string {
	return fmt.Sprintf("mean gap %.2f%% over %d instances, %d at best-known, %d valid", s.MeanGapPct, s.WithGap, s.AtBest, s.Valid)
}

// skipped names files in an instance directory that are not instances.
func skipped(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(strings.ToUpper(name), "README") {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".md", ".json", ".sol", ".html", ".pdf", ".gz", ".zip", ".tar", ".bz2":
		return true
	}
	return false
}

// ListInstances returns the instance files of dir (every regular file except hidden
// ones, README*, and data or archive files such as .csv, .md, .json, .sol, .gz), sorted
// naturally.
func ListInstances(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.Type().IsRegular() || skipped(e.Name()) {
			continue
		}
		files = append(files, e.Name())
	}
	slices.SortFunc(files, NaturalCompare)
	if len(files) == 0 {
		return nil, fmt.Errorf("list instances: no instance files in %s", dir)
	}
	return files, nil
}

// InstanceName is the file name without its extension.
func InstanceName(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// NaturalCompare orders strings with embedded numbers by value: gdb2 < gdb10,
// val9D < val10A.
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		ca, ra := naturalChunk(a)
		cb, rb := naturalChunk(b)
		if c := compareChunks(ca, cb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
	return len(a) - len(b)
}

// naturalChunk splits off the leading run of digits or of non-digits.
func naturalChunk(s string) (chunk, rest string) {
	digit := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digit {
		i++
	}
	return s[:i], s[i:]
}

func compareChunks(a, b string) int {
	if isDigit(a[0]) && isDigit(b[0]) {
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			return len(ta) - len(tb)
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
		return len(a) - len(b) // "01" after "1", so the order is total
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ReadBKS reads a best-known-values CSV with a header naming at least the columns
// "instance" and "bks" (as in set,instance,bks,lower_bound,optimal,source). An empty bks
// cell means no verified value: the instance is left out of the map.
func ReadBKS(r io.Reader) (map[string]int64, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read bks: header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	ic, ok1 := col["instance"]
	bc, ok2 := col["bks"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("read bks: header %q lacks an instance or bks column", strings.Join(header, ","))
	}
	out := map[string]int64{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read bks: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if ic >= len(rec) || bc >= len(rec) {
			return nil, fmt.Errorf("read bks: line %d: %d fields, need %d", line, len(rec), max(ic, bc)+1)
		}
		name, cell := strings.TrimSpace(rec[ic]), strings.TrimSpace(rec[bc])
		if cell == "" {
			continue
		}
		v, err := strconv.ParseInt(cell, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("read bks: line %d: bks %q for %s is not an integer", line, cell, name)
		}
		if prev, dup := out[name]; dup && prev != v {
			return nil, fmt.Errorf("read bks: line %d: %s listed twice (%d and %d)", line, name, prev, v)
		}
		out[name] = v
	}
}

// ReadBKSFile reads ReadBKS's format from a file.
func ReadBKSFile(path string) (map[string]int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read bks: %w", err)
	}
	return ReadBKS(bytes.NewReader(data))
}

// Run solves every instance of cfg.Dir in natural order, calling each (if not nil) as
// soon as a row is complete. When ctx is cancelled the instance being solved finishes
// with the best solution found so far, the remaining ones are not run, and Run returns
// the rows so far with an error saying so.
func Run(ctx context.Context, cfg Config, each func(Row)) ([]Row, error) {
	files, err := ListInstances(cfg.Dir)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for i, f := range files {
		if i > 0 && ctx.Err() != nil {
			return rows, fmt.Errorf("bench interrupted after %d of %d instances: %w", i, len(files), ctx.Err())
		}
		row := runOne(ctx, cfg, filepath.Join(cfg.Dir, f))
		rows = append(rows, row)
		if each != nil {
			each(row)
		}
	}
	return rows, nil
}

// runOne reads, solves and checks one file; failures end up in the row, never dropped.
func runOne(ctx context.Context, cfg Config, path string) Row {
	row := Row{Instance: InstanceName(path)}
	if v, ok := cfg.BKS[row.Instance]; ok {
		row.BKS, row.HasBKS = v, true
	}
	f, err := os.Open(path)
	if err != nil {
		row.Err = err
		return row
	}
	in, err := carp.ReadInstance(f, row.Instance)
	f.Close()
	if err != nil {
		row.Err = fmt.Errorf("%s: %w", filepath.Base(path), err)
		return row
	}
	solve := cfg.solve
	if solve == nil {
		solve = carp.Solve
	}
	start := time.Now()
	sol, err := solve(ctx, in, carp.Options{Seconds: cfg.Seconds, Seed: cfg.Seed, Threads: cfg.Threads})
	row.Seconds = time.Since(start).Seconds()
	if err != nil || sol == nil {
		if err == nil {
			err = errors.New("solver returned no solution")
		}
		row.Err = fmt.Errorf("%s: %w", row.Instance, err)
		return row
	}
	row.Cost, row.HasCost = sol.Cost, true
	if _, err := check.Check(in, sol.Walks(in), sol.Cost); err != nil {
		row.Err = fmt.Errorf("%s: %w", row.Instance, err)
		return row
	}
	row.Valid = true
	return row
}
