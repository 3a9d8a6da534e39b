package sherweb_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/sherweb"
	"github.com/seats-msp/seats/connectors/sherweb/sherwebfake"
)

func TestRegistered(t *testing.T) {
	t.Parallel()
	info, ok := connectors.Default.Lookup("sherweb")
	if !ok || info.DisplayName != "Sherweb" || info.Kind != connectors.KindDistributor || info.Description == "" {
		t.Fatalf("registry entry %+v, %v", info, ok)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	good := sherweb.Config{ClientID: "id", ClientSecret: "s3cret-value", SubscriptionKey: "k3y-value"}
	tests := []struct {
		name string
		mod  func(*sherweb.Config)
		want string
	}{
		{"no client id", func(c *sherweb.Config) { c.ClientID = " " }, "distributor.sherweb.client_id"},
		{"no secret", func(c *sherweb.Config) { c.ClientSecret = "" }, "SEATS_DISTRIBUTOR_SHERWEB_CLIENT_SECRET"},
		{"no key", func(c *sherweb.Config) { c.SubscriptionKey = "" }, "SEATS_DISTRIBUTOR_SHERWEB_SUBSCRIPTION_KEY"},
		{"http url", func(c *sherweb.Config) { c.BaseURL = "http://api.sherweb.com" }, "distributor.sherweb.url"},
		{"bad token url", func(c *sherweb.Config) { c.TokenURL = "https://u:p@x/" }, "distributor.sherweb.token_url"},
	}
	for _, tc := range tests {
		cfg := good
		tc.mod(&cfg)
		_, err := sherweb.New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %s", tc.name, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-value") || strings.Contains(err.Error(), "k3y-value") {
			t.Errorf("%s: error %q repeats a secret", tc.name, err)
		}
	}
	if _, err := sherweb.New(good); err != nil {
		t.Errorf("a good config: %v", err)
	}
}

// TestSubscriptionKeyNeverInErrors: a refused key says so in plain words,
// and neither secret reaches any error or the debug log, whatever fails.
func TestSubscriptionKeyNeverInErrors(t *testing.T) {
	t.Parallel()
	f := newFake(t, sherwebfake.SmallWorldAt(testNow), sherwebfake.Options{})
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	secrets := []string{f.world.SubscriptionKey, f.world.ClientSecret}
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		for _, s := range secrets {
			if strings.Contains(fmt.Sprintf("%v %+v", err, err), s) {
				t.Errorf("%s: error %q repeats a secret", what, err)
			}
		}
	}

	wrongKey := f.client(t, func(c *sherweb.Config) { c.SubscriptionKey = "not-" + f.world.SubscriptionKey; c.Logger = logger })
	_, err := wrongKey.Accounts(testCtx(t))
	check("wrong subscription key", err)
	if connectors.KindOf(err) != connectors.ErrUnauthorized || !strings.Contains(err.Error(), "the subscription key was refused") ||
		!strings.Contains(err.Error(), "SEATS_DISTRIBUTOR_SHERWEB_SUBSCRIPTION_KEY") {
		t.Errorf("wrong key: %v (kind %v), want unauthorized naming the key's variable", err, connectors.KindOf(err))
	}
	if n := f.sw.TokenCalls(); n != 1 {
		t.Errorf("%d token requests for a refused key, want 1 (a new token cannot cure the key)", n)
	}

	c := f.client(t, func(c *sherweb.Config) { c.Logger = logger })
	f.sw.FailNext(sherwebfake.CallDetails, 500, "", 100)
	_, err = c.Subscriptions(testCtx(t))
	check("details answering 500", err)
	f.sw.FailNext(sherwebfake.CallCustomers, 400, "", 1)
	_, err = c.Accounts(testCtx(t))
	check("customers answering 400", err)
	f.sw.RevokeSecret()
	f.sw.ExpireTokens()
	_, err = c.Accounts(testCtx(t))
	check("a revoked secret", err)

	for _, s := range secrets {
		if strings.Contains(log.String(), s) {
			t.Errorf("the debug log holds a secret")
		}
	}
	if !strings.Contains(log.String(), "Ocp-Apim-Subscription-Key: REDACTED") {
		t.Errorf("the debug log does not show the key header redacted; log:\n%s", log.String())
	}
}

func subsByID(t *testing.T, c *sherweb.Client) map[string]connectors.DistributorSubscription {
	t.Helper()
	subs, err := c.Subscriptions(testCtx(t))
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	out := map[string]connectors.DistributorSubscription{}
	for _, s := range subs {
		out[s.ID] = s
	}
	return out
}

// TestOneTokenPerScopeWhenRefusedTogether: a token endpoint that grants one
// scope per token (invalid_scope for both at once) still gives every
// subscription, costs included, with one token per scope after the refusal.
func TestOneTokenPerScopeWhenRefusedTogether(t *testing.T) {
	t.Parallel()
	f := newFake(t, sherwebfake.SmallWorldAt(testNow), sherwebfake.Options{SingleScopeTokens: true})
	c := f.client(t)
	got := subsByID(t, c)
	for _, w := range expectedSubscriptions(f.world) {
		if g := got[w.ID]; g.UnitCost != w.UnitCost || g.UnitPrice != w.UnitPrice {
			t.Errorf("%s: cost %v price %v, want %v %v", w.ID, g.UnitCost, g.UnitPrice, w.UnitCost, w.UnitPrice)
		}
	}
	if n := f.sw.TokenCalls(); n != 3 {
		t.Errorf("%d token requests, want 3 (both scopes refused, then one per scope)", n)
	}
	subsByID(t, c)
	if n := f.sw.TokenCalls(); n != 3 {
		t.Errorf("%d token requests after a second listing, want still 3", n)
	}
}

// TestOlderCombinedEndpoint: where the split details and
// pricing-information endpoints answer 404, the combined list gives the same.
func TestOlderCombinedEndpoint(t *testing.T) {
	t.Parallel()
	f := newFake(t, sherwebfake.SmallWorldAt(testNow), sherwebfake.Options{LegacyEndpoints: true})
	c := f.client(t)
	got := subsByID(t, c)
	want := expectedSubscriptions(f.world)
	if len(got) != len(want) {
		t.Fatalf("%d subscriptions, want %d", len(got), len(want))
	}
	for _, w := range want {
		g := got[w.ID]
		if g.BillingFrequency != w.BillingFrequency || g.UnitPrice != w.UnitPrice || g.Term != w.Term || g.Quantity != w.Quantity {
			t.Errorf("%s: %+v, want %+v", w.ID, g, w)
		}
	}
	before := f.sw.Served(sherwebfake.CallDetails)
	subsByID(t, c)
	if f.sw.Served(sherwebfake.CallDetails) != before {
		t.Errorf("the missing split endpoints were asked again after the first 404s")
	}
}

// TestCostsWithoutDistributorAccess: a credential the Distributor API
// refuses still lists every subscription, with the cost blank (never
// invented) and a warning saying why.
func TestCostsWithoutDistributorAccess(t *testing.T) {
	t.Parallel()
	w := sherwebfake.SmallWorldAt(testNow)
	w.DistributorDenied = true
	f := newFake(t, w, sherwebfake.Options{})
	got := subsByID(t, f.client(t))
	if len(got) != len(w.Subscriptions) {
		t.Fatalf("%d subscriptions, want %d", len(got), len(w.Subscriptions))
	}
	for id, s := range got {
		if s.UnitCost.Known() {
			t.Errorf("%s: cost %v without access to the costs", id, s.UnitCost)
		}
		if !strings.Contains(strings.Join(s.Warnings, " | "), "Distributor API refused") {
			t.Errorf("%s: warnings %q do not say why the cost is blank", id, s.Warnings)
		}
	}
}

// TestCostJoinedByNameAndSKU: the same SKU bought twice by one customer
// gets each subscription's own cost (told apart by quantity), and a setup
// charge is never taken for a seat's cost.
func TestCostJoinedByNameAndSKU(t *testing.T) {
	t.Parallel()
	f := newFake(t, sherwebfake.SmallWorldAt(testNow), sherwebfake.Options{})
	got := subsByID(t, f.client(t))
	for id, want := range map[string]string{
		sherwebfake.SmallSubAnnual: "22.00 USD", sherwebfake.SmallSubMonthly: "26.40 USD",
		sherwebfake.SmallSubWeekly: "3.75 USD", sherwebfake.SmallSubNoCost: "—",
	} {
		if g := got[id].UnitCost.String(); g != want {
			t.Errorf("%s: cost %s, want %s", id, g, want)
		}
	}
	// Two charges of the same customer, SKU, cycle and quantity at
	// different prices cannot be told apart: blank, with a warning.
	f.sw.Mutate(func(w *sherwebfake.World) {
		for i := range w.Subscriptions {
			if w.Subscriptions[i].ID == sherwebfake.SmallSubMonthly {
				w.Subscriptions[i].Quantity = "12"
			}
		}
	})
	got = subsByID(t, f.client(t))
	for _, id := range []string{sherwebfake.SmallSubAnnual, sherwebfake.SmallSubMonthly} {
		if got[id].UnitCost.Known() || len(got[id].Warnings) == 0 {
			t.Errorf("%s: cost %v warnings %q, want blank and flagged", id, got[id].UnitCost, got[id].Warnings)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFake(t, sherwebfake.SmallWorldAt(testNow), sherwebfake.Options{})
	res, err := f.client(t).Check(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.String(), "Sherweb: 4 customers, 11 subscriptions"; got != want {
		t.Errorf("Check = %q, want %q", got, want)
	}
	f.sw.FailNext(sherwebfake.CallCustomers, 404, "", 1)
	_, err = f.client(t).Check(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrNotFound || !strings.Contains(err.Error(), "distributor.sherweb.url") {
		t.Errorf("Check against a wrong URL: %v, want not found naming distributor.sherweb.url", err)
	}
}

// TestDeletedCustomerHasNoSubscriptions: a customer deleted between the
// customer list and its subscriptions (Sherweb's CustomerNotFound) is not
// a failure of the sync.
func TestDeletedCustomerHasNoSubscriptions(t *testing.T) {
	t.Parallel()
	f := newFake(t, sherwebfake.SmallWorldAt(testNow), sherwebfake.Options{})
	f.sw.FailNext(sherwebfake.CallDetails, 404, `{"type":"https://api.sherweb.com/problems/customer-not-found","title":"Customer not found","status":404,"detail":"Customer 'x' was not found."}`, 1)
	subs, err := f.client(t).Subscriptions(testCtx(t))
	if err != nil {
		t.Fatalf("Subscriptions: %v", err)
	}
	if len(subs) >= len(f.world.Subscriptions) || len(subs) == 0 {
		t.Errorf("%d subscriptions, want fewer than %d (one customer's gone) but some", len(subs), len(f.world.Subscriptions))
	}
}

// TestListWithoutItemsIsBadResponse: JSON of another shape is not an
// empty list.
func TestListWithoutItemsIsBadResponse(t *testing.T) {
	t.Parallel()
	f := newFake(t, sherwebfake.SmallWorldAt(testNow), sherwebfake.Options{})
	f.sw.FailNext(sherwebfake.CallCustomers, 200, `{"content":[]}`, 1)
	if _, err := f.client(t).Accounts(testCtx(t)); connectors.KindOf(err) != connectors.ErrBadResponse {
		t.Errorf("a list without items: %v, want a bad response", err)
	}
}
