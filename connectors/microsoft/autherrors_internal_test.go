package microsoft

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/seats-msp/seats/connectors"
)

// callErr builds the error MSAL returns for a failed token-endpoint call.
// consumed mimics the device-code poller, which reads the body first.
func callErr(status int, body string, consumed bool) error {
	req, _ := http.NewRequest(http.MethodPost, "https://login.example/organizations/oauth2/v2.0/token", nil)
	respBody := io.NopCloser(bytes.NewBufferString(body))
	if consumed {
		respBody = io.NopCloser(&bytes.Buffer{})
	}
	return msalerrors.CallErr{
		Req:  req,
		Resp: &http.Response{StatusCode: status, Body: respBody},
		Err:  fmt.Errorf("http call(%s)(POST) error: reply status code was %d:\n%s", req.URL, status, body),
	}
}

func aadBody(errCode string, aadsts int, desc string) string {
	return fmt.Sprintf(`{"error":%q,"error_description":"AADSTS%d: %s\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[%d],"suberror":""}`, errCode, aadsts, desc, aadsts)
}

func TestClassifyAuth(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	tests := []struct {
		name        string
		ctx         context.Context
		flow        authFlow
		err         error
		wantKind    connectors.Kind
		wantMessage string // exact, when set
		wantContain string // substring of Message, when set
		wantIs      error
	}{
		{"declined", bg, flowDeviceCode, callErr(400, `{"error":"authorization_declined","error_description":"AADSTS70000: The user declined."}`, true),
			connectors.ErrCanceled, msgDeclined, "", nil},
		{"expired token", bg, flowDeviceCode, callErr(400, `{"error":"expired_token","error_description":"AADSTS70020: expired."}`, true),
			connectors.ErrCanceled, msgCodeExpired, "", ErrDeviceCodeExpired},
		{"deadline at expiry", bg, flowDeviceCode, context.DeadlineExceeded,
			connectors.ErrCanceled, msgCodeExpired, "", ErrDeviceCodeExpired},
		{"caller cancelled", canceled, flowDeviceCode, context.Canceled,
			connectors.ErrCanceled, msgCanceled, "", context.Canceled},
		{"conditional access on device code", bg, flowDeviceCode, callErr(400, aadBody("invalid_grant", 53003, "Access has been blocked by Conditional Access policies."), true),
			connectors.ErrConditionalAccess, msgDeviceCodeCA, "--browser", nil},
		{"conditional access silently keeps Microsoft's reason", bg, flowSilent, callErr(400, aadBody("invalid_grant", 53003, "Access has been blocked by Conditional Access policies."), false),
			connectors.ErrConditionalAccess, "", "Conditional Access", nil},
		{"refresh token expired", bg, flowSilent, callErr(400, aadBody("invalid_grant", 700082, "The refresh token has expired due to inactivity."), false),
			connectors.ErrSignInRequired, msgSignInExpired, "", nil},
		{"refresh token revoked", bg, flowSilent, callErr(400, aadBody("invalid_grant", 50173, "The provided grant has expired due to it being revoked."), false),
			connectors.ErrSignInRequired, msgSignInExpired, "", nil},
		{"consent required", bg, flowSilent, callErr(400, `{"error":"invalid_grant","error_description":"AADSTS65001: The user or administrator has not consented.","error_codes":[65001],"suberror":"consent_required"}`, false),
			connectors.ErrConsentRequired, msgConsentRequired, "", nil},
		{"no GDAP", bg, flowSilent, callErr(400, aadBody("invalid_grant", 50020, "User account from identity provider does not exist in tenant."), false),
			connectors.ErrForbidden, msgNoGDAP, "", nil},
		{"unknown tenant", bg, flowSilent, callErr(400, aadBody("invalid_request", 90002, "Tenant not found."), false),
			connectors.ErrNotFound, msgTenantNotFound, "", nil},
		{"server error", bg, flowSilent, callErr(503, aadBody("temporarily_unavailable", 90033, "A transient error has occurred."), false),
			connectors.ErrUnavailable, "", "transient", nil},
		{"browser flow posts a CA block", bg, flowBrowser, errors.New("AADSTS53003: Access has been blocked by Conditional Access policies.\r\nTrace ID: 1"),
			connectors.ErrConditionalAccess, "AADSTS53003: Access has been blocked by Conditional Access policies.", "", nil},
		{"browser flow posts a refusal", bg, flowBrowser, errors.New("AADSTS65004: User declined to consent to access the app."),
			connectors.ErrCanceled, msgDeclined, "", nil},
		{"empty cache", bg, flowSilent, errors.New("no token found"),
			connectors.ErrSignInRequired, "", "seats login", nil},
		{"network", bg, flowSilent, fmt.Errorf("server response error:\n %w", &url.Error{Op: "Post", URL: "https://login.example/t?code=SECRETVALUE", Err: errors.New("connection refused")}),
			connectors.ErrUnavailable, msgSignInUnavailable, "", nil},
		{"unreadable answer", bg, flowSilent, errors.New("token response failed because declined scopes are present"),
			connectors.ErrBadResponse, msgUnreadableAnswer, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := classifyAuth(tc.ctx, "op", tc.flow, tc.err)
			var ce *connectors.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %T %v, want *connectors.Error", err, err)
			}
			if ce.Kind != tc.wantKind {
				t.Errorf("kind %q, want %q (%v)", ce.Kind, tc.wantKind, err)
			}
			if tc.wantMessage != "" && ce.Message != tc.wantMessage {
				t.Errorf("message %q, want %q", ce.Message, tc.wantMessage)
			}
			if tc.wantContain != "" && !strings.Contains(ce.Message, tc.wantContain) {
				t.Errorf("message %q lacks %q", ce.Message, tc.wantContain)
			}
			if strings.ContainsAny(ce.Message, "\r\n") {
				t.Errorf("message %q is not one line", ce.Message)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.wantIs)
			}
			if s := err.Error(); strings.Contains(s, "SECRETVALUE") || strings.Contains(s, "http call(") {
				t.Errorf("error text leaks MSAL's request: %s", s)
			}
		})
	}
}

func TestOneSentence(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"The signed-in partner user lacks the Privileged Role Administrator role in this customer tenant (through GDAP). Contact support.": "The signed-in partner user lacks the Privileged Role Administrator role in this customer tenant (through GDAP).",
		"No role v1.2 here\nsecond line": "No role v1.2 here",
		"  plain  ":                      "plain",
		"":                               "",
	}
	for in, want := range tests {
		if got := oneSentence(in); got != want {
			t.Errorf("oneSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestClassifyCallRedactsDescription: an error_description that quotes a
// secret (a refresh token, a JWT) never reaches the error's message.
func TestClassifyCallRedactsDescription(t *testing.T) {
	t.Parallel()
	jwt := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	tests := []struct {
		name, desc, secret string
	}{
		{"refresh token param", "AADSTS9002313: Invalid request. refresh_token=0.AXsecretvalue was rejected.", "0.AXsecretvalue"},
		{"jwt", "AADSTS50013: Assertion " + jwt + " failed signature validation.", jwt},
		{"bearer", "AADSTS7000215: Bearer abcdefSECRET123 is not accepted.", "abcdefSECRET123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := fmt.Sprintf(`{"error":"invalid_grant","error_description":%q,"error_codes":[1]}`, tt.desc)
			err := classifyAuth(context.Background(), "token", flowSilent, callErr(400, body, false))
			var ce *connectors.Error
			if !errors.As(err, &ce) {
				t.Fatalf("not a *connectors.Error: %T", err)
			}
			if strings.Contains(ce.Message, tt.secret) || strings.Contains(err.Error(), tt.secret) {
				t.Fatalf("the secret survived: %q", err.Error())
			}
			if !strings.Contains(ce.Message, "REDACTED") {
				t.Fatalf("message %q: want the secret replaced by REDACTED", ce.Message)
			}
		})
	}
}
