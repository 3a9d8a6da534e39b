package msfake

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// These tests drive the fake with the real MSAL Go client, the one seats
// uses, so that every quirk MSAL depends on (issuer check, declined scopes,
// client_info, the devicecode URL derived from the token URL) is proven.

func newMSAL(t *testing.T, f *fake) public.Client {
	t.Helper()
	c, err := public.New(f.w.ClientID,
		public.WithAuthority(f.ts.URL+"/organizations"),
		public.WithInstanceDiscovery(false),
		public.WithHTTPClient(f.ts.Client()))
	if err != nil {
		t.Fatalf("public.New: %v", err)
	}
	return c
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// msalSignIn signs in by device code with MSAL and returns the result.
func msalSignIn(t *testing.T, f *fake, c public.Client, scopes []string) public.AuthResult {
	t.Helper()
	ctx := testContext(t)
	dc, err := c.AcquireTokenByDeviceCode(ctx, scopes)
	if err != nil {
		t.Fatalf("AcquireTokenByDeviceCode: %v", err)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	return res
}

func TestMSALDeviceCodeSignInAndCustomerTenants(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	c := newMSAL(t, f)
	ctx := testContext(t)
	graph := []string{f.ep.GraphURL + "/.default"}

	dc, err := c.AcquireTokenByDeviceCode(ctx, graph)
	if err != nil {
		t.Fatalf("AcquireTokenByDeviceCode: %v", err)
	}
	r := dc.Result
	if len(r.UserCode) != 9 || strings.ToUpper(r.UserCode) != r.UserCode {
		t.Errorf("user code %q: want 9 upper-case letters or digits", r.UserCode)
	}
	if r.VerificationURL != f.ts.URL+"/devicelogin" {
		t.Errorf("verification URL = %q, want %q", r.VerificationURL, f.ts.URL+"/devicelogin")
	}
	wantMsg := "To sign in, use a web browser to open the page " + f.ts.URL + "/devicelogin and enter the code " +
		r.UserCode + " to authenticate. (seats sandbox: this code is approved automatically in 0 seconds.)"
	if r.Message != wantMsg {
		t.Errorf("message = %q, want %q", r.Message, wantMsg)
	}
	if until := time.Until(r.ExpiresOn); until < 14*time.Minute || until > 16*time.Minute {
		t.Errorf("device code expires in %v, want about 15m", until)
	}
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		t.Fatalf("AuthenticationResult: %v", err)
	}
	user := f.w.Partner.Users[0]
	if res.Account.PreferredUsername != user.UPN {
		t.Errorf("account username = %q, want %q", res.Account.PreferredUsername, user.UPN)
	}
	if want := user.ObjectID + "." + f.w.Partner.TenantID; res.Account.HomeAccountID != want {
		t.Errorf("home account id = %q, want %q", res.Account.HomeAccountID, want)
	}
	if res.IDToken.TenantID != f.w.Partner.TenantID || res.IDToken.Name != user.Name {
		t.Errorf("id token tid %q name %q, want %q %q", res.IDToken.TenantID, res.IDToken.Name, f.w.Partner.TenantID, user.Name)
	}
	me := f.get("/graph/v1.0/me", res.AccessToken)
	f.want(me, http.StatusOK, "GET /me with MSAL's token")
	if me.json["userPrincipalName"] != user.UPN {
		t.Errorf("/me upn = %v, want %s", me.json["userPrincipalName"], user.UPN)
	}

	accounts, err := c.Accounts(ctx)
	if err != nil || len(accounts) == 0 {
		t.Fatalf("Accounts: %d accounts, err %v", len(accounts), err)
	}
	acct := accounts[0]

	// A Partner Center token comes silently from the same sign-in.
	pc, err := c.AcquireTokenSilent(ctx, []string{f.ep.PartnerCenterURL + "/user_impersonation"}, public.WithSilentAccount(acct))
	if err != nil {
		t.Fatalf("silent Partner Center token: %v", err)
	}
	f.want(f.get("/partnercenter/v1/customers", pc.AccessToken), http.StatusOK, "Partner Center with MSAL's token")

	tests := []struct {
		customer string
		wantErr  string // "" = a token whose tid is the customer
	}{
		{SmallFabrikam, ""},
		{SmallAdatum, "AADSTS65001"},    // GDAP fine, app not consented
		{SmallProseware, "AADSTS50020"}, // no GDAP
		{SmallLitware, "AADSTS50020"},   // GDAP expired
	}
	for _, tt := range tests {
		tid := f.customer(tt.customer).TenantID
		res, err := c.AcquireTokenSilent(ctx, graph, public.WithSilentAccount(acct), public.WithTenantID(tid))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: silent token err = %v, want one containing %s", tt.customer, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: silent token: %v", tt.customer, err)
		}
		if got := f.claimsOf(res.AccessToken).TID; got != tid {
			t.Errorf("%s: token tid = %s, want %s", tt.customer, got, tid)
		}
		f.want(f.get("/graph/v1.0/subscribedSkus", res.AccessToken), http.StatusOK, tt.customer+" subscribedSkus")
	}

	_, err = c.AcquireTokenSilent(ctx, graph, public.WithSilentAccount(acct), public.WithTenantID("00000000-1111-2222-3333-444444444444"))
	if err == nil || !strings.Contains(err.Error(), "AADSTS90002") {
		t.Errorf("unknown tenant: err = %v, want AADSTS90002", err)
	}
}

func TestMSALDeviceCodeOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		outcome DeviceCodeOutcome
		want    string
	}{
		{"decline", Decline, "authorization_declined"},
		{"expire", Expire, "expired_token"},
		{"conditional access", BlockConditionalAccess, "AADSTS53003"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, Options{})
			f.srv.SetDeviceCodeOutcome(tt.outcome)
			c := newMSAL(t, f)
			ctx := testContext(t)
			dc, err := c.AcquireTokenByDeviceCode(ctx, []string{f.ep.GraphURL + "/.default"})
			if err != nil {
				t.Fatalf("AcquireTokenByDeviceCode: %v", err)
			}
			_, err = dc.AuthenticationResult(ctx)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("AuthenticationResult err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestMSALWaitsForApproval(t *testing.T) {
	t.Parallel()
	const after = 300 * time.Millisecond
	f := newFake(t, Options{ApproveAfter: after})
	c := newMSAL(t, f)
	start := time.Now()
	res := msalSignIn(t, f, c, []string{f.ep.GraphURL + "/User.Read"})
	if took := time.Since(start); took < after {
		t.Errorf("signed in after %v, before the approval time %v", took, after)
	}
	if got := f.claimsOf(res.AccessToken).Aud; got != f.ep.GraphURL {
		t.Errorf("aud = %q, want %q", got, f.ep.GraphURL)
	}
	if len(res.DeclinedScopes) != 0 {
		t.Errorf("declined scopes %v, want none", res.DeclinedScopes)
	}
}

var formAction = regexp.MustCompile(`action="([^"]+)"`)
var hiddenField = regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`)

func TestMSALInteractive(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	c := newMSAL(t, f)
	ctx := testContext(t)
	// openURL plays the browser: it loads the authorize page, which the
	// sandbox approves at once, and posts its form back to MSAL's listener.
	openURL := func(u string) error {
		go func() {
			page := f.get(u, "")
			m := formAction.FindSubmatch(page.raw)
			if page.status != http.StatusOK || m == nil {
				t.Errorf("authorize page: HTTP %d, form found %v", page.status, m != nil)
				return
			}
			v := url.Values{}
			for _, fm := range hiddenField.FindAllSubmatch(page.raw, -1) {
				v.Set(string(fm[1]), string(fm[2]))
			}
			resp, err := http.PostForm(string(m[1]), v)
			if err != nil {
				t.Errorf("posting to MSAL's listener: %v", err)
				return
			}
			resp.Body.Close()
		}()
		return nil
	}
	res, err := c.AcquireTokenInteractive(ctx, []string{f.ep.GraphURL + "/.default"}, public.WithOpenURL(openURL))
	if err != nil {
		t.Fatalf("AcquireTokenInteractive: %v", err)
	}
	if res.Account.PreferredUsername != f.w.Partner.Users[0].UPN {
		t.Errorf("account %q, want %q", res.Account.PreferredUsername, f.w.Partner.Users[0].UPN)
	}
}
