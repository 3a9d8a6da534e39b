package httpx

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzDecodeErrorBody feeds DecodeErrorBody arbitrary bodies: it must never
// panic, and what it returns must be fit for an error box and a log line
// (valid UTF-8, no control characters, bounded length). Classify and Redact
// must cope with whatever it returns.
func FuzzDecodeErrorBody(f *testing.F) {
	seeds := []string{
		// Graph
		`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-01-01T00:00:00","request-id":"r","client-request-id":"c"}}}`,
		`{"error":{"code":"generalException","message":"","innerError":{"message":"inner"}}}`,
		// Entra / AAD token endpoint
		`{"error":"invalid_grant","error_description":"AADSTS65001: The user or administrator has not consented to use the application.","error_codes":[65001],"suberror":"consent_required"}`,
		`{"error":"invalid_grant","error_description":"AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: t"}`,
		`{"error":"interaction_required","error_codes":[53003,50076]}`,
		`{"error":"authorization_pending"}`,
		// Partner Center
		`{"code":"600008","description":"The consent already exists.","data":[],"source":"PartnerFD"}`,
		`{"code":2000,"description":"Invalid customer id."}`,
		`{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}`,
		// generic and distributors
		`{"message":"Customer not found"}`,
		`{"error":"Invalid API key supplied"}`,
		`{"errors":[{"code":"E1","message":"First"},{"message":"Second"},"third"]}`,
		`[{"message":"quantity must be positive"}]`,
		`{"type":"about:blank","title":"Bad Request","status":400,"detail":"companyId is required"}`,
		// text, HTML, oddities
		"Service Unavailable\nsecond line",
		"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
		"\xef\xbb\xbf{\"message\":\"bom\"}",
		"bad \xff\xfe bytes \x1b[31m",
		`{"error":{"error":{"error":{"error":{"error":{"code":"deep"}}}}}}`,
		`{"error_codes":[1e400,-1,"x",99999999999]}`,
		`{"message":"` + strings.Repeat("é", 400) + `"}`,
		"",
		"null",
		"[",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, message := DecodeErrorBody(body)
		for name, s := range map[string]string{"code": code, "message": message} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", name, s)
			}
			if strings.ContainsFunc(s, unicode.IsControl) {
				t.Fatalf("%s holds a control character: %q", name, s)
			}
			if s != strings.TrimSpace(s) {
				t.Fatalf("%s is not trimmed: %q", name, s)
			}
		}
		if n := utf8.RuneCountInString(code); n > maxCodeRunes {
			t.Fatalf("code has %d runes, more than %d", n, maxCodeRunes)
		}
		if n := utf8.RuneCountInString(message); n > maxMessageRunes {
			t.Fatalf("message has %d runes, more than %d", n, maxMessageRunes)
		}
		_ = Classify(400, code, message)
		if r := Redact(message); !utf8.ValidString(r) {
			t.Fatalf("Redact broke UTF-8: %q", r)
		}
	})
}
