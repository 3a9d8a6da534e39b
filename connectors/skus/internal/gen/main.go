// Command gen derives the SKU catalogue (catalogue.tsv in package skus) from
// Microsoft's "Product names and service plan identifiers for licensing" CSV.
//
// The CSV has one row per SKU and service plan; the catalogue keeps one line
// per SKU GUID with its part number and product name. go generate runs it
// from the skus package directory:
//
//	go run ./internal/gen -in ../../../shared/data/microsoft-licensing-service-plans.csv -out catalogue.tsv
//
// Microsoft's file comes with a byte-order mark, CRLF line ends, quoted cells
// and stray trailing spaces (some of them no-break spaces), and older copies
// spell the part-number column "String_ Id"; parse copes with all of them.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/natefinch/atomic"

	"github.com/seats-msp/seats/connectors/skus/internal/catalogue"
)

// Sku is one catalogue entry; the generator shares the type with the reader.
type Sku = catalogue.Sku

// column is one CSV column that parse needs; the rest (service plans) is
// ignored. key is the header cell after columnKey, name is how Microsoft's
// current header spells it, for error messages.
type column struct{ key, name string }

// The columns parse needs, in the order parse indexes them.
var (
	colName = column{"product_display_name", "Product_Display_Name"}
	colPart = column{"string_id", "String_Id"} // also matches the older "String_ Id"
	colGUID = column{"guid", "GUID"}
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// run is main without the exit, so tests can drive the whole generator.
func run(args []string, stderr io.Writer) error {
	flags := flag.NewFlagSet("gen", flag.ContinueOnError)
	flags.SetOutput(stderr)
	in := flags.String("in", "../../../shared/data/microsoft-licensing-service-plans.csv",
		"Microsoft's licensing CSV (relative paths resolve from the working directory, the skus package under go generate)")
	out := flags.String("out", "catalogue.tsv", "catalogue file to write")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", flags.Args())
	}

	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	skus, err := parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	var buf bytes.Buffer
	if err := catalogue.Write(&buf, skus); err != nil {
		return err
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "gen: wrote %d SKUs to %s\n", len(skus), *out)
	return nil
}

// writeFileAtomic replaces path in one rename, so an interrupted run leaves
// the previous catalogue in place rather than a truncated one that would be
// embedded into the binary.
func writeFileAtomic(path string, data []byte) error {
	if err := atomic.WriteFile(path, bytes.NewReader(data)); err != nil {
		return err
	}
	return os.Chmod(path, 0o644) // a source file, readable by all

}

// parse reads Microsoft's licensing CSV and returns one Sku per GUID, sorted
// by part number and then id, so the generated file only changes when the
// data does.
//
// It strips a UTF-8 byte-order mark, trims every cell (including no-break
// spaces), finds the columns by header name, lower-cases GUIDs and turns
// control characters inside a name (a line break in a quoted cell) into
// spaces. The first row of a GUID gives its name. A missing column, a short
// row, a cell that is not UTF-8, a GUID that is not a GUID and a GUID that
// comes back with another part number are errors, each naming the line.
func parse(r io.Reader) ([]Sku, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		_, _ = br.Discard(3) // cannot fail after a successful Peek of 3 bytes
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // a ragged row gets our error with a line number, not csv's
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("empty input: no header row")
	}
	if err != nil {
		return nil, err
	}
	headerLine, _ := cr.FieldPos(0)
	// header is not used after this loop: with ReuseRecord the next Read
	// overwrites it.
	cols := make(map[string]int)
	for i, h := range header {
		key := columnKey(h)
		if _, dup := cols[key]; !dup {
			cols[key] = i
		}
	}
	want := []column{colName, colPart, colGUID}
	var idx [3]int
	for i, c := range want {
		at, ok := cols[c.key]
		if !ok {
			return nil, fmt.Errorf("line %d: missing column %s", headerLine, c.name)
		}
		idx[i] = at
	}
	nameCol, partCol, guidCol := idx[0], idx[1], idx[2]
	need := max(nameCol, partCol, guidCol) + 1

	type seen struct {
		part string
		line int
	}
	firstSeen := make(map[string]seen)
	var skus []Sku
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err // *csv.ParseError names the line
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < need {
			return nil, fmt.Errorf("line %d: %d cells, want at least %d", line, len(rec), need)
		}
		for i, c := range want {
			// Checked before cleaning, because strings.Map would silently turn
			// bad bytes (a file re-saved as Windows-1252) into U+FFFD.
			if !utf8.ValidString(rec[idx[i]]) {
				cellLine, _ := cr.FieldPos(idx[i])
				return nil, fmt.Errorf("line %d: %s is not valid UTF-8", cellLine, c.name)
			}
		}
		s := Sku{
			ID:         strings.ToLower(strings.TrimSpace(rec[guidCol])),
			PartNumber: strings.TrimSpace(rec[partCol]),
			Name:       strings.TrimSpace(strings.Map(controlToSpace, rec[nameCol])),
		}
		if !catalogue.ValidGUID(s.ID) {
			guidLine, _ := cr.FieldPos(guidCol)
			return nil, fmt.Errorf("line %d: GUID %q is not a GUID", guidLine, shorten(strings.TrimSpace(rec[guidCol])))
		}
		if err := catalogue.Validate(s); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if prev, ok := firstSeen[s.ID]; ok {
			if prev.part != s.PartNumber {
				return nil, fmt.Errorf("line %d: GUID %s has String_Id %q, but line %d gave %q",
					line, s.ID, shorten(s.PartNumber), prev.line, shorten(prev.part))
			}
			continue // another service plan of a SKU we already have
		}
		firstSeen[s.ID] = seen{part: s.PartNumber, line: line}
		skus = append(skus, s)
	}
	slices.SortFunc(skus, func(a, b Sku) int {
		return cmp.Or(strings.Compare(a.PartNumber, b.PartNumber), strings.Compare(a.ID, b.ID))
	})
	return skus, nil
}

// columnKey normalises a header cell so that both "String_Id" and the older
// "String_ Id" (and any case or spacing variant) name the same column.
func columnKey(h string) string {
	return strings.ToLower(strings.Join(strings.Fields(h), ""))
}

func controlToSpace(r rune) rune {
	if unicode.IsControl(r) {
		return ' '
	}
	return r
}

// shorten keeps an error message readable when a cell is huge.
func shorten(v string) string {
	const max = 60
	if len(v) > max {
		return v[:max] + "..."
	}
	return v
}
