package geo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
)

// Format is the encoding of an OpenStreetMap file.
type Format int

// The OSM file formats ReadOSM reads.
const (
	FormatPBF      Format = iota + 1 // .osm.pbf: protobuf blocks
	FormatXML                        // .osm: OSM XML
	FormatXMLBzip2                   // .osm.bz2: bzip2-compressed OSM XML
)

// String names the format for messages.
func (f Format) String() string {
	switch f {
	case FormatPBF:
		return "pbf"
	case FormatXML:
		return "osm xml"
	case FormatXMLBzip2:
		return "osm xml (bzip2)"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatHeadSize is how many leading bytes FormatOf wants to see to recognise a file by
// its content; fewer work, but then the file name decides more often.
const FormatHeadSize = 64

// FormatOf tells the format of an OSM file from its first bytes (head; see FormatHeadSize)
// and, when they are not recognised, from its name. Content wins over the name because
// downloads are often misnamed; the name is the fallback for short or empty heads.
func FormatOf(name string, head []byte) (Format, error) {
	if f, ok := formatByMagic(head); ok {
		return f, nil
	}
	lower := strings.ToLower(filepath.Base(name))
	switch {
	case strings.HasSuffix(lower, ".pbf"):
		return FormatPBF, nil
	case strings.HasSuffix(lower, ".osm.bz2"), strings.HasSuffix(lower, ".xml.bz2"):
		return FormatXMLBzip2, nil
	case strings.HasSuffix(lower, ".osm"), strings.HasSuffix(lower, ".xml"):
		return FormatXML, nil
	}
	return 0, fmt.Errorf("%s: not an OpenStreetMap file: neither its content nor its name (.osm.pbf, .osm, .osm.bz2) says pbf, osm xml or bzip2", name)
}

// formatByMagic recognises the three formats by content:
//   - bzip2 streams start with "BZh" and a block-size digit;
//   - OSM XML starts (after an optional byte-order mark and white space) with "<?xml" or "<osm";
//   - a pbf starts with a 4-byte big-endian BlobHeader length followed by the BlobHeader
//     protobuf, whose field 1 (tag byte 0x0a) is the string "OSMHeader" or "OSMData".
func formatByMagic(head []byte) (Format, bool) {
	if len(head) >= 4 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9' {
		return FormatXMLBzip2, true
	}
	text := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(text, []byte("<?xml")) || bytes.HasPrefix(text, []byte("<osm")) {
		return FormatXML, true
	}
	if len(head) >= 6 {
		size := binary.BigEndian.Uint32(head)
		n := int(head[5])
		if size > 0 && size < 64*1024 && head[4] == 0x0a && len(head) >= 6+n {
			switch string(head[6 : 6+n]) {
			case "OSMHeader", "OSMData":
				return FormatPBF, true
			}
		}
	}
	return 0, false
}
