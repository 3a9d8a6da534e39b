package connectwise_test

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// testNow is when every test runs, by the clock the client and its fake share.
var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// testClientID is the clientId the tests register.
const testClientID = "3c7a2f9e-5b1d-4e8a-9f60-1d2c3b4a5e6f"

// fake is one cwfake server over a world, with the clock and wait recorder
// a client of it uses.
type fake struct {
	url   string
	cw    *cwfake.Server
	world cwfake.World // as it started
	ep    cwfake.Endpoints
	clock *fakekit.Clock
	waits *fakekit.Waits
	hc    *http.Client
}

func newFake(t testing.TB, w *cwfake.World, o cwfake.Options) *fake {
	t.Helper()
	return newWrappedFake(t, w, o, nil)
}

// newWrappedFake serves the fake through wrap, so that a test can see or
// bend what goes between the client and the fake.
func newWrappedFake(t testing.TB, w *cwfake.World, o cwfake.Options, wrap func(http.Handler) http.Handler) *fake {
	t.Helper()
	clk := fakekit.NewClock(testNow)
	if o.Now == nil {
		o.Now = clk.Now
	}
	s := cwfake.New(w, o)
	var h http.Handler = s
	if wrap != nil {
		h = wrap(s)
	}
	srv := fakekit.StartTLS(h)
	t.Cleanup(srv.Close)
	return &fake{url: srv.URL, cw: s, world: s.World(), ep: s.Endpoints(srv.URL), clock: clk, waits: &fakekit.Waits{}, hc: srv.Client()}
}

// config is a client Config for the fake with the world's credentials,
// reaching it by its URL.
func (f *fake) config() connectwise.Config {
	return connectwise.Config{
		URL:          f.ep.URL,
		CompanyID:    f.world.CompanyID,
		PublicKey:    f.world.PublicKey,
		PrivateKey:   f.world.PrivateKey,
		ClientID:     testClientID,
		WriteEnabled: true,
		HTTPClient:   f.hc,
		Now:          f.clock.Now,
		Sleep:        f.waits.Sleep,
	}
}

func (f *fake) client(t testing.TB, mods ...func(*connectwise.Config)) *connectwise.Client {
	t.Helper()
	cfg := f.config()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := connectwise.New(cfg)
	if err != nil {
		t.Fatalf("connectwise.New: %v", err)
	}
	return c
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// What a correct client makes of the world: written here from the
// ConnectWise documentation and the connector's documented rules,
// independently of the client's own mapping.

func expectedDomain(website string) string {
	h := strings.ToLower(strings.TrimSpace(website))
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	h, _, _ = strings.Cut(h, "/")
	h, _, _ = strings.Cut(h, ":")
	h = strings.TrimPrefix(h, "www.")
	if !strings.Contains(h, ".") || strings.ContainsAny(h, " _") {
		return ""
	}
	return h
}

func expectedCompanies(w cwfake.World) []connectors.PSACompany {
	statuses := map[int]cwfake.CompanyStatus{}
	for _, s := range w.Statuses {
		statuses[s.ID] = s
	}
	types := map[int]cwfake.CompanyType{}
	for _, ty := range w.Types {
		types[ty.ID] = ty
	}
	var out []connectors.PSACompany
	for _, c := range w.Companies {
		if c.DeletedFlag {
			continue // not asked for: the recycle bin
		}
		co := connectors.PSACompany{
			ID: strconv.Itoa(c.ID), Name: c.Name, Identifier: c.Identifier,
			Domain: expectedDomain(c.Website),
			Active: !statuses[c.StatusID].InactiveFlag,
			Type:   connectors.CompanyOther,
		}
		var names []string
		rank := 9
		for _, id := range c.TypeIDs {
			ty := types[id]
			names = append(names, ty.Name)
			r := map[string]int{"client": 0, "prospect": 1, "vendor": 2}[strings.ToLower(ty.Name)]
			if _, known := map[string]bool{"client": true, "prospect": true, "vendor": true}[strings.ToLower(ty.Name)]; known && r < rank {
				rank = r
			}
		}
		switch rank {
		case 0:
			co.Type = connectors.CompanyClient
		case 1:
			co.Type = connectors.CompanyProspect
		case 2:
			co.Type = connectors.CompanyVendor
		}
		co.RawType = strings.Join(names, ", ")
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

// cycle is the billing frequency a world's cycle name stands for.
func cycle(name string) connectors.BillingFrequency {
	switch name {
	case "":
		return ""
	case "Monthly":
		return connectors.BillMonthly
	case "Annual":
		return connectors.BillAnnual
	}
	return connectors.BillUnknown
}

func expectedCatalog(w cwfake.World) []connectors.CatalogItem {
	var out []connectors.CatalogItem
	for _, it := range w.Catalog {
		sku := it.ManufacturerPartNumber
		if sku == "" {
			sku = it.VendorSku
		}
		out = append(out, connectors.CatalogItem{
			ID: strconv.Itoa(it.ID), Identifier: it.Identifier, Description: it.Description, VendorSKU: sku,
			Price: money(string(it.Price), w.Currency), Cost: money(string(it.Cost), w.Currency),
			Recurring: it.RecurringFlag, Active: !it.InactiveFlag, BillingFrequency: cycle(it.BillCycle),
		})
	}
	return out
}

// cutoff is the client's default: what ended more than a year before the
// day of now is not read.
func cutoff(now time.Time) time.Time {
	return now.Add(-connectwise.DefaultKeepEndedFor).UTC().Truncate(24 * time.Hour)
}

// expectedState is the agreement's state at now, and whether it is flagged.
func expectedState(a cwfake.Agreement, now time.Time) (connectors.AgreementState, bool) {
	switch {
	case a.CancelledFlag || a.Status == "Cancelled":
		if !a.DateCancelled.IsZero() && a.DateCancelled.After(now) {
			return connectors.AgreementActive, true
		}
		return connectors.AgreementCancelled, false
	case a.Status == "Expired":
		return connectors.AgreementExpired, false
	case !a.NoEndingDateFlag && !a.EndDate.IsZero() && !now.Before(a.EndDate.AddDate(0, 0, 1)):
		return connectors.AgreementExpired, false
	case a.Status == "Inactive":
		return connectors.AgreementExpired, true
	case a.Status == "Active" || a.Status == "":
		return connectors.AgreementActive, false
	}
	return connectors.AgreementActive, true
}

func expectedLines(w cwfake.World, now time.Time) []connectors.BillingLine {
	cut := cutoff(now)
	agreements := map[int]cwfake.Agreement{}
	for _, a := range w.Agreements {
		if a.CancelledFlag && a.DateCancelled.Before(cut) || !a.NoEndingDateFlag && !a.EndDate.IsZero() && a.EndDate.Before(cut) {
			continue
		}
		agreements[a.ID] = a
	}
	items := map[int]cwfake.CatalogItem{}
	for _, it := range w.Catalog {
		items[it.ID] = it
	}
	var out []connectors.BillingLine
	for _, ad := range w.Additions {
		a, ok := agreements[ad.AgreementID]
		if !ok || !ad.CancelledDate.IsZero() && ad.CancelledDate.Before(cut) {
			continue
		}
		state, warn := expectedState(a, now)
		currency := w.Currency
		if a.Currency != "" {
			currency = a.Currency
		}
		l := connectors.BillingLine{
			LineRef:          connectors.LineRef{CompanyID: strconv.Itoa(a.CompanyID), AgreementID: strconv.Itoa(a.ID), LineID: strconv.Itoa(ad.ID)},
			AgreementName:    a.Name,
			AgreementState:   state,
			ItemID:           strconv.Itoa(ad.ProductID),
			Description:      ad.Description,
			UnitPrice:        money(string(ad.UnitPrice), currency),
			UnitCost:         money(string(ad.UnitCost), currency),
			Billed:           ad.BillCustomer == "Billable",
			EffectiveFrom:    ad.EffectiveDate,
			CancelledOn:      ad.CancelledDate,
			Version:          cwfake.FormatTime(ad.LastUpdated),
			BillingFrequency: cycle(a.BillingCycle),
		}
		if l.Description == "" {
			l.Description = items[ad.ProductID].Description
		}
		if l.EffectiveFrom.IsZero() {
			l.EffectiveFrom = a.StartDate
		}
		whole, frac, _ := strings.Cut(string(ad.Quantity), ".")
		l.Quantity, _ = strconv.Atoi(whole)
		warn = warn || strings.Trim(frac, "0") != ""
		switch ad.BillCustomer {
		case "Billable", "DoNotBill", "NoCharge":
		default:
			warn = true
		}
		if warn {
			l.Warnings = []string{"expected"}
		}
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		ai, _ := strconv.Atoi(out[i].AgreementID)
		aj, _ := strconv.Atoi(out[j].AgreementID)
		if ai != aj {
			return ai < aj
		}
		li, _ := strconv.Atoi(out[i].LineID)
		lj, _ := strconv.Atoi(out[j].LineID)
		return li < lj
	})
	return out
}
