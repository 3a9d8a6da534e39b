package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/seats-msp/seats/connectors/skus/internal/catalogue"
)

// sharedCSV is Microsoft's file in the team's shared data folder beside the
// repository (/work/shared/data), seen from this package's directory.
const sharedCSV = "../../../../../shared/data/microsoft-licensing-service-plans.csv"

// checkedIn is the generated catalogue in package skus.
const checkedIn = "../../catalogue.tsv"

const bom = "\uFEFF"

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []Sku
	}{
		{
			name: "Microsoft's quirks: BOM, CRLF, quotes, trailing spaces, old header, repeated rows",
			in: bom + "Product_Display_Name,String_ Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names\r\n" +
				// Two service plans of one SKU: one catalogue row.
				"Microsoft 365 Business Premium,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,AAD_SMB,de377cbc-0019-4ec2-b77c-3f223947e102,Azure Active Directory\r\n" +
				"Microsoft 365 Business Premium,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,BPOS_S_TODO_1,5e62787c-c316-451f-b873-1d05acd4d12c,To-Do (Plan 1)\r\n" +
				// Trailing spaces, a no-break space and an upper-case GUID.
				"Microsoft Teams Shared Devices for Faculty ,MCOCAP_FACULTY\u00a0 ,420C7602-7F70-4895-9394-D3D679EA36FB\u00a0,MCOEV,4828c8ec-dc2e-4779-b502-87ac9ce28ab7,Phone\r\n" +
				// Quoted cells with a comma and doubled quotes, plus a leading space.
				"\"Office 365 E3, \"\"Developer\"\"\", \"DEVELOPERPACK\",189A915C-FE4F-4FFA-BDE4-85B9628D07A0,x,y,\"a, b\"\r\n" +
				// A line break inside a quoted name becomes a space (encoding/csv
				// has already turned its CRLF into LF).
				"\"Skype for Business PSTN\r\nDomestic Calling (120 Minutes)\",MCOPSTN5,54a152dc-90de-4996-93d2-bc47e670fc06,a,b,c\r\n" +
				"Skype for Business PSTN Calling Domestic Small,MCOPSTN5,d43177b5-475b-4880-92d4-d54c27b5efbd,a,b,c\r\n" +
				// A blank line in the middle is skipped.
				"\r\n" +
				"Microsoft Power Automate Free,FLOW_FREE ,f30db892-07e9-47e9-837c-80727f46fd3d,a,b,c\r\n",
			want: []Sku{
				{ID: "189a915c-fe4f-4ffa-bde4-85b9628d07a0", PartNumber: "DEVELOPERPACK", Name: `Office 365 E3, "Developer"`},
				{ID: "f30db892-07e9-47e9-837c-80727f46fd3d", PartNumber: "FLOW_FREE", Name: "Microsoft Power Automate Free"},
				{ID: "420c7602-7f70-4895-9394-d3d679ea36fb", PartNumber: "MCOCAP_FACULTY", Name: "Microsoft Teams Shared Devices for Faculty"},
				{ID: "54a152dc-90de-4996-93d2-bc47e670fc06", PartNumber: "MCOPSTN5", Name: "Skype for Business PSTN Domestic Calling (120 Minutes)"},
				{ID: "d43177b5-475b-4880-92d4-d54c27b5efbd", PartNumber: "MCOPSTN5", Name: "Skype for Business PSTN Calling Domestic Small"},
				{ID: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", PartNumber: "SPB", Name: "Microsoft 365 Business Premium"},
			},
		},
		{
			name: "current header, LF, no BOM",
			in: "Product_Display_Name,String_Id,GUID\n" +
				"Microsoft 365 Business Premium,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\n",
			want: []Sku{{ID: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", PartNumber: "SPB", Name: "Microsoft 365 Business Premium"}},
		},
		{
			name: "columns found by name in any order, header case and spacing ignored",
			in: "guid, string_id ,Extra, PRODUCT_DISPLAY_NAME \n" +
				"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,SPB,ignored,Microsoft 365 Business Premium\n",
			want: []Sku{{ID: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", PartNumber: "SPB", Name: "Microsoft 365 Business Premium"}},
		},
		{
			name: "first row of a GUID names it",
			in: "Product_Display_Name,String_Id,GUID\n" +
				"First name,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\n" +
				"Second name,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\n",
			want: []Sku{{ID: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", PartNumber: "SPB", Name: "First name"}},
		},
		{
			name: "empty name is kept empty",
			in:   "Product_Display_Name,String_Id,GUID\n  ,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\n",
			want: []Sku{{ID: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", PartNumber: "SPB"}},
		},
		{
			name: "header only",
			in:   bom + "Product_Display_Name,String_Id,GUID\r\n",
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parse:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const header = "Product_Display_Name,String_Id,GUID,Service_Plan_Name\r\n"
	const spb = "Microsoft 365 Business Premium,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,AAD_SMB\r\n"
	tests := []struct {
		name string
		in   string
		want []string // substrings of the error
	}{
		{"empty input", "", []string{"empty input"}},
		{"only a BOM", bom, []string{"empty input"}},
		{"missing GUID column", bom + "Product_Display_Name,String_Id,Service_Plan_Name\r\n", []string{"line 1:", "missing column GUID"}},
		{"missing part number column", "Product_Display_Name,StringId,GUID\n", []string{"line 1:", "missing column String_Id"}},
		{"missing name column", "Name,String_Id,GUID\n", []string{"line 1:", "missing column Product_Display_Name"}},
		{"missing column after blank lines", "\n\nGUID\n", []string{"line 3:", "missing column"}},
		{"bad GUID", header + spb + "Name,PART,not-a-guid,x\r\n", []string{"line 3:", `GUID "not-a-guid" is not a GUID`}},
		{"GUID in braces", header + "Name,PART,{cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46},x\r\n", []string{"line 2:", "is not a GUID"}},
		{"empty GUID", header + spb + spb + "Name,PART,,x\r\n", []string{"line 4:", `GUID "" is not a GUID`}},
		{
			"bad GUID after a multi-line quoted cell",
			header + "\"two\r\nlines\",PART,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,x\r\nName,PART2,zzzzzzzz-d96c-4c30-b9f4-6ada7cdc1d46,x\r\n",
			[]string{"line 4:", "is not a GUID"},
		},
		{"short row", header + spb + "Name,PART\r\n", []string{"line 3:", "2 cells, want at least 3"}},
		{"empty part number", header + "Name, ,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,x\r\n", []string{"line 2:", "empty part number"}},
		{"control character in part number", header + "Name,\"SP\tB\",cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,x\r\n", []string{"line 2:", "control character"}},
		{"invalid UTF-8 in a name", header + spb + "Caf\xe9,SPB2,d43177b5-475b-4880-92d4-d54c27b5efbd,x\r\n", []string{"line 3:", "Product_Display_Name is not valid UTF-8"}},
		{"invalid UTF-8 in a part number", header + "Name,SP\xffB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,x\r\n", []string{"line 2:", "String_Id is not valid UTF-8"}},
		{
			"one GUID, two part numbers",
			header + spb + "Other,SPB2,CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46,x\r\n",
			[]string{"line 3:", `String_Id "SPB2"`, `line 2 gave "SPB"`},
		},
		{"bare quote", header + "Na\"me,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,x\r\n", []string{"line 2", "bare"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("parse succeeded with %q, want an error", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// errReader fails after its data, as a broken disk or pipe would.
type errReader struct{ r io.Reader }

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestParseReadError(t *testing.T) {
	t.Parallel()
	in := errReader{strings.NewReader("Product_Display_Name,String_Id,GUID\nName,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\n")}
	if _, err := parse(in); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("parse error = %v, want the reader's error", err)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	out := filepath.Join(dir, "catalogue.tsv")
	csvData := bom + "Product_Display_Name,String_ Id,GUID\r\n" +
		"Microsoft Teams (Free),TEAMS_FREE,16ddbbfc-09ea-4de2-b1d7-312db6112d70\r\n" +
		"Microsoft 365 Business Premium,SPB ,CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46\r\n"
	if err := os.WriteFile(in, []byte(csvData), 0o600); err != nil {
		t.Fatal(err)
	}
	// An old catalogue is replaced, not appended to.
	if err := os.WriteFile(out, []byte("stale\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if err := run([]string{"-in", in, "-out", out}, &stderr); err != nil {
		t.Fatalf("run: %v", err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "# " + catalogue.Credit + "\n" +
		"# Generated by go generate; do not edit.\n" +
		"# One SKU per line, tab-separated: skuId, skuPartNumber, display name; sorted by skuPartNumber, then skuId.\n" +
		"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\tSPB\tMicrosoft 365 Business Premium\n" +
		"16ddbbfc-09ea-4de2-b1d7-312db6112d70\tTEAMS_FREE\tMicrosoft Teams (Free)\n"
	if string(got) != want {
		t.Errorf("catalogue:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(stderr.String(), "wrote 2 SKUs") {
		t.Errorf("stderr %q does not report the count", stderr.String())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("directory holds %d files, want in.csv and catalogue.tsv only (temp file left behind?)", len(entries))
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("Product_Display_Name,String_Id,GUID\nName,SPB,nope\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing input", []string{"-in", filepath.Join(dir, "absent.csv"), "-out", filepath.Join(dir, "a.tsv")}, "absent.csv"},
		{"bad input names file and line", []string{"-in", bad, "-out", filepath.Join(dir, "b.tsv")}, "bad.csv: line 2:"},
		{"unknown flag", []string{"-nope"}, "not defined"},
		{"stray argument", []string{"-in", bad, "extra"}, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := run(tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	for _, name := range []string{"a.tsv", "b.tsv"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after a failed run (stat error %v)", name, err)
		}
	}
}

// needSharedCSV skips a test that needs Microsoft's file when this checkout
// has no shared data folder beside it (for example a bare clone in CI).
func needSharedCSV(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(sharedCSV); err != nil {
		t.Skipf("skipping: Microsoft's licensing CSV is not at %s (the shared data folder beside the repository): %v", sharedCSV, err)
	}
}

// TestCheckedInCatalogueIsFresh re-runs the generator on the shared CSV and
// compares the result with the checked-in catalogue, so that a stale
// catalogue.tsv (or a generator change without go generate) fails.
func TestCheckedInCatalogueIsFresh(t *testing.T) {
	t.Parallel()
	needSharedCSV(t)
	out := filepath.Join(t.TempDir(), "catalogue.tsv")
	if err := run([]string{"-in", sharedCSV, "-out", out}, io.Discard); err != nil {
		t.Fatalf("generator: %v", err)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(checkedIn)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(fresh, old) {
		return
	}
	freshLines, oldLines := strings.Split(string(fresh), "\n"), strings.Split(string(old), "\n")
	for i := range max(len(freshLines), len(oldLines)) {
		var f, o string
		if i < len(freshLines) {
			f = freshLines[i]
		}
		if i < len(oldLines) {
			o = oldLines[i]
		}
		if f != o {
			t.Fatalf("connectors/skus/catalogue.tsv is stale; run `go generate ./connectors/skus`.\nfirst difference at line %d:\nchecked in: %q\ngenerated:  %q", i+1, o, f)
		}
	}
	t.Fatal("connectors/skus/catalogue.tsv is stale; run `go generate ./connectors/skus`")
}

// TestSharedCSVFacts checks the generator against the facts recorded in
// shared/data/README.md about Microsoft's file.
func TestSharedCSVFacts(t *testing.T) {
	t.Parallel()
	needSharedCSV(t)
	data, err := os.ReadFile(sharedCSV)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte(bom)) || !bytes.Contains(data, []byte("\r\n")) {
		t.Errorf("the shared CSV no longer has a BOM and CRLF line ends; the parse tests still cover both")
	}
	records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows := len(records) - 1; rows != 5457 {
		t.Errorf("data rows = %d, want 5457", rows)
	}

	skus, err := parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(skus) != 569 {
		t.Errorf("SKUs = %d, want 569 distinct GUIDs", len(skus))
	}
	parts := make(map[string][]string)
	for _, s := range skus {
		parts[s.PartNumber] = append(parts[s.PartNumber], s.ID)
	}
	if len(parts) != 568 {
		t.Errorf("part numbers = %d, want 568", len(parts))
	}
	if got, want := parts["MCOPSTN5"], []string{"54a152dc-90de-4996-93d2-bc47e670fc06", "d43177b5-475b-4880-92d4-d54c27b5efbd"}; !slices.Equal(got, want) {
		t.Errorf("MCOPSTN5 ids = %q, want %q", got, want)
	}
	i := slices.IndexFunc(skus, func(s Sku) bool { return s.ID == "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46" })
	if i < 0 || skus[i].PartNumber != "SPB" || skus[i].Name != "Microsoft 365 Business Premium" {
		t.Errorf("Business Premium not found as expected (index %d)", i)
	}
	// The file has trailing spaces, some of them no-break spaces; none survive.
	if got := parts["AAD_PREMIUM_USGOV_GCCHIGH"]; len(got) != 1 {
		t.Errorf("AAD_PREMIUM_USGOV_GCCHIGH ids = %q, want one (trailing space trimmed)", got)
	}
	if got := parts["MCOCAP_FACULTY"]; !slices.Equal(got, []string{"420c7602-7f70-4895-9394-d3d679ea36fb"}) {
		t.Errorf("MCOCAP_FACULTY ids = %q, want the id without its trailing no-break space", got)
	}
}

// FuzzParse feeds arbitrary bytes to parse: it must never panic, and
// whatever it accepts must be a valid, sorted, duplicate-free catalogue that
// survives a round trip through the file format.
func FuzzParse(f *testing.F) {
	f.Add(bom + "Product_Display_Name,String_Id,GUID\r\nMicrosoft 365 Business Premium,SPB,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46\r\n")
	f.Add("Product_Display_Name,String_ Id,GUID,x\n\"a, \"\"b\"\"\",P ,CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46 ,y\nc,P,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,z\n")
	f.Add("GUID,String_Id,Product_Display_Name\n54a152dc-90de-4996-93d2-bc47e670fc06,MCOPSTN5,\"x\r\ny\"\nd43177b5-475b-4880-92d4-d54c27b5efbd,MCOPSTN5,\n")
	f.Add("Product_Display_Name,String_Id,GUID\nName,PART,not-a-guid\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		skus, err := parse(strings.NewReader(in))
		if err != nil {
			return
		}
		ids := make(map[string]bool)
		for i, s := range skus {
			if err := catalogue.Validate(s); err != nil {
				t.Fatalf("parse accepted an invalid SKU %q: %v", s, err)
			}
			if ids[s.ID] {
				t.Fatalf("duplicate id %s", s.ID)
			}
			ids[s.ID] = true
			if strings.ContainsFunc(s.Name, unicode.IsControl) {
				t.Fatalf("name %q has a control character", s.Name)
			}
			if i > 0 {
				p := skus[i-1]
				if p.PartNumber > s.PartNumber || p.PartNumber == s.PartNumber && p.ID >= s.ID {
					t.Fatalf("not sorted: %q before %q", p, s)
				}
			}
		}
		var buf bytes.Buffer
		if err := catalogue.Write(&buf, skus); err != nil {
			t.Fatalf("write: %v", err)
		}
		back, err := catalogue.Read(buf.String())
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		if len(back) != len(skus) || (len(skus) > 0 && !reflect.DeepEqual(back, skus)) {
			t.Fatalf("round trip changed the catalogue:\n got %q\nwant %q", back, skus)
		}
	})
}
