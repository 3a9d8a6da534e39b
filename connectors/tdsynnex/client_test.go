package tdsynnex_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
	"github.com/seats-msp/seats/connectors/tdsynnex"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

func TestRegistered(t *testing.T) {
	t.Parallel()
	info, ok := connectors.Default.Lookup("tdsynnex")
	if !ok || info.DisplayName != "TD SYNNEX StreamOne Ion" || info.Kind != connectors.KindDistributor || info.Description == "" {
		t.Fatalf("registry entry %+v, %v", info, ok)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	good := tdsynnex.Config{AccountID: "100042", RefreshToken: "s3cr3t-refresh", SaveRefreshToken: (&vault{}).Save}
	tests := []struct {
		name string
		mod  func(*tdsynnex.Config)
		want string
	}{
		{"no account id", func(c *tdsynnex.Config) { c.AccountID = " " }, "distributor.tdsynnex.account_id"},
		{"account id as a path", func(c *tdsynnex.Config) { c.AccountID = "accounts/100042" }, "distributor.tdsynnex.account_id"},
		{"no refresh token", func(c *tdsynnex.Config) { c.RefreshToken = "" }, "SEATS_DISTRIBUTOR_TDSYNNEX_REFRESH_TOKEN"},
		{"nowhere to save", func(c *tdsynnex.Config) { c.SaveRefreshToken = nil }, "SaveRefreshToken is required"},
		{"http base URL", func(c *tdsynnex.Config) { c.BaseURL = "http://ion.tdsynnex.com" }, "distributor.tdsynnex.url must be an https URL"},
		{"token URL with a password", func(c *tdsynnex.Config) { c.TokenURL = "https://u:p@ion.tdsynnex.com/oauth/token" }, "distributor.tdsynnex.token_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			tt.mod(&cfg)
			_, err := tdsynnex.New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "s3cr3t-refresh") {
				t.Fatalf("New: %v, want an error naming %q and not the token", err, tt.want)
			}
		})
	}
	if _, err := tdsynnex.New(good); err != nil {
		t.Fatalf("New with a good config: %v", err)
	}
}

// TestPagingAsIonDoes: customers follow nextPageToken to a page without
// one; subscriptions advance by the rows received (the fake caps pages at
// 2 whatever the client asks) and stop at the first empty page, {}.
func TestPagingAsIonDoes(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	c := f.client(t)
	ctx := testCtx(t)
	accounts, err := c.Accounts(ctx)
	if err != nil || len(accounts) != len(f.world.Customers) {
		t.Fatalf("Accounts: %d, %v; want %d", len(accounts), err, len(f.world.Customers))
	}
	subs, err := c.Subscriptions(ctx)
	if err != nil || len(subs) != len(f.world.Subscriptions) {
		t.Fatalf("Subscriptions: %d, %v; want %d", len(subs), err, len(f.world.Subscriptions))
	}
	if n := f.ion.Served(tdsynnexfake.CallCustomers); n != 3 { // 5 customers, pages of 2
		t.Errorf("%d customer pages read, want 3", n)
	}
	if n := f.ion.Served(tdsynnexfake.CallSubscriptions); n != 7 { // 12 rows in pages of 2, then {}
		t.Errorf("%d subscription pages read, want 7", n)
	}
	if n := f.ion.Served(tdsynnexfake.CallCloudProfiles); n != int64(len(f.world.Customers)) {
		t.Errorf("%d cloud profile reads, want one per customer", n)
	}
}

// TestPageTokenLoopReported: a server that sends the same nextPageToken
// twice is reported, not followed for ever.
func TestPageTokenLoopReported(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	f.ion.FailNext(tdsynnexfake.CallCustomers, http.StatusOK, `{"customers":[],"nextPageToken":"again"}`, 3)
	_, err := f.client(t).Accounts(testCtx(t))
	ce := asError(t, err)
	if ce.Kind != connectors.ErrBadResponse || !strings.Contains(ce.Message, "same nextPageToken") {
		t.Fatalf("Accounts over a looping token: %v", err)
	}
}

// TestCloudProfiles: a customer Ion has no profiles for (404) keeps no
// tenant; a profile read that keeps failing fails the listing, naming the
// service, rather than silently losing the tenant ids.
func TestCloudProfiles(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	f.ion.FailNext(tdsynnexfake.CallCloudProfiles, http.StatusNotFound, "", 100)
	accounts, err := f.client(t).Accounts(testCtx(t))
	if err != nil {
		t.Fatalf("Accounts with no profiles anywhere: %v", err)
	}
	for _, a := range accounts {
		if a.TenantID != "" {
			t.Errorf("account %s has tenant %s without a profile", a.ID, a.TenantID)
		}
	}

	g := smallFake(t, tdsynnexfake.Options{})
	g.ion.FailNext(tdsynnexfake.CallCloudProfiles, http.StatusInternalServerError, "", 1000)
	_, err = g.client(t).Accounts(testCtx(t))
	if ce := asError(t, err); ce.Kind != connectors.ErrUnavailable || ce.Op != "read cloud profiles" || ce.Service != "tdsynnex" {
		t.Fatalf("Accounts whose profile reads answer 500: %v", err)
	}
}

// TestProfileShapes: the cloud profile answer's shape is not published;
// a bare list and an "items" list read as well as "cloudProfiles".
func TestProfileShapes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`[{"vendor":"Microsoft","tenantId":"2f6e4c1a-9b3d-4e5f-8a7b-6c5d4e3f2a1b"}]`,
		`{"items":[{"profileId":"p","tenantId":"2F6E4C1A-9B3D-4E5F-8A7B-6C5D4E3F2A1B"}]}`,
	} {
		f := smallFake(t, tdsynnexfake.Options{})
		f.ion.Mutate(func(w *tdsynnexfake.World) { w.Customers = w.Customers[2:3] }) // Tailspin: no profile of its own
		f.ion.FailNext(tdsynnexfake.CallCloudProfiles, http.StatusOK, body, 1)
		accounts, err := f.client(t).Accounts(testCtx(t))
		if err != nil || len(accounts) != 1 || accounts[0].TenantID != "2f6e4c1a-9b3d-4e5f-8a7b-6c5d4e3f2a1b" {
			t.Errorf("profiles %s: %+v, %v", body, accounts, err)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	res, err := f.client(t).Check(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "TD SYNNEX StreamOne Ion: 5 customers, 12 subscriptions"; got != want {
		t.Errorf("Check = %q, want %q", got, want)
	}
	if n := f.ion.Served(tdsynnexfake.CallCloudProfiles); n != 0 {
		t.Errorf("Check read %d cloud profiles, want none", n)
	}
}

// TestCheckSaysWhatToFix: a wrong account id and a refused token each say
// which setting to fix.
func TestCheckSaysWhatToFix(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	_, err := f.client(t, func(cfg *tdsynnex.Config) { cfg.AccountID = "999999" }).Check(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrForbidden || !strings.Contains(err.Error(), "distributor.tdsynnex.account_id") {
		t.Errorf("Check with another reseller's account: %v", err)
	}
	g := smallFake(t, tdsynnexfake.Options{})
	g.ion.RevokeSecret()
	_, err = g.client(t).Check(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrUnauthorized || !strings.Contains(err.Error(), "seats connect distributor --kind tdsynnex") {
		t.Errorf("Check with a revoked token: %v", err)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tokenSpy records the bearer tokens sent.
type tokenSpy struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (s *tokenSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		s.mu.Lock()
		s.seen = append(s.seen, tok)
		s.mu.Unlock()
	}
	return s.base.RoundTrip(r)
}

// TestTokensNeverLogged: the debug log shows the traffic, the exchange
// included, but no refresh token (old or new) and no access token.
func TestTokensNeverLogged(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	spy := &tokenSpy{base: f.hc.Transport}
	c := f.client(t, func(cfg *tdsynnex.Config) {
		cfg.Logger = logger
		cfg.HTTPClient = &http.Client{Transport: spy}
	})
	ctx := testCtx(t)
	if _, err := c.Subscriptions(ctx); err != nil {
		t.Fatal(err)
	}
	f.ion.ExpireTokens()
	f.ion.RevokeSecret()
	_, err := c.Accounts(ctx)
	if connectors.KindOf(err) != connectors.ErrUnauthorized {
		t.Fatalf("Accounts with a revoked token and an ended access token: %v", err)
	}
	log := buf.String()
	if !strings.Contains(log, "/subscriptions") || !strings.Contains(log, "/oauth/token") {
		t.Fatalf("the debug log does not show the traffic:\n%s", log)
	}
	secrets := append(append(spy.seen, f.vault.all()...), f.world.RefreshToken, f.ion.World().RefreshToken)
	if len(spy.seen) == 0 || len(f.vault.all()) == 0 {
		t.Fatal("no token was seen")
	}
	for _, s := range secrets {
		if strings.Contains(log, s) || strings.Contains(err.Error(), s) {
			t.Errorf("a token reached the log or the error")
		}
	}
}

// TestGeneratedWorldReads: a world Generate builds (as the sandbox serves)
// reads back as a correct client must read it.
func TestGeneratedWorldReads(t *testing.T) {
	t.Parallel()
	in := fakekit.DistributorInput{}
	start := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	for i := range 9 {
		a := fakekit.DistributorAccount{Key: fmt.Sprint(i), Name: fmt.Sprintf("Customer %d", i), Active: i != 3}
		if i%2 == 0 {
			a.TenantID, a.Domain = fmt.Sprintf("2f6e4c1a-9b3d-4e5f-8a7b-6c5d4e3f2a%02d", i), fmt.Sprintf("c%d.example", i)
		}
		for k, st := range []connectors.SubscriptionStatus{connectors.StatusActive, connectors.StatusTrial, connectors.SubscriptionStatus("odd")} {
			a.Subscriptions = append(a.Subscriptions, fakekit.DistributorSubscription{
				Key: fmt.Sprint(i, k), ProductName: []string{"Microsoft 365 Business Basic", "Acronis Cyber Protect Cloud"}[k%2], Vendor: []string{"Microsoft", "Acronis"}[k%2],
				CommerceSubscriptionID: fmt.Sprintf("11111111-2222-4333-8444-5555555555%02d", i*3+k), Quantity: 4 + k,
				Term: connectors.TermAnnual, BillingFrequency: connectors.BillMonthly, Status: st,
				UnitCost: connectors.Money{Minor: 600, Currency: "USD"}, StartDate: start, CommitmentEnd: start.AddDate(1, 0, 0),
			})
		}
		in.Accounts = append(in.Accounts, a)
	}
	w := tdsynnexfake.Generate(in, 42, smallNow)
	f := newFake(t, &w, tdsynnexfake.Options{PageSize: 4})
	ctx := testCtx(t)
	c := f.client(t)
	accounts, err := c.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]connectors.DistributorAccount{}
	for _, a := range expectedAccounts(f.world) {
		want[a.ID] = a
	}
	for _, a := range accounts {
		if a != want[a.ID] {
			t.Errorf("account:\n got %+v\nwant %+v", a, want[a.ID])
		}
	}
	subs, err := c.Subscriptions(ctx)
	if err != nil || len(subs) != len(f.world.Subscriptions) {
		t.Fatalf("Subscriptions: %d, %v", len(subs), err)
	}
	wantSubs := map[string]connectors.DistributorSubscription{}
	for _, s := range expectedSubscriptions(f.world) {
		wantSubs[s.ID] = s
	}
	for _, s := range subs {
		e := wantSubs[s.ID]
		if (len(s.Warnings) > 0) != (len(e.Warnings) > 0) {
			t.Errorf("subscription %s warnings %q, want some=%v", s.ID, s.Warnings, len(e.Warnings) > 0)
		}
		s.Warnings, e.Warnings = nil, nil
		if fmt.Sprintf("%+v", s) != fmt.Sprintf("%+v", e) {
			t.Errorf("subscription:\n got %+v\nwant %+v", s, e)
		}
	}
}
