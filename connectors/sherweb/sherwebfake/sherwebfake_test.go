package sherwebfake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
	"github.com/seats-msp/seats/connectors/sherweb"
	"github.com/seats-msp/seats/connectors/sherweb/sherwebfake"
)

var genNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func usd(cents int64) connectors.Money { return connectors.Money{Minor: cents, Currency: "USD"} }

// input is a neutral input with one subscription per status and term.
func input() fakekit.DistributorInput {
	in := fakekit.DistributorInput{}
	statuses := []connectors.SubscriptionStatus{connectors.StatusActive, connectors.StatusPendingCancel, connectors.StatusSuspended,
		connectors.StatusCancelled, connectors.StatusTrial, connectors.StatusPending, connectors.StatusUnknown}
	terms := []connectors.Term{connectors.TermMonthly, connectors.TermAnnual, connectors.TermTriennial, connectors.TermUnknown}
	for a := range 6 {
		acc := fakekit.DistributorAccount{Key: "acc" + string(rune('a'+a)), Name: "Customer " + string(rune('A'+a)), Domain: "c.example", Active: a != 5}
		for k := range 5 {
			n := a*5 + k
			s := fakekit.DistributorSubscription{Key: acc.Key + string(rune('0'+k)), ProductName: "Microsoft 365 Business Premium", Vendor: "Microsoft",
				SkuPartNumber: "SPB", Quantity: 1 + n, Term: terms[n%len(terms)], BillingFrequency: connectors.BillMonthly,
				Status: statuses[n%len(statuses)], UnitCost: usd(2200), UnitPrice: usd(2640),
				StartDate: genNow.AddDate(0, -n, 0), CommitmentEnd: genNow.AddDate(0, 1+n, 0)}
			if k == 4 {
				s.ProductName, s.Vendor, s.SkuPartNumber, s.UnitCost = "Acronis Cyber Protect Cloud", "Acronis", "", connectors.Money{}
			}
			acc.Subscriptions = append(acc.Subscriptions, s)
		}
		in.Accounts = append(in.Accounts, acc)
	}
	return in
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	enc := func(w sherwebfake.World) string {
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b := enc(sherwebfake.Generate(input(), 7, genNow)), enc(sherwebfake.Generate(input(), 7, genNow))
	if a != b {
		t.Error("the same seed gave two worlds")
	}
	if enc(sherwebfake.Generate(input(), 8, genNow)) == a {
		t.Error("another seed gave the same world")
	}
	var back sherwebfake.World
	if err := json.Unmarshal([]byte(a), &back); err != nil || enc(back) != a {
		t.Errorf("the world does not round-trip through JSON: %v", err)
	}
}

// TestGeneratedWorldReadsAsInput: the client reads back what the input
// said, as far as Sherweb can say it.
func TestGeneratedWorldReadsAsInput(t *testing.T) {
	t.Parallel()
	in := input()
	w := sherwebfake.Generate(in, 3, genNow)
	srv, _ := sherwebfake.NewTLSServer(&w, sherwebfake.Options{Now: func() time.Time { return genNow }})
	t.Cleanup(srv.Close)
	ep := sherwebfake.EndpointsFor(srv.URL)
	c, err := sherweb.New(sherweb.Config{BaseURL: ep.BaseURL, TokenURL: ep.TokenURL, ClientID: w.ClientID, ClientSecret: w.ClientSecret,
		SubscriptionKey: w.SubscriptionKey, HTTPClient: srv.Client(), Now: func() time.Time { return genNow }})
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := c.Accounts(t.Context())
	if err != nil || len(accounts) != len(in.Accounts) {
		t.Fatalf("Accounts: %d, %v", len(accounts), err)
	}
	for i, a := range accounts {
		if a.Name != in.Accounts[i].Name || a.Active != in.Accounts[i].Active {
			t.Errorf("account %d: %+v, input %+v", i, a, in.Accounts[i])
		}
	}
	subs, err := c.Subscriptions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var want []fakekit.DistributorSubscription
	for _, a := range in.Accounts {
		want = append(want, a.Subscriptions...)
	}
	if len(subs) != len(want) {
		t.Fatalf("%d subscriptions, want %d", len(subs), len(want))
	}
	suspendedCustomer := map[string]bool{}
	for i, cu := range w.Customers {
		suspendedCustomer[cu.ID] = !in.Accounts[i].Active
	}
	for i, s := range subs {
		iw := want[i]
		if s.Quantity != iw.Quantity || s.UnitCost != iw.UnitCost || s.UnitPrice != iw.UnitPrice || s.Product.Name != iw.ProductName ||
			s.Term != iw.Term || s.BillingFrequency != iw.BillingFrequency || s.Microsoft != (iw.Vendor == "Microsoft") {
			t.Errorf("subscription %d: %+v\ninput %+v", i, s, iw)
		}
		wantStatus := iw.Status
		if suspendedCustomer[s.AccountID] && (wantStatus == connectors.StatusActive || wantStatus == connectors.StatusPendingCancel) {
			wantStatus = connectors.StatusSuspended
		}
		if s.Status != wantStatus {
			t.Errorf("subscription %d: status %q, input %q", i, s.Status, iw.Status)
		}
		if want := w.Subscriptions[i].DateStyle.Read(iw.StartDate); !s.StartDate.Equal(want) {
			t.Errorf("subscription %d: start %v, want %v (input %v)", i, s.StartDate, want, iw.StartDate)
		}
	}
}

func TestTokenEndpointWantsAForm(t *testing.T) {
	t.Parallel()
	w := sherwebfake.SmallWorldAt(genNow)
	srv, _ := sherwebfake.NewTLSServer(w, sherwebfake.Options{})
	t.Cleanup(srv.Close)
	tokenURL := sherwebfake.EndpointsFor(srv.URL).TokenURL
	post := func(ct, body string) (int, string) {
		resp, err := srv.Client().Post(tokenURL, ct, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	form := url.Values{"client_id": {w.ClientID}, "client_secret": {w.ClientSecret}, "scope": {"service-provider"}, "grant_type": {"client_credentials"}}
	if code, body := post("application/json", `{"client_id":"x"}`); code != 400 || !strings.Contains(body, "invalid_request") {
		t.Errorf("a JSON body: %d %s", code, body)
	}
	if code, body := post("application/x-www-form-urlencoded", form.Encode()); code != 200 || !strings.Contains(body, `"expires_in":3600`) {
		t.Errorf("a good form: %d %s", code, body)
	}
	form.Set("client_secret", "wrong")
	if code, body := post("application/x-www-form-urlencoded", form.Encode()); code != 400 || !strings.Contains(body, "invalid_client") || strings.Contains(body, w.ClientSecret) {
		t.Errorf("a wrong secret: %d %s", code, body)
	}
}

func TestGatewayWantsTheKey(t *testing.T) {
	t.Parallel()
	w := sherwebfake.SmallWorldAt(genNow)
	srv, _ := sherwebfake.NewTLSServer(w, sherwebfake.Options{})
	t.Cleanup(srv.Close)
	for _, key := range []string{"", "wrong"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/service-provider/v1/customers", nil)
		if key != "" {
			req.Header.Set("Ocp-Apim-Subscription-Key", key)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 || !strings.Contains(string(b), "subscription key") {
			t.Errorf("key %q: %d %s", key, resp.StatusCode, b)
		}
	}
}

func TestDateStyles(t *testing.T) {
	t.Parallel()
	at := time.Date(2023, 11, 21, 20, 27, 5, 761388812, time.UTC)
	for style, want := range map[sherwebfake.DateStyle]string{
		sherwebfake.DateNoZone: "2023-11-21T20:27:05.7613888", sherwebfake.DateZulu: "2023-11-21T20:27:05.7613888Z", sherwebfake.DateOnly: "2023-11-21",
	} {
		if got := style.Format(at); got != want {
			t.Errorf("%q.Format = %q, want %q", style, got, want)
		}
		got, err := sherweb.ParseTime(style.Format(at))
		if err != nil || !got.Equal(style.Read(at)) {
			t.Errorf("%q: read back %v %v, want %v", style, got, err, style.Read(at))
		}
	}
}
