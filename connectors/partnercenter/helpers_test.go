package partnercenter_test

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors/internal/fakekit"

	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/partnercenter"
)

// fake is the Microsoft fake serving Partner Center (subscriptions
// included) on loopback TLS, a partner user signed in to it through a real
// *microsoft.Client, and a watch on the requests that reach it.
type fake struct {
	srv     *httptest.Server
	ms      *msfake.Server
	world   msfake.World // as it started
	clock   *fakekit.Clock
	waits   *fakekit.Waits
	signIn  *microsoft.Client
	latency atomic.Int64 // added to every Partner Center call, in ns

	inFlight, peak atomic.Int64
	mu             sync.Mutex
	requests       []*http.Request // Partner Center requests, headers included
}

// newFake serves w (SmallWorld when nil) and signs its partner user in.
func newFake(t testing.TB, w *msfake.World, o msfake.Options) *fake {
	t.Helper()
	clk := fakekit.NewClock(time.Now().UTC())
	if w == nil {
		w = msfake.SmallWorldAt(clk.Now())
	}
	if o.Now == nil {
		o.Now = clk.Now
	}
	f := &fake{clock: clk, waits: &fakekit.Waits{}}
	f.ms = msfake.New(w, o)
	inner := f.ms
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if len(r.URL.Path) > len("/partnercenter") && r.URL.Path[:len("/partnercenter")] == "/partnercenter" {
			f.watch(r)
			defer f.inFlight.Add(-1)
			if d := time.Duration(f.latency.Load()); d > 0 {
				select {
				case <-time.After(d):
				case <-r.Context().Done():
					return
				}
			}
		}
		inner.ServeHTTP(rw, r)
	}))
	f.srv.Config.ErrorLog = log.New(handshakeFilter{os.Stderr}, "", log.LstdFlags)
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	f.world = f.ms.World()

	ep := msfake.EndpointsFor(f.srv.URL)
	mc, err := microsoft.New(microsoft.Config{
		ClientID:         f.world.ClientID,
		AuthorityHost:    ep.AuthorityHost,
		GraphURL:         ep.GraphURL,
		PartnerCenterURL: ep.PartnerCenterURL,
		GDAP:             true,
		HTTPClient:       f.srv.Client(),
	})
	if err != nil {
		t.Fatalf("microsoft.New: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dc, err := mc.StartDeviceCode(ctx)
	if err != nil {
		t.Fatalf("StartDeviceCode: %v", err)
	}
	if _, err := mc.WaitDeviceCode(ctx, dc); err != nil {
		t.Fatalf("WaitDeviceCode: %v", err)
	}
	f.signIn = mc
	return f
}

func (f *fake) watch(r *http.Request) {
	n := f.inFlight.Add(1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	f.mu.Lock()
	f.requests = append(f.requests, r.Clone(context.Background()))
	f.mu.Unlock()
}

// seen returns the Partner Center requests served so far.
func (f *fake) seen() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request{}, f.requests...)
}

// config is a client Config for the fake, signed in through the
// Microsoft connector.
func (f *fake) config() partnercenter.Config {
	return partnercenter.Config{
		BaseURL:    msfake.EndpointsFor(f.srv.URL).PartnerCenterURL,
		Tokens:     f.signIn,
		HTTPClient: f.srv.Client(),
		Sleep:      f.waits.Sleep,
	}
}

func (f *fake) client(t testing.TB, mods ...func(*partnercenter.Config)) *partnercenter.Client {
	t.Helper()
	cfg := f.config()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := partnercenter.New(cfg)
	if err != nil {
		t.Fatalf("partnercenter.New: %v", err)
	}
	return c
}

// customer finds a customer of the starting world by name.
func (f *fake) customer(t testing.TB, name string) msfake.Customer {
	t.Helper()
	for _, c := range f.world.Customers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no customer %q", name)
	return msfake.Customer{}
}

// subscriptionsPath is the fake's path of one customer's subscriptions.
func subscriptionsPath(tenantID string) string {
	return "/partnercenter/v1/customers/" + tenantID + "/subscriptions"
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// handshakeFilter drops the server's "TLS handshake error" log lines:
// clients hanging up as a test ends say nothing about the code.
type handshakeFilter struct{ w io.Writer }

func (h handshakeFilter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("TLS handshake error")) {
		return len(p), nil
	}
	return h.w.Write(p)
}
