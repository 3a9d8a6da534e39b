package pax8_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
)

// fake is one pax8fake server over a world, with the clock and wait
// recorder a client of it uses.
type fake struct {
	srv   *http.Server
	url   string
	pax8  *pax8fake.Server
	world pax8fake.World // as it started
	clock *fakekit.Clock
	waits *fakekit.Waits
	hc    *http.Client
}

func newFake(t testing.TB, w *pax8fake.World, o pax8fake.Options) *fake {
	t.Helper()
	clk := fakekit.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
	if o.Now == nil {
		o.Now = clk.Now
	}
	srv, p := pax8fake.NewTLSServer(w, o)
	t.Cleanup(srv.Close)
	return &fake{url: srv.URL, pax8: p, world: p.World(), clock: clk, waits: &fakekit.Waits{}, hc: srv.Client()}
}

// config is a client Config for the fake with the world's credentials.
func (f *fake) config() pax8.Config {
	ep := pax8fake.EndpointsFor(f.url)
	return pax8.Config{
		BaseURL:      ep.BaseURL,
		TokenURL:     ep.TokenURL,
		ClientID:     f.world.ClientID,
		ClientSecret: f.world.ClientSecret,
		HTTPClient:   f.hc,
		Now:          f.clock.Now,
		Sleep:        f.waits.Sleep,
	}
}

func (f *fake) client(t testing.TB, mods ...func(*pax8.Config)) *pax8.Client {
	t.Helper()
	cfg := f.config()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := pax8.New(cfg)
	if err != nil {
		t.Fatalf("pax8.New: %v", err)
	}
	return c
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// What a correct client makes of the world: written here from the Pax8
// documentation, independently of the client's own mapping.

var guidRE = regexp.MustCompile(`^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$`)

var wantStatus = map[string]connectors.SubscriptionStatus{
	"Active": connectors.StatusActive, "Activated": connectors.StatusActive, "Converted": connectors.StatusActive,
	"Cancelled": connectors.StatusCancelled, "PendingCancel": connectors.StatusPendingCancel, "Trial": connectors.StatusTrial,
	"PendingManual": connectors.StatusPending, "PendingAutomated": connectors.StatusPending,
	"WaitingForDetails": connectors.StatusPending, "PendingActivation": connectors.StatusPending,
	"Suspended": connectors.StatusSuspended,
}

var wantBilling = map[string]connectors.BillingFrequency{
	"Monthly": connectors.BillMonthly, "Annual": connectors.BillAnnual, "One-Time": connectors.BillOnce, "Trial": connectors.BillUnknown,
}

func expectedAccount(c pax8fake.Company) connectors.DistributorAccount {
	a := connectors.DistributorAccount{ID: c.ID, Name: c.Name, Active: c.Status == "Active"}
	if m := guidRE.FindStringSubmatch(c.ExternalID); m != nil {
		a.TenantID, a.TenantIDSource = strings.ToLower(m[1]), "pax8 externalId"
	}
	host := strings.ToLower(c.Website)
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	host, _, _ = strings.Cut(host, "/")
	host, _, _ = strings.Cut(host, ":")
	host = strings.TrimPrefix(host, "www.")
	if strings.Contains(host, ".") && !strings.Contains(host, " ") {
		a.Domain = host
	}
	return a
}

func expectedSubscription(s pax8fake.Subscription, p pax8fake.Product) connectors.DistributorSubscription {
	e := connectors.DistributorSubscription{
		ID: s.ID, AccountID: s.CompanyID,
		Product:   connectors.DistributorProduct{ID: p.ID, Name: p.Name, VendorSKU: p.VendorSKU, Vendor: p.VendorName},
		RawStatus: s.Status,
		Microsoft: p.VendorName == "Microsoft",
		StartDate: s.DateStyle.Read(s.StartDate),
		EndDate:   s.DateStyle.Read(s.EndDate),
	}
	warn := false
	if e.Microsoft {
		e.MicrosoftSubscriptionID = strings.ToLower(s.VendorSubscriptionID)
		e.SkuID = strings.ToLower(s.VendorSkuID)
	}
	var ok bool
	if e.Status, ok = wantStatus[s.Status]; !ok {
		e.Status, warn = connectors.StatusUnknown, true
	}
	warn = warn || s.Status == "Converted"
	if e.BillingFrequency, ok = wantBilling[s.BillingTerm]; !ok {
		e.BillingFrequency, warn = connectors.BillUnknown, true
	}
	switch {
	case s.Commitment == nil:
		e.Term = connectors.TermMonthly
	case s.Commitment.Term == "1-Year":
		e.Term = connectors.TermAnnual
	case s.Commitment.Term == "3-Year":
		e.Term = connectors.TermTriennial
	default:
		e.Term, warn = connectors.TermUnknown, true
	}
	if s.Commitment != nil {
		e.CommitmentEnd = s.DateStyle.Read(s.Commitment.EndDate)
	}
	whole, frac, _ := strings.Cut(string(s.Quantity), ".")
	for _, r := range whole {
		e.Quantity = e.Quantity*10 + int(r-'0')
	}
	warn = warn || strings.Trim(frac, "0") != ""
	if s.Price != "" {
		e.UnitPrice, _, _ = connectors.ParseMoney(string(s.Price), s.CurrencyCode)
	}
	if s.PartnerCost != "" {
		e.UnitCost, _, _ = connectors.ParseMoney(string(s.PartnerCost), s.CurrencyCode)
	}
	if warn {
		e.Warnings = []string{"expected"}
	}
	return e
}

func expectedSubscriptions(w pax8fake.World) []connectors.DistributorSubscription {
	products := map[string]pax8fake.Product{}
	for _, p := range w.Products {
		products[p.ID] = p
	}
	out := make([]connectors.DistributorSubscription, 0, len(w.Subscriptions))
	for _, s := range w.Subscriptions {
		out = append(out, expectedSubscription(s, products[s.ProductID]))
	}
	return out
}
