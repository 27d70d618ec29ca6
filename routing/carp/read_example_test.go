package carp_test

import (
	"fmt"
	"strings"

	"github.com/gridsweep/gridsweep/routing/carp"
)

func ExampleReadInstance() {
	// A two-street MCARP file: a two-way street 1-2 and a one-way street 2→1 (whose
	// service is slower than driving through). The header's format is detected.
	file := "NAME : two\r\nNODES : 2\r\nREQ_EDGES : 1\r\nREQ_ARCS : 1\r\nCAPACITY : 10\r\n" +
		"LIST_REQ_EDGES :\r\n(1,2) serv_cost 3 trav_cost 2 demand 4\r\n" +
		"LIST_REQ_ARCS :\r\n(2,1) serv_cost 5 trav_cost 1 demand 4\r\n" +
		"DEPOT : 1\r\n"
	in, err := carp.ReadInstance(strings.NewReader(file), "two-streets")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range in.Links {
		fmt.Printf("link %d: %d-%d directed=%v serve %d, pass %d, demand %d\n", l.ID, l.From+1, l.To+1, l.Directed, l.ServCost, l.TravCost, l.Demand)
	}
	fmt.Println("service total", in.TotalServiceCost())

	_, err = carp.ReadInstance(strings.NewReader(strings.Replace(file, "demand 4\r\nLIST", "demand four\r\nLIST", 1)), "bad")
	fmt.Println(err)
	// Output:
	// link 1: 1-2 directed=false serve 3, pass 2, demand 4
	// link 2: 2-1 directed=true serve 5, pass 1, demand 4
	// service total 8
	// line 7: (1,2): demand: "four" is not an integer
}
