package fieldwork

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// LedgerEntry is a shop with its current ledger state; shops never checked are unknown.
type LedgerEntry struct {
	ShopID     int64      `json:"shop_id"`
	Name       string     `json:"name"`
	Category   string     `json:"category"`
	Address    string     `json:"address"`
	Status     string     `json:"status"`
	NeedTags   []string   `json:"need_tags"`
	Needs      string     `json:"needs"`
	Documents  []string   `json:"documents"`
	Note       string     `json:"note"`
	ObservedAt *time.Time `json:"observed_at"`
	Events     int        `json:"events"`
}

// ledgerCSVHeader is the header row of a ledger export.
var ledgerCSVHeader = []string{"shop_id", "name", "category", "address", "status", "need_tags", "needs", "documents", "note", "observed_at", "events"}

// csvCell keeps a spreadsheet from running a cell as a formula (CSV injection): a value
// that starts like one is prefixed with an apostrophe, which spreadsheets show as text.
func csvCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// WriteLedgerCSV writes entries as RFC 4180 CSV with a header row; lists inside a cell are
// joined with ";".
func WriteLedgerCSV(w io.Writer, entries []LedgerEntry) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(ledgerCSVHeader)
	for _, e := range entries {
		observed := ""
		if e.ObservedAt != nil {
			observed = e.ObservedAt.UTC().Format(time.RFC3339)
		}
		_ = cw.Write([]string{strconv.FormatInt(e.ShopID, 10), csvCell(e.Name), e.Category, csvCell(e.Address), e.Status,
			strings.Join(e.NeedTags, ";"), csvCell(e.Needs), csvCell(strings.Join(e.Documents, ";")), csvCell(e.Note),
			observed, strconv.Itoa(e.Events)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("ledger csv: %w", err)
	}
	return nil
}
