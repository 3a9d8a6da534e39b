package tdsynnex_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/tdsynnex"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

// TestNewTokenSavedBeforeUse: the exchange's new refresh token reaches
// SaveRefreshToken before any API call uses the new access token, and it
// is the one TD SYNNEX now expects.
func TestNewTokenSavedBeforeUse(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	var apiCallsAtSave []int64
	c := f.client(t, func(cfg *tdsynnex.Config) {
		cfg.SaveRefreshToken = func(ctx context.Context, tok string) error {
			apiCallsAtSave = append(apiCallsAtSave, f.ion.Served(tdsynnexfake.CallCustomers))
			return f.vault.Save(ctx, tok)
		}
	})
	if _, err := c.Accounts(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if len(apiCallsAtSave) != 1 || apiCallsAtSave[0] != 0 {
		t.Fatalf("customers calls served when the token was saved: %v, want [0]", apiCallsAtSave)
	}
	saved := f.vault.last()
	if saved == "" || saved == f.world.RefreshToken || saved != f.ion.World().RefreshToken {
		t.Fatalf("saved token is not the new one TD SYNNEX expects")
	}
}

// TestOldTokenRefusedSavedTokenWorks: after one exchange, a second client
// built with the old refresh token is refused with a clear message that
// never repeats a token, and a client built with the saved one works.
func TestOldTokenRefusedSavedTokenWorks(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	ctx := testCtx(t)
	if _, err := f.client(t).Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	old, saved := f.world.RefreshToken, f.vault.last()

	_, err := f.client(t, func(cfg *tdsynnex.Config) { cfg.RefreshToken = old }).Accounts(ctx)
	if connectors.KindOf(err) != connectors.ErrUnauthorized {
		t.Fatalf("a client with the used token: %v, want unauthorized", err)
	}
	for _, want := range []string{"no longer accepts this refresh token", "work once", "seats connect distributor --kind tdsynnex", "invalid_grant"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(fmt.Sprintf("%v %+v", err, err), old) || strings.Contains(err.Error(), saved) {
		t.Errorf("the error repeats a refresh token: %v", err)
	}

	fresh := &vault{}
	c := f.client(t, func(cfg *tdsynnex.Config) { cfg.RefreshToken, cfg.SaveRefreshToken = saved, fresh.Save })
	if _, err := c.Accounts(ctx); err != nil {
		t.Fatalf("a client with the saved token: %v", err)
	}
	if fresh.last() == "" || fresh.last() == saved {
		t.Errorf("the saved token was not rotated in its turn")
	}
}

// TestSaveFailureStops: when the new token cannot be saved the call stops
// before using the access token, says what to do, never shows the token
// (even where the saver's own error did), and the next call saves it
// without another exchange.
func TestSaveFailureStops(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	failing := true
	var mu sync.Mutex
	c := f.client(t, func(cfg *tdsynnex.Config) {
		cfg.SaveRefreshToken = func(ctx context.Context, tok string) error {
			mu.Lock()
			defer mu.Unlock()
			if failing {
				return fmt.Errorf("keyring refused to store %q: locked", tok)
			}
			return f.vault.Save(ctx, tok)
		}
	})
	ctx := testCtx(t)
	_, err := c.Accounts(ctx)
	if err == nil {
		t.Fatal("Accounts succeeded although the new token was not saved")
	}
	current := f.ion.World().RefreshToken
	if strings.Contains(fmt.Sprintf("%v %+v", err, err), current) {
		t.Errorf("the save error repeats the new token: %v", err)
	}
	for _, want := range []string{"could not be saved", "keyring refused", "seats connect distributor --kind tdsynnex"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if n := f.ion.Served(tdsynnexfake.CallCustomers); n != 0 {
		t.Errorf("%d API calls were made with an access token whose refresh token was not saved", n)
	}

	mu.Lock()
	failing = false
	mu.Unlock()
	if _, err := c.Accounts(ctx); err != nil {
		t.Fatalf("Accounts once saving works again: %v", err)
	}
	if n := f.ion.TokenCalls(); n != 1 {
		t.Errorf("%d exchanges, want 1: the unsaved token is saved, not exchanged again", n)
	}
	if f.vault.last() != current {
		t.Errorf("the token saved late is not the one TD SYNNEX expects")
	}
}

// TestConcurrentCallsShareOneExchange: many calls at once on a fresh
// client, with a slow save, send the refresh token once.
func TestConcurrentCallsShareOneExchange(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	c := f.client(t, func(cfg *tdsynnex.Config) {
		cfg.SaveRefreshToken = func(ctx context.Context, tok string) error {
			time.Sleep(30 * time.Millisecond)
			return f.vault.Save(ctx, tok)
		}
	})
	ctx := testCtx(t)
	errs := make(chan error, 10)
	for range 5 {
		go func() { _, err := c.Accounts(ctx); errs <- err }()
		go func() { _, err := c.Subscriptions(ctx); errs <- err }()
	}
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent listing: %v", err)
		}
	}
	if n := f.ion.TokenCalls(); n != 1 {
		t.Errorf("%d exchanges for concurrent calls, want 1", n)
	}
	if len(f.vault.all()) != 1 {
		t.Errorf("saved %d tokens, want 1", len(f.vault.all()))
	}
}

// holdToken holds the first token request until release is closed, then
// sends it.
type holdToken struct {
	base    http.RoundTripper
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func (h *holdToken) RoundTrip(r *http.Request) (*http.Response, error) {
	first := false
	if strings.HasSuffix(r.URL.Path, "/oauth/token") {
		h.once.Do(func() { first = true })
	}
	if first {
		close(h.arrived)
		select {
		case <-h.release:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	return h.base.RoundTrip(r)
}

// TestExchangeOutlivesItsCaller: a caller who gives up returns at once,
// but its exchange goes on for whoever still waits, and one that nobody
// waits for still saves the token it brings back.
func TestExchangeOutlivesItsCaller(t *testing.T) {
	t.Parallel()
	t.Run("others wait", func(t *testing.T) {
		t.Parallel()
		f := smallFake(t, tdsynnexfake.Options{})
		hold := &holdToken{base: f.hc.Transport, arrived: make(chan struct{}), release: make(chan struct{})}
		c := f.client(t, func(cfg *tdsynnex.Config) { cfg.HTTPClient = &http.Client{Transport: hold} })
		ctxA, cancelA := context.WithCancel(testCtx(t))
		errA := make(chan error, 1)
		go func() { _, err := c.Accounts(ctxA); errA <- err }()
		<-hold.arrived
		errB := make(chan error, 1)
		go func() { _, err := c.Accounts(testCtx(t)); errB <- err }()
		time.Sleep(20 * time.Millisecond) // B waits for A's exchange
		cancelA()
		if err := <-errA; connectors.KindOf(err) != connectors.ErrCanceled {
			t.Errorf("the caller who gave up: %v, want canceled", err)
		}
		close(hold.release)
		if err := <-errB; err != nil {
			t.Errorf("the caller still waiting: %v", err)
		}
		if n := f.ion.TokenCalls(); n != 1 {
			t.Errorf("%d exchanges, want 1", n)
		}
	})
	t.Run("nobody waits", func(t *testing.T) {
		t.Parallel()
		f := smallFake(t, tdsynnexfake.Options{})
		hold := &holdToken{base: f.hc.Transport, arrived: make(chan struct{}), release: make(chan struct{})}
		c := f.client(t, func(cfg *tdsynnex.Config) { cfg.HTTPClient = &http.Client{Transport: hold} })
		ctx, cancel := context.WithCancel(testCtx(t))
		errc := make(chan error, 1)
		go func() { _, err := c.Accounts(ctx); errc <- err }()
		<-hold.arrived
		cancel()
		if err := <-errc; connectors.KindOf(err) != connectors.ErrCanceled {
			t.Fatalf("the caller who gave up: %v, want canceled", err)
		}
		close(hold.release) // the answer comes back within the grace period
		deadline := time.Now().Add(3 * time.Second)
		for f.vault.last() == "" && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if f.vault.last() == "" || f.vault.last() != f.ion.World().RefreshToken {
			t.Fatal("the new refresh token of an exchange nobody waited for was not saved")
		}
		if _, err := c.Accounts(testCtx(t)); err != nil {
			t.Fatalf("the next call: %v", err)
		}
		if n := f.ion.TokenCalls(); n != 1 {
			t.Errorf("%d exchanges, want 1 (the next call uses the token brought back)", n)
		}
	})
}

// TestUnreadableTokenAnswer: a token answer cut short has used up the old
// token already; the error says so and what to do, and nothing retries
// the exchange with the used token.
func TestUnreadableTokenAnswer(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	f.ion.TruncateNext(tdsynnexfake.CallToken, 1)
	_, err := f.client(t).Accounts(testCtx(t))
	ce := asError(t, err)
	if ce.Kind != connectors.ErrBadResponse || !strings.Contains(ce.Message, "used up") || !strings.Contains(ce.Message, "--kind tdsynnex") {
		t.Fatalf("Accounts over a cut token answer: %v", err)
	}
	if n := f.ion.TokenCalls(); n != 1 {
		t.Errorf("%d exchanges, want 1", n)
	}
}

// TestTokenEndpointErrors: 429 and 503 on the exchange are retried after
// Retry-After; a 403 says the user needs API access.
func TestTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	f.ion.ThrottleNext(tdsynnexfake.CallToken, 1)
	f.ion.FailNext(tdsynnexfake.CallToken, http.StatusServiceUnavailable, "", 1)
	if _, err := f.client(t).Accounts(testCtx(t)); err != nil {
		t.Fatalf("Accounts after a 429 and a 503 on the exchange: %v", err)
	}
	if w := f.waits.All(); len(w) < 2 || w[0] != time.Second || w[1] != time.Second {
		t.Errorf("waits %v, want Retry-After's 1s twice", w)
	}

	g := smallFake(t, tdsynnexfake.Options{})
	g.ion.FailNext(tdsynnexfake.CallToken, http.StatusForbidden, `{"error":"access_denied","error_description":"User has no API access"}`, 1)
	_, err := g.client(t).Accounts(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrForbidden || !strings.Contains(err.Error(), "API access") {
		t.Fatalf("Accounts with a 403 exchange: %v", err)
	}
}

// TestAnswerWithoutNewRefreshToken: an exchange answered without a
// refresh_token keeps the old one (an OAuth server that does not rotate)
// and saves nothing.
func TestAnswerWithoutNewRefreshToken(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	f.ion.FailNext(tdsynnexfake.CallToken, http.StatusOK, `{"access_token":"not-a-valid-one","token_type":"Bearer","expires_in":3600}`, 1)
	// The fake's API refuses the made-up access token; the client renews
	// once with the refresh token it kept, which still works.
	if _, err := f.client(t).Accounts(testCtx(t)); err != nil {
		t.Fatalf("Accounts: %v", err)
	}
	if n := f.ion.TokenCalls(); n != 2 {
		t.Errorf("%d exchanges, want 2 (the kept refresh token used for the renewal)", n)
	}
	if got := f.vault.all(); len(got) != 1 {
		t.Errorf("saved %d tokens, want 1 (only the rotated one)", len(got))
	}
}
