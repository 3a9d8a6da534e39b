package errorbox

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     error
		wantWhy string
		wantDo  string
	}{
		{"sign-in required", &connectors.Error{Kind: connectors.ErrSignInRequired, Service: "graph"}, "missing or has expired", "run seats login"},
		{"conditional access", &connectors.Error{Kind: connectors.ErrConditionalAccess, Code: "AADSTS53003"}, "Conditional Access", "Press b to sign in with the browser"},
		{"consent required", &connectors.Error{Kind: connectors.ErrConsentRequired}, "not been consented", "press c"},
		{"gdap required", &connectors.Error{Kind: connectors.ErrGDAPRequired}, "active GDAP relationship", "renew the GDAP relationship"},
		{"gdap required, own sentence", &connectors.Error{Kind: connectors.ErrGDAPRequired, Message: "Contoso has GDAP Expired"}, "Contoso has GDAP Expired.", "renew the GDAP relationship"},
		{"forbidden", fmt.Errorf("wrapped: %w", &connectors.Error{Kind: connectors.ErrForbidden}), "lacks a role", "Privileged Role Administrator"},
		{"rate limited", &connectors.Error{Kind: connectors.ErrRateLimited, Status: 429}, "throttling", "Wait a minute"},
		{"unavailable", &connectors.Error{Kind: connectors.ErrUnavailable, Status: 503}, "did not answer", "try again"},
		{"store busy", fmt.Errorf("open: %w", store.ErrBusy), "Another seats is busy with this home", "Close the other seats"},
		{"unknown", errors.New("boom"), "boom", "--debug"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ex := Explain(common.ErrMsg{Op: "Load customers", Err: tt.err})
			if ex.What != "Load customers failed" {
				t.Errorf("What = %q", ex.What)
			}
			if !strings.Contains(ex.Why, tt.wantWhy) {
				t.Errorf("Why = %q, want it to contain %q", ex.Why, tt.wantWhy)
			}
			if !strings.Contains(ex.Do, tt.wantDo) {
				t.Errorf("Do = %q, want it to contain %q", ex.Do, tt.wantDo)
			}
			if tt.err != nil && !strings.Contains(ex.Detail, tt.err.Error()) {
				t.Errorf("Detail = %q should carry the chain %q", ex.Detail, tt.err.Error())
			}
		})
	}
}

// TestWhyIsOneSentence: a chain of wrapped errors shows as the innermost
// error's own sentence, not the chain, and the chain shows only with debug.
func TestWhyIsOneSentence(t *testing.T) {
	t.Parallel()
	gdap := &connectors.Error{Kind: connectors.ErrGDAPRequired, Service: "seats", Op: "consent Contoso",
		Message: "Contoso has GDAP None: partner consent needs an active GDAP relationship"}
	err := fmt.Errorf("consent 1234: needs active GDAP: %w", gdap)
	ex := Explain(common.ErrMsg{Op: "Consent Contoso", Err: err})
	if ex.Why != "Contoso has GDAP None: partner consent needs an active GDAP relationship." {
		t.Errorf("Why = %q", ex.Why)
	}
	m := New(common.DefaultStyles(), common.DefaultGlobalKeys().Dismiss)
	m.Set(common.ErrMsg{Op: "Consent Contoso", Err: err})
	m.SetHint(func(s string) string { return strings.ReplaceAll(s, "seats login", "seats --sandbox login") })
	if v := ansi.Strip(m.View(200)); strings.Contains(v, "consent 1234") {
		t.Errorf("the box shows the chain without --debug:\n%s", v)
	}
	m.SetDebug(true)
	if v := ansi.Strip(m.View(200)); !strings.Contains(v, "consent 1234: needs active GDAP") {
		t.Errorf("with --debug the box lacks the chain:\n%s", v)
	}
	m.Set(common.ErrMsg{Op: "Load", Err: &connectors.Error{Kind: connectors.ErrSignInRequired}})
	if v := ansi.Strip(m.View(200)); !strings.Contains(v, "seats --sandbox login") {
		t.Errorf("the hint is not spelled as seats was started:\n%s", v)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl"
	tests := []struct{ in, secret string }{
		{"401: Authorization: Bearer abc.def-ghi_123", "abc.def-ghi_123"},
		{"token endpoint said refresh_token=0.AAAA-secret-value&x=1", "0.AAAA-secret-value"},
		{`body {"access_token":"s3cr3t-token"}`, "s3cr3t-token"},
		{"client_secret: hunter2", "hunter2"},
		{"saw " + jwt + " in a header", jwt},
	}
	for _, tt := range tests {
		got := Redact(tt.in)
		if strings.Contains(got, tt.secret) {
			t.Errorf("Redact(%q) = %q still holds the secret", tt.in, got)
		}
		if !strings.Contains(got, "[redacted]") {
			t.Errorf("Redact(%q) = %q says nothing was removed", tt.in, got)
		}
	}
	if got := Redact("graph: list customers: rate limited (HTTP 429)"); got != "graph: list customers: rate limited (HTTP 429)" {
		t.Errorf("plain text changed: %q", got)
	}
}

func TestBoxDismissal(t *testing.T) {
	t.Parallel()
	keys := common.DefaultGlobalKeys()
	m := New(common.DefaultStyles(), keys.Dismiss)
	if m.View(80) != "" || m.HandleKey(tuitest.Key("x")) {
		t.Fatal("an empty box shows or eats keys")
	}
	m.Set(common.ErrMsg{Op: "Sign in", Err: &connectors.Error{Kind: connectors.ErrConditionalAccess}})
	if !m.HandleKey(tuitest.Key("esc")) || m.Visible() {
		t.Error("esc should close the box and be used up")
	}
	m.Set(common.ErrMsg{Op: "Sign in", Err: &connectors.Error{Kind: connectors.ErrConditionalAccess}})
	if m.HandleKey(tuitest.Key("b")) || m.Visible() {
		t.Error("another key should close the box and go on to the screen")
	}
}

func TestView(t *testing.T) {
	t.Parallel()
	m := New(common.DefaultStyles(), common.DefaultGlobalKeys().Dismiss)
	m.Set(common.ErrMsg{Op: "Load customers from Partner Center", Err: &connectors.Error{
		Kind: connectors.ErrRateLimited, Service: "partner center", Op: "GET /v1/customers", Status: 429,
		Message: "Too many requests; Authorization: Bearer leakedtoken123"}})
	for _, width := range []int{80, 100, 200} {
		v := ansi.Strip(m.View(width))
		for _, l := range strings.Split(v, "\n") {
			if ansi.StringWidth(l) > width {
				t.Errorf("line wider than %d: %q", width, l)
			}
		}
		flat := strings.Join(strings.Fields(strings.ReplaceAll(v, "│", " ")), " ")
		for _, w := range []string{"✗ Load customers from Partner Center failed", "Why: Microsoft is throttling", "Do: Wait a minute", "esc dismiss"} {
			if !strings.Contains(flat, w) {
				t.Errorf("box at %d lacks %q:\n%s", width, w, v)
			}
		}
		if strings.Contains(v, "leakedtoken123") {
			t.Errorf("the box shows a token:\n%s", v)
		}
	}
	tuitest.RequireGolden(t, m.View(tuitest.Width))
}
