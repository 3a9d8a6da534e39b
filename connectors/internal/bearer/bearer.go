// Package bearer keeps a connector's OAuth access token: reused while it is
// fresh, renewed a little before it expires by one request at a time whose
// result every caller waiting meanwhile shares. Pax8, Sherweb and HaloPSA
// get theirs by the client-credentials grant; TD SYNNEX, whose refresh
// token rotates, keeps its own and shares the lifetime rules.
package bearer

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/seats-msp/seats/connectors"
)

// DefaultLifetime is assumed when a token answer has no usable expires_in:
// short, so that a wrong guess costs one extra token request, not a failed
// sync.
const DefaultLifetime = 5 * time.Minute

// Margin is how long before its expiry a token is renewed: a tenth of its
// lifetime, at most five minutes (an hour-long token at 55 minutes).
func Margin(lifetime time.Duration) time.Duration {
	return min(lifetime/10, 5*time.Minute)
}

// Lifetime reads expires_in (seconds; "86400" or 86400.0 alike). A missing
// or unreadable value, one under a second or over a year, gives
// DefaultLifetime.
func Lifetime(expiresIn json.Number) time.Duration {
	d, err := decimal.NewFromString(strings.TrimSpace(string(expiresIn)))
	if err != nil || d.LessThan(decimal.NewFromInt(1)) || d.GreaterThan(decimal.NewFromInt(366*24*3600)) {
		return DefaultLifetime
	}
	return time.Duration(d.IntPart()) * time.Second
}

// Token is one cached access token. Service names the service in the
// error of a caller who gives up; Now is the clock; Request asks for a new
// token and says how long it lives.
type Token struct {
	Service string
	Now     func() time.Time
	Request func(ctx context.Context) (token string, lifetime time.Duration, err error)

	mu      sync.Mutex
	tok     string
	renewAt time.Time // a little before it expires
	renewal *renewal
}

// renewal is one token request in flight.
type renewal struct {
	done chan struct{}
	tok  string
	err  error
}

// Get returns the cached token while it is fresh, and otherwise renews it.
// A renewal runs under the context of the caller that started it; if that
// caller gives up, the others start another rather than inherit its
// cancellation.
func (t *Token) Get(ctx context.Context) (string, error) {
	for {
		t.mu.Lock()
		if t.tok != "" && t.Now().Before(t.renewAt) {
			tok := t.tok
			t.mu.Unlock()
			return tok, nil
		}
		r := t.renewal
		if r == nil {
			r = &renewal{done: make(chan struct{})}
			t.renewal = r
			t.mu.Unlock()
			t.renew(ctx, r)
		} else {
			t.mu.Unlock()
		}
		select {
		case <-r.done:
		case <-ctx.Done():
			return "", &connectors.Error{Kind: connectors.ErrCanceled, Service: t.Service, Op: "sign in", Err: ctx.Err()}
		}
		if r.err != nil && connectors.KindOf(r.err) == connectors.ErrCanceled && ctx.Err() == nil {
			continue // the caller who asked gave up; this one has not
		}
		return r.tok, r.err
	}
}

// renew asks for a token and publishes the result to r's waiters.
func (t *Token) renew(ctx context.Context, r *renewal) {
	tok, lifetime, err := t.Request(ctx)
	t.mu.Lock()
	if err == nil {
		t.tok = tok
		t.renewAt = t.Now().Add(lifetime - Margin(lifetime))
	}
	t.renewal = nil
	t.mu.Unlock()
	r.tok, r.err = tok, err
	close(r.done)
}

// Invalidate forgets tok if it is still the cached token, so that the next
// Get renews it; a token someone else renewed meanwhile is kept.
func (t *Token) Invalidate(tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok == tok {
		t.tok = ""
	}
}
