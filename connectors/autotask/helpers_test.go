package autotask_test

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/autotask"
	"github.com/seats-msp/seats/connectors/autotask/atfake"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// testNow is when every test runs, by the clock the client and its fake share.
var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// fake is one atfake server over a world, with the clock and wait recorder
// a client of it uses.
type fake struct {
	url   string
	at    *atfake.Server
	world atfake.World // as it started
	ep    atfake.Endpoints
	clock *fakekit.Clock
	waits *fakekit.Waits
	hc    *http.Client
}

func newFake(t testing.TB, w *atfake.World, o atfake.Options) *fake {
	t.Helper()
	return newWrappedFake(t, w, o, nil)
}

// newWrappedFake serves the fake through wrap, so that a test can see or
// bend what goes between the client and the fake.
func newWrappedFake(t testing.TB, w *atfake.World, o atfake.Options, wrap func(http.Handler) http.Handler) *fake {
	t.Helper()
	clk := fakekit.NewClock(testNow)
	if o.Now == nil {
		o.Now = clk.Now
	}
	s := atfake.New(w, o)
	var h http.Handler = s
	if wrap != nil {
		h = wrap(s)
	}
	srv := fakekit.StartTLS(h)
	t.Cleanup(srv.Close)
	return &fake{url: srv.URL, at: s, world: s.World(), ep: atfake.EndpointsFor(srv.URL), clock: clk, waits: &fakekit.Waits{}, hc: srv.Client()}
}

// config is a client Config for the fake with the world's credentials,
// finding the zone by the lookup.
func (f *fake) config() autotask.Config {
	return autotask.Config{
		UserName:        f.world.UserName,
		Secret:          f.world.Secret,
		IntegrationCode: f.world.IntegrationCode,
		ZoneLookupURL:   f.ep.ZoneLookupURL,
		WriteEnabled:    true,
		HTTPClient:      f.hc,
		Now:             f.clock.Now,
		Sleep:           f.waits.Sleep,
	}
}

func (f *fake) client(t testing.TB, mods ...func(*autotask.Config)) *autotask.Client {
	t.Helper()
	cfg := f.config()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := autotask.New(cfg)
	if err != nil {
		t.Fatalf("autotask.New: %v", err)
	}
	return c
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// What a correct client makes of the world: written here from the
// Autotask documentation and the connector's documented rules,
// independently of the client's own mapping.

func expectedDomain(website string) string {
	h := strings.ToLower(strings.TrimSpace(website))
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	h, _, _ = strings.Cut(h, "/")
	h = strings.TrimPrefix(h, "www.")
	if !strings.Contains(h, ".") || strings.ContainsAny(h, " _") {
		return ""
	}
	return h
}

func expectedCompanies(w atfake.World) []connectors.PSACompany {
	labels := map[int]string{}
	for _, v := range w.CompanyTypes {
		labels[v.Value] = v.Label
	}
	kinds := map[string]connectors.CompanyType{"Customer": connectors.CompanyClient, "Lead": connectors.CompanyProspect,
		"Prospect": connectors.CompanyProspect, "Vendor": connectors.CompanyVendor}
	var out []connectors.PSACompany
	for _, c := range w.Companies {
		co := connectors.PSACompany{ID: strconv.Itoa(c.ID), Name: c.Name, Identifier: c.Number, Domain: expectedDomain(c.WebAddress),
			Active: c.Active, RawType: labels[c.Type], Type: connectors.CompanyOther}
		if k, ok := kinds[co.RawType]; ok {
			co.Type = k
		}
		if c.TenantID != "" {
			co.TenantIDs = []string{strings.ToLower(c.TenantID)}
		}
		out = append(out, co)
	}
	return out
}

func money(amount, currency string) connectors.Money {
	if amount == "" {
		return connectors.Money{}
	}
	m, _, err := connectors.ParseMoney(amount, currency)
	if err != nil {
		panic(err)
	}
	return m
}

// period is the billing frequency of a period type of the world, and
// whether it is flagged.
func period(w atfake.World, v int) (connectors.BillingFrequency, bool) {
	for _, p := range w.PeriodTypes {
		if p.Value == v {
			switch p.Label {
			case "Monthly":
				return connectors.BillMonthly, false
			case "Yearly":
				return connectors.BillAnnual, false
			}
			return connectors.BillUnknown, true
		}
	}
	return "", false
}

func expectedCatalog(w atfake.World) []connectors.CatalogItem {
	var out []connectors.CatalogItem
	for _, s := range w.Services {
		sku := s.VendorProductNumber
		if sku == "" {
			sku = s.PartNumber
		}
		freq, _ := period(w, s.PeriodType)
		out = append(out, connectors.CatalogItem{ID: strconv.Itoa(s.ID), Identifier: s.SKU, Description: s.Name, VendorSKU: sku,
			Price: money(string(s.UnitPrice), w.Currency), Cost: money(string(s.UnitCost), w.Currency), Recurring: true, Active: s.Active, BillingFrequency: freq})
	}
	return out
}

// cutoff is the client's default: what ended more than a year before the
// day of now is not read.
func cutoff(now time.Time) time.Time {
	return now.Add(-autotask.DefaultKeepEndedFor).UTC().Truncate(24 * time.Hour)
}

func expectedLines(w atfake.World, now time.Time) []connectors.BillingLine {
	cut := cutoff(now)
	contracts := map[int]atfake.Contract{}
	for _, k := range w.Contracts {
		if k.Type == atfake.ContractTypeRecurring && !k.EndDate.Before(cut) {
			contracts[k.ID] = k
		}
	}
	var out []connectors.BillingLine
	for _, s := range w.ContractServices {
		k, ok := contracts[s.ContractID]
		if !ok {
			continue
		}
		var rows []atfake.ServiceUnits
		for _, u := range w.Units {
			if u.ContractServiceID == s.ID && !u.EndDate.Before(cut) {
				rows = append(rows, u)
			}
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].StartDate.Before(rows[j].StartDate) })
		l := connectors.BillingLine{
			LineRef:       connectors.LineRef{CompanyID: strconv.Itoa(k.CompanyID), AgreementID: strconv.Itoa(k.ID), LineID: strconv.Itoa(s.ID)},
			AgreementName: k.Name,
			ItemID:        strconv.Itoa(s.ServiceID),
			Description:   s.InvoiceDescription,
			Billed:        true,
		}
		warn := false
		switch {
		case k.Status == atfake.ContractStatusInactive:
			l.AgreementState = connectors.AgreementCancelled
		case !now.Before(k.EndDate.AddDate(0, 0, 1)):
			l.AgreementState = connectors.AgreementExpired
		default:
			l.AgreementState = connectors.AgreementActive
		}
		l.BillingFrequency, warn = period(w, k.PeriodType)
		price := s.AdjustedPrice
		if price == "" {
			price = s.UnitPrice
		}
		l.UnitPrice, l.UnitCost = money(string(price), w.Currency), money(string(s.UnitCost), w.Currency)
		if l.UnitPrice.Known() && l.UnitPrice.Minor == 0 {
			l.Billed = false
		}
		// The row holding now, else the first to come, else the last.
		var row *atfake.ServiceUnits
		for i := range rows {
			if !rows[i].StartDate.After(now) && now.Before(rows[i].EndDate.AddDate(0, 0, 1)) {
				row = &rows[i]
			}
		}
		current := row != nil
		for i := range rows {
			if row == nil && rows[i].StartDate.After(now) {
				row = &rows[i]
			}
		}
		if row == nil && len(rows) > 0 {
			row = &rows[len(rows)-1]
		}
		if row == nil {
			warn = true
			l.EffectiveFrom = k.StartDate
		} else {
			d := decimal.RequireFromString(string(row.Units))
			l.Quantity = int(d.IntPart())
			warn = warn || !d.IsInteger()
			l.Version = strconv.Itoa(row.ID) + "/" + string(row.Units) + "/" + row.StartDate.Format("2006-01-02") + "/" + row.EndDate.Format("2006-01-02")
			l.EffectiveFrom = rows[0].StartDate
			if current && l.Quantity == 0 {
				since := row.StartDate
				for i := len(rows) - 1; i >= 0; i-- {
					if rows[i].StartDate.After(row.StartDate) {
						continue
					}
					if rows[i].Units != "0" {
						l.CancelledOn = since
						break
					}
					since = rows[i].StartDate
				}
			}
		}
		if warn {
			l.Warnings = []string{"expected"}
		}
		out = append(out, l)
	}
	return out
}

// sampleInput is eight customers with a monthly and an annual product.
func sampleInput() fakekit.PSAInput {
	var in fakekit.PSAInput
	for i, name := range []string{"Contoso Ltd", "Fabrikam Inc.", "Northwind & Sons", "Adatum LLC", "Woodgrove Bank", "Proseware", "Trey Research", "Wingtip Toys"} {
		in.Customers = append(in.Customers, fakekit.PSACustomer{
			TenantID: "6f1f4b5e-3c1a-4a8e-9d2b-8e1f5a7c9b1" + strconv.Itoa(i), Name: name, Domain: strings.ToLower(strings.Fields(name)[0]) + ".example",
			Products: []fakekit.PSAProduct{
				{SkuPartNumber: "SPB", Name: "Microsoft 365 Business Premium", Term: connectors.TermMonthly, Quantity: 4 + i, UnitPrice: connectors.Money{Minor: 2640, Currency: "USD"}},
				{SkuPartNumber: "EXCHANGESTANDARD", Name: "Exchange Online (Plan 1)", Term: connectors.TermAnnual, Quantity: 2 + i, UnitPrice: connectors.Money{Minor: 4800, Currency: "USD"}},
			},
		})
	}
	return in
}
