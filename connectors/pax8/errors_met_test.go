package pax8_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
)

// TestTokenAnswerWithoutAccessToken: a token URL that answers JSON without
// an access_token is not Pax8's token endpoint; the error says which
// setting to check.
func TestTokenAnswerWithoutAccessToken(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{})
	f.pax8.FailNext(pax8fake.CallToken, http.StatusOK, `{"token_type":"Bearer","expires_in":86400}`, 1)
	_, err := f.client(t).Accounts(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrBadResponse ||
		!strings.Contains(err.Error(), "the token endpoint answered without an access_token: check distributor.pax8.token_url") {
		t.Fatalf("Accounts: %v, want a bad response naming distributor.pax8.token_url", err)
	}
}

// TestDateOutOfRangeIsAWarning: a subscription whose end date Pax8 writes
// in a year no subscription ends is kept without it, saying why.
func TestDateOutOfRangeIsAWarning(t *testing.T) {
	t.Parallel()
	f := smallFake(t, pax8fake.Options{})
	var id string
	f.pax8.Mutate(func(w *pax8fake.World) {
		s := &w.Subscriptions[0]
		s.EndDate, s.DateStyle, id = time.Date(9500, 1, 1, 0, 0, 0, 0, time.UTC), pax8fake.DateOnly, s.ID
	})
	subs, err := f.client(t).Subscriptions(testCtx(t))
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	for _, s := range subs {
		if s.ID == id {
			if !s.EndDate.IsZero() || !strings.Contains(strings.Join(s.Warnings, "\n"), `endDate: date "9500-01-01" is out of range`) {
				t.Errorf("end date %v, warnings %q; want none, and a warning saying the date is out of range", s.EndDate, s.Warnings)
			}
			return
		}
	}
	t.Fatalf("subscription %s is missing", id)
}
