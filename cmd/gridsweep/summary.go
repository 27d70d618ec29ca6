package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/gridsweep/gridsweep/data"
)

// printImportSummary writes an import's summary for a person at a terminal: what was
// imported, how it was merged and how long it took.
func printImportSummary(w io.Writer, s data.ImportSummary) error {
	var b strings.Builder
	if s.Blocks > 0 || s.Nodes > 0 {
		fmt.Fprintf(&b, "blocks    %7d  %.1f km of street", s.Blocks, s.StreetM/1000)
		if s.SkippedBlocks > 0 {
			fmt.Fprintf(&b, ", %d zero-length left out", s.SkippedBlocks)
		}
		b.WriteString("\n")
		if s.Nodes > 0 {
			fmt.Fprintf(&b, "osm       %7d nodes, %d ways read; %d node refs missing from the file, skipped\n",
				s.Nodes, s.Ways, s.MissingNodeRefs)
		}
	}
	if s.Shops > 0 || s.Nodes > 0 {
		var parts []string
		for _, c := range data.Categories() {
			parts = append(parts, fmt.Sprintf("%s %d", c, s.ShopsByCategory[c]))
		}
		fmt.Fprintf(&b, "shops     %7d  %s\n", s.Shops, strings.Join(parts, ", "))
	}
	if s.Stations > 0 || s.Nodes > 0 {
		fmt.Fprintf(&b, "stations  %7d\n", s.Stations)
	}
	if s.Areas > 0 || s.Nodes > 0 {
		fmt.Fprintf(&b, "areas     %7d\n", s.Areas)
	}
	fmt.Fprintf(&b, "rows      %7d inserted, %d updated, %d unchanged\n", s.Rows.Inserted, s.Rows.Updated, s.Rows.Unchanged)
	fmt.Fprintf(&b, "seconds   %7.2f  (read %.2f, write %.2f)\n",
		(s.ReadTime + s.WriteTime).Seconds(), s.ReadTime.Seconds(), s.WriteTime.Seconds())
	_, err := io.WriteString(w, b.String())
	return err
}
