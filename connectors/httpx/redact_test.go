package httpx

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

// A JWT-shaped string (header.payload.signature), not a real token.
const fakeJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJTRUNSRVRWQUxVRSJ9.c2lnbmF0dXJlU0VDUkVU"

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "nothing secret", in: "https://graph.microsoft.com/v1.0/subscribedSkus?$select=skuId,consumedUnits&$top=100",
			want: "https://graph.microsoft.com/v1.0/subscribedSkus?$select=skuId,consumedUnits&$top=100"},
		{name: "service message", in: "Error code: 600008. The customer already has this consent.",
			want: "Error code: 600008. The customer already has this consent."},
		{name: "aad message", in: "AADSTS700082: The refresh token has expired due to inactivity.",
			want: "AADSTS700082: The refresh token has expired due to inactivity."},
		{name: "authorization header", in: "Authorization: Bearer SECRETVALUE", want: "Authorization: REDACTED"},
		{name: "basic authorization", in: "authorization: Basic dXNlcjpTRUNSRVRWQUxVRQ==", want: "authorization: REDACTED"},
		{name: "bearer in text", in: `sent "bearer SECRETVALUE" to the API`, want: `sent "bearer REDACTED" to the API`},
		{name: "jwt", in: "token was " + fakeJWT + " here", want: "token was REDACTED here"},
		{name: "query code", in: "https://app/cb?code=SECRETVALUE&state=abc", want: "https://app/cb?code=REDACTED&state=abc"},
		{name: "query many", in: "/token?client_id=cid&client_secret=SECRETVALUE&refresh_token=SECRETVALUE&scope=openid",
			want: "/token?client_id=cid&client_secret=REDACTED&refresh_token=REDACTED&scope=openid"},
		{name: "form body", in: "grant_type=device_code&device_code=SECRETVALUE&client_assertion=SECRETVALUE",
			want: "grant_type=device_code&device_code=REDACTED&client_assertion=REDACTED"},
		{name: "api key and password", in: "api_key=SECRETVALUE;password=SECRETVALUE", want: "api_key=REDACTED;password=REDACTED"},
		{name: "case-insensitive", in: "?Access_Token=SECRETVALUE", want: "?Access_Token=REDACTED"},
		{name: "skip token", in: "?$skiptoken=SECRETVALUE", want: "?$skiptoken=REDACTED"},
		{name: "json fields", in: `{"access_token":"SECRET\"VALUE","token_type":"Bearer","code":"Request_BadRequest","apiKey": "SECRETVALUE"}`,
			want: `{"access_token":"REDACTED","token_type":"REDACTED","code":"Request_BadRequest","apiKey": "REDACTED"}`},
		{name: "header lines", in: "MS-ContinuationToken: SECRETVALUE\nX-Api-Key: SECRETVALUE\nCookie: a=SECRETVALUE",
			want: "MS-ContinuationToken: REDACTED\nX-Api-Key: REDACTED\nCookie: REDACTED"},
		{name: "userinfo", in: "https://alex:SECRETVALUE@proxy.example:8080/", want: "https://alex:REDACTED@proxy.example:8080/"},
		{name: "empty value stays", in: "?code=&state=1", want: "?code=&state=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Redact(tt.in)
			if got != tt.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "SECRET") {
				t.Errorf("Redact(%q) leaves a secret: %q", tt.in, got)
			}
			if again := Redact(got); again != got {
				t.Errorf("Redact is not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestRedactHeader(t *testing.T) {
	t.Parallel()
	h := http.Header{
		"Authorization":             {"Bearer SECRETVALUE"},
		"Proxy-Authorization":       {"Basic SECRETVALUE"},
		"Cookie":                    {"session=SECRETVALUE"},
		"Set-Cookie":                {"session=SECRETVALUE"},
		"Ms-Continuationtoken":      {"SECRETVALUE"},
		"X-Api-Key":                 {"SECRETVALUE"},
		"Ocp-Apim-Subscription-Key": {"SECRETVALUE"},
		"X-Client-Secret":           {"SECRETVALUE"},
		"Location":                  {"https://app/cb?code=SECRETVALUE"},
		"Ms-Correlationid":          {"c0ffee"},
		"Retry-After":               {"7"},
	}
	got := redactHeader(h)
	joined := strings.Join(got, "\n")
	if strings.Contains(joined, "SECRETVALUE") {
		t.Errorf("redactHeader leaks a secret:\n%s", joined)
	}
	for _, want := range []string{"Authorization: REDACTED", "Ms-Correlationid: c0ffee", "Retry-After: 7", "Location: https://app/cb?code=REDACTED"} {
		if !strings.Contains(joined, want) {
			t.Errorf("redactHeader output lacks %q:\n%s", want, joined)
		}
	}
	if len(got) != len(h) || got[0] != "Authorization: REDACTED" {
		t.Errorf("want one sorted line per header, got %q", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDebugLogRedacts sends requests full of secrets through a client with a
// debug logger, in both slog formats, and checks that the log is useful and
// that no secret reaches it or the returned error.
func TestDebugLogRedacts(t *testing.T) {
	t.Parallel()
	handlers := map[string]func(*syncBuffer) slog.Handler{
		"text": func(b *syncBuffer) slog.Handler {
			return slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
		"json": func(b *syncBuffer) slog.Handler {
			return slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
	}
	for name, newHandler := range handlers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newScript(t,
				reply{status: 503, header: map[string]string{"Retry-After": "1", "Set-Cookie": "s=SECRETVALUE"}},
				reply{status: 400, header: map[string]string{"Location": "/cb?code=SECRETVALUE"},
					body: `{"error":{"code":"Request_BadRequest","message":"Invalid token: SECRETVALUE, sent as Bearer SECRETVALUE with ?code=SECRETVALUE"}}`},
			)
			var buf syncBuffer
			c, _ := testClient(srv, Options{Logger: slog.New(newHandler(&buf)), Service: "graph"})
			hdr := http.Header{
				"Authorization":        {"Bearer SECRETVALUE"},
				"MS-ContinuationToken": {"SECRETVALUE"},
				"X-Api-Key":            {"SECRETVALUE"},
				"MS-CorrelationId":     {"corr-42"},
			}
			_, err := c.Do(context.Background(), Request{
				Method: http.MethodPost, Idempotent: true,
				URL:    srv.URL + "/oauth2/v2.0/token?code=SECRETVALUE&client_secret=SECRETVALUE&scope=openid",
				Header: hdr,
				Body:   map[string]string{"refresh_token": "SECRETVALUE"},
			}, nil)
			if !errors.Is(err, connectors.ErrBadRequest) {
				t.Fatalf("Do = %v, want ErrBadRequest", err)
			}
			log := buf.String()
			if strings.Contains(log, "SECRETVALUE") {
				t.Errorf("log leaks a secret:\n%s", log)
			}
			if strings.Contains(err.Error(), "SECRETVALUE") {
				t.Errorf("error leaks a secret: %v", err)
			}
			for _, want := range []string{"POST", "/oauth2/v2.0/token?code=REDACTED", "scope=openid", "503", "400",
				"corr-42", "graph", "http retry", "REDACTED"} {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %q:\n%s", want, log)
				}
			}
			if n := strings.Count(log, "attempt"); n < 2 {
				t.Errorf("want a record per attempt, log:\n%s", log)
			}
		})
	}
}

func TestNoLoggerNoLog(t *testing.T) {
	t.Parallel()
	// A logger above Debug level must not even build the records.
	var buf syncBuffer
	srv, _ := newScript(t, reply{body: `{}`})
	c, _ := testClient(srv, Options{Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if _, err := c.Do(context.Background(), Request{URL: srv.URL}, nil); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "" {
		t.Errorf("info-level logger got debug records: %s", buf.String())
	}
}
