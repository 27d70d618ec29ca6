package geo

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// csvColumns are the header spellings a shop register may use for each column, after
// lower-casing and dropping spaces, dashes and underscores. Registers come from
// spreadsheets typed by hand, in English or Chinese.
var csvColumns = map[string]string{
	"name": "name", "shop": "name", "shopname": "name", "title": "name",
	"名称": "name", "店名": "name", "商户名称": "name", "店铺名称": "name",

	"address": "address", "addr": "address", "地址": "address",

	"category": "category", "type": "category", "kind": "category", "class": "category",
	"类别": "category", "分类": "category", "类型": "category", "行业": "category",

	"lon": "lon", "lng": "lon", "long": "lon", "longitude": "lon", "x": "lon", "经度": "lon",
	"lat": "lat", "latitude": "lat", "y": "lat", "纬度": "lat",

	"sourceid": "id", "id": "id", "编号": "id",
}

// ReadShopsCSV reads a shop register: a header row, then one shop a line. Columns are
// found by their header (see csvColumns; any order, unknown columns ignored); name, lon
// and lat are required, address, category and source_id/id optional. The separator is
// the one of ',', ';' and tab that the header line uses most. Lines whose fields are all
// blank are skipped (spreadsheets export them); two lines with the same source id (given,
// or hashed from the same name, category and position) are an error. Coordinates are in crs and are returned
// in WGS-84. Errors name the line: "line 7: lon "abc" is not a number".
func ReadShopsCSV(r io.Reader, crs CRS) ([]Shop, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffSeparator(data)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("csv: empty file, want a header row with name, lon, lat")
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols, err := csvHeader(header)
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}

	var shops []Shop
	seen := make(map[string]int) // source id → line
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if blankRecord(rec) {
			continue
		}
		shop, err := csvShop(rec, cols, crs)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if first, dup := seen[shop.SourceID]; dup {
			// Same id, or same name, category and position: a duplicated row.
			return nil, fmt.Errorf("line %d: source id %q already used on line %d", line, shop.SourceID, first)
		}
		seen[shop.SourceID] = line
		shops = append(shops, shop)
	}
	return shops, nil
}

// csvError turns encoding/csv's error into the "line N: ..." form.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %w", pe.Line, pe.Err)
	}
	return fmt.Errorf("read csv: %w", err)
}

// sniffSeparator picks the separator the first line uses most; ties go to ','.
func sniffSeparator(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	best, bestCount := ',', bytes.Count(first, []byte(","))
	for _, sep := range []rune{';', '\t'} {
		if n := bytes.Count(first, []byte(string(sep))); n > bestCount {
			best, bestCount = sep, n
		}
	}
	return best
}

// csvHeader maps column roles (name, address, category, lon, lat, id) to their index.
func csvHeader(header []string) (map[string]int, error) {
	cols := make(map[string]int)
	norm := strings.NewReplacer(" ", "", "_", "", "-", "")
	for i, h := range header {
		role, ok := csvColumns[norm.Replace(strings.ToLower(strings.TrimSpace(h)))]
		if !ok {
			continue
		}
		if j, dup := cols[role]; dup {
			return nil, fmt.Errorf("columns %d (%q) and %d (%q) are both %s", j+1, header[j], i+1, h, role)
		}
		cols[role] = i
	}
	for _, role := range []string{"name", "lon", "lat"} {
		if _, ok := cols[role]; !ok {
			return nil, fmt.Errorf("header %q has no %s column (want name, address, category, lon, lat)", strings.Join(header, ","), role)
		}
	}
	return cols, nil
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvShop builds one shop from a record.
func csvShop(rec []string, cols map[string]int, crs CRS) (Shop, error) {
	field := func(role string) string {
		i, ok := cols[role]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	name := field("name")
	if name == "" {
		return Shop{}, errors.New("missing name")
	}
	var coord [2]float64
	for k, role := range []string{"lon", "lat"} {
		text := field(role)
		if text == "" {
			return Shop{}, fmt.Errorf("missing %s", role)
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return Shop{}, fmt.Errorf("%s %q is not a number", role, text)
		}
		coord[k] = v
	}
	p := orb.Point(coord)
	if err := checkLonLat(p); err != nil {
		return Shop{}, err
	}
	category := field("category")
	cat := ParseCategory(category)
	kind := category
	if kind == "" {
		kind = string(cat)
	}
	id := field("id")
	if id == "" {
		id = registerID("shop", name, string(cat), p)
	}
	return Shop{
		SourceID: id, Name: name, Category: cat, Kind: kind,
		Address: field("address"), Point: crs.ToWGS84(p),
	}, nil
}
