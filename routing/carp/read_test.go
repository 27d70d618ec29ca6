package carp

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/gridsweep/gridsweep/geo/fixture"
)

func readTestFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReadCARPSample(t *testing.T) {
	in, err := ReadCARP(bytes.NewReader(readTestFile(t, "tiny.dat")), "")
	if err != nil {
		t.Fatal(err)
	}
	want := &Instance{
		Name: "tiny-carp", Vertices: 5, Depot: 1, Capacity: 4, Vehicles: 2,
		Links: []Link{
			{From: 0, To: 1, Required: true, TravCost: 3, ServCost: 3, Demand: 1, ID: 1},
			{From: 1, To: 2, Required: true, TravCost: 4, ServCost: 4, Demand: 2, ID: 2},
			{From: 2, To: 3, Required: true, TravCost: 5, ServCost: 5, Demand: 1, ID: 3},
			{From: 3, To: 0, Required: true, TravCost: 6, ServCost: 6, Demand: 2, ID: 4},
			{From: 3, To: 4, Required: true, TravCost: 2, ServCost: 2, Demand: 1, ID: 5},
			{From: 0, To: 2, TravCost: 7, ID: 6},
		},
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("got  %+v\nwant %+v", in, want)
	}
	// The header claims 999; the reader must not trust it.
	if got := in.TotalServiceCost(); got != 20 {
		t.Errorf("TotalServiceCost = %d, want 20", got)
	}
}

func TestReadMCARPSample(t *testing.T) {
	in, err := ReadMCARP(bytes.NewReader(readTestFile(t, "tiny_mcarp.txt")), "given")
	if err != nil {
		t.Fatal(err)
	}
	want := &Instance{
		Name: "given", Vertices: 4, Depot: 0, Capacity: 10, Vehicles: 1,
		Links: []Link{
			{From: 0, To: 1, Required: true, ServCost: 4, TravCost: 2, Demand: 3, ID: 1},
			{From: 1, To: 2, Required: true, ServCost: 5, TravCost: 3, Demand: 2, ID: 2},
			{From: 2, To: 3, Directed: true, Required: true, ServCost: 6, TravCost: 4, Demand: 1, ID: 3},
			{From: 3, To: 0, Directed: true, Required: true, ServCost: 2, TravCost: 1, Demand: 2, ID: 4},
			{From: 3, To: 2, Directed: true, Required: true, ServCost: 3, TravCost: 2, Demand: 1, ID: 5},
			{From: 0, To: 2, TravCost: 9, ID: 6},
			{From: 1, To: 3, Directed: true, TravCost: 1, ID: 7},
		},
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("got  %+v\nwant %+v", in, want)
	}
}

// TestReadInstanceLineEnds reads each sample through the auto-detecting reader with LF,
// CRLF and lone-CR line ends, and expects the same instance as the format's own reader.
func TestReadInstanceLineEnds(t *testing.T) {
	for _, tc := range []struct {
		file string
		read func(r *bytes.Reader, name string) (*Instance, error)
	}{
		{"tiny.dat", func(r *bytes.Reader, n string) (*Instance, error) { return ReadCARP(r, n) }},
		{"tiny_mcarp.txt", func(r *bytes.Reader, n string) (*Instance, error) { return ReadMCARP(r, n) }},
	} {
		data := readTestFile(t, tc.file)
		want, err := tc.read(bytes.NewReader(data), "x")
		if err != nil {
			t.Fatal(err)
		}
		lf := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		for ending, text := range map[string][]byte{
			"LF":   lf,
			"CRLF": bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n")),
			"CR":   bytes.ReplaceAll(lf, []byte("\n"), []byte("\r")),
			"none": bytes.TrimRight(lf, "\n"),
		} {
			got, err := ReadInstance(bytes.NewReader(text), "x")
			if err != nil {
				t.Errorf("%s %s: %v", tc.file, ending, err)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: got %+v, want %+v", tc.file, ending, got, want)
			}
		}
	}
}

// carpText builds a small valid CARP file whose lines can be replaced to make it invalid;
// line numbers in the expectations below refer to this layout.
func carpText(replace map[int]string) string {
	lines := []string{
		"NOMBRE : t",                // 1
		"VERTICES : 3",              // 2
		"ARISTAS_REQ : 2",           // 3
		"ARISTAS_NOREQ : 1",         // 4
		"VEHICULOS : 1",             // 5
		"CAPACIDAD : 5",             // 6
		"LISTA_ARISTAS_REQ :",       // 7
		"( 1, 2) coste 1 demanda 2", // 8
		"( 2, 3) coste 2 demanda 3", // 9
		"LISTA_ARISTAS_NOREQ :",     // 10
		"( 1, 3) coste 4",           // 11
		"DEPOSITO : 1",              // 12
	}
	for n, s := range replace {
		lines[n-1] = s
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestReadErrors(t *testing.T) {
	if _, err := ReadCARP(strings.NewReader(carpText(nil)), ""); err != nil {
		t.Fatalf("the unmodified template must read: %v", err)
	}
	for _, tc := range []struct {
		name    string
		text    string
		wantErr string // a regular expression
	}{
		{"bad vertex count", carpText(map[int]string{2: "VERTICES : three"}), `^line 2: VERTICES: "three" is not an integer`},
		{"missing parenthesis", carpText(map[int]string{8: "( 1, 2 coste 1 demanda 2"}), `^line 8: missing '\)'`},
		{"no comma", carpText(map[int]string{8: "( 1 2) coste 1 demanda 2"}), `^line 8: expected \(i,j\)`},
		{"vertex zero", carpText(map[int]string{9: "( 0, 3) coste 2 demanda 3"}), `^line 9: \(0,3\): vertices are numbered from 1`},
		{"vertex too big", carpText(map[int]string{9: "( 2, 4) coste 2 demanda 3"}), `^line 9: \(2,4\) has a vertex outside 1\.\.3`},
		{"missing demand", carpText(map[int]string{8: "( 1, 2) coste 1"}), `^line 8: \(1,2\): missing demanda`},
		{"odd fields", carpText(map[int]string{8: "( 1, 2) coste 1 demanda"}), `^line 8: \(1,2\): expected name value pairs`},
		{"unknown word", carpText(map[int]string{11: "( 1, 3) coste 4 demanda 1"}), `^line 11: \(1,3\): unexpected "demanda"`},
		{"negative cost", carpText(map[int]string{8: "( 1, 2) coste -1 demanda 2"}), `^line 8: \(1,2\): coste: negative value -1`},
		{"huge cost", carpText(map[int]string{8: "( 1, 2) coste 99999999999999999999 demanda 2"}), `^line 8: \(1,2\): coste: .* is not an integer`},
		{"too few required", carpText(map[int]string{3: "ARISTAS_REQ : 3"}), `^line 3: ARISTAS_REQ says 3 but LISTA_ARISTAS_REQ lists 2`},
		{"too many non-required", carpText(map[int]string{4: "ARISTAS_NOREQ : 0"}), `^line 4: ARISTAS_NOREQ says 0 but LISTA_ARISTAS_NOREQ lists 1`},
		{"demand above capacity", carpText(map[int]string{9: "( 2, 3) coste 2 demanda 6"}), `^line 9: \(2,3\) demand 6 exceeds the capacity 5`},
		{"depot out of range", carpText(map[int]string{12: "DEPOSITO : 4"}), `^line 12: DEPOSITO 4 outside 1\.\.3`},
		{"missing depot", carpText(map[int]string{12: ""}), `^CARP: missing DEPOSITO`},
		{"duplicate key", carpText(map[int]string{5: "CAPACIDAD : 5"}), `^line 6: CAPACIDAD appears twice \(first on line 5\)`},
		{"garbage line", carpText(map[int]string{5: "hello world"}), `^line 5: CARP: unrecognised line "hello world"`},
		{"link outside list", carpText(map[int]string{7: "COMENTARIO : x"}), `^line 8: link "\( 1, 2\) coste 1 demanda 2" outside a link list`},
		{"unreachable", carpText(map[int]string{9: "( 3, 3) coste 2 demanda 3", 11: "( 1, 2) coste 4"}), `^line 9: required link \(3,3\) cannot be served`},
		{"not an instance", "hello\nworld\n", `unknown instance format`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadInstance(strings.NewReader(tc.text), "t")
			if err == nil {
				t.Fatalf("no error, want %s", tc.wantErr)
			}
			if !regexp.MustCompile(tc.wantErr).MatchString(err.Error()) {
				t.Errorf("error %q does not match %s", err, tc.wantErr)
			}
		})
	}
}

func TestReadMCARPArcDirections(t *testing.T) {
	// Vertex 3 can be entered by the arc 2→3 but never left: the required arc (2,3) is
	// reachable from the depot, yet no trip can come back.
	text := strings.Join([]string{
		"NAME : oneway", "NODES : 3", "REQ_EDGES : 1", "NOREQ_EDGES : 0", "REQ_ARCS : 1", "NOREQ_ARCS : 0",
		"CAPACITY : 10", "LIST_REQ_EDGES :", "(1,2) serv_cost 1 trav_cost 1 demand 1",
		"LIST_REQ_ARCS :", "(2,3) serv_cost 1 trav_cost 1 demand 1", "DEPOT : 1",
	}, "\r\n")
	_, err := ReadInstance(strings.NewReader(text), "")
	if err == nil || !strings.HasPrefix(err.Error(), "line 11: required link (2,3) cannot be served") {
		t.Fatalf("err = %v, want the one-way dead end on line 11", err)
	}
	// Adding the way back makes it feasible.
	text = strings.Replace(text, "NOREQ_ARCS : 0", "NOREQ_ARCS : 1", 1) + "\r\nLIST_NOREQ_ARCS :\r\n(3,1) cost 2\r\n"
	in, err := ReadInstance(strings.NewReader(text), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(in.Links); n != 3 || !in.Links[2].Directed || in.Links[2].Required || in.Links[2].TravCost != 2 {
		t.Errorf("links = %+v", in.Links)
	}
}

func TestReadParallelLinksAndLoops(t *testing.T) {
	text := carpText(map[int]string{
		3:  "ARISTAS_REQ : 3",
		4:  "ARISTAS_NOREQ : 2",
		9:  "( 1, 2) coste 2 demanda 3\n( 2, 2) coste 1 demanda 1\nLISTA_ARISTAS_NOREQ :\n( 3, 3) coste 1",
		10: "",
	})
	// The replaced line 9 carries several lines: the required list becomes (1,2), (1,2),
	// (2,2) and the non-required list the loop (3,3) and the edge (1,3).
	in, err := ReadCARP(strings.NewReader(text), "")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, l := range in.Links {
		ids = append(ids, l.ID)
	}
	// (1,2) twice is kept as two parallel required links, the required loop (2,2) is kept,
	// the non-required loop (3,3) (ID 4) is dropped.
	if want := []int64{1, 2, 3, 5}; !reflect.DeepEqual(ids, want) {
		t.Errorf("link IDs = %v, want %v", ids, want)
	}
	if l := in.Links[2]; l.From != 1 || l.To != 1 || !l.Required {
		t.Errorf("loop = %+v", l)
	}
}

func TestReadErrorIsNotUnknownFormatForKnownKeys(t *testing.T) {
	_, err := ReadInstance(strings.NewReader("NODES : 2\nCAPACITY : 1\n"), "")
	if err == nil || errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "missing DEPOT") {
		t.Errorf("err = %v, want a missing DEPOT error from the MCARP reader", err)
	}
}

// TestReadBenchmarkFiles reads every published instance and checks what the README
// states about them: counts, arcs only in mval, and the recomputed service totals.
func TestReadBenchmarkFiles(t *testing.T) {
	root := fixture.SharedData(t, "carp")
	total := 0
	for _, set := range []string{"gdb", "val", "mval"} {
		files, err := filepath.Glob(filepath.Join(root, set, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, err := ReadInstance(bytes.NewReader(data), filepath.Base(f))
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			total++
			arcs := 0
			for _, l := range in.Links {
				if l.Directed {
					arcs++
				}
			}
			if (arcs > 0) != (set == "mval") {
				t.Errorf("%s: %d arcs", f, arcs)
			}
			if len(in.Required()) == 0 || in.Depot != 0 {
				t.Errorf("%s: %d required links, depot %d", f, len(in.Required()), in.Depot+1)
			}
		}
	}
	if total != 23+34+34 {
		t.Errorf("read %d instances, want 91", total)
	}
	// gdb1's header total is right (252); gdb12's is not, so compare with a hand sum.
	data, err := os.ReadFile(filepath.Join(root, "gdb", "gdb1.dat"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := ReadInstance(bytes.NewReader(data), "gdb1")
	if err != nil {
		t.Fatal(err)
	}
	if in.TotalServiceCost() != 252 || len(in.Links) != 22 || in.Capacity != 5 || in.Vertices != 12 {
		t.Errorf("gdb1: service %d, %d links, capacity %d, %d vertices", in.TotalServiceCost(), len(in.Links), in.Capacity, in.Vertices)
	}
}

// BenchmarkReadInstance reads a generated 100×100 grid (about 20 000 links, half of
// them required) in the CARP format.
func BenchmarkReadInstance(b *testing.B) {
	const side = 100
	var req, noreq []string
	for r := 0; r < side; r++ {
		for c := 0; c < side; c++ {
			v := r*side + c + 1
			if c+1 < side {
				req = append(req, fmt.Sprintf(" ( %d, %d)  coste %d demanda 1", v, v+1, 1+v%7))
			}
			if r+1 < side {
				noreq = append(noreq, fmt.Sprintf(" ( %d, %d)  coste %d", v, v+side, 1+v%5))
			}
		}
	}
	text := fmt.Sprintf("NOMBRE : grid\nVERTICES : %d\nARISTAS_REQ : %d\nARISTAS_NOREQ : %d\nCAPACIDAD : 50\nLISTA_ARISTAS_REQ :\n%s\nLISTA_ARISTAS_NOREQ :\n%s\nDEPOSITO : 1\n",
		side*side, len(req), len(noreq), strings.Join(req, "\n"), strings.Join(noreq, "\n"))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := ReadInstance(strings.NewReader(text), "grid"); err != nil {
			b.Fatal(err)
		}
	}
}
