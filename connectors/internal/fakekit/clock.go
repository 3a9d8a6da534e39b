package fakekit

import (
	"context"
	"sync"
	"time"
)

// Clock is a settable clock that a client and its fake share in a test, so
// that tokens expire and dates fall when the test says.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a Clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Waits is an instant Sleep that remembers every wait it was asked for:
// a client's backoff, seen without spending it.
type Waits struct {
	mu    sync.Mutex
	waits []time.Duration
}

// Sleep records d and returns at once (with ctx's error, if it ended).
func (w *Waits) Sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.waits = append(w.waits, d)
	w.mu.Unlock()
	return ctx.Err()
}

// All is every wait asked for so far, in order.
func (w *Waits) All() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration{}, w.waits...)
}
