package halopsa_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/halopsa"
	"github.com/seats-msp/seats/connectors/halopsa/halofake"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// testNow is when every test runs, by the clock the client and its fake share.
var testNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// fake is one halofake server with the clock and wait recorder its client uses.
type fake struct {
	url   string
	halo  *halofake.Server
	world halofake.World // as it started
	clock *fakekit.Clock
	waits *fakekit.Waits
	hc    *http.Client
}

func newFake(t testing.TB, w *halofake.World, o halofake.Options) *fake {
	t.Helper()
	return newWrappedFake(t, w, o, nil)
}

// newWrappedFake serves the fake through wrap, so that a test can see or
// bend what goes between the client and the fake.
func newWrappedFake(t testing.TB, w *halofake.World, o halofake.Options, wrap func(http.Handler) http.Handler) *fake {
	t.Helper()
	clk := fakekit.NewClock(testNow)
	if o.Now == nil {
		o.Now = clk.Now
	}
	s := halofake.New(w, o)
	var h http.Handler = s
	if wrap != nil {
		h = wrap(s)
	}
	srv := fakekit.StartTLS(h)
	t.Cleanup(srv.Close)
	return &fake{url: srv.URL, halo: s, world: s.World(), clock: clk, waits: &fakekit.Waits{}, hc: srv.Client()}
}

func (f *fake) config() halopsa.Config {
	return halopsa.Config{
		URL:          halofake.EndpointsFor(f.url).URL,
		Tenant:       f.world.Tenant,
		ClientID:     f.world.ClientID,
		ClientSecret: f.world.ClientSecret,
		WriteEnabled: true,
		HTTPClient:   f.hc,
		Now:          f.clock.Now,
		Sleep:        f.waits.Sleep,
	}
}

func (f *fake) client(t testing.TB, mods ...func(*halopsa.Config)) *halopsa.Client {
	t.Helper()
	cfg := f.config()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := halopsa.New(cfg)
	if err != nil {
		t.Fatalf("halopsa.New: %v", err)
	}
	return c
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// What a correct client makes of the world: written here from Halo's
// shapes and the connector's documented rules, independently of the
// client's own mapping.

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

func expectedCompanies(w halofake.World) []connectors.PSACompany {
	var out []connectors.PSACompany
	for _, c := range w.Clients {
		co := connectors.PSACompany{ID: strconv.Itoa(c.ID), Name: c.Name, Domain: expectedDomain(c.Website), Active: !c.Inactive, Type: connectors.CompanyClient}
		for _, t := range c.AzureTenants {
			if u, err := uuid.Parse(t); err == nil {
				co.TenantIDs = append(co.TenantIDs, strings.ToLower(u.String()))
			}
		}
		out = append(out, co)
	}
	return out
}

func money(amount string) connectors.Money {
	if amount == "" {
		return connectors.Money{}
	}
	d := decimal.RequireFromString(amount)
	return connectors.Money{Minor: d.Shift(2).RoundBank(0).IntPart(), Currency: "USD"}
}

func expectedCatalog(w halofake.World) []connectors.CatalogItem {
	var out []connectors.CatalogItem
	for _, it := range w.Items {
		price, cost := it.BasePrice, it.CostPrice
		if it.Recurring {
			price, cost = it.RecurringPrice, it.RecurringCost
		}
		out = append(out, connectors.CatalogItem{ID: strconv.Itoa(it.ID), Identifier: it.InternalRef, Description: it.Name, VendorSKU: it.SupplierPartCode,
			Price: money(string(price)), Cost: money(string(cost)), Recurring: it.Recurring, Active: !it.Inactive})
	}
	return out
}

// expectedVersion is the line's content digest, over the fields as the
// fake renders them.
func expectedVersion(ihid int, l halofake.Line) string {
	parts := []string{strconv.Itoa(l.ID), strconv.Itoa(ihid), strconv.Itoa(l.ItemID), l.Code, l.Short, l.Long, string(l.Quantity),
		string(l.UnitPrice), string(l.UnitCost), fmt.Sprint(l.Inactive), halofake.FormatTime(l.StartDate), halofake.FormatTime(l.EndDate), strconv.Itoa(l.QuantityType)}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return string(l.Quantity) + "/" + hex.EncodeToString(sum[:6])
}

func expectedLines(w halofake.World, now time.Time) []connectors.BillingLine {
	var out []connectors.BillingLine
	for _, inv := range w.Invoices {
		state := connectors.AgreementActive
		switch {
		case inv.Disabled:
			state = connectors.AgreementCancelled
		case !inv.EndDate.IsZero() && !now.Before(inv.EndDate.AddDate(0, 0, 1)):
			state = connectors.AgreementExpired
		}
		for _, l := range inv.Lines {
			q := decimal.RequireFromString(string(l.Quantity))
			bl := connectors.BillingLine{
				LineRef:        connectors.LineRef{CompanyID: strconv.Itoa(inv.ClientID), AgreementID: strconv.Itoa(inv.ID), LineID: strconv.Itoa(l.ID)},
				AgreementName:  inv.ContractRef,
				AgreementState: state,
				ItemID:         strconv.Itoa(l.ItemID),
				Description:    l.Short,
				Quantity:       int(q.Truncate(0).IntPart()),
				UnitPrice:      money(string(l.UnitPrice)),
				UnitCost:       money(string(l.UnitCost)),
				Billed:         !l.Inactive,
				EffectiveFrom:  l.StartDate,
				CancelledOn:    l.EndDate,
				Version:        expectedVersion(inv.ID, l),
				// The fake's invoices recur monthly unless they cover 12
				// months (period 12, period_type 3).
				BillingFrequency: connectors.BillMonthly,
			}
			if inv.PeriodMonths == 12 {
				bl.BillingFrequency = connectors.BillAnnual
			}
			if bl.Description == "" {
				bl.Description = l.Long
			}
			if bl.EffectiveFrom.IsZero() {
				bl.EffectiveFrom = inv.StartDate
			}
			if l.QuantityType != 0 {
				bl.ReadOnly = true
				bl.ReadOnlyReason = fmt.Sprintf("Halo computes this line's quantity itself from linked users, assets, licences or subscriptions (quantity type %d): change what it counts in Halo, not the line", l.QuantityType)
			}
			if !q.IsInteger() {
				bl.Warnings = []string{"fractional"}
			}
			out = append(out, bl)
		}
	}
	return out
}
