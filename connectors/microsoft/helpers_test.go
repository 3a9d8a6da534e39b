package microsoft_test

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// fake is one msfake server over a fresh SmallWorld, with a transport
// that watches the client's requests.
type fake struct {
	srv   *httptest.Server
	ms    *msfake.Server
	world *msfake.World // a copy of the world as it started
	spy   *spyTransport
	waits *waitRecorder
}

func newFake(t *testing.T, o msfake.Options) *fake {
	t.Helper()
	ms := msfake.New(msfake.SmallWorld(), o)
	srv := httptest.NewUnstartedServer(ms)
	// Parallel calls make the client dial spare connections; the server's
	// Close cuts their handshakes short, which is harmless but logged.
	srv.Config.ErrorLog = log.New(handshakeFilter{os.Stderr}, "", log.LstdFlags)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	world := ms.World()
	return &fake{
		srv:   srv,
		ms:    ms,
		world: &world,
		spy:   &spyTransport{base: srv.Client().Transport},
		waits: &waitRecorder{},
	}
}

// handshakeFilter drops the server's "TLS handshake error" log lines.
type handshakeFilter struct{ w io.Writer }

func (f handshakeFilter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("TLS handshake error")) {
		return len(p), nil
	}
	return f.w.Write(p)
}

// config is a Config for the fake; the spy sees every request, MSAL's too.
func (f *fake) config() microsoft.Config {
	ep := msfake.EndpointsFor(f.srv.URL)
	return microsoft.Config{
		ClientID:         f.world.ClientID,
		AuthorityHost:    ep.AuthorityHost,
		GraphURL:         ep.GraphURL,
		PartnerCenterURL: ep.PartnerCenterURL,
		GDAP:             true,
		HTTPClient:       &http.Client{Transport: f.spy, Timeout: 20 * time.Second},
		Sleep:            f.waits.Sleep,
	}
}

func (f *fake) client(t *testing.T, mods ...func(*microsoft.Config)) *microsoft.Client {
	t.Helper()
	cfg := f.config()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := microsoft.New(cfg)
	if err != nil {
		t.Fatalf("microsoft.New: %v", err)
	}
	return c
}

// signIn runs the device-code flow, which the fake approves at once.
func signIn(t *testing.T, c *microsoft.Client) connectors.Account {
	t.Helper()
	ctx := testCtx(t)
	dc, err := c.StartDeviceCode(ctx)
	if err != nil {
		t.Fatalf("StartDeviceCode: %v", err)
	}
	acct, err := c.WaitDeviceCode(ctx, dc)
	if err != nil {
		t.Fatalf("WaitDeviceCode: %v", err)
	}
	return acct
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// spyTransport counts requests by kind and tracks how many Graph calls
// are in flight at once.
type spyTransport struct {
	base http.RoundTripper

	tokenRequests atomic.Int64 // POSTs to .../oauth2/v2.0/token
	graphInFlight atomic.Int64
	graphPeak     atomic.Int64

	mu        sync.Mutex
	requestID map[string][]string // path -> MS-RequestId of each try
	bearers   map[string]bool     // access tokens sent
}

func (s *spyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
		s.tokenRequests.Add(1)
	}
	s.mu.Lock()
	if id := r.Header.Get("MS-RequestId"); id != "" {
		if s.requestID == nil {
			s.requestID = map[string][]string{}
		}
		s.requestID[r.Method+" "+r.URL.Path] = append(s.requestID[r.Method+" "+r.URL.Path], id)
	}
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && len(tok) >= 20 {
		if s.bearers == nil {
			s.bearers = map[string]bool{}
		}
		s.bearers[tok] = true
	}
	s.mu.Unlock()
	if !strings.HasPrefix(r.URL.Path, "/graph/") {
		return s.base.RoundTrip(r)
	}
	n := s.graphInFlight.Add(1)
	defer s.graphInFlight.Add(-1)
	for {
		p := s.graphPeak.Load()
		if n <= p || s.graphPeak.CompareAndSwap(p, n) {
			break
		}
	}
	return s.base.RoundTrip(r)
}

func (s *spyTransport) bearerTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.bearers))
	for tok := range s.bearers {
		out = append(out, tok)
	}
	return out
}

func (s *spyTransport) requestIDs(key string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requestID[key]...)
}

// waitRecorder is an instant Sleep that remembers what it was asked.
type waitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (w *waitRecorder) Sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.waits = append(w.waits, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waitRecorder) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration{}, w.waits...)
}

// Tenants of the fake's world by situation, derived from its data so the
// tests do not hard-code SmallWorld's ids.

func usableRoles(c msfake.Customer, now time.Time) (roles map[string]bool, usable bool) {
	roles = map[string]bool{}
	for _, r := range c.GDAP {
		if r.Status != connectors.RelActive && r.Status != connectors.RelExpiring {
			continue
		}
		if !r.EndAt.IsZero() && !r.EndAt.After(now) {
			continue
		}
		usable = true
		eff := r.AssignedRoles
		if eff == nil {
			eff = r.Roles
		}
		for _, id := range eff {
			roles[id] = true
		}
	}
	return roles, usable
}

func hasReadRole(roles map[string]bool) bool {
	for _, id := range connectors.ReadRoles {
		if roles[id] {
			return true
		}
	}
	return false
}

func hasConsentRoles(roles map[string]bool) bool {
	return roles[connectors.RoleGlobalAdministrator] ||
		(roles[connectors.RolePrivilegedRoleAdministrator] && roles[connectors.RoleApplicationAdministrator])
}
