package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
)

func runCarpCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

var carpSummaryLine = regexp.MustCompile(`^mean gap -?\d+\.\d\d% over \d+ instances, \d+ at best-known, \d+ valid$`)

func TestCarpSolve(t *testing.T) {
	// Flags after the file, as the documented command line writes them.
	code, out, errOut := runCarpCLI(t, "carp", "solve", "testdata/carp/square.dat", "--seconds", "0.3", "--seed", "7", "--threads", "1")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "instance square: 4 vertices, 4 required edges, 0 required arcs, 1 deadhead-only links, capacity 3, depot 1" {
		t.Errorf("first line %q", lines[0])
	}
	trip := regexp.MustCompile(`^trip \d+: load [1-3], cost \d+, serves( \([1-4],[1-4]\))+$`)
	var trips, served int
	for _, l := range lines[1 : len(lines)-2] {
		if !trip.MatchString(l) {
			t.Errorf("trip line %q", l)
		}
		trips++
		served += strings.Count(l, "(")
	}
	if trips < 2 || served != 4 {
		t.Errorf("%d trips serving %d links, want at least 2 trips serving all 4:\n%s", trips, served, out)
	}
	total := regexp.MustCompile(`^total cost 6 \(service 4, deadheading 2\), \d+ trips, \d+\.\d\d s$`)
	if !total.MatchString(lines[len(lines)-2]) {
		t.Errorf("total line %q", lines[len(lines)-2])
	}
	if want := "checker: valid (4 of 4 required links served once, cost recomputed 6)"; lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
}

func TestCarpSolveMixed(t *testing.T) {
	code, out, errOut := runCarpCLI(t, "carp", "solve", "--seconds", "0.2", "testdata/carp/oneway.txt")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	// The only tour follows the arcs: 1→2 (edge), 2→3, 3→1.
	if !strings.Contains(out, "trip 1: load 3, cost 6, serves (1,2) (2,3) (3,1)\n") || !strings.Contains(out, "total cost 6 ") {
		t.Errorf("output:\n%s", out)
	}
}

func TestCarpBench(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		header string
		rows   []*regexp.Regexp
	}{
		{
			name:   "csv",
			args:   []string{"--csv"},
			header: "instance,cost,bks,gap_pct,seconds,valid",
			rows: []*regexp.Regexp{
				regexp.MustCompile(`^oneway,6,,,\d+\.\d\d,true$`),
				regexp.MustCompile(`^square,6,6,0\.00,\d+\.\d\d,true$`),
			},
		},
		{
			name:   "table",
			header: "instance      cost       bks  gap_pct  seconds valid",
			rows: []*regexp.Regexp{
				regexp.MustCompile(`^oneway\s+6\s+\d+\.\d\d true$`),
				regexp.MustCompile(`^square\s+6\s+6\s+0\.00\s+\d+\.\d\d true$`),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"carp", "bench", "testdata/carp", "--seconds", "0.2", "--threads", "1"}, tc.args...)
			code, out, errOut := runCarpCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 4 {
				t.Fatalf("want header, 2 rows and the summary:\n%s", out)
			}
			if lines[0] != tc.header {
				t.Errorf("header %q, want %q", lines[0], tc.header)
			}
			for i, re := range tc.rows {
				if !re.MatchString(lines[1+i]) {
					t.Errorf("row %q does not match %s", lines[1+i], re)
				}
			}
			// Only square has a best-known value, so N is 1.
			if !carpSummaryLine.MatchString(lines[3]) || lines[3] != "mean gap 0.00% over 1 instances, 1 at best-known, 2 valid" {
				t.Errorf("summary %q", lines[3])
			}
			if !strings.Contains(errOut, "testdata/carp/bks.csv") {
				t.Errorf("stderr %q does not say where the best-known values came from", errOut)
			}
		})
	}
}

func TestCarpBenchExplicitBKS(t *testing.T) {
	// A bks file that claims square's best is 5 makes its gap 20 %.
	dir := t.TempDir()
	bks := dir + "/other.csv"
	if err := os.WriteFile(bks, []byte("instance,bks\nsquare,5\noneway,6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCarpCLI(t, "carp", "bench", "testdata/carp", "--bks", bks, "--seconds", "0.2", "--threads", "1", "--csv")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "\nsquare,6,5,20.00,") || !strings.HasSuffix(out, "\nmean gap 10.00% over 2 instances, 1 at best-known, 2 valid\n") {
		t.Errorf("output:\n%s", out)
	}
}

func TestCarpErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want *regexp.Regexp // the whole of stderr
	}{
		{"malformed file", []string{"carp", "solve", "testdata/carp-bad/broken.dat"}, 1,
			regexp.MustCompile(`^gridsweep carp: testdata/carp-bad/broken\.dat: line 7: expected \(i,j\) in "\( 2; 3\) coste 1 demanda 1"\n$`)},
		{"missing file", []string{"carp", "solve", "testdata/carp/none.dat"}, 1,
			regexp.MustCompile(`^gridsweep carp: open testdata/carp/none\.dat: no such file or directory\n$`)},
		{"no file", []string{"carp", "solve"}, 2, regexp.MustCompile(`^gridsweep carp: usage: carp solve takes one instance FILE`)},
		{"two files", []string{"carp", "solve", "a", "b"}, 2, regexp.MustCompile(`takes one instance FILE \(got 2 arguments\)`)},
		{"bad seconds", []string{"carp", "solve", "testdata/carp/square.dat", "--seconds", "-1"}, 2, regexp.MustCompile(`--seconds must be positive`)},
		{"bad threads", []string{"carp", "bench", "testdata/carp", "--threads", "0"}, 2, regexp.MustCompile(`--threads must be at least 1`)},
		{"no subcommand", []string{"carp"}, 2, regexp.MustCompile(`give a subcommand`)},
		{"unknown subcommand", []string{"carp", "run"}, 2, regexp.MustCompile(`unknown subcommand "run"`)},
		{"bench of a bad directory", []string{"carp", "bench", "testdata/carp-bad", "--seconds", "0.1", "--csv"}, 1,
			regexp.MustCompile(`(?s)^broken: broken\.dat: line 7: .*gridsweep carp: 1 of 1 instances without a valid solution\n$`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCarpCLI(t, tc.args...)
			if code != tc.code || !tc.want.MatchString(errOut) {
				t.Errorf("exit %d (want %d), stderr %q does not match %s", code, tc.code, errOut, tc.want)
			}
			if tc.name == "bench of a bad directory" {
				// The broken instance still has its row and the summary is the last line.
				if want := "instance,cost,bks,gap_pct,seconds,valid\nbroken,,,,0.00,false\nmean gap 0.00% over 0 instances, 0 at best-known, 0 valid\n"; out != want {
					t.Errorf("stdout %q, want %q", out, want)
				}
			}
		})
	}
}

func TestCarpSolveInterrupted(t *testing.T) {
	// Ctrl-C before the search starts: the solver still returns its best solution so far,
	// which the command prints and checks.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"carp", "solve", "testdata/carp/square.dat", "--seconds", "30"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if !regexp.MustCompile(`\ntotal cost \d+ .*, interrupted: best so far\nchecker: valid `).MatchString(out.String()) {
		t.Errorf("output:\n%s", out.String())
	}
}
