package httpx

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seats-msp/seats/connectors"
)

func TestDecodeErrorBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		body        string
		wantCode    string
		wantMessage string
	}{
		{name: "empty", body: "", wantCode: "", wantMessage: ""},
		{name: "blank", body: " \r\n\t", wantCode: "", wantMessage: ""},
		{
			name:     "graph",
			body:     `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-01-01T00:00:00","request-id":"r","client-request-id":"c"}}}`,
			wantCode: "Authorization_RequestDenied", wantMessage: "Insufficient privileges to complete the operation.",
		},
		{
			name:     "graph, message only in innerError",
			body:     `{"error":{"code":"generalException","message":"","innerError":{"message":"Something broke inside."}}}`,
			wantCode: "generalException", wantMessage: "Something broke inside.",
		},
		{
			name:     "aad with error_codes",
			body:     `{"error":"invalid_grant","error_description":"AADSTS65001: The user or administrator has not consented to use the application with ID 'x'. Trace ID: t","error_codes":[65001],"timestamp":"2026-01-01 00:00:00Z","trace_id":"t","correlation_id":"c","suberror":"consent_required"}`,
			wantCode: "AADSTS65001", wantMessage: "AADSTS65001: The user or administrator has not consented to use the application with ID 'x'. Trace ID: t",
		},
		{
			name:     "aad, number only in the description",
			body:     `{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity."}`,
			wantCode: "AADSTS700082", wantMessage: "AADSTS700082: The refresh token has expired due to inactivity.",
		},
		{
			name:     "aad, error_codes wins over the description",
			body:     `{"error":"interaction_required","error_description":"AADSTS50076: MFA needed","error_codes":[53003, 50076]}`,
			wantCode: "AADSTS53003", wantMessage: "AADSTS50076: MFA needed",
		},
		{
			name:     "aad without a number",
			body:     `{"error":"authorization_pending","error_description":"The user has not yet finished."}`,
			wantCode: "authorization_pending", wantMessage: "The user has not yet finished.",
		},
		{
			name:     "aad, multi-line description",
			body:     `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: abc\r\nCorrelation ID: def"}`,
			wantCode: "AADSTS7000215", wantMessage: "AADSTS7000215: Invalid client secret provided. Trace ID: abc Correlation ID: def",
		},
		{
			name:     "partner center code and description",
			body:     `{"code":"600008","description":"The consent already exists.","data":[],"source":"PartnerFD"}`,
			wantCode: "600008", wantMessage: "The consent already exists.",
		},
		{
			name:     "partner center numeric code",
			body:     `{"code":2000,"description":"Invalid customer id."}`,
			wantCode: "2000", wantMessage: "Invalid customer id.",
		},
		{
			name:     "partner center throttling",
			body:     `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}`,
			wantCode: "", wantMessage: "Rate limit is exceeded. Try again in 57 seconds.",
		},
		{name: "generic message", body: `{"message":"Customer not found"}`, wantMessage: "Customer not found"},
		{name: "generic error code", body: `{"error":"invalid_api_key"}`, wantCode: "invalid_api_key"},
		{name: "generic error sentence", body: `{"error":"Invalid API key supplied"}`, wantMessage: "Invalid API key supplied"},
		{
			name: "errors list", body: `{"errors":[{"code":"E1","message":"First problem"},{"message":"Second problem"}]}`,
			wantCode: "E1", wantMessage: "First problem; Second problem",
		},
		{name: "errors list of strings", body: `{"errors":["one","two"]}`, wantMessage: "one; two"},
		{
			name:     "connectwise invalid object",
			body:     `{"code":"InvalidObject","message":"agreementAddition object is invalid","errors":[{"code":"InvalidField","message":"quantity must be 0 or more","resource":"agreementAddition","field":"quantity"}]}`,
			wantCode: "InvalidObject", wantMessage: "agreementAddition object is invalid: quantity must be 0 or more",
		},
		{name: "connectwise null errors", body: `{"code":"Unauthorized","message":"Incorrect public/private key","errors":null}`, wantCode: "Unauthorized", wantMessage: "Incorrect public/private key"},
		{name: "top-level list", body: `[{"message":"quantity must be positive"}]`, wantMessage: "quantity must be positive"},
		{name: "problem details", body: `{"type":"about:blank","title":"Bad Request","status":400,"detail":"companyId is required"}`, wantMessage: "companyId is required"},
		{name: "unknown json shape", body: `{"foo":"bar","secret":"x"}`},
		{name: "json scalar", body: `"just a string"`, wantMessage: `"just a string"`},
		{name: "plain text", body: "\n\n  Service Unavailable  \nmore detail", wantMessage: "Service Unavailable"},
		{name: "html page", body: "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", wantMessage: "502 Bad Gateway"},
		{name: "html without title", body: "<html><body>oops</body></html>"},
		{name: "bom", body: "\xef\xbb\xbf{\"message\":\"with a BOM\"}", wantMessage: "with a BOM"},
		{name: "broken json is text", body: `{"error": {"code": "X"`, wantMessage: `{"error": {"code": "X"`},
		{name: "terminal escapes are dropped", body: "{\"message\":\"red \\u001b[31malert\\u001b[0m\\u202e!\"}", wantMessage: "red [31malert [0m!"},
		{name: "invalid utf-8", body: "bad \xff\xfe bytes", wantMessage: "bad \uFFFD bytes"},
		{name: "null fields", body: `{"error":null,"message":null,"code":null}`},
		{name: "deep nesting stops", body: strings.Repeat(`{"error":`, 50) + `{"code":"deep"}` + strings.Repeat(`}`, 50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, msg := DecodeErrorBody([]byte(tt.body))
			if code != tt.wantCode || msg != tt.wantMessage {
				t.Errorf("DecodeErrorBody(%q)\n got (%q, %q)\nwant (%q, %q)", tt.body, code, msg, tt.wantCode, tt.wantMessage)
			}
		})
	}
}

func TestDecodeErrorBodyBoundsLength(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 1000)
	tests := []struct {
		name     string
		body     string
		maxCode  int
		maxMsg   int
		wantCut  bool
		wantCode bool
	}{
		{name: "plain text", body: long, maxMsg: maxMessageRunes, wantCut: true},
		{name: "json message", body: `{"code":"` + strings.Repeat("C", 500) + `","message":"` + long + `"}`, maxCode: maxCodeRunes, maxMsg: maxMessageRunes, wantCut: true, wantCode: true},
		{name: "exactly the bound", body: strings.Repeat("a", maxMessageRunes), maxMsg: maxMessageRunes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, msg := DecodeErrorBody([]byte(tt.body))
			if n := utf8.RuneCountInString(msg); n != tt.maxMsg {
				t.Errorf("message has %d runes, want %d", n, tt.maxMsg)
			}
			if got := strings.HasSuffix(msg, "…"); got != tt.wantCut {
				t.Errorf("message ends with an ellipsis: %v, want %v", got, tt.wantCut)
			}
			if n := utf8.RuneCountInString(code); tt.wantCode && n != tt.maxCode {
				t.Errorf("code has %d runes, want %d", n, tt.maxCode)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status  int
		code    string
		message string
		want    connectors.Kind
	}{
		{401, "", "", connectors.ErrUnauthorized},
		{403, "Authorization_RequestDenied", "", connectors.ErrForbidden},
		{404, "", "", connectors.ErrNotFound},
		{410, "", "", connectors.ErrNotFound},
		{429, "", "", connectors.ErrRateLimited},
		{500, "", "", connectors.ErrUnavailable},
		{503, "", "", connectors.ErrUnavailable},
		{504, "", "", connectors.ErrUnavailable},
		{408, "", "", connectors.ErrUnavailable},
		{400, "Request_BadRequest", "", connectors.ErrBadRequest},
		{409, "", "", connectors.ErrBadRequest},
		{412, "", "", connectors.ErrBadRequest},
		{422, "", "", connectors.ErrBadRequest},
		{405, "", "", connectors.ErrBadRequest},
		{302, "", "", connectors.ErrBadResponse},
		{0, "", "", connectors.ErrBadResponse},
		{200, "", "", connectors.KindUnknown},
		// Entra codes win over the status.
		{400, "AADSTS65001", "AADSTS65001: not consented", connectors.ErrConsentRequired},
		{401, "consent_required", "", connectors.ErrConsentRequired},
		{400, "invalid_grant", "error_codes 65001", connectors.ErrConsentRequired},
		{500, "", "AADSTS65001: during a 500", connectors.ErrConsentRequired},
		{400, "AADSTS53003", "", connectors.ErrConditionalAccess},
		{400, "interaction_required", "AADSTS53003: Access has been blocked by Conditional Access policies.", connectors.ErrConditionalAccess},
		{400, "AADSTS700082", "", connectors.ErrSignInRequired},
		{400, "AADSTS50173", "", connectors.ErrSignInRequired},
		{400, "AADSTS70043", "", connectors.ErrSignInRequired},
		{400, "invalid_grant", "AADSTS700084: The refresh token was issued to a single page app", connectors.ErrSignInRequired},
		// Numbers match whole, not by prefix.
		{400, "AADSTS650011", "", connectors.ErrBadRequest},
		{400, "AADSTS7000820", "", connectors.ErrBadRequest},
		{400, "invalid_grant", "AADSTS50126: bad password", connectors.ErrBadRequest},
	}
	for _, tt := range tests {
		if got := Classify(tt.status, tt.code, tt.message); got != tt.want {
			t.Errorf("Classify(%d, %q, %q) = %v, want %v", tt.status, tt.code, tt.message, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"  a  \n\t b  ", 10, "a b"},
		{"abcdef", 4, "abc…"},
		{"ab cdef", 3, "ab…"},
		{"abc", 3, "abc"},
		{"a\x00b\x7fc", 10, "a b c"},
		{"\u200bzero\u200dwidth", 20, "zerowidth"},
	}
	for _, tt := range tests {
		if got := clean(tt.in, tt.max); got != tt.want {
			t.Errorf("clean(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}
