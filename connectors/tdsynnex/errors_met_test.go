package tdsynnex_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/tdsynnex"
	"github.com/seats-msp/seats/connectors/tdsynnex/tdsynnexfake"
)

// TestUnreadableDatesAreWarnings: a subscription whose dates Ion writes in
// a spelling seats cannot read, or in a year no subscription has, is kept,
// each date saying why it was left blank.
func TestUnreadableDatesAreWarnings(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	customer := f.world.Customers[0].ID
	f.ion.FailNext(tdsynnexfake.CallSubscriptions, http.StatusOK, `{"items":[{"id":"sub-odd-dates","customerId":"`+customer+`",`+
		`"subscriptionName":"Microsoft 365 Business Standard","cloudProviderName":"Microsoft","quantity":3,"subscriptionStatus":"active",`+
		`"subscriptionStartDate":"next spring","subscriptionEndDate":"9999-12-31"}]}`, 1)
	subs, err := f.client(t).Subscriptions(testCtx(t))
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	for _, s := range subs {
		if s.ID != "sub-odd-dates" {
			continue
		}
		warnings := strings.Join(s.Warnings, "\n")
		for _, says := range []string{
			`subscriptionStartDate: "next spring" is not a date seats can read`,
			`subscriptionEndDate: date "9999-12-31" is out of range`,
		} {
			if !strings.Contains(warnings, says) {
				t.Errorf("warnings %q do not say %q", s.Warnings, says)
			}
		}
		if !s.StartDate.IsZero() {
			t.Errorf("start date %v, want none", s.StartDate)
		}
		return
	}
	t.Fatalf("the subscription with odd dates is missing from %d", len(subs))
}

// TestCustomerOfAnotherShape: a customer whose name is an object is not
// Ion's answer; the error names the row and why it does not decode.
func TestCustomerOfAnotherShape(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	f.ion.FailNext(tdsynnexfake.CallCustomers, http.StatusOK, `{"customers":[{"name":{"first":"Contoso"}}]}`, 1)
	_, err := f.client(t).Accounts(testCtx(t))
	ce := asError(t, err)
	if ce.Kind != connectors.ErrBadResponse || !strings.Contains(ce.Message, "row 0 of page 1") {
		t.Fatalf("Accounts: %v, want a bad response naming the row", err)
	}
	if ce.Err == nil || !strings.Contains(ce.Err.Error(), "an object or a list where a single value was expected") {
		t.Errorf("cause %v does not say what was wrong with the row", ce.Err)
	}
}

// TestTokenAnswerNotJSON: a token endpoint answering 200 with a page, as a
// proxy's sign-in page would, is not an Ion token; the cause is the decode
// error.
func TestTokenAnswerNotJSON(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	f.ion.FailNext(tdsynnexfake.CallToken, http.StatusOK, `<html>Sign in to the proxy</html>`, 1)
	_, err := f.client(t).Accounts(testCtx(t))
	ce := asError(t, err)
	if ce.Kind != connectors.ErrBadResponse || !strings.Contains(ce.Message, "is not an Ion token") {
		t.Fatalf("Accounts: %v, want a bad response saying it is not an Ion token", err)
	}
	if ce.Err == nil || !strings.Contains(ce.Err.Error(), "decode response: ") {
		t.Errorf("cause %v is not the decode error", ce.Err)
	}
	if n := f.ion.TokenCalls(); n != 1 {
		t.Errorf("%d exchanges, want 1: an unreadable answer is not retried", n)
	}
}

// cutTokenAnswers is a transport on whose way every token answer stops
// halfway, as a dropped connection leaves it.
type cutTokenAnswers struct{ base http.RoundTripper }

func (c cutTokenAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/oauth/token") {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:len(body)/2]), errReader{io.ErrUnexpectedEOF}))
	return resp, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestTokenAnswerCutOnTheWay: a token answer that stops on the way every
// time is a failure of the network, tried three times; the error says the
// answer could not be read.
func TestTokenAnswerCutOnTheWay(t *testing.T) {
	t.Parallel()
	f := smallFake(t, tdsynnexfake.Options{})
	// The fake's own answers would rotate the refresh token each time;
	// these leave it as it was, as answers lost on the way may.
	f.ion.FailNext(tdsynnexfake.CallToken, http.StatusOK, `{"access_token":"a-token-never-read","token_type":"Bearer","expires_in":3600}`, 3)
	c := f.client(t, func(cfg *tdsynnex.Config) {
		cfg.HTTPClient = &http.Client{Transport: cutTokenAnswers{base: f.hc.Transport}}
	})
	_, err := c.Accounts(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrUnavailable || !strings.Contains(err.Error(), "read the token answer: ") {
		t.Fatalf("Accounts: %v, want unavailable saying the token answer could not be read", err)
	}
	if n := f.ion.TokenCalls(); n != 3 {
		t.Errorf("%d exchanges, want 3", n)
	}
}
