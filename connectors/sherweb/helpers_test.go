package sherweb_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/sherweb"
	"github.com/seats-msp/seats/connectors/sherweb/sherwebfake"
)

// fake is one sherwebfake server over a world, with the clock and wait
// recorder a client of it uses.
type fake struct {
	url   string
	sw    *sherwebfake.Server
	world sherwebfake.World // as it started
	clock *fakekit.Clock
	waits *fakekit.Waits
	hc    *http.Client
}

var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func newFake(t testing.TB, w *sherwebfake.World, o sherwebfake.Options) *fake {
	t.Helper()
	clk := fakekit.NewClock(testNow)
	if o.Now == nil {
		o.Now = clk.Now
	}
	srv, s := sherwebfake.NewTLSServer(w, o)
	t.Cleanup(srv.Close)
	return &fake{url: srv.URL, sw: s, world: s.World(), clock: clk, waits: &fakekit.Waits{}, hc: srv.Client()}
}

func (f *fake) config() sherweb.Config {
	ep := sherwebfake.EndpointsFor(f.url)
	return sherweb.Config{
		BaseURL:         ep.BaseURL,
		TokenURL:        ep.TokenURL,
		ClientID:        f.world.ClientID,
		ClientSecret:    f.world.ClientSecret,
		SubscriptionKey: f.world.SubscriptionKey,
		HTTPClient:      f.hc,
		Now:             f.clock.Now,
		Sleep:           f.waits.Sleep,
	}
}

func (f *fake) client(t testing.TB, mods ...func(*sherweb.Config)) *sherweb.Client {
	t.Helper()
	cfg := f.config()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := sherweb.New(cfg)
	if err != nil {
		t.Fatalf("sherweb.New: %v", err)
	}
	return c
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// What a correct client makes of the world: written here from Sherweb's
// documentation, independently of the client's own mapping.

func expectedAccount(c sherwebfake.Customer) connectors.DistributorAccount {
	return connectors.DistributorAccount{ID: c.ID, Name: strings.TrimSpace(c.DisplayName), Active: c.SuspendedOn.IsZero()}
}

var wantBilling = map[string]connectors.BillingFrequency{
	"monthly": connectors.BillMonthly, "yearly": connectors.BillAnnual, "none": connectors.BillOnce,
}

var wantTerm = map[string]connectors.Term{
	"monthly": connectors.TermMonthly, "annual": connectors.TermAnnual, "triennial": connectors.TermTriennial,
}

var wantStatus = map[string]connectors.SubscriptionStatus{
	"suspended": connectors.StatusSuspended, "cancelled": connectors.StatusCancelled,
	"trial": connectors.StatusTrial, "pending": connectors.StatusPending,
}

func expectedSubscription(s sherwebfake.Subscription, c sherwebfake.Customer) connectors.DistributorSubscription {
	e := connectors.DistributorSubscription{
		ID: s.ID, AccountID: s.CustomerID,
		Product:   connectors.DistributorProduct{ID: s.SKU, Name: s.ProductName},
		RawStatus: s.Status,
		Microsoft: s.Vendor == "Microsoft",
		StartDate: s.DateStyle.Read(s.PurchaseDate),
		Status:    connectors.StatusActive,
	}
	if e.Microsoft {
		e.Product.Vendor = "Microsoft"
	}
	warn := false
	whole, frac, _ := strings.Cut(string(s.Quantity), ".")
	for _, r := range whole {
		e.Quantity = e.Quantity*10 + int(r-'0')
	}
	warn = warn || strings.Trim(frac, "0") != ""
	var ok bool
	if e.BillingFrequency, ok = wantBilling[strings.ToLower(s.BillingCycle)]; !ok {
		e.BillingFrequency, warn = connectors.BillUnknown, true
	}
	e.Term = connectors.TermMonthly
	if cm := s.Commitment; cm != nil {
		if e.Term, ok = wantTerm[strings.ToLower(cm.Type)]; !ok {
			e.Term, warn = connectors.TermUnknown, true
		}
		e.CommitmentEnd = s.DateStyle.Read(cm.TermEndDate)
		if !cm.Renews {
			e.Status, e.EndDate = connectors.StatusPendingCancel, e.CommitmentEnd
		}
	}
	if !c.SuspendedOn.IsZero() {
		e.Status = connectors.StatusSuspended
	}
	if s.Status != "" {
		if e.Status, ok = wantStatus[strings.ToLower(s.Status)]; !ok {
			e.Status, warn = connectors.StatusUnknown, true
		}
	}
	if s.Fees != nil && s.Fees.RecurringFee != "" {
		e.UnitPrice, _, _ = connectors.ParseMoney(string(s.Fees.RecurringFee), s.Fees.Currency)
	}
	if s.Cost != nil {
		e.UnitCost, _, _ = connectors.ParseMoney(string(s.Cost.NetPrice), s.Cost.Currency)
	}
	if warn {
		e.Warnings = []string{"expected"}
	}
	return e
}

func expectedSubscriptions(w sherwebfake.World) []connectors.DistributorSubscription {
	customers := map[string]sherwebfake.Customer{}
	for _, c := range w.Customers {
		customers[c.ID] = c
	}
	out := make([]connectors.DistributorSubscription, 0, len(w.Subscriptions))
	for _, s := range w.Subscriptions {
		out = append(out, expectedSubscription(s, customers[s.CustomerID]))
	}
	return out
}
