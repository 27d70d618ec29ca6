package carp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// The benchmark readers share one line-oriented parser driven by a dialect table: the
// Spanish CARP format (gdb, val, egl files) and the English MCARP format (mval, Lpr files)
// have the same shape, "KEY : value" header lines followed by lists of "(i,j) name value …"
// link lines, and differ only in their words. Keeping one parser means both get the same
// tolerance (CRLF, any spacing, "( 1 , 2)") and the same errors.

// Limits keep hostile input from exhausting memory or overflowing int64 totals.
const (
	readMaxBytes    = 64 << 20
	readMaxVertices = 1 << 20
	readMaxLinks    = 1 << 22
	readMaxValue    = 1_000_000_000_000 // per cost, demand or capacity; sums stay far below 2^63
)

// ErrUnknownFormat is returned by ReadInstance when the input is neither CARP nor MCARP.
var ErrUnknownFormat = errors.New("unknown instance format: expected CARP keywords (NOMBRE, VERTICES, …) or MCARP keywords (NAME, NODES, …)")

// ReadInstance reads a CARP (Spanish keywords: NOMBRE, VERTICES, ARISTAS_REQ, …) or MCARP
// (English keywords: NAME, NODES, REQ_EDGES, …) benchmark file, detecting the format from
// its first keyword. name becomes Instance.Name; when empty the file's own name is used.
// Vertices are renumbered from 0. Line ends may be LF, CRLF or CR, spacing is free
// ("( 1 , 2)"). Malformed input gives an error naming the line ("line 14: …").
//
// Decisions where the formats are silent:
//   - A link listed twice (same endpoints, in any list) is kept as two parallel links: real
//     street networks have parallel streets, and merging would silently change demands.
//   - A required self-loop (i,i) is kept: it is a street that starts and ends at the same
//     corner and must still be served. A non-required self-loop is dropped, because it can
//     never shorten a path; its position still counts for the IDs of the links after it.
//   - Header counts are checked against the lists when the header states them; VERTICES
//     (NODES), CAPACIDAD (CAPACITY) and DEPOSITO (DEPOT) are mandatory.
//   - COSTE_TOTAL_REQ is ignored (it is wrong in several published files; use
//     Instance.TotalServiceCost), as are other informational keys (COMENTARIO,
//     TIPO_COSTES_ARISTAS, DUMPING_COST, MAX_TRIP, …). Unknown "KEY : value" header lines are
//     skipped so that files with extra keys still load; any other unrecognised line is an
//     error.
//   - Link.ID is the 1-based position of the link across the file's link lists, in file
//     order, so that a solution can be reported in the file's own terms.
//   - Every required link must be reachable from the depot and the depot from it (arcs
//     respected); otherwise no solution exists and the reader says which line is at fault.
//   - Blank lines and a closing "EOF" or "END" line are skipped. Costs, demands and the
//     capacity are integers from 0 to 10^12; files are limited to 64 MiB, 2^20 vertices
//     and 2^22 links, so that hostile input cannot exhaust memory or overflow totals.
func ReadInstance(r io.Reader, name string) (*Instance, error) {
	data, err := readInstanceBytes(r)
	if err != nil {
		return nil, err
	}
	d, err := detectFileDialect(data)
	if err != nil {
		return nil, err
	}
	return parseInstanceText(data, name, d)
}

// detectFileDialect looks at the first "KEY : value" line whose key either dialect knows.
func detectFileDialect(data []byte) (*fileDialect, error) {
	sc := newFileLineScanner(data)
	for sc.next() {
		key, _, ok := splitFileKeyValue(sc.text)
		if !ok {
			continue
		}
		key = strings.ToUpper(key)
		for _, d := range []*fileDialect{carpDialect, mcarpDialect} {
			if d.knows(key) {
				return d, nil
			}
		}
	}
	return nil, ErrUnknownFormat
}

func readInstanceBytes(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, readMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read instance: %w", err)
	}
	if len(data) > readMaxBytes {
		return nil, fmt.Errorf("read instance: larger than %d MiB", readMaxBytes>>20)
	}
	return data, nil
}

// fileHeaderField is what a header key means, independent of its spelling.
type fileHeaderField int

const (
	fieldName fileHeaderField = iota
	fieldVertices
	fieldCapacity
	fieldVehicles
	fieldDepot
	fieldCount   // the stated length of one link list (see fileDialect.counts)
	fieldIgnored // informational, or wrong in published files
)

// fileListKind says what the lines of a link list describe.
type fileListKind int

const (
	listReqEdges fileListKind = iota
	listReqArcs
	listNoreqEdges
	listNoreqArcs
)

func (k fileListKind) required() bool { return k == listReqEdges || k == listReqArcs }
func (k fileListKind) directed() bool { return k == listReqArcs || k == listNoreqArcs }

// fileLinkValue is what a named number on a link line means.
type fileLinkValue int

const (
	valServ fileLinkValue = iota
	valTrav
	valServTrav // CARP's "coste": service and traversal cost are the same number
	valDemand
)

// fileDialect spells the keywords of one file format.
type fileDialect struct {
	format string
	header map[string]fileHeaderField
	// counts maps a count key (ARISTAS_REQ) to the list it counts.
	counts map[string]fileListKind
	// lists maps a list key (LISTA_ARISTAS_REQ) to its kind.
	lists map[string]fileListKind
	// reqValues and noreqValues name the numbers on the lines of required and
	// non-required lists; each meaning must be given exactly once (two names may be
	// aliases of one meaning).
	reqValues   map[string]fileLinkValue
	noreqValues map[string]fileLinkValue
}

func (d *fileDialect) knows(key string) bool {
	if _, ok := d.header[key]; ok {
		return true
	}
	if _, ok := d.counts[key]; ok {
		return true
	}
	_, ok := d.lists[key]
	return ok
}

// listName returns the spelling of a list key, for messages.
func (d *fileDialect) listName(k fileListKind) string {
	for name, kind := range d.lists {
		if kind == k {
			return name
		}
	}
	return "?"
}

// countName returns the spelling of the count key for a list, for messages.
func (d *fileDialect) countName(k fileListKind) string {
	for name, kind := range d.counts {
		if kind == k {
			return name
		}
	}
	return "?"
}

// fileLineScanner yields trimmed lines with their 1-based numbers; it accepts LF, CRLF and
// lone CR line ends.
type fileLineScanner struct {
	rest []byte
	n    int
	text string
}

func newFileLineScanner(data []byte) *fileLineScanner { return &fileLineScanner{rest: data} }

func (s *fileLineScanner) next() bool {
	if len(s.rest) == 0 {
		return false
	}
	i := bytes.IndexAny(s.rest, "\r\n")
	var line []byte
	if i < 0 {
		line, s.rest = s.rest, nil
	} else {
		line = s.rest[:i]
		if s.rest[i] == '\r' && i+1 < len(s.rest) && s.rest[i+1] == '\n' {
			i++
		}
		s.rest = s.rest[i+1:]
	}
	s.n++
	s.text = strings.TrimSpace(string(line))
	return true
}

// splitFileKeyValue splits "KEY : value"; the key must be one word of letters, digits and
// underscores so that link lines and prose are never mistaken for keys.
func splitFileKeyValue(line string) (key, value string, ok bool) {
	k, v, found := strings.Cut(line, ":")
	if !found {
		return "", "", false
	}
	k = strings.TrimSpace(k)
	if k == "" {
		return "", "", false
	}
	for _, c := range k {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return "", "", false
		}
	}
	return k, strings.TrimSpace(v), true
}

// fileLink is a link line before the whole file is known.
type fileLink struct {
	link Link
	line int
}

// instanceParser holds the state of one read.
type instanceParser struct {
	d        *fileDialect
	vertices int
	capacity int64
	depot    int
	seen     map[string]int // header key → line, to reject duplicates and report counts
	stated   map[fileListKind]int
	listed   map[fileListKind]int
	links    []fileLink
	position int64 // 1-based position across all link lists, for Link.ID
}

func parseInstanceText(data []byte, name string, d *fileDialect) (*Instance, error) {
	p := &instanceParser{d: d, seen: map[string]int{}, stated: map[fileListKind]int{}, listed: map[fileListKind]int{}}
	in := &Instance{Name: name}
	sc := newFileLineScanner(data)
	current := fileListKind(-1) // the list whose lines are being read, -1 outside lists
	for sc.next() {
		line := sc.text
		if line == "" || strings.EqualFold(line, "EOF") || strings.EqualFold(line, "END") {
			continue
		}
		if strings.HasPrefix(line, "(") {
			if current < 0 {
				return nil, fmt.Errorf("line %d: link %q outside a link list", sc.n, line)
			}
			if err := p.linkLine(line, current, sc.n); err != nil {
				return nil, fmt.Errorf("line %d: %w", sc.n, err)
			}
			continue
		}
		key, value, ok := splitFileKeyValue(line)
		if !ok {
			return nil, fmt.Errorf("line %d: %s: unrecognised line %q", sc.n, d.format, line)
		}
		key = strings.ToUpper(key)
		if kind, ok := d.lists[key]; ok {
			if _, dup := p.seen[key]; dup {
				return nil, fmt.Errorf("line %d: %s appears twice (first on line %d)", sc.n, key, p.seen[key])
			}
			p.seen[key] = sc.n
			if value != "" {
				return nil, fmt.Errorf("line %d: %s: unexpected %q after the colon", sc.n, key, value)
			}
			current = kind
			p.listed[kind] = 0
			continue
		}
		current = -1
		if err := p.headerLine(in, key, value, sc.n); err != nil {
			return nil, fmt.Errorf("line %d: %w", sc.n, err)
		}
	}
	return p.finish(in)
}

func (p *instanceParser) headerLine(in *Instance, key, value string, line int) error {
	field, known := p.d.header[key]
	kind, isCount := p.d.counts[key]
	if !known && !isCount {
		return nil // an extra informational key some copies carry
	}
	if first, dup := p.seen[key]; dup {
		return fmt.Errorf("%s appears twice (first on line %d)", key, first)
	}
	p.seen[key] = line
	if isCount {
		n, err := parseFileNumber(key, value, readMaxLinks)
		if err != nil {
			return err
		}
		p.stated[kind] = int(n)
		return nil
	}
	switch field {
	case fieldName:
		if in.Name == "" {
			in.Name = value
		}
	case fieldVertices:
		n, err := parseFileNumber(key, value, readMaxVertices)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%s: no vertices", key)
		}
		p.vertices = int(n)
	case fieldCapacity:
		n, err := parseFileNumber(key, value, readMaxValue)
		if err != nil {
			return err
		}
		p.capacity = n
	case fieldVehicles:
		n, err := parseFileNumber(key, value, readMaxLinks)
		if err != nil {
			return err
		}
		in.Vehicles = int(n)
	case fieldDepot:
		n, err := parseFileNumber(key, value, readMaxVertices)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%s: vertices are numbered from 1, got 0", key)
		}
		p.depot = int(n) - 1
	}
	return nil
}

// parseFileNumber reads a non-negative integer no larger than limit.
func parseFileNumber(what, s string, limit int64) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not an integer", what, s)
	}
	if n < 0 {
		return 0, fmt.Errorf("%s: negative value %d", what, n)
	}
	if n > limit {
		return 0, fmt.Errorf("%s: %d is larger than the supported %d", what, n, limit)
	}
	return n, nil
}

// linkLine reads "( i , j ) name value name value …".
func (p *instanceParser) linkLine(line string, kind fileListKind, lineNo int) error {
	end := strings.IndexByte(line, ')')
	if end < 0 {
		return fmt.Errorf("missing ')' in %q", line)
	}
	a, b, ok := strings.Cut(line[1:end], ",")
	if !ok {
		return fmt.Errorf("expected (i,j) in %q", line)
	}
	from, err := parseFileNumber("first vertex", strings.TrimSpace(a), readMaxVertices)
	if err != nil {
		return err
	}
	to, err := parseFileNumber("second vertex", strings.TrimSpace(b), readMaxVertices)
	if err != nil {
		return err
	}
	if from == 0 || to == 0 {
		return fmt.Errorf("(%d,%d): vertices are numbered from 1", from, to)
	}
	names := p.d.noreqValues
	if kind.required() {
		names = p.d.reqValues
	}
	fields := strings.Fields(line[end+1:])
	if len(fields)%2 != 0 {
		return fmt.Errorf("(%d,%d): expected name value pairs after the vertices, got %q", from, to, strings.Join(fields, " "))
	}
	l := Link{From: int(from) - 1, To: int(to) - 1, Directed: kind.directed(), Required: kind.required()}
	var got [valDemand + 1]string // the name each number was given under, "" if not yet
	for i := 0; i < len(fields); i += 2 {
		name := strings.ToLower(fields[i])
		v, known := names[name]
		if !known {
			return fmt.Errorf("(%d,%d): unexpected %q in a %s line", from, to, fields[i], p.d.listName(kind))
		}
		if prev := got[v]; prev == name {
			return fmt.Errorf("(%d,%d): %s given twice", from, to, name)
		} else if prev != "" {
			return fmt.Errorf("(%d,%d): %s given twice (also as %s)", from, to, name, prev)
		}
		got[v] = name
		n, err := parseFileNumber(name, fields[i+1], readMaxValue)
		if err != nil {
			return fmt.Errorf("(%d,%d): %w", from, to, err)
		}
		switch v {
		case valServ:
			l.ServCost = n
		case valTrav:
			l.TravCost = n
		case valServTrav:
			l.ServCost, l.TravCost = n, n
		case valDemand:
			l.Demand = n
		}
	}
	for _, v := range names {
		if got[v] != "" {
			continue
		}
		for _, name := range sortedNames(names) { // the first missing name, for a stable message
			if got[names[name]] == "" {
				return fmt.Errorf("(%d,%d): missing %s", from, to, name)
			}
		}
	}
	if !l.Required {
		// Deadheading only: a service cost or demand has no meaning here.
		l.ServCost, l.Demand = 0, 0
	}
	p.position++
	p.listed[kind]++
	if len(p.links) >= readMaxLinks {
		return fmt.Errorf("more than %d links", readMaxLinks)
	}
	l.ID = p.position
	if l.From == l.To && !l.Required {
		return nil // a non-required loop never shortens a path
	}
	p.links = append(p.links, fileLink{link: l, line: lineNo})
	return nil
}

// sortedNames lists a dialect's value names in a fixed order, for stable messages; it
// runs only on the error path.
func sortedNames(names map[string]fileLinkValue) []string {
	return slices.Sorted(maps.Keys(names))
}

// finish checks the file as a whole and builds the instance.
func (p *instanceParser) finish(in *Instance) (*Instance, error) {
	d := p.d
	for _, k := range []string{"vertices", "capacity", "depot"} {
		if key := d.mandatory(k); p.seen[key] == 0 {
			return nil, fmt.Errorf("%s: missing %s", d.format, key)
		}
	}
	depotKey, verticesKey := d.mandatory("depot"), d.mandatory("vertices")
	if p.depot >= p.vertices {
		return nil, fmt.Errorf("line %d: %s %d outside 1..%d", p.seen[depotKey], depotKey, p.depot+1, p.vertices)
	}
	for _, kind := range []fileListKind{listReqEdges, listReqArcs, listNoreqEdges, listNoreqArcs} {
		countKey := d.countName(kind)
		stated, hasCount := p.stated[kind]
		listed := p.listed[kind]
		if !hasCount {
			continue
		}
		if stated != listed {
			return nil, fmt.Errorf("line %d: %s says %d but %s lists %d", p.seen[countKey], countKey, stated, d.listName(kind), listed)
		}
	}
	in.Vertices = p.vertices
	in.Depot = p.depot
	in.Capacity = p.capacity
	in.Links = make([]Link, len(p.links))
	for i, pl := range p.links {
		l := pl.link
		if l.From >= p.vertices || l.To >= p.vertices {
			return nil, fmt.Errorf("line %d: (%d,%d) has a vertex outside 1..%d (%s on line %d)", pl.line, l.From+1, l.To+1, p.vertices, verticesKey, p.seen[verticesKey])
		}
		if l.Required && p.capacity > 0 && l.Demand > p.capacity {
			return nil, fmt.Errorf("line %d: (%d,%d) demand %d exceeds the capacity %d", pl.line, l.From+1, l.To+1, l.Demand, p.capacity)
		}
		in.Links[i] = l
	}
	if err := p.checkReachable(in); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", d.format, err)
	}
	return in, nil
}

// mandatory returns the dialect's spelling of a mandatory header field.
func (d *fileDialect) mandatory(what string) string {
	want := map[string]fileHeaderField{"vertices": fieldVertices, "capacity": fieldCapacity, "depot": fieldDepot}[what]
	for key, f := range d.header {
		if f == want {
			return key
		}
	}
	return what
}

// checkReachable rejects instances with no solution: every required link must be
// reachable from the depot, and the depot from it, following arcs only forwards.
func (p *instanceParser) checkReachable(in *Instance) error {
	fwd := make([][]int, in.Vertices)
	bwd := make([][]int, in.Vertices)
	for _, l := range in.Links {
		fwd[l.From] = append(fwd[l.From], l.To)
		bwd[l.To] = append(bwd[l.To], l.From)
		if !l.Directed {
			fwd[l.To] = append(fwd[l.To], l.From)
			bwd[l.From] = append(bwd[l.From], l.To)
		}
	}
	out := reachFromVertex(in.Depot, fwd) // reachable from the depot
	back := reachFromVertex(in.Depot, bwd)
	for i, l := range in.Links {
		if !l.Required {
			continue
		}
		// An edge can be entered from either end; an arc only at From and left at To.
		ok := out[l.From] && back[l.To]
		if !l.Directed {
			ok = ok || out[l.To] && back[l.From]
		}
		if !ok {
			return fmt.Errorf("line %d: required link (%d,%d) cannot be served on a trip from and back to the depot %d", p.links[i].line, l.From+1, l.To+1, in.Depot+1)
		}
	}
	return nil
}

func reachFromVertex(start int, adj [][]int) []bool {
	seen := make([]bool, len(adj))
	seen[start] = true
	stack := []int{start}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range adj[v] {
			if !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return seen
}

// readFileDialect reads data known to be in dialect d.
func readFileDialect(r io.Reader, name string, d *fileDialect) (*Instance, error) {
	data, err := readInstanceBytes(r)
	if err != nil {
		return nil, err
	}
	return parseInstanceText(data, name, d)
}
