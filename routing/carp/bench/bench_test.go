package bench

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/routing/carp"
	"github.com/gridsweep/gridsweep/routing/carp/check"
)

func TestNaturalCompare(t *testing.T) {
	got := []string{"gdb10", "gdb2", "val10A", "gdb1", "val9D", "val1B", "val1A", "gdb01", "gdb", "mval1A"}
	slices.SortFunc(got, NaturalCompare)
	want := []string{"gdb", "gdb1", "gdb01", "gdb2", "gdb10", "mval1A", "val1A", "val1B", "val9D", "val10A"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, p := range [][2]string{{"a", "a"}, {"x7", "x7"}} {
		if NaturalCompare(p[0], p[1]) != 0 {
			t.Errorf("%q vs %q not equal", p[0], p[1])
		}
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestListInstances(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"gdb10.dat": "", "gdb2.dat": "", "gdb1.dat": "", "mval1A.txt": "", "Lpr-a-01": "",
		"README.txt": "", "bks.csv": "", ".hidden.dat": "", "notes.md": "",
	})
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := ListInstances(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Lpr-a-01", "gdb1.dat", "gdb2.dat", "gdb10.dat", "mval1A.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, err := ListInstances(t.TempDir()); err == nil {
		t.Error("empty directory accepted")
	}
	if InstanceName("dir/mggdb_0.25_1.dat") != "mggdb_0.25_1" || InstanceName("Lpr-a-01") != "Lpr-a-01" {
		t.Error("InstanceName strips the wrong part")
	}
}

func TestReadBKS(t *testing.T) {
	text := "set,instance,bks,lower_bound,optimal,source\n" +
		"gdb,gdb1,316,,,\"found here, re-validated\"\n" +
		"val,val9D,,,,\"not verified\"\n" +
		"mval,mval1A,230,,,x\n" +
		"mval,mval1A,230,,,same value twice is harmless\n"
	got, err := ReadBKS(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["gdb1"] != 316 || got["mval1A"] != 230 {
		t.Errorf("got %v", got)
	}
	if _, ok := got["val9D"]; ok {
		t.Error("an empty bks cell produced a value")
	}
	for name, bad := range map[string]string{
		"no bks column": "set,instance,best\ngdb,gdb1,3\n",
		"not a number":  "instance,bks\ngdb1,3.5\n",
		"conflict":      "instance,bks\ngdb1,3\ngdb1,4\n",
		"short row":     "set,instance,bks\ngdb,gdb1\n",
		"empty":         "",
	} {
		if _, err := ReadBKS(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSummary(t *testing.T) {
	rows := []Row{
		{Instance: "a", Cost: 100, HasCost: true, BKS: 100, HasBKS: true, Valid: true}, // gap 0, at best
		{Instance: "b", Cost: 103, HasCost: true, BKS: 100, HasBKS: true, Valid: true}, // gap 3
		{Instance: "c", Cost: 98, HasCost: true, BKS: 100, HasBKS: true, Valid: false}, // gap -2, invalid: not at best
		{Instance: "d", Cost: 50, HasCost: true, Valid: true},                          // no bks: no gap
		{Instance: "e", BKS: 10, HasBKS: true, Err: errors.New("unreadable")},          // no cost: no gap
		{Instance: "f", Cost: 199, HasCost: true, BKS: 200, HasBKS: true, Valid: true}, // gap -0.5, at best
	}
	s := Summarise(rows)
	if s.WithGap != 4 || s.AtBest != 2 || s.Valid != 4 || s.Rows != 6 {
		t.Errorf("summary %+v", s)
	}
	want := "mean gap 0.12% over 4 instances, 2 at best-known, 4 valid" // (0+3-2-0.5)/4 = 0.125
	if s.String() != want {
		t.Errorf("got %q, want %q", s.String(), want)
	}
	if got := (Summary{}).String(); got != "mean gap 0.00% over 0 instances, 0 at best-known, 0 valid" {
		t.Errorf("empty summary %q", got)
	}
	if f := Fields(rows[4]); !slices.Equal(f, []string{"e", "", "10", "", "0.00", "false"}) {
		t.Errorf("fields of a failed row: %q", f)
	}
	if f := Fields(rows[1]); !slices.Equal(f, []string{"b", "103", "100", "3.00", "0.00", "true"}) {
		t.Errorf("fields: %q", f)
	}
}

// tinyCARP is a square 1-2-3-4 with a diagonal, depot 1, capacity 3: every edge demand 1.
const tinyCARP = `NOMBRE : sq
VERTICES : 4
ARISTAS_REQ : 4
ARISTAS_NOREQ : 1
CAPACIDAD : 3
LISTA_ARISTAS_REQ :
( 1, 2) coste 1 demanda 1
( 2, 3) coste 1 demanda 1
( 3, 4) coste 1 demanda 1
( 4, 1) coste 1 demanda 1
LISTA_ARISTAS_NOREQ :
( 1, 3) coste 1
DEPOSITO : 1
`

const tinyMCARP = "NAME : tri\r\nNODES : 3\r\nREQ_EDGES : 1\r\nNOREQ_EDGES : 0\r\nREQ_ARCS : 2\r\nNOREQ_ARCS : 0\r\nCAPACITY : 10\r\n" +
	"LIST_REQ_EDGES :\r\n(1,2) serv_cost 2 trav_cost 1 demand 1\r\nLIST_REQ_ARCS :\r\n(2,3) serv_cost 2 trav_cost 1 demand 1\r\n(3,1) serv_cost 2 trav_cost 1 demand 1\r\nDEPOT : 1\r\n"

func TestRunAndPrint(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"sq10.dat":   tinyCARP,
		"sq2.dat":    tinyCARP,
		"tri.txt":    tinyMCARP,
		"broken.dat": "NOMBRE : x\nVERTICES : 2\nbad line\n",
	})
	cfg := Config{Dir: dir, BKS: map[string]int64{"sq2": 4, "sq10": 4, "tri": 6, "broken": 1}, Seconds: 0.2, Seed: 1, Threads: 1}
	var streamed []string
	rows, err := Run(context.Background(), cfg, func(r Row) { streamed = append(streamed, r.Instance) })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"broken", "sq2", "sq10", "tri"}; !slices.Equal(streamed, want) {
		t.Fatalf("rows %v, want %v", streamed, want)
	}
	if r := rows[0]; r.Valid || r.HasCost || r.Err == nil || !strings.Contains(r.Err.Error(), "line 3") {
		t.Errorf("broken row %+v", r)
	}
	// sq: one trip of 3 edges then one of 1, or the square split 2+2; either way the
	// optimum is 4 service + 2 deadheading.
	for _, r := range rows[1:3] {
		if !r.Valid || r.Cost != 6 || r.Err != nil {
			t.Errorf("%s: %+v", r.Instance, r)
		}
	}
	if r := rows[3]; !r.Valid || r.Cost != 6 {
		t.Errorf("tri: %+v", r)
	}

	var csvOut, table bytes.Buffer
	names := []string{"broken", "sq2", "sq10", "tri"}
	for _, out := range []struct {
		buf   *bytes.Buffer
		isCSV bool
	}{{&csvOut, true}, {&table, false}} {
		p := NewPrinter(out.buf, out.isCSV, names)
		if err := p.Header(); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := p.Row(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Summary(Summarise(rows)); err != nil {
			t.Fatal(err)
		}
	}
	wantCSV := "instance,cost,bks,gap_pct,seconds,valid\n" +
		"broken,,1,,0.00,false\n" +
		`sq2,6,4,50.00,\d+\.\d\d,true` + "\n" +
		`sq10,6,4,50.00,\d+\.\d\d,true` + "\n" +
		`tri,6,6,0.00,\d+\.\d\d,true` + "\n" +
		`mean gap 33.33% over 3 instances, 1 at best-known, 3 valid` + "\n"
	if !regexp.MustCompile("^" + wantCSV + "$").MatchString(csvOut.String()) {
		t.Errorf("csv output:\n%s", csvOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "instance") || lines[5] != Summarise(rows).String() {
		t.Fatalf("table output:\n%s", table.String())
	}
	// Aligned: the last column starts at the same place on every line, and the numbers
	// before it are right-aligned under their headers.
	valid := strings.LastIndex(lines[0], " ") + 1
	for _, l := range lines[1:5] {
		if strings.LastIndex(l, " ")+1 != valid || !strings.HasSuffix(l[:valid-1], strings.Fields(l)[len(strings.Fields(l))-2]) {
			t.Errorf("row %q is not aligned with the header %q", l, lines[0])
		}
	}
}

func TestRunReportsInvalidSolutions(t *testing.T) {
	dir := writeFiles(t, map[string]string{"sq.dat": tinyCARP})
	lying := func(context.Context, *carp.Instance, carp.Options) (*carp.Solution, error) {
		return &carp.Solution{Cost: 1}, nil // serves nothing
	}
	rows, err := Run(context.Background(), Config{Dir: dir, BKS: map[string]int64{"sq": 6}, solve: lying}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0]
	var ce *check.Error
	if r.Valid || !r.HasCost || r.Cost != 1 || !errors.As(r.Err, &ce) {
		t.Fatalf("row %+v", r)
	}
	// The invalid row still counts in the mean gap (it cannot hide), but not at best-known.
	if s := Summarise(rows); s.WithGap != 1 || s.AtBest != 0 || s.Valid != 0 {
		t.Errorf("summary %+v", s)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.dat": tinyCARP, "b.dat": tinyCARP})
	ctx, cancel := context.WithCancel(context.Background())
	solve := func(ctx context.Context, in *carp.Instance, opt carp.Options) (*carp.Solution, error) {
		cancel() // Ctrl-C while the first instance runs
		return carp.Solve(ctx, in, opt)
	}
	rows, err := Run(ctx, Config{Dir: dir, Seconds: 5, solve: solve}, nil)
	if err == nil || !errors.Is(err, context.Canceled) || len(rows) != 1 || !rows[0].Valid {
		t.Errorf("rows %+v, err %v", rows, err)
	}
}
