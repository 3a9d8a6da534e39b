package reconcile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/skus"
)

// The mapping files' headers, exactly as users script against them. A
// blank id cell means unmapped.
var (
	AccountsCSVHeader = []string{"tenantId", "customer", "distributorAccountId", "distributorAccount", "psaAccountId", "psaAccount", "excluded"}
	ProductsCSVHeader = []string{"skuId", "product", "term", "psaProductId", "psaProduct"}
	SkusCSVHeader     = []string{"distributorProductId", "distributorProduct", "skuId"}
)

// ImportProblem is one thing wrong in a mapping file, where it is.
type ImportProblem struct {
	Line    int    `json:"line"`             // 1-based line of the file
	Column  string `json:"column,omitempty"` // header name, when one cell is at fault
	Message string `json:"message"`
}

func (p ImportProblem) String() string {
	if p.Column != "" {
		return fmt.Sprintf("line %d, %s: %s", p.Line, p.Column, p.Message)
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

// ImportError is a mapping file refused: every problem found, each with its
// line. Nothing was changed.
type ImportError struct {
	Problems []ImportProblem
}

func (e *ImportError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("mapping file refused, nothing changed (%d problem(s)):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// MappingChange is one change an import makes, for --dry-run and for the
// record.
type MappingChange struct {
	Line   int    `json:"line"`
	Key    string `json:"key"`  // tenant id; sku id and term; distributor product id
	Name   string `json:"name"` // the customer or product, for people
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

func (c MappingChange) String() string {
	or := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return s
	}
	return fmt.Sprintf("line %d: %s: %s %s -> %s", c.Line, or(c.Name), c.Field, or(c.Before), or(c.After))
}

// importedReason is the reason line of a match made by a mapping file.
const importedReason = "imported from a mapping file"

// ---- export -------------------------------------------------------------

// ExportAccounts writes the accounts file: one row per mapping, so every
// customer is listed even before any match. Only counted matches (auto or
// confirmed) are written; suggestions are left blank, since importing the
// file makes every id in it a hand match.
func ExportAccounts(w io.Writer, ms []AccountMapping) error {
	rows := [][]string{AccountsCSVHeader}
	for _, m := range ms {
		d, p := exportedSide(m.Distributor), exportedSide(m.PSA)
		rows = append(rows, []string{m.TenantID, safeCell(m.Customer), d.AccountID, safeCell(d.AccountName),
			p.AccountID, safeCell(p.AccountName), fmt.Sprint(m.Excluded)})
	}
	return writeCSV(w, rows)
}

func exportedSide(a AccountMatch) AccountMatch {
	if a.State == StateAuto || a.State == StateConfirmed {
		return a
	}
	return AccountMatch{}
}

// ExportProducts writes the products file, one row per (SKU, term).
func ExportProducts(w io.Writer, ms []ProductMatch) error {
	rows := [][]string{ProductsCSVHeader}
	for _, m := range ms {
		id, name := "", ""
		if m.State == StateAuto || m.State == StateConfirmed {
			id, name = m.ItemID, m.ItemName
		}
		rows = append(rows, []string{m.SkuID, safeCell(m.Product), string(m.Term), id, safeCell(name)})
	}
	return writeCSV(w, rows)
}

// ExportSkuTies writes the skus file, one row per distributor product.
func ExportSkuTies(w io.Writer, ts []SkuTie) error {
	rows := [][]string{SkusCSVHeader}
	for _, t := range ts {
		id := ""
		if t.State == StateAuto || t.State == StateConfirmed {
			id = t.SkuID
		}
		rows = append(rows, []string{t.ProductID, safeCell(t.ProductName), id})
	}
	return writeCSV(w, rows)
}

func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("writing the mapping file: %w", err)
	}
	return nil
}

// safeCell keeps a spreadsheet from running a name as a formula: a name
// starting with = + - @ gets a leading apostrophe, which spreadsheets hide
// and the import drops again.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func unsafeCell(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "'") }

// ---- reading ------------------------------------------------------------

type csvRow struct {
	line  int
	cells map[string]string
}

func (r csvRow) get(col string) string { return strings.TrimSpace(r.cells[col]) }

// readMappingCSV reads a mapping file with the given header (columns may be
// in any order; none may be missing or unknown). It reports what it cannot
// read as problems rather than stopping at the first.
func readMappingCSV(r io.Reader, header []string) ([]csvRow, []ImportProblem) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	first, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, []ImportProblem{{Line: 1, Message: "the file is empty; it needs the header " + strings.Join(header, ",")}}
	}
	if err != nil {
		return nil, []ImportProblem{csvProblem(err)}
	}
	var problems []ImportProblem
	pos := map[string]int{}
	for i, h := range first {
		h = strings.TrimSpace(h)
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // spreadsheets save a byte-order mark
		}
		switch {
		case !slices.Contains(header, h):
			problems = append(problems, ImportProblem{Line: 1, Message: fmt.Sprintf("unknown column %q; the header is %s", h, strings.Join(header, ","))})
		case pos[h] != 0:
			problems = append(problems, ImportProblem{Line: 1, Message: fmt.Sprintf("column %q appears twice", h)})
		default:
			pos[h] = i + 1
		}
	}
	var missing []string
	for _, h := range header {
		if pos[h] == 0 {
			missing = append(missing, strconv.Quote(h))
		}
	}
	if len(missing) > 0 {
		problems = append(problems, ImportProblem{Line: 1,
			Message: fmt.Sprintf("missing column(s) %s; the header is %s", strings.Join(missing, ", "), strings.Join(header, ","))})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, csvProblem(err))
			break // past a quoting error the reader cannot be trusted
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(first) {
			problems = append(problems, ImportProblem{Line: line, Message: fmt.Sprintf("%d cells, the header has %d", len(rec), len(first))})
			continue
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // a row of empty cells, as spreadsheets leave
		}
		cells := make(map[string]string, len(header))
		for h, i := range pos {
			cells[h] = rec[i-1]
		}
		rows = append(rows, csvRow{line: line, cells: cells})
	}
	return rows, problems
}

func csvProblem(err error) ImportProblem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return ImportProblem{Line: pe.Line, Message: "not valid CSV: " + pe.Err.Error()}
	}
	return ImportProblem{Line: 1, Message: "cannot read the file: " + err.Error()}
}

// sameName reports whether a name in a file fits the name seats knows: a
// blank cell always fits, else equal after normalising.
func sameName(inFile, known string) bool {
	inFile = unsafeCell(inFile)
	if inFile == "" || strings.EqualFold(inFile, strings.TrimSpace(known)) {
		return true
	}
	return NormalizeName(inFile).Key == NormalizeName(known).Key
}

func parseExcluded(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "no", "n", "0":
		return false, true
	case "true", "yes", "y", "1", "x":
		return true, true
	}
	return false, false
}

// ---- accounts -----------------------------------------------------------

// AccountImportInput is what an accounts file is checked against.
type AccountImportInput struct {
	Current             []AccountMapping // from MatchAccounts: every customer
	DistributorAccounts []connectors.DistributorAccount
	PSACompanies        []connectors.PSACompany
}

// ImportAccounts reads an accounts file against the current mappings. It
// returns the new mappings and the changes only when the whole file is
// valid; otherwise an *ImportError with every problem and its line. A row
// that repeats the current state changes nothing (so export then import is
// a no-op); a changed side becomes a confirmed match by import, and a
// blanked one a confirmed "no account". Customers not in the file keep
// their mappings.
func ImportAccounts(r io.Reader, in AccountImportInput) ([]AccountMapping, []MappingChange, error) {
	rows, problems := readMappingCSV(r, AccountsCSVHeader)
	known := func(ids map[string]string, id string) (string, bool) { n, ok := ids[idKey(id)]; return n, ok }
	distNames, psaNames := map[string]string{}, map[string]string{}
	byTenant := map[string]int{}
	for i, m := range in.Current {
		byTenant[idKey(m.TenantID)] = i
		for _, s := range []struct {
			ids map[string]string
			a   AccountMatch
		}{{distNames, m.Distributor}, {psaNames, m.PSA}} {
			if s.a.AccountID != "" {
				s.ids[idKey(s.a.AccountID)] = s.a.AccountName
			}
		}
	}
	for _, a := range in.DistributorAccounts {
		distNames[idKey(a.ID)] = a.Name
	}
	for _, c := range in.PSACompanies {
		psaNames[idKey(c.ID)] = c.Name
	}
	out := slices.Clone(in.Current)
	fromFile := map[int]int{} // index in out -> line
	var changes []MappingChange
	for _, row := range rows {
		bad := func(col, msg string) {
			problems = append(problems, ImportProblem{Line: row.line, Column: col, Message: msg})
		}
		tenant := row.get("tenantId")
		i, ok := byTenant[idKey(tenant)]
		switch {
		case tenant == "":
			bad("tenantId", "empty; every row needs the customer's tenant id")
			continue
		case !ok:
			bad("tenantId", fmt.Sprintf("no customer has tenant id %s", tenant))
			continue
		}
		if prevLine, dup := fromFile[i]; dup {
			bad("tenantId", fmt.Sprintf("customer %s is already on line %d", tenant, prevLine))
			continue
		}
		fromFile[i] = row.line
		m := &out[i]
		if !sameName(row.get("customer"), m.Customer) {
			bad("customer", fmt.Sprintf("%q is not the name of tenant %s (%q)", unsafeCell(row.get("customer")), tenant, m.Customer))
		}
		excluded, okEx := parseExcluded(row.get("excluded"))
		if !okEx {
			bad("excluded", fmt.Sprintf("%q is neither true nor false", row.get("excluded")))
		}
		for _, s := range []struct {
			idCol, nameCol, label string
			names                 map[string]string
			side                  *AccountMatch
		}{
			{"distributorAccountId", "distributorAccount", "distributor account", distNames, &m.Distributor},
			{"psaAccountId", "psaAccount", "PSA account", psaNames, &m.PSA},
		} {
			id := row.get(s.idCol)
			name, ok := known(s.names, id)
			if id != "" && !ok {
				bad(s.idCol, fmt.Sprintf("no %s has id %s", s.label, id))
				continue
			}
			if id != "" && !sameName(row.get(s.nameCol), name) {
				bad(s.nameCol, fmt.Sprintf("%q is not the name of %s %s (%q)", unsafeCell(row.get(s.nameCol)), s.label, id, name))
			}
			cur := exportedSide(*s.side)
			if idKey(cur.AccountID) == idKey(id) {
				continue
			}
			changes = append(changes, MappingChange{Line: row.line, Key: m.TenantID, Name: m.Customer, Field: s.idCol,
				Before: accountLabel(cur.AccountID, cur.AccountName), After: accountLabel(id, name)})
			*s.side = AccountMatch{AccountID: id, AccountName: name, State: StateConfirmed, Evidence: EvidenceImported, Reason: importedReason}
			if id == "" {
				s.side.AccountName, s.side.Reason = "", "unmapped by a mapping file"
			}
		}
		if excluded != m.Excluded {
			changes = append(changes, MappingChange{Line: row.line, Key: m.TenantID, Name: m.Customer, Field: "excluded",
				Before: fmt.Sprint(m.Excluded), After: fmt.Sprint(excluded)})
			m.Excluded = excluded
		}
	}
	problems = append(problems, sharedAccounts(out, fromFile)...)
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b ImportProblem) int { return a.Line - b.Line })
		return nil, nil, &ImportError{Problems: problems}
	}
	return out, changes, nil
}

func accountLabel(id, name string) string {
	if id == "" || name == "" {
		return id
	}
	return id + " " + name
}

// sharedAccounts finds accounts the file gives to a customer that another
// customer holds too (in the file or already).
func sharedAccounts(ms []AccountMapping, fromFile map[int]int) []ImportProblem {
	var problems []ImportProblem
	for _, s := range []struct {
		col  string
		side func(AccountMapping) AccountMatch
	}{
		{"distributorAccountId", func(m AccountMapping) AccountMatch { return m.Distributor }},
		{"psaAccountId", func(m AccountMapping) AccountMatch { return m.PSA }},
	} {
		holders := map[string][]int{}
		for i, m := range ms {
			a := s.side(m)
			if a.AccountID != "" && (a.State == StateConfirmed || a.State == StateAuto) {
				holders[idKey(a.AccountID)] = append(holders[idKey(a.AccountID)], i)
			}
		}
		for id, hs := range holders {
			if len(hs) < 2 {
				continue
			}
			for _, i := range hs {
				line, inFile := fromFile[i]
				if !inFile || s.side(ms[i]).Evidence != EvidenceImported {
					continue
				}
				var others []string
				for _, j := range hs {
					if j == i {
						continue
					}
					o := ms[j].Customer
					if l, ok := fromFile[j]; ok {
						o += fmt.Sprintf(" (line %d)", l)
					}
					others = append(others, o)
				}
				problems = append(problems, ImportProblem{Line: line, Column: s.col,
					Message: fmt.Sprintf("account %s is also given to %s; one account belongs to one customer", id, strings.Join(others, ", "))})
			}
		}
	}
	return problems
}

// ---- products -----------------------------------------------------------

// ImportProducts reads a products file against the current product matches
// and the PSA catalogue, with the rules of ImportAccounts. A row for a
// (SKU, term) not yet seen is accepted when the SKU is in the catalogue.
func ImportProducts(r io.Reader, current []ProductMatch, catalog []connectors.CatalogItem) ([]ProductMatch, []MappingChange, error) {
	rows, problems := readMappingCSV(r, ProductsCSVHeader)
	items := map[string]string{}
	byKey := map[ProductKey]int{}
	for i, m := range current {
		byKey[productKeyOf(m.SkuID, m.Term)] = i
		if m.ItemID != "" {
			items[idKey(m.ItemID)] = m.ItemName
		}
	}
	for _, it := range catalog {
		items[idKey(it.ID)] = it.Description
	}
	out := slices.Clone(current)
	seen := map[ProductKey]int{}
	var changes []MappingChange
	for _, row := range rows {
		bad := func(col, msg string) {
			problems = append(problems, ImportProblem{Line: row.line, Column: col, Message: msg})
		}
		skuID := row.get("skuId")
		term, okTerm := connectors.ParseTerm(strings.ToLower(row.get("term")))
		if !okTerm {
			bad("term", fmt.Sprintf("%q is not a term; use monthly, annual or triennial", row.get("term")))
		}
		k := productKeyOf(skuID, term)
		i, had := byKey[k]
		_, inCatalogue := skus.ByID(skuID)
		switch {
		case skuID == "":
			bad("skuId", "empty; every row needs a SKU id")
			continue
		case !had && !inCatalogue && !knownSku(current, skuID):
			bad("skuId", fmt.Sprintf("no SKU has id %s", skuID))
			continue
		case !okTerm:
			continue
		}
		if l, dup := seen[k]; dup {
			bad("skuId", fmt.Sprintf("%s %s is already on line %d", skuID, term, l))
			continue
		}
		seen[k] = row.line
		if !had {
			out = append(out, HandProductMatch(k, "", ""))
			out[len(out)-1].State, out[len(out)-1].Evidence, out[len(out)-1].Reason = StateUnmapped, "", ""
			i = len(out) - 1
			byKey[k] = i
		}
		m := &out[i]
		if !sameName(row.get("product"), m.Product) {
			bad("product", fmt.Sprintf("%q is not the name of SKU %s (%q)", unsafeCell(row.get("product")), skuID, m.Product))
		}
		id := row.get("psaProductId")
		name, known := items[idKey(id)]
		if id != "" && !known {
			bad("psaProductId", fmt.Sprintf("no PSA catalogue item has id %s", id))
			continue
		}
		if id != "" && !sameName(row.get("psaProduct"), name) {
			bad("psaProduct", fmt.Sprintf("%q is not the name of PSA item %s (%q)", unsafeCell(row.get("psaProduct")), id, name))
		}
		curID, curName := "", ""
		if m.State == StateAuto || m.State == StateConfirmed {
			curID, curName = m.ItemID, m.ItemName
		}
		if idKey(curID) == idKey(id) {
			continue
		}
		changes = append(changes, MappingChange{Line: row.line, Key: m.SkuID + " " + string(m.Term), Name: m.Product + " (" + string(m.Term) + ")",
			Field: "psaProductId", Before: accountLabel(curID, curName), After: accountLabel(id, name)})
		m.ItemID, m.ItemName, m.State, m.Evidence, m.Reason, m.Score, m.Missing = id, name, StateConfirmed, EvidenceImported, importedReason, 0, false
		if id == "" {
			m.Reason = "unmapped by a mapping file"
		}
	}
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b ImportProblem) int { return a.Line - b.Line })
		return nil, nil, &ImportError{Problems: problems}
	}
	return out, changes, nil
}

func knownSku(ms []ProductMatch, id string) bool {
	return slices.ContainsFunc(ms, func(m ProductMatch) bool { return idKey(m.SkuID) == idKey(id) })
}

// ---- skus ---------------------------------------------------------------

// ImportSkuTies reads a skus file against the current ties, with the rules
// of ImportAccounts. A SKU id must be in the catalogue, or already known
// from the ties (a SKU newer than the catalogue).
func ImportSkuTies(r io.Reader, current []SkuTie) ([]SkuTie, []MappingChange, error) {
	rows, problems := readMappingCSV(r, SkusCSVHeader)
	byID := map[string]int{}
	knownSkus := map[string]bool{}
	for i, t := range current {
		byID[idKey(t.ProductID)] = i
		if t.SkuID != "" {
			knownSkus[idKey(t.SkuID)] = true
		}
	}
	out := slices.Clone(current)
	seen := map[int]int{}
	var changes []MappingChange
	for _, row := range rows {
		bad := func(col, msg string) {
			problems = append(problems, ImportProblem{Line: row.line, Column: col, Message: msg})
		}
		pid := row.get("distributorProductId")
		i, ok := byID[idKey(pid)]
		switch {
		case pid == "":
			bad("distributorProductId", "empty; every row needs the distributor's product id")
			continue
		case !ok:
			bad("distributorProductId", fmt.Sprintf("no distributor product has id %s", pid))
			continue
		}
		if l, dup := seen[i]; dup {
			bad("distributorProductId", fmt.Sprintf("product %s is already on line %d", pid, l))
			continue
		}
		seen[i] = row.line
		t := &out[i]
		if !sameName(row.get("distributorProduct"), t.ProductName) {
			bad("distributorProduct", fmt.Sprintf("%q is not the name of product %s (%q)", unsafeCell(row.get("distributorProduct")), pid, t.ProductName))
		}
		sku := idKey(row.get("skuId"))
		if _, inCat := skus.ByID(sku); sku != "" && !inCat && !knownSkus[sku] {
			bad("skuId", fmt.Sprintf("no SKU has id %s", row.get("skuId")))
			continue
		}
		cur := ""
		if t.State == StateAuto || t.State == StateConfirmed {
			cur = idKey(t.SkuID)
		}
		if cur == sku {
			continue
		}
		changes = append(changes, MappingChange{Line: row.line, Key: t.ProductID, Name: t.ProductName, Field: "skuId",
			Before: skuLabel(cur), After: skuLabel(sku)})
		*t = HandTie(t.ProductID, t.ProductName, sku)
		t.Evidence, t.Reason = EvidenceImported, importedReason
		if sku == "" {
			t.SkuPartNumber, t.Reason = "", "unmapped by a mapping file"
		}
	}
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b ImportProblem) int { return a.Line - b.Line })
		return nil, nil, &ImportError{Problems: problems}
	}
	return out, changes, nil
}

func skuLabel(id string) string {
	if id == "" {
		return ""
	}
	name, _ := skuDisplay(id, "")
	if name == id {
		return id
	}
	return id + " " + name
}
