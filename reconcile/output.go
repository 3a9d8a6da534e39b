package reconcile

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// The JSON shapes of `seats licenses --format json` and `seats reconcile
// --format json`. Field names are a contract with users' scripts: never
// rename them. Money is a decimal string in its currency ("" when not
// known), dates are YYYY-MM-DD ("" when not known), times RFC 3339 UTC.

// LicencesJSON is the document `seats licenses --format json` prints.
type LicencesJSON struct {
	Customers []CustomerJSON `json:"customers"`
}

// CustomerJSON is one customer of LicencesJSON.
type CustomerJSON struct {
	TenantID             string    `json:"tenantId"`
	Name                 string    `json:"name"`
	DistributorAccountID string    `json:"distributorAccountId"`
	PSAAccountID         string    `json:"psaAccountId"`
	SyncedAt             string    `json:"syncedAt"`
	Skus                 []SkuJSON `json:"skus"`
}

// SkuJSON is one SKU of a customer.
type SkuJSON struct {
	SkuID         string     `json:"skuId"`
	SkuPartNumber string     `json:"skuPartNumber"`
	Name          string     `json:"name"`
	Enabled       int        `json:"enabled"`
	Assigned      int        `json:"assigned"`
	Unused        int        `json:"unused"`
	Terms         []TermJSON `json:"terms"`
}

// TermJSON is one term of a SKU. Purchased and billed are null where not
// known.
type TermJSON struct {
	Term             string `json:"term"`
	BillingFrequency string `json:"billingFrequency"`
	RenewalDate      string `json:"renewalDate"`
	Purchased        *int   `json:"purchased"`
	Billed           *int   `json:"billed"`
	UnitCost         string `json:"unitCost"`
	UnitPrice        string `json:"unitPrice"`
	Currency         string `json:"currency"`
	MonthlyAmount    string `json:"monthlyAmount"`
}

// FindingsJSON is the document `seats reconcile --format json` prints.
type FindingsJSON struct {
	Findings []FindingJSON `json:"findings"`
}

// FindingJSON is one finding. Sources is an addition to the shape,
// so that scripts can trace a number as the tables do.
type FindingJSON struct {
	Kind           string   `json:"kind"`
	TenantID       string   `json:"tenantId"`
	Customer       string   `json:"customer"`
	SkuID          string   `json:"skuId"`
	Product        string   `json:"product"`
	Term           string   `json:"term"`
	Quantity       int      `json:"quantity"`
	MonthlyAmount  string   `json:"monthlyAmount"`
	Currency       string   `json:"currency"`
	ActionableFrom string   `json:"actionableFrom"`
	Detail         string   `json:"detail"`
	Sources        []string `json:"sources"`
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// LicencesDocument turns the report's tables into the licences JSON shape.
func (r Report) LicencesDocument() LicencesJSON {
	doc := LicencesJSON{Customers: make([]CustomerJSON, 0, len(r.Customers))}
	for _, c := range r.Customers {
		cj := CustomerJSON{TenantID: c.TenantID, Name: c.Name, DistributorAccountID: c.DistributorAccountID,
			PSAAccountID: c.PSAAccountID, SyncedAt: timestamp(c.SyncedAt), Skus: make([]SkuJSON, 0, len(c.Skus))}
		for _, s := range c.Skus {
			sj := SkuJSON{SkuID: s.SkuID, SkuPartNumber: s.SkuPartNumber, Name: s.Name, Enabled: s.Enabled,
				Assigned: s.Assigned, Unused: s.Unused, Terms: make([]TermJSON, 0, len(s.Terms))}
			for _, t := range s.Terms {
				sj.Terms = append(sj.Terms, TermJSON{Term: string(t.Term), BillingFrequency: string(t.BillingFrequency),
					RenewalDate: date(t.RenewalDate), Purchased: t.Purchased, Billed: t.Billed, UnitCost: t.UnitCost.Decimal(),
					UnitPrice: t.UnitPrice.Decimal(), Currency: t.Currency(), MonthlyAmount: t.MonthlyAmount.Decimal()})
			}
			cj.Skus = append(cj.Skus, sj)
		}
		doc.Customers = append(doc.Customers, cj)
	}
	return doc
}

// FindingsDocument turns the report's findings into the reconcile JSON shape.
func (r Report) FindingsDocument() FindingsJSON {
	doc := FindingsJSON{Findings: make([]FindingJSON, 0, len(r.Findings))}
	for _, f := range r.Findings {
		fj := FindingJSON{Kind: string(f.Kind), TenantID: f.TenantID, Customer: f.Customer, SkuID: f.SkuID, Product: f.Product,
			Term: f.Term, Quantity: f.Quantity, MonthlyAmount: f.MonthlyAmount.Decimal(), Currency: f.MonthlyAmount.Currency,
			ActionableFrom: date(f.ActionableFrom), Detail: f.Detail, Sources: make([]string, 0, len(f.Sources))}
		for _, s := range f.Sources {
			fj.Sources = append(fj.Sources, s.String())
		}
		doc.Findings = append(doc.Findings, fj)
	}
	return doc
}

// WriteLicencesJSON writes the licences document, indented.
func (r Report) WriteLicencesJSON(w io.Writer) error { return writeJSON(w, r.LicencesDocument()) }

// WriteFindingsJSON writes the findings document, indented.
func (r Report) WriteFindingsJSON(w io.Writer) error { return writeJSON(w, r.FindingsDocument()) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // names with & and < stay readable
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// LicencesCSVHeader is the header of `seats licenses --format csv`: the
// JSON fields flattened, one row per (customer, SKU, term); the SKU's name
// is skuName, as the customer's is name. A SKU with no term has one row
// with the term fields blank.
var LicencesCSVHeader = []string{"tenantId", "name", "distributorAccountId", "psaAccountId", "syncedAt",
	"skuId", "skuPartNumber", "skuName", "enabled", "assigned", "unused",
	"term", "billingFrequency", "renewalDate", "purchased", "billed", "unitCost", "unitPrice", "currency", "monthlyAmount"}

// FindingsCSVHeader is the header of `seats reconcile --format csv`, one
// row per finding.
var FindingsCSVHeader = []string{"kind", "tenantId", "customer", "skuId", "product", "term", "quantity",
	"monthlyAmount", "currency", "actionableFrom", "detail", "sources"}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// WriteLicencesCSV writes the licence tables as CSV.
func (r Report) WriteLicencesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{LicencesCSVHeader}
	for _, c := range r.LicencesDocument().Customers {
		for _, s := range c.Skus {
			head := []string{c.TenantID, safeCell(c.Name), c.DistributorAccountID, c.PSAAccountID, c.SyncedAt,
				s.SkuID, s.SkuPartNumber, safeCell(s.Name), strconv.Itoa(s.Enabled), strconv.Itoa(s.Assigned), strconv.Itoa(s.Unused)}
			if len(s.Terms) == 0 {
				rows = append(rows, append(head, make([]string, 9)...))
			}
			for _, t := range s.Terms {
				rows = append(rows, append(append([]string{}, head...), t.Term, t.BillingFrequency, t.RenewalDate,
					optInt(t.Purchased), optInt(t.Billed), t.UnitCost, t.UnitPrice, t.Currency, t.MonthlyAmount))
			}
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// WriteFindingsCSV writes the findings as CSV; sources are joined by " | ".
func (r Report) WriteFindingsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{FindingsCSVHeader}
	for _, f := range r.FindingsDocument().Findings {
		src := ""
		for i, s := range f.Sources {
			if i > 0 {
				src += " | "
			}
			src += s
		}
		rows = append(rows, []string{f.Kind, f.TenantID, safeCell(f.Customer), f.SkuID, safeCell(f.Product), f.Term,
			strconv.Itoa(f.Quantity), f.MonthlyAmount, f.Currency, f.ActionableFrom, safeCell(f.Detail), src})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}
