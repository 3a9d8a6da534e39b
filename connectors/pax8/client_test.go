package pax8_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
)

var smallNow = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

func smallFake(t testing.TB, o pax8fake.Options) *fake {
	t.Helper()
	if o.PageSize == 0 {
		o.PageSize = 2
	}
	return newFake(t, pax8fake.SmallWorldAt(smallNow), o)
}

func TestRegistered(t *testing.T) {
	t.Parallel()
	info, ok := connectors.Default.Lookup("pax8")
	if !ok || info.DisplayName != "Pax8" || info.Kind != connectors.KindDistributor || info.Description == "" {
		t.Fatalf("registry entry %+v, %v", info, ok)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	good := pax8.Config{ClientID: "id", ClientSecret: "s3cr3t-value"}
	tests := []struct {
		name string
		mod  func(*pax8.Config)
		want string
	}{
		{"no client id", func(c *pax8.Config) { c.ClientID = " " },
			"distributor.pax8.client_id is not set: seats needs the client id of a Pax8 developer app"},
		{"no secret", func(c *pax8.Config) { c.ClientSecret = "" },
			"the Pax8 client secret is missing: set SEATS_DISTRIBUTOR_PAX8_CLIENT_SECRET or run `seats connect distributor`"},
		{"http base URL", func(c *pax8.Config) { c.BaseURL = "http://api.pax8.com/v1" }, "distributor.pax8.url must be an https URL"},
		{"token URL with a password", func(c *pax8.Config) { c.TokenURL = "https://u:p@api.pax8.com/v1/token" }, "distributor.pax8.token_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			tt.mod(&cfg)
			_, err := pax8.New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "s3cr3t-value") {
				t.Fatalf("New: %v, want an error naming %q and not the secret", err, tt.want)
			}
		})
	}
	if _, err := pax8.New(good); err != nil {
		t.Fatalf("New with defaults: %v", err)
	}
}

// TestDetailOnlyWhereNeeded: the detail call is made for Microsoft
// subscriptions whose list row lacks the vendor ids, and each product is
// read once however many subscriptions share it.
func TestDetailOnlyWhereNeeded(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{})
	if _, err := f.client(t).Subscriptions(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	products := map[string]string{}
	for _, p := range f.world.Products {
		products[p.ID] = p.VendorName
	}
	wantDetails := 0
	for _, s := range f.world.Subscriptions {
		if products[s.ProductID] == "Microsoft" && !s.ListedWithVendorIDs {
			wantDetails++
		}
	}
	if got := f.pax8.Served(pax8fake.CallSubscription); got != int64(wantDetails) {
		t.Errorf("%d detail calls, want %d", got, wantDetails)
	}
	if got := f.pax8.Served(pax8fake.CallProduct); got != int64(len(f.world.Products)) {
		t.Errorf("%d product calls, want %d (one per product)", got, len(f.world.Products))
	}
}

// inFlight counts requests in flight through it and the peak.
type inFlight struct {
	base      http.RoundTripper
	now, peak atomic.Int64
}

func (s *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	n := s.now.Add(1)
	defer s.now.Add(-1)
	for p := s.peak.Load(); n > p && !s.peak.CompareAndSwap(p, n); p = s.peak.Load() {
	}
	return s.base.RoundTrip(r)
}

func TestConcurrencyBounded(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{Latency: 20 * time.Millisecond})
	spy := &inFlight{base: f.hc.Transport}
	c := f.client(t, func(cfg *pax8.Config) {
		cfg.Concurrency = 3
		cfg.HTTPClient = &http.Client{Transport: spy}
	})
	if _, err := c.Subscriptions(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if p := spy.peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak of %d calls in flight, want 2..3 (concurrent, bounded by 3)", p)
	}
	if c.Calls() != int(f.pax8.Calls()) {
		t.Errorf("client counted %d calls, the server served %d", c.Calls(), f.pax8.Calls())
	}
}

// TestTokenRenewedBeforeExpiry: a token near its end is renewed before a
// call, not after the call fails.
func TestTokenRenewedBeforeExpiry(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{TokenLifetime: 10 * time.Minute})
	c := f.client(t)
	ctx := testCtx(t)
	if _, err := c.Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(9*time.Minute + 30*time.Second)
	if _, err := c.Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	pages := int64((len(f.world.Companies) + 1) / 2)
	if got, want := f.pax8.Calls(), 2+2*pages; got != want || f.pax8.TokenCalls() != 2 {
		t.Errorf("%d calls (%d token), want %d (2 token): the token was not renewed ahead of its end", got, f.pax8.TokenCalls(), want)
	}
}

// TestKeepsWhatVanishes: a subscription whose detail is gone, or whose
// product Pax8 no longer has, is kept and flagged rather than failing the
// read or being dropped.
func TestKeepsWhatVanishes(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{})
	f.pax8.FailNext(pax8fake.CallSubscription, http.StatusNotFound, "", 1)
	var acronis string
	f.pax8.Mutate(func(w *pax8fake.World) {
		for i, p := range w.Products {
			if p.VendorName == "Acronis" {
				acronis = p.ID
				w.Products = append(w.Products[:i], w.Products[i+1:]...)
				break
			}
		}
	})
	subs, err := f.client(t).Subscriptions(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != len(f.world.Subscriptions) {
		t.Fatalf("%d subscriptions, want %d", len(subs), len(f.world.Subscriptions))
	}
	vanishedDetail := 0
	for _, s := range subs {
		w := strings.Join(s.Warnings, " | ")
		if strings.Contains(w, "no longer finds") {
			vanishedDetail++
			if s.MicrosoftSubscriptionID != "" || s.SkuID != "" {
				t.Errorf("subscription %s without its detail has Microsoft ids", s.ID)
			}
		}
		if s.Product.ID == acronis && (s.Microsoft || !strings.Contains(w, "no product")) {
			t.Errorf("subscription to a vanished product: microsoft=%v warnings %q", s.Microsoft, s.Warnings)
		}
	}
	if vanishedDetail != 1 {
		t.Errorf("%d subscriptions flagged for a vanished detail, want 1", vanishedDetail)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{})
	res, err := f.client(t).Check(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "Pax8: 5 companies, 11 subscriptions"; got != want {
		t.Errorf("Check = %q, want %q", got, want)
	}
}

// dnsFailure is a transport whose every dial fails to resolve the host.
func dnsFailure() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}}}
}

// TestCheckSaysWhatToFix: each way of getting the connection wrong gets
// an error of its own kind that says which setting to fix.
func TestCheckSaysWhatToFix(t *testing.T) {
	t.Parallel()
	notPax8 := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/token") {
			_, _ = w.Write([]byte(`{"access_token":"t","expires_in":3600}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	t.Cleanup(notPax8.Close)

	tests := []struct {
		name  string
		setup func(f *fake, cfg *pax8.Config)
		kind  connectors.Kind
		says  string
	}{
		{"wrong secret", func(f *fake, cfg *pax8.Config) { cfg.ClientSecret = "wrong-secret-value" },
			connectors.ErrUnauthorized, "the client secret was refused"},
		{"revoked secret", func(f *fake, cfg *pax8.Config) { f.pax8.RevokeSecret() },
			connectors.ErrUnauthorized, "the client secret was refused"},
		{"credential without access", func(f *fake, cfg *pax8.Config) { f.pax8.FailNext(pax8fake.CallCompanies, 403, "", 1) },
			connectors.ErrForbidden, "Partner Admin"},
		{"legacy audience", func(f *fake, cfg *pax8.Config) { cfg.Audience = "api://p8p.client" },
			connectors.ErrForbidden, "api://p8p.client"},
		{"wrong API URL", func(f *fake, cfg *pax8.Config) { cfg.BaseURL += "/nothing-here" },
			connectors.ErrNotFound, "check distributor.pax8.url"},
		{"wrong token URL", func(f *fake, cfg *pax8.Config) {
			cfg.TokenURL = strings.TrimSuffix(cfg.TokenURL, "/token") + "/oauth/token"
		},
			connectors.ErrNotFound, "check distributor.pax8.token_url"},
		{"not Pax8", func(f *fake, cfg *pax8.Config) {
			cfg.BaseURL, cfg.TokenURL, cfg.HTTPClient = notPax8.URL+"/v1", notPax8.URL+"/v1/token", notPax8.Client()
		}, connectors.ErrBadResponse, "is not Pax8's"},
		{"host not found", func(f *fake, cfg *pax8.Config) {
			cfg.BaseURL, cfg.TokenURL, cfg.HTTPClient = "https://api.pax8.invalid/v1", "https://api.pax8.invalid/v1/token", dnsFailure()
		}, connectors.ErrUnavailable, "cannot find the host api.pax8.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := smallFake(t, pax8fake.Options{})
			cfg := f.config()
			tt.setup(f, &cfg)
			c, err := pax8.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Check(testCtx(t))
			if got := connectors.KindOf(err); got != tt.kind {
				t.Fatalf("kind %q, want %q (error: %v)", got, tt.kind, err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
			for _, secret := range []string{cfg.ClientSecret, f.world.ClientSecret} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q repeats the secret", err)
				}
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
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

// TestSecretAndTokenNeverLogged: the debug log shows the traffic but
// neither the client secret nor an access token.
func TestSecretAndTokenNeverLogged(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{})
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	spy := &tokenSpy{base: f.hc.Transport}
	c := f.client(t, func(cfg *pax8.Config) {
		cfg.Logger = logger
		cfg.HTTPClient = &http.Client{Transport: spy}
	})
	ctx := testCtx(t)
	if _, err := c.Subscriptions(ctx); err != nil {
		t.Fatal(err)
	}
	f.pax8.TruncateNext(pax8fake.CallCompanies, 1)
	f.pax8.ExpireTokens()
	f.pax8.RevokeSecret()
	_, err := c.Accounts(ctx)
	if connectors.KindOf(err) != connectors.ErrUnauthorized {
		t.Fatalf("Accounts with a revoked secret and an ended token: %v", err)
	}
	log := buf.String()
	if !strings.Contains(log, "/v1/subscriptions") || !strings.Contains(log, "/v1/token") {
		t.Fatalf("the debug log does not show the traffic:\n%s", log)
	}
	secrets := append(spy.tokens(), f.world.ClientSecret)
	if len(secrets) < 2 {
		t.Fatal("no token was seen")
	}
	for _, s := range secrets {
		if strings.Contains(log, s) || strings.Contains(err.Error(), s) {
			t.Errorf("a secret reached the log or the error")
		}
	}
}

// tokenSpy records the bearer tokens sent.
type tokenSpy struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen map[string]bool
}

func (s *tokenSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		s.mu.Lock()
		if s.seen == nil {
			s.seen = map[string]bool{}
		}
		s.seen[tok] = true
		s.mu.Unlock()
	}
	return s.base.RoundTrip(r)
}

func (s *tokenSpy) tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for tok := range s.seen {
		out = append(out, tok)
	}
	return out
}

// TestPageEnvelopeRequired: a 200 that is JSON but not a Pax8 page is a
// bad response, not an empty list.
func TestPageEnvelopeRequired(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{})
	f.pax8.FailNext(pax8fake.CallCompanies, http.StatusOK, `{"items":[]}`, 1)
	_, err := f.client(t).Accounts(testCtx(t))
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Kind != connectors.ErrBadResponse || !strings.Contains(ce.Message, "not a Pax8 list") {
		t.Fatalf("Accounts over a non-Pax8 answer: %v", err)
	}
}

// gateFirstToken holds the first token request until its caller gives up.
type gateFirstToken struct {
	base    http.RoundTripper
	arrived chan struct{}
	once    sync.Once
}

func (g *gateFirstToken) RoundTrip(r *http.Request) (*http.Response, error) {
	first := false
	if strings.HasSuffix(r.URL.Path, "/token") {
		g.once.Do(func() { first = true })
	}
	if first {
		close(g.arrived)
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return g.base.RoundTrip(r)
}

// TestRenewalOutlivesItsCaller: a caller waiting for a token that another
// caller was fetching does not fail when that other caller gives up.
func TestRenewalOutlivesItsCaller(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{})
	gate := &gateFirstToken{base: f.hc.Transport, arrived: make(chan struct{})}
	c := f.client(t, func(cfg *pax8.Config) { cfg.HTTPClient = &http.Client{Transport: gate} })

	ctxA, cancelA := context.WithCancel(testCtx(t))
	errA := make(chan error, 1)
	go func() { _, err := c.Accounts(ctxA); errA <- err }()
	<-gate.arrived // A is fetching the token
	errB := make(chan error, 1)
	go func() { _, err := c.Accounts(testCtx(t)); errB <- err }()
	time.Sleep(10 * time.Millisecond) // let B start waiting for A's token
	cancelA()
	if err := <-errA; connectors.KindOf(err) != connectors.ErrCanceled {
		t.Errorf("the caller who gave up: %v, want canceled", err)
	}
	if err := <-errB; err != nil {
		t.Errorf("the caller still waiting: %v, want success", err)
	}
}
