package carp

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// The fuzz targets check that no input makes a reader panic, that whatever it accepts is
// a consistent instance, and that writing that instance back in the same format and
// reading it again gives the same links (so nothing is silently lost or invented).
// Seeds: the hand-written samples below plus testdata/fuzz/<target>/.

func FuzzReadCARP(f *testing.F) {
	f.Add(readTestFile(f, "tiny.dat"))
	f.Add([]byte(carpText(nil)))
	f.Add([]byte(carpText(map[int]string{8: "( 1 , 2) coste 1 demanda 2", 12: "DEPOSITO : 3"})))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ReadCARP(bytes.NewReader(data), "fuzz")
		if err != nil {
			if in != nil {
				t.Fatalf("instance returned with error %v", err)
			}
			return
		}
		checkReadInstance(t, in)
		again, err := ReadCARP(strings.NewReader(writeCARPForTest(in)), "fuzz")
		if err != nil {
			t.Fatalf("re-reading the written instance: %v\n%s", err, writeCARPForTest(in))
		}
		compareRoundTrip(t, in, again)
	})
}

func FuzzReadMCARP(f *testing.F) {
	f.Add(readTestFile(f, "tiny_mcarp.txt"))
	f.Add([]byte("NAME : a\nNODES : 2\nREQ_EDGES : 0\nREQ_ARCS : 1\nCAPACITY : 0\nLIST_REQ_ARCS :\n(1,2) serv_cost 1 trav_cost 1 demand 0\nLIST_NOREQ_ARCS :\n(2,1) cost 3\nDEPOT : 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ReadMCARP(bytes.NewReader(data), "fuzz")
		if err != nil {
			if in != nil {
				t.Fatalf("instance returned with error %v", err)
			}
			return
		}
		checkReadInstance(t, in)
		again, err := ReadMCARP(strings.NewReader(writeMCARPForTest(in)), "fuzz")
		if err != nil {
			t.Fatalf("re-reading the written instance: %v\n%s", err, writeMCARPForTest(in))
		}
		compareRoundTrip(t, in, again)
	})
}

func checkReadInstance(t *testing.T, in *Instance) {
	t.Helper()
	if err := in.Validate(); err != nil {
		t.Fatalf("accepted instance does not validate: %v", err)
	}
	var last int64
	for _, l := range in.Links {
		if l.ID <= last {
			t.Fatalf("link IDs not increasing: %+v", in.Links)
		}
		last = l.ID
		if !l.Required && (l.ServCost != 0 || l.Demand != 0 || l.From == l.To) {
			t.Fatalf("non-required link with service data or a loop: %+v", l)
		}
	}
}

// compareRoundTrip compares links ignoring IDs and the order between lists, since the
// writers renumber and group links by kind.
func compareRoundTrip(t *testing.T, a, b *Instance) {
	t.Helper()
	norm := func(in *Instance) []Link {
		var out []Link
		for _, kind := range []fileListKind{listReqEdges, listReqArcs, listNoreqEdges, listNoreqArcs} {
			for _, l := range in.Links {
				if l.Required == kind.required() && l.Directed == kind.directed() {
					l.ID = 0
					out = append(out, l)
				}
			}
		}
		return out
	}
	if a.Vertices != b.Vertices || a.Depot != b.Depot || a.Capacity != b.Capacity || a.Vehicles != b.Vehicles {
		t.Fatalf("header changed: %+v vs %+v", a, b)
	}
	if la, lb := norm(a), norm(b); !reflect.DeepEqual(la, lb) {
		t.Fatalf("links changed:\n%+v\n%+v", la, lb)
	}
}

func writeCARPForTest(in *Instance) string {
	var req, noreq []Link
	for _, l := range in.Links {
		if l.Required {
			req = append(req, l)
		} else {
			noreq = append(noreq, l)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "NOMBRE : %s\nVERTICES : %d\nARISTAS_REQ : %d\nARISTAS_NOREQ : %d\nVEHICULOS : %d\nCAPACIDAD : %d\n",
		in.Name, in.Vertices, len(req), len(noreq), in.Vehicles, in.Capacity)
	b.WriteString("LISTA_ARISTAS_REQ :\n")
	for _, l := range req {
		fmt.Fprintf(&b, " ( %d, %d)  coste %d demanda %d\n", l.From+1, l.To+1, l.ServCost, l.Demand)
	}
	if len(noreq) > 0 {
		b.WriteString("LISTA_ARISTAS_NOREQ :\n")
		for _, l := range noreq {
			fmt.Fprintf(&b, " ( %d, %d)  coste %d\n", l.From+1, l.To+1, l.TravCost)
		}
	}
	fmt.Fprintf(&b, "DEPOSITO : %d\n", in.Depot+1)
	return b.String()
}

func writeMCARPForTest(in *Instance) string {
	lists := map[fileListKind][]Link{}
	for _, l := range in.Links {
		var k fileListKind
		switch {
		case l.Required && !l.Directed:
			k = listReqEdges
		case l.Required:
			k = listReqArcs
		case !l.Directed:
			k = listNoreqEdges
		default:
			k = listNoreqArcs
		}
		lists[k] = append(lists[k], l)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "NAME : %s\r\nNODES : %d\r\nREQ_EDGES : %d\r\nNOREQ_EDGES : %d\r\nREQ_ARCS : %d\r\nNOREQ_ARCS : %d\r\nVEHICLES : %d\r\nCAPACITY : %d\r\nDUMPING_COST : 0\r\n",
		in.Name, in.Vertices, len(lists[listReqEdges]), len(lists[listNoreqEdges]), len(lists[listReqArcs]), len(lists[listNoreqArcs]), in.Vehicles, in.Capacity)
	for _, k := range []fileListKind{listReqEdges, listReqArcs, listNoreqEdges, listNoreqArcs} {
		fmt.Fprintf(&b, "%s :\r\n", mcarpDialect.listName(k))
		for _, l := range lists[k] {
			if k.required() {
				fmt.Fprintf(&b, "(%d,%d)   serv_cost %d   trav_cost %d   demand %d\r\n", l.From+1, l.To+1, l.ServCost, l.TravCost, l.Demand)
			} else {
				fmt.Fprintf(&b, "(%d,%d)   cost %d\r\n", l.From+1, l.To+1, l.TravCost)
			}
		}
	}
	fmt.Fprintf(&b, "DEPOT : %d\r\n", in.Depot+1)
	return b.String()
}
