package tdsynnex_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/tdsynnex"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

var smallNow = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

// vault is where a test keeps refresh tokens, as the secret store would:
// every token saved, in order, and an optional failure.
type vault struct {
	mu    sync.Mutex
	saved []string
	fail  error
}

func (v *vault) Save(_ context.Context, tok string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.fail != nil {
		return v.fail
	}
	v.saved = append(v.saved, tok)
	return nil
}

func (v *vault) setFail(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.fail = err
}

// last is the last token saved, or "" when none was.
func (v *vault) last() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.saved) == 0 {
		return ""
	}
	return v.saved[len(v.saved)-1]
}

func (v *vault) all() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string{}, v.saved...)
}

// fake is one tdsynnexfake server over a world, with the clock, wait
// recorder and vault a client of it uses.
type fake struct {
	url   string
	ion   *tdsynnexfake.Server
	world tdsynnexfake.World // as it started
	clock *fakekit.Clock
	waits *fakekit.Waits
	vault *vault
	hc    *http.Client
}

func newFake(t testing.TB, w *tdsynnexfake.World, o tdsynnexfake.Options) *fake {
	t.Helper()
	clk := fakekit.NewClock(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC))
	if o.Now == nil {
		o.Now = clk.Now
	}
	srv, s := tdsynnexfake.NewTLSServer(w, o)
	t.Cleanup(srv.Close)
	return &fake{url: srv.URL, ion: s, world: s.World(), clock: clk, waits: &fakekit.Waits{}, vault: &vault{}, hc: srv.Client()}
}

func smallFake(t testing.TB, o tdsynnexfake.Options) *fake {
	t.Helper()
	if o.PageSize == 0 {
		o.PageSize = 2
	}
	return newFake(t, tdsynnexfake.SmallWorldAt(smallNow), o)
}

// config is a client Config for the fake, starting from the world's
// refresh token as it was, saving into the fake's vault.
func (f *fake) config() tdsynnex.Config {
	ep := tdsynnexfake.EndpointsFor(f.url)
	return tdsynnex.Config{
		BaseURL:          ep.BaseURL,
		TokenURL:         ep.TokenURL,
		AccountID:        f.world.AccountID,
		RefreshToken:     f.world.RefreshToken,
		SaveRefreshToken: f.vault.Save,
		HTTPClient:       f.hc,
		Now:              f.clock.Now,
		Sleep:            f.waits.Sleep,
	}
}

func (f *fake) client(t testing.TB, mods ...func(*tdsynnex.Config)) *tdsynnex.Client {
	t.Helper()
	cfg := f.config()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := tdsynnex.New(cfg)
	if err != nil {
		t.Fatalf("tdsynnex.New: %v", err)
	}
	return c
}

// inUse is the refresh token the client holds now: the last one saved, or
// the one it started with.
func (f *fake) inUse() string {
	if tok := f.vault.last(); tok != "" {
		return tok
	}
	return f.world.RefreshToken
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func asError(t *testing.T, err error) *connectors.Error {
	t.Helper()
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %T (%v) is not a *connectors.Error", err, err)
	}
	return ce
}

// What a correct client makes of the world: written here from Ion's
// documentation, independently of the client's own mapping.

var guidRE = regexp.MustCompile(`^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$`)

func expectedAccount(c tdsynnexfake.Customer) connectors.DistributorAccount {
	a := connectors.DistributorAccount{ID: c.ID, Name: c.Organization, Active: c.Status != "INACTIVE" && c.Status != "DELETED"}
	if a.Name == "" {
		a.Name = c.ContactName
	}
	if _, domain, ok := strings.Cut(c.Email, "@"); ok && !strings.EqualFold(domain, "gmail.com") {
		a.Domain = strings.ToLower(domain)
	}
	for _, p := range c.CloudProfiles {
		m := guidRE.FindStringSubmatch(p.TenantID)
		if strings.EqualFold(p.Vendor, "microsoft") && p.Status == "ACTIVE" && m != nil {
			a.TenantID, a.TenantIDSource = strings.ToLower(m[1]), "tdsynnex cloudProfiles.tenantId"
			break
		}
	}
	return a
}

func expectedAccounts(w tdsynnexfake.World) []connectors.DistributorAccount {
	var out []connectors.DistributorAccount
	for _, c := range w.Customers {
		out = append(out, expectedAccount(c))
	}
	return out
}

var wantStatus = map[string]connectors.SubscriptionStatus{
	"active": connectors.StatusActive, "cancelled": connectors.StatusCancelled, "suspended": connectors.StatusSuspended,
	"in_progress": connectors.StatusPending, "pending": connectors.StatusPending,
}

func expectedSubscription(s tdsynnexfake.Subscription) connectors.DistributorSubscription {
	e := connectors.DistributorSubscription{
		ID: s.ID, AccountID: s.CustomerID, RawStatus: s.Status,
		Product:   connectors.DistributorProduct{ID: s.CCPProductID, Name: s.SkuDisplayName, VendorSKU: s.MfgPartNumber, Vendor: s.ProviderName},
		StartDate: s.DateStyle.Read(s.StartDate),
	}
	if e.Product.VendorSKU == "" {
		e.Product.VendorSKU = s.ProductID + ":" + s.SkuID + ":" + strings.ToUpper(s.BillingTerm)
	}
	if e.Product.Vendor == "" && strings.HasPrefix(s.ProductID, "CFQ7TTC0") {
		e.Product.Vendor = "Microsoft"
	}
	e.Microsoft = strings.EqualFold(e.Product.Vendor, "Microsoft")
	if e.Microsoft {
		e.MicrosoftSubscriptionID = strings.ToLower(s.ProviderSubscriptionID)
	}
	warn := false
	var ok bool
	if e.Status, ok = wantStatus[strings.ToLower(s.Status)]; !ok {
		e.Status, warn = connectors.StatusUnknown, true
	}
	if e.Status == connectors.StatusActive && s.IsTrial {
		e.Status = connectors.StatusTrial
	}
	parts := strings.Split(s.MfgPartNumber, ":")
	term, cycle := s.BillingTerm, s.BillingCycle
	if term == "" && len(parts) > 2 {
		term = parts[2]
	}
	if cycle == "" && len(parts) > 3 {
		cycle = map[string]string{"M": "monthly", "A": "annual"}[parts[3]]
	}
	if e.Term, ok = map[string]connectors.Term{"P1M": connectors.TermMonthly, "P1Y": connectors.TermAnnual, "P3Y": connectors.TermTriennial}[term]; !ok {
		e.Term, warn = connectors.TermUnknown, true
	}
	if e.BillingFrequency, ok = map[string]connectors.BillingFrequency{"monthly": connectors.BillMonthly, "annual": connectors.BillAnnual, "one_time": connectors.BillOnce}[cycle]; !ok {
		e.BillingFrequency, warn = connectors.BillUnknown, true
	}
	whole, frac, _ := strings.Cut(string(s.Quantity), ".")
	for _, r := range whole {
		e.Quantity = e.Quantity*10 + int(r-'0')
	}
	warn = warn || strings.Trim(frac, "0") != ""
	if s.Price != "" {
		e.UnitPrice, _, _ = connectors.ParseMoney(string(s.Price), s.Currency)
	}
	if s.Cost != "" {
		e.UnitCost, _, _ = connectors.ParseMoney(string(s.Cost), s.Currency)
	}
	e.CommitmentEnd = s.DateStyle.Read(s.RenewalDate)
	if e.CommitmentEnd.IsZero() {
		e.CommitmentEnd = s.DateStyle.Read(s.EndDate)
	}
	if !s.AutoRenew || e.Status == connectors.StatusCancelled || e.Status == connectors.StatusTrial {
		e.EndDate = s.DateStyle.Read(s.EndDate)
	}
	if warn {
		e.Warnings = []string{"expected"}
	}
	return e
}

func expectedSubscriptions(w tdsynnexfake.World) []connectors.DistributorSubscription {
	out := make([]connectors.DistributorSubscription, 0, len(w.Subscriptions))
	for _, s := range w.Subscriptions {
		out = append(out, expectedSubscription(s))
	}
	return out
}
