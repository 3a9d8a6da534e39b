package msfake

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func (f *fake) consentURL(tenant string, q url.Values) string {
	return "/" + tenant + "/v2.0/adminconsent?" + q.Encode()
}

func (f *fake) consentOf(tenantID string) *Consent {
	for _, c := range f.srv.World().Customers {
		if c.TenantID == tenantID {
			return c.Consent
		}
	}
	f.t.Fatalf("no customer %s", tenantID)
	return nil
}

func TestAdminConsentPage(t *testing.T) {
	t.Parallel()
	var changes atomic.Int32
	f := newFake(t, Options{OnChange: func(*World) { changes.Add(1) }})
	c := f.customer(SmallProseware) // no GDAP: an admin's consent needs none
	q := url.Values{
		"client_id": {f.w.ClientID}, "scope": {"https://graph.microsoft.com/.default"},
		"redirect_uri": {"http://localhost:8400/consented"}, "state": {"st-42"},
	}
	page := f.get(f.consentURL(c.TenantID, q), "")
	f.want(page, http.StatusOK, "consent page")
	body := string(page.raw)
	for _, want := range []string{c.Name, "seats", "Organization.Read.All", "User.Read.All", "Accept", "Cancel", `name="accept" value="1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("consent page lacks %q", want)
		}
	}
	if strings.Contains(body, "http-equiv") {
		t.Error("consent page refreshes by itself without AdminConsentAutoAccept")
	}
	if f.consentOf(c.TenantID) != nil {
		t.Fatal("showing the page granted consent")
	}
	// A link prefetch with accept=1 must not consent unless auto-accept is on.
	q.Set("accept", "1")
	f.want(f.get(f.consentURL(c.TenantID, q), ""), http.StatusOK, "GET with accept=1")
	if f.consentOf(c.TenantID) != nil {
		t.Fatal("a GET with accept=1 granted consent without auto-accept")
	}
	q.Del("accept")

	r := f.form(f.consentURL(c.TenantID, q), url.Values{"accept": {"1"}})
	f.want(r, http.StatusFound, "accept")
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || loc.Host != "localhost:8400" || loc.Path != "/consented" {
		t.Fatalf("redirect to %q (err %v)", r.header.Get("Location"), err)
	}
	if lq := loc.Query(); lq.Get("admin_consent") != "True" || lq.Get("tenant") != c.TenantID || lq.Get("state") != "st-42" {
		t.Errorf("redirect query %v", lq)
	}
	got := f.consentOf(c.TenantID)
	if got == nil || got.Method != "admin" || strings.Join(got.Scopes, " ") != "Organization.Read.All User.Read.All" {
		t.Fatalf("consent after accept: %+v", got)
	}
	if changes.Load() != 1 {
		t.Errorf("OnChange called %d times, want 1", changes.Load())
	}
}

func TestAdminConsentVariants(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	ok := url.Values{"client_id": {f.w.ClientID}, "scope": {f.ep.GraphURL + "/User.Read.All " + f.ep.GraphURL + "/Directory.Read.All"}}

	// Without redirect_uri the admin gets a page saying it is done.
	woodgrove := f.customer(SmallWoodgrove)
	r := f.form(f.consentURL(woodgrove.TenantID, ok), url.Values{"accept": {"1"}})
	f.want(r, http.StatusOK, "accept without redirect_uri")
	if !strings.Contains(string(r.raw), "Consent granted") {
		t.Error("no 'Consent granted' page")
	}
	if got := f.consentOf(woodgrove.TenantID); got == nil || strings.Join(got.Scopes, " ") != "User.Read.All Directory.Read.All" {
		t.Errorf("consent with explicit scopes: %+v", got)
	}

	// Cancel changes nothing and says so to the redirect URI.
	litware := f.customer(SmallLitware)
	cancel := url.Values{"client_id": {f.w.ClientID}, "scope": {".default"}, "redirect_uri": {"http://localhost:8400/cb"}, "state": {"x"}}
	r = f.form(f.consentURL(litware.TenantID, cancel), url.Values{"accept": {"0"}})
	f.want(r, http.StatusFound, "cancel")
	if loc, _ := url.Parse(r.header.Get("Location")); loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "x" {
		t.Errorf("cancel redirect %q", r.header.Get("Location"))
	}
	if f.consentOf(litware.TenantID) != nil {
		t.Error("cancel granted consent")
	}

	errs := []struct {
		name, tenant string
		q            url.Values
	}{
		{"unknown tenant", "99999999-8888-7777-6666-555555555555", ok},
		{"alias", "organizations", ok},
		{"partner tenant", f.w.Partner.TenantID, ok},
		{"other client", litware.TenantID, url.Values{"client_id": {"ffffffff-0000-0000-0000-000000000000"}}},
		{"bad redirect", litware.TenantID, url.Values{"client_id": {f.w.ClientID}, "redirect_uri": {"javascript:alert(1)"}}},
	}
	for _, tt := range errs {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			var r reply
			if method == http.MethodGet {
				r = f.get(f.consentURL(tt.tenant, tt.q), "")
			} else {
				r = f.form(f.consentURL(tt.tenant, tt.q), url.Values{"accept": {"1"}})
			}
			if r.status != http.StatusBadRequest || !strings.Contains(r.header.Get("Content-Type"), "text/html") {
				t.Errorf("%s (%s): HTTP %d %s, want a 400 HTML page", tt.name, method, r.status, r.header.Get("Content-Type"))
			}
		}
	}
	if f.consentOf(litware.TenantID) != nil {
		t.Error("an invalid request granted consent")
	}
}

func TestAdminConsentAutoAccept(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{AdminConsentAutoAccept: 1500 * time.Millisecond})
	c := f.customer(SmallTailspin)
	q := url.Values{"client_id": {f.w.ClientID}, "scope": {".default"}, "state": {"auto"}}
	page := f.get(f.consentURL(c.TenantID, q), "")
	f.want(page, http.StatusOK, "consent page")
	body := string(page.raw)
	i := strings.Index(body, `<meta http-equiv="refresh" content="2;url=`)
	if i < 0 {
		t.Fatalf("no meta refresh of 2 seconds in the page")
	}
	target := body[i+len(`<meta http-equiv="refresh" content="2;url=`):]
	target = html.UnescapeString(target[:strings.Index(target, `"`)])
	if !strings.Contains(target, "accept=1") {
		t.Fatalf("refresh target %q does not accept", target)
	}
	f.want(f.get(target, ""), http.StatusOK, "the refresh target")
	if got := f.consentOf(c.TenantID); got == nil || got.Method != "admin" {
		t.Errorf("consent after auto-accept: %+v", got)
	}
}

func TestDeviceLoginPage(t *testing.T) {
	t.Parallel()
	f := newFake(t, Options{})
	r := f.get("/devicelogin", "")
	f.want(r, http.StatusOK, "devicelogin")
	if !strings.Contains(string(r.raw), "approves device codes automatically") {
		t.Error("devicelogin page does not say codes are approved automatically")
	}
	r = f.form("/devicelogin", url.Values{"code": {"ABCDEFGH2"}})
	f.want(r, http.StatusOK, "devicelogin POST")
	if !strings.Contains(string(r.raw), "ABCDEFGH2") {
		t.Error("devicelogin POST does not acknowledge the code")
	}
	if r := f.get("/nowhere/at/all", ""); r.status != http.StatusNotFound {
		t.Errorf("unknown path: HTTP %d, want 404", r.status)
	}
}
