package csvfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/field"
)

// The columns of the file, by their header names (see the package doc).
const (
	colAccountID        = "account_id"
	colAccountName      = "account_name"
	colTenantID         = "tenant_id"
	colDomain           = "domain"
	colAccountStatus    = "account_status"
	colSubscriptionID   = "subscription_id"
	colProductName      = "product_name"
	colVendor           = "vendor"
	colSku              = "sku"
	colMicrosoftSubID   = "microsoft_subscription_id"
	colQuantity         = "quantity"
	colUnitCost         = "unit_cost"
	colUnitPrice        = "unit_price"
	colCurrency         = "currency"
	colTerm             = "term"
	colBillingFrequency = "billing_frequency"
	colStartDate        = "start_date"
	colRenewalDate      = "renewal_date"
	colEndDate          = "end_date"
	colStatus           = "status"
)

// Columns lists every column seats reads, in the order Template and
// Generate write them.
func Columns() []string {
	return []string{colAccountID, colAccountName, colTenantID, colDomain, colAccountStatus, colSubscriptionID,
		colProductName, colVendor, colSku, colMicrosoftSubID, colQuantity, colUnitCost, colUnitPrice, colCurrency,
		colTerm, colBillingFrequency, colStartDate, colRenewalDate, colEndDate, colStatus}
}

// requiredColumns must be in the header.
var requiredColumns = []string{colAccountID, colAccountName, colProductName, colQuantity}

// columnAliases are other names people and distributor portals give the
// columns, after normHeader.
var columnAliases = map[string]string{
	"customer_id": colAccountID, "company_id": colAccountID,
	"customer_name": colAccountName, "company_name": colAccountName, "customer": colAccountName, "company": colAccountName,
	"microsoft_tenant_id": colTenantID, "tenant": colTenantID,
	"website": colDomain, "primary_domain": colDomain,
	"customer_status": colAccountStatus, "company_status": colAccountStatus,
	"product": colProductName,
	"sku_id":  colSku, "part_number": colSku, "vendor_sku": colSku,
	"commerce_subscription_id": colMicrosoftSubID, "vendor_subscription_id": colMicrosoftSubID,
	"qty": colQuantity, "seats": colQuantity, "licenses": colQuantity, "licences": colQuantity,
	"cost": colUnitCost, "price": colUnitPrice,
	"commitment": colTerm, "commitment_term": colTerm,
	"billing": colBillingFrequency, "billing_term": colBillingFrequency,
	"commitment_end": colRenewalDate, "renewal": colRenewalDate,
	"subscription_status": colStatus,
}

// maxProblems bounds the problems reported at once: enough to fix a batch,
// few enough to read. Those beyond are counted.
const maxProblems = 20

// tenantIDSource says where a tenant id came from, for the matching
// screen's "why".
const tenantIDSource = "csv tenant_id column"

// File is a file read whole: its accounts in the order they first appear,
// its subscriptions in file order, and warnings about the file itself (a
// column seats ignored).
type File struct {
	Accounts      []connectors.DistributorAccount
	Subscriptions []connectors.DistributorSubscription
	Warnings      []string
}

// Problem is one reason a file was refused, at a line (1 is the header)
// and a column (a header name; "" only where the problem is the whole line).
type Problem struct {
	Line    int
	Column  string
	Message string
}

func (p Problem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, column %s: %s", p.Line, p.Column, p.Message)
}

// FileError is a refused file: the first maxProblems problems, and how many
// more there were.
type FileError struct {
	Path     string // the file, where known; "" reads "the file"
	Problems []Problem
	More     int
}

func (e *FileError) Error() string {
	n := len(e.Problems) + e.More
	name := "the file"
	if e.Path != "" {
		name = e.Path
	}
	var b strings.Builder
	if n == 1 {
		fmt.Fprintf(&b, "%s has a problem, so nothing in it was read; fix it and read it again:", name)
	} else {
		fmt.Fprintf(&b, "%s has %d problems, so nothing in it was read; fix them and read it again:", name, n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n... and %d more", e.More)
	}
	return b.String()
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse reads a whole file. It returns a *FileError, and no data, when any
// row or the header has a problem.
func Parse(data []byte) (*File, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &FileError{Problems: []Problem{{Line: 1, Message: "the file is empty; its first row must be a header naming the columns, e.g. " +
			strings.Join(requiredColumns, ",")}}}
	}
	sep := detectSeparator(data)
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1 // counted here, to say which column is missing
	p := &parser{decimalComma: sep == ';', accounts: map[string]*accountSeen{}, ids: map[string]int{}, twins: map[string]int{}}
	header, err := r.Read()
	if err != nil {
		p.syntax(data, sep, err, nil)
		return nil, p.fileError()
	}
	headerLine, _ := r.FieldPos(0)
	p.readHeader(header, headerLine)
	if len(p.problems) > 0 {
		return nil, p.fileError()
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// encoding/csv cannot resync after a broken quote: stop here,
			// with what was found so far.
			p.syntax(data, sep, err, header)
			break
		}
		line, _ := r.FieldPos(0)
		p.row(line, rec)
	}
	if len(p.problems) > 0 || p.more > 0 {
		return nil, p.fileError()
	}
	return &File{Accounts: p.accountList(), Subscriptions: p.subs, Warnings: p.warnings}, nil
}

// detectSeparator picks ",", ";" or a tab, whichever the header row uses
// most outside quotes; a comma when it uses none.
func detectSeparator(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(line) {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// accountSeen is an account as its rows so far describe it, with the line
// that first gave each value, to name it when a later row disagrees.
type accountSeen struct {
	acc                                          connectors.DistributorAccount
	nameLine, tenantLine, domainLine, statusLine int
	statusGiven                                  bool // some row filled account_status
}

type parser struct {
	decimalComma bool
	idx          map[string]int // column -> field index
	width        int            // fields in the header
	header       []string       // the canonical name of each field ("" for one ignored)
	problems     []Problem
	more         int
	warnings     []string
	accounts     map[string]*accountSeen
	order        []string
	subs         []connectors.DistributorSubscription
	ids          map[string]int // subscription id -> line
	twins        map[string]int // derived id -> the suffix to try next
}

func (p *parser) problem(line int, column, format string, args ...any) {
	if len(p.problems) >= maxProblems {
		p.more++
		return
	}
	p.problems = append(p.problems, Problem{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) fileError() *FileError {
	return &FileError{Problems: p.problems, More: p.more}
}

// normHeader folds a header name: lower case, spaces and hyphens as
// underscores, one underscore at a time, none at the ends.
func normHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
	var b strings.Builder
	under := false
	for _, r := range h {
		if r == ' ' || r == '-' || r == '_' || r == '\t' {
			under = true
			continue
		}
		if under && b.Len() > 0 {
			b.WriteByte('_')
		}
		under = false
		b.WriteRune(r)
	}
	return b.String()
}

func (p *parser) readHeader(header []string, line int) {
	known := map[string]bool{}
	for _, c := range Columns() {
		known[c] = true
	}
	p.idx = map[string]int{}
	p.width = len(header)
	p.header = make([]string, len(header))
	var unknown []string
	for i, h := range header {
		name := normHeader(h)
		if a, ok := columnAliases[name]; ok {
			name = a
		}
		switch {
		case name == "":
			continue // an unnamed column (a spreadsheet's trailing one) is ignored
		case !known[name]:
			unknown = append(unknown, strconv.Quote(field.Clip(strings.TrimSpace(h))))
			continue
		}
		if j, dup := p.idx[name]; dup {
			p.problem(line, name, "named twice (%q and %q); keep one of them", field.Clip(strings.TrimSpace(header[j])), field.Clip(strings.TrimSpace(h)))
			continue
		}
		p.idx[name] = i
		p.header[i] = name
	}
	for _, c := range requiredColumns {
		if _, ok := p.idx[c]; !ok {
			p.problem(line, c, "the header has no %s column; the first row must name at least %s", c, strings.Join(requiredColumns, ", "))
		}
	}
	if len(unknown) > 0 {
		p.warnings = append(p.warnings, fmt.Sprintf("columns seats does not read were ignored: %s (the columns it reads: %s)",
			strings.Join(unknown, ", "), strings.Join(Columns(), ", ")))
	}
}

// syntax reports a quoting error of encoding/csv at its line, and at the
// column it falls in where the line can say.
func (p *parser) syntax(data []byte, sep rune, err error, header []string) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		p.problem(1, "", "the file cannot be read as CSV: %s", field.Clip(err.Error()))
		return
	}
	column := ""
	if header != nil && pe.StartLine == pe.Line {
		if i := fieldAt(lineOf(data, pe.Line), pe.Column-1, sep); i >= 0 && i < len(header) {
			column = header[i]
			if p.header[i] != "" {
				column = p.header[i]
			}
		}
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		p.problem(pe.Line, column, `a " inside a value that is not in quotes; put the whole value in double quotes and double the " inside it (e.g. "27"" screen")`)
	case pe.StartLine != pe.Line:
		p.problem(pe.StartLine, column, "a quoted value that starts on this line does not end properly (by line %d); check its closing quote", pe.Line)
	default:
		p.problem(pe.Line, column, `a quoted value does not end properly: its closing " is missing, or is not followed by the separator or the end of the line`)
	}
}

// lineOf returns line n (1-based) of data.
func lineOf(data []byte, n int) string {
	for i := 1; i < n; i++ {
		_, rest, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			return ""
		}
		data = rest
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	return string(line)
}

// fieldAt is the index of the field holding byte offset col of a line.
func fieldAt(line string, col int, sep rune) int {
	field, quoted := 0, false
	for i, r := range line {
		if i >= col {
			return field
		}
		switch {
		case r == '"':
			quoted = !quoted
		case r == sep && !quoted:
			field++
		}
	}
	return field
}

// row reads one data row.
func (p *parser) row(line int, rec []string) {
	empty := true
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			empty = false
			break
		}
	}
	if empty {
		return
	}
	if len(rec) < p.width {
		missing := ""
		for i := len(rec); i < p.width; i++ {
			if p.header[i] != "" {
				missing = p.header[i]
				break
			}
		}
		if missing != "" {
			p.problem(line, missing, "missing: the row has %d values but the header has %d columns; is a separator missing, or a value with a line break not in quotes?", len(rec), p.width)
			return
		}
	}
	for i := p.width; i < len(rec); i++ {
		if strings.TrimSpace(rec[i]) != "" {
			p.problem(line, strconv.Itoa(i+1)+" (after the last named column)",
				"the row has %d values but the header has %d columns; is a value with a separator in it missing its quotes?", len(rec), p.width)
			return
		}
	}
	cell := func(col string) string {
		if i, ok := p.idx[col]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	before := len(p.problems) + p.more
	bad := func(col string, err error) {
		if err != nil {
			p.problem(line, col, "%s", err.Error())
		}
	}
	need := func(col, what string) string {
		v := cell(col)
		if v == "" {
			p.problem(line, col, "is empty; every row needs %s", what)
		}
		return v
	}

	accountID := need(colAccountID, "the distributor's id of the customer account")
	accountName := strings.Join(strings.Fields(need(colAccountName, "the customer's name")), " ")
	tenantID, err := readGUID(cell(colTenantID), "a Microsoft tenant id")
	bad(colTenantID, err)
	domain, err := readDomain(cell(colDomain))
	bad(colDomain, err)
	active, err := readAccountStatus(cell(colAccountStatus))
	bad(colAccountStatus, err)

	s := connectors.DistributorSubscription{AccountID: accountID}
	var warnings []string
	s.Product.Name = strings.Join(strings.Fields(need(colProductName, "the product's name")), " ")
	vendor, sku := cell(colVendor), cell(colSku)
	switch {
	case vendor != "":
		s.Microsoft = isMicrosoftVendor(vendor)
		s.Product.Vendor = vendor
	case looksMicrosoft(sku, s.Product.Name):
		s.Microsoft, s.Product.Vendor = true, "Microsoft"
	case s.Product.Name != "":
		warnings = append(warnings, "no vendor given and nothing marks the product as Microsoft's; kept as another vendor's (fill the vendor column to say)")
	}
	if id, ok := guid(sku); ok && s.Microsoft {
		s.SkuID = id
	} else {
		s.Product.VendorSKU = sku
	}
	if sku != "" {
		canon := sku
		if id, ok := guid(sku); ok {
			canon = id
		}
		s.Product.ID = "sku:" + strings.ToLower(canon)
	} else if s.Product.Name != "" {
		s.Product.ID = "name:" + strings.ToLower(s.Product.Name)
	}
	msID, err := readGUID(cell(colMicrosoftSubID), "a Microsoft subscription id")
	bad(colMicrosoftSubID, err)
	if msID != "" && !s.Microsoft {
		p.problem(line, colMicrosoftSubID, "a Microsoft subscription id on a product of another vendor (%q); clear one of them", field.Clip(cmpOr(vendor, "no vendor")))
	}
	s.MicrosoftSubscriptionID = msID

	q, err := readQuantity(cell(colQuantity))
	bad(colQuantity, err)
	s.Quantity = q

	currency, err := readCurrency(cell(colCurrency))
	bad(colCurrency, err)
	if err == nil {
		for _, c := range []struct {
			col string
			to  *connectors.Money
		}{{colUnitCost, &s.UnitCost}, {colUnitPrice, &s.UnitPrice}} {
			m, warning, err := readMoney(cell(c.col), currency, p.decimalComma)
			bad(c.col, err)
			*c.to = m
			if warning != "" {
				warnings = append(warnings, c.col+" "+warning)
			}
		}
	}

	rawTerm := cell(colTerm)
	term, warning := readTerm(rawTerm)
	s.Term = term
	warnings = appendIf(warnings, warning)
	s.BillingFrequency, warning = readBilling(cell(colBillingFrequency))
	warnings = appendIf(warnings, warning)
	s.Status, s.RawStatus, warning = readStatus(cell(colStatus))
	warnings = appendIf(warnings, warning)
	s.StartDate, err = readDate(cell(colStartDate))
	bad(colStartDate, err)
	s.CommitmentEnd, err = readDate(cell(colRenewalDate))
	bad(colRenewalDate, err)
	s.EndDate, err = readDate(cell(colEndDate))
	bad(colEndDate, err)
	s.Warnings = warnings

	if accountID != "" {
		p.account(line, accountID, accountName, tenantID, domain, active, cell(colAccountStatus) != "")
	}
	subID := cell(colSubscriptionID)
	if subID != "" {
		if prev, dup := p.ids[subID]; dup {
			p.problem(line, colSubscriptionID, "%q is already the id of the subscription on line %d; each subscription has its own id", field.Clip(subID), prev)
		}
	}
	if len(p.problems)+p.more > before {
		return // the file is refused anyway; the row's id would mean nothing
	}
	if subID == "" {
		subID = p.derivedID(accountID, s.Product.ID, rawTerm)
	}
	p.ids[subID] = line
	s.ID = subID
	p.subs = append(p.subs, s)
}

func appendIf(ws []string, w string) []string {
	if w != "" {
		return append(ws, w)
	}
	return ws
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// derivedID is the id of a subscription the file gives none: a hash of
// what identifies it and does not change from export to export (account,
// product, term; not the quantity, price or renewal date), with "-2",
// "-3"... for twins in file order.
func (p *parser) derivedID(accountID, productID, rawTerm string) string {
	base := DerivedSubscriptionID(accountID, productID, rawTerm)
	id := base
	// The next suffix is remembered so that a file of many twins costs no
	// more than a file of distinct rows.
	for n := max(p.twins[base], 2); ; n++ {
		if _, used := p.ids[id]; !used {
			p.twins[base] = n
			return id
		}
		id = base + "-" + strconv.Itoa(n)
	}
}

// DerivedSubscriptionID is the id seats gives the first subscription of an
// account, product id and term (as written; spellings of one term agree)
// in a file without a subscription_id.
func DerivedSubscriptionID(accountID, productID, term string) string {
	h := sha256.Sum256([]byte(accountID + "\x00" + productID + "\x00" + termKey(term)))
	return "csv-" + hex.EncodeToString(h[:8])
}

// account merges one row's view of its account with the earlier rows'.
// A blank cell says nothing; two rows that say different things are an
// error at the later one.
func (p *parser) account(line int, id, name, tenantID, domain string, active, statusGiven bool) {
	a, seen := p.accounts[id]
	if !seen {
		a = &accountSeen{acc: connectors.DistributorAccount{ID: id, Name: name, Active: true}, nameLine: line}
		p.accounts[id] = a
		p.order = append(p.order, id)
	}
	if name != "" && a.acc.Name != name {
		if a.acc.Name == "" {
			a.acc.Name, a.nameLine = name, line
		} else {
			p.problem(line, colAccountName, "%q, but line %d names account %s %q; rows of one account must agree on its name", field.Clip(name), a.nameLine, field.Clip(id), field.Clip(a.acc.Name))
		}
	}
	if tenantID != "" {
		switch {
		case a.acc.TenantID == "":
			a.acc.TenantID, a.acc.TenantIDSource, a.tenantLine = tenantID, tenantIDSource, line
		case a.acc.TenantID != tenantID:
			p.problem(line, colTenantID, "%s, but line %d gives account %s the tenant %s; one account has one tenant", tenantID, a.tenantLine, field.Clip(id), a.acc.TenantID)
		}
	}
	if domain != "" {
		switch {
		case a.acc.Domain == "":
			a.acc.Domain, a.domainLine = domain, line
		case a.acc.Domain != domain:
			p.problem(line, colDomain, "%s, but line %d gives account %s the domain %s; give one domain per account", domain, a.domainLine, field.Clip(id), a.acc.Domain)
		}
	}
	if statusGiven {
		switch {
		case !a.statusGiven:
			a.acc.Active, a.statusGiven, a.statusLine = active, true, line
		case a.acc.Active != active:
			p.problem(line, colAccountStatus, "%s, but line %d says account %s is %s", activeWord(active), a.statusLine, field.Clip(id), activeWord(a.acc.Active))
		}
	}
}

func activeWord(active bool) string {
	if active {
		return "active"
	}
	return "inactive"
}

func (p *parser) accountList() []connectors.DistributorAccount {
	out := make([]connectors.DistributorAccount, 0, len(p.order))
	for _, id := range p.order {
		out = append(out, p.accounts[id].acc)
	}
	return out
}
