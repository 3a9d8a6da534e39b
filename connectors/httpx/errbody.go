package httpx

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seats-msp/seats/connectors"
)

// Bounds on what DecodeErrorBody returns: an error box has room for a
// sentence, and a hostile server must not fill the screen or the log.
const (
	maxCodeRunes    = 100
	maxMessageRunes = 300
)

// aadstsRE finds Entra error numbers ("AADSTS65001") in codes and messages.
var aadstsRE = regexp.MustCompile(`AADSTS(\d{1,9})`)

// titleRE pulls the <title> out of an HTML error page (proxies and load
// balancers answer 502/503 with one), the only readable line in it.
var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// DecodeErrorBody extracts (code, message) from any of the error shapes
// Microsoft and the distributors use:
//
//   - Graph {"error":{"code","message","innerError"}};
//   - Entra/AAD token errors {"error":"invalid_grant","error_description":"AADSTS65001: ...",
//     "error_codes":[65001],"suberror":"consent_required"};
//   - Partner Center {"code":"...","description":"..."} and {"statusCode":429,"message":"..."};
//   - generic {"message":...}, {"error":"..."}, {"errors":[{"message"}]}, RFC 7807
//     {"title","detail"}, a top-level array of such objects;
//   - plain text (first non-empty line) and HTML (its <title>).
//
// For AAD errors the code is "AADSTS<n>" when error_codes or the description
// carries it, else the "error" value. A JSON document of no known shape gives
// ("", ""): the body is not dumped into an error string.
//
// Both results are valid UTF-8 without control characters (a server cannot
// inject terminal escapes), the code at most 100 runes and the message at
// most 300. It never panics on any input.
func DecodeErrorBody(body []byte) (code, message string) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // UTF-8 BOM
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", ""
	}
	switch trimmed[0] {
	case '{', '[':
		if code, message, ok := decodeJSONError(trimmed); ok {
			return clean(code, maxCodeRunes), clean(message, maxMessageRunes)
		}
		if json.Valid(trimmed) {
			return "", ""
		}
	case '<':
		if m := titleRE.FindSubmatch(trimmed); m != nil {
			return "", clean(string(m[1]), maxMessageRunes)
		}
		return "", ""
	}
	return "", clean(firstLine(string(trimmed)), maxMessageRunes)
}

// errorObject is the union of the fields every known error shape uses; each
// is raw so that a number where a string was expected (or the reverse)
// degrades to text instead of failing the whole decode.
type errorObject struct {
	Error            json.RawMessage   `json:"error"`
	ErrorDescription json.RawMessage   `json:"error_description"`
	ErrorCodes       []json.RawMessage `json:"error_codes"`
	Code             json.RawMessage   `json:"code"`
	Message          json.RawMessage   `json:"message"`
	Description      json.RawMessage   `json:"description"`
	Errors           json.RawMessage   `json:"errors"`
	Title            json.RawMessage   `json:"title"`
	Detail           json.RawMessage   `json:"detail"`
	InnerError       json.RawMessage   `json:"innerError"`
}

// decodeJSONError decodes a JSON error document; ok is false when the body
// is not JSON or has none of the known fields.
func decodeJSONError(body []byte) (code, message string, ok bool) {
	if body[0] == '[' {
		return decodeErrorList(body)
	}
	var o errorObject
	if err := json.Unmarshal(body, &o); err != nil {
		return "", "", false
	}
	return o.decode(0)
}

// maxNesting bounds how deep decode follows "error" and "errors" into one
// another, so a crafted body cannot recurse without end.
const maxNesting = 4

func (o *errorObject) decode(depth int) (code, message string, ok bool) {
	if depth > maxNesting {
		return "", "", false
	}
	// Graph: {"error": {"code", "message", "innerError"}}.
	if isObject(o.Error) {
		var inner errorObject
		if json.Unmarshal(o.Error, &inner) == nil {
			if c, m, ok := inner.decode(depth + 1); ok {
				return c, m, true
			}
		}
	}
	// Entra/AAD: {"error": "invalid_grant", "error_description": ..., "error_codes": [...]}.
	if errText := text(o.Error); errText != "" || len(o.ErrorDescription) > 0 || len(o.ErrorCodes) > 0 {
		desc := text(o.ErrorDescription)
		if desc == "" {
			desc = firstNonEmpty(text(o.Message), text(o.Description))
		}
		if n := firstAADSTS(o.ErrorCodes, desc); n != "" {
			return "AADSTS" + n, desc, true
		}
		if desc == "" && strings.ContainsFunc(strings.TrimSpace(errText), unicode.IsSpace) {
			// {"error": "Invalid API key"}: a sentence, not a code.
			return text(o.Code), errText, true
		}
		return firstNonEmpty(errText, text(o.Code)), desc, errText != "" || desc != ""
	}
	// Partner Center {"code", "description"}, {"statusCode", "message"} and
	// generic {"code", "message"} / {"message"}.
	code = text(o.Code)
	message = firstNonEmpty(text(o.Description), text(o.Message))
	if code != "" || message != "" {
		if message == "" && isObject(o.InnerError) {
			var inner errorObject
			if json.Unmarshal(o.InnerError, &inner) == nil && depth < maxNesting {
				message = firstNonEmpty(text(inner.Message), text(inner.Description))
			}
		}
		// ConnectWise: {"code":"InvalidObject","message":"agreementAddition
		// object is invalid","errors":[{"code","message","field"}]}: the
		// top message says only that something is wrong, the list says what.
		if len(o.Errors) > 0 && o.Errors[0] == '[' && depth < maxNesting {
			if _, details, ok := decodeErrorList(o.Errors); ok && details != "" {
				message = strings.Join(nonEmptyStrings(message, details), ": ")
			}
		}
		return code, message, true
	}
	// {"errors": [{"code", "message"}, ...]}.
	if len(o.Errors) > 0 && o.Errors[0] == '[' && depth < maxNesting {
		if c, m, ok := decodeErrorList(o.Errors); ok {
			return c, m, true
		}
	}
	// RFC 7807 problem details.
	if detail := firstNonEmpty(text(o.Detail), text(o.Title)); detail != "" {
		return "", detail, true
	}
	return "", "", false
}

// decodeErrorList decodes [{"code","message"}, ...]: the first code, and
// the messages joined with "; " (clean bounds the total).
func decodeErrorList(body []byte) (code, message string, ok bool) {
	var list []json.RawMessage
	if err := json.Unmarshal(body, &list); err != nil {
		return "", "", false
	}
	var msgs []string
	for _, raw := range list {
		if len(msgs) >= 5 {
			break
		}
		var c, m string
		if isObject(raw) {
			var item errorObject
			if json.Unmarshal(raw, &item) != nil {
				continue
			}
			c, m, _ = item.decode(maxNesting) // no deeper nesting inside lists
		} else {
			m = text(raw)
		}
		if code == "" {
			code = c
		}
		if m != "" {
			msgs = append(msgs, m)
		}
	}
	message = strings.Join(msgs, "; ")
	return code, message, code != "" || message != ""
}

// firstAADSTS returns the Entra error number from error_codes, else from the
// first "AADSTS<n>" in desc, else "".
func firstAADSTS(codes []json.RawMessage, desc string) string {
	for _, raw := range codes {
		n := strings.TrimSpace(string(raw))
		if n != "" && strings.Trim(n, "0123456789") == "" && len(n) <= 9 {
			return n
		}
	}
	if m := aadstsRE.FindStringSubmatch(desc); m != nil {
		return m[1]
	}
	return ""
}

// text renders a raw JSON scalar as text: a string's value, a number's
// digits, "" for anything else (null, objects, arrays, booleans).
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch c := raw[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
	}
	return ""
}

// nonEmptyStrings returns the arguments that are not empty, in order.
func nonEmptyStrings(ss ...string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func firstLine(s string) string {
	for line := range strings.Lines(s) {
		if t := strings.TrimSpace(line); t != "" {
			return t
		}
	}
	return ""
}

// clean makes s safe to show and to log: valid UTF-8, control and format
// characters (newlines, ANSI escapes, bidi overrides) dropped or turned into
// spaces, runs of spaces collapsed, and at most max runes, ending in "…"
// when cut so the reader knows there was more.
func clean(s string, max int) string {
	var b strings.Builder
	n, pendingSpace, cut := 0, false, false
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			pendingSpace = n > 0
			continue
		}
		if !unicode.IsPrint(r) {
			continue
		}
		need := 1
		if pendingSpace {
			need = 2
		}
		if n+need > max {
			cut = true
			break
		}
		if pendingSpace {
			b.WriteByte(' ')
			n++
			pendingSpace = false
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	switch {
	case !cut || out == "":
	case n < max: // room left for the ellipsis
		out += "…"
	default: // full: the ellipsis takes the last rune's place
		_, size := utf8.DecodeLastRuneInString(out)
		out = strings.TrimRightFunc(out[:len(out)-size], unicode.IsSpace) + "…"
	}
	return out
}

// Classify maps an HTTP status and a decoded (code, message) to a
// connectors.Kind. Entra codes win over the status, because Entra answers
// the same 400 for "consent missing" and "malformed request":
//
//   - consent_required, AADSTS65001, invalid_grant mentioning 65001 -> ErrConsentRequired (any status);
//   - AADSTS53003 -> ErrConditionalAccess;
//   - AADSTS700082, AADSTS50173, AADSTS70043, AADSTS700084 (expired or revoked
//     refresh token) -> ErrSignInRequired;
//   - 401 -> ErrUnauthorized; 403 -> ErrForbidden; 404 and 410 -> ErrNotFound;
//     429 -> ErrRateLimited; 5xx and 408 -> ErrUnavailable;
//     400/409/412/422 and the other 4xx -> ErrBadRequest;
//   - a 2xx is not a failure: KindUnknown; anything else -> ErrBadResponse.
func Classify(status int, code, message string) connectors.Kind {
	if strings.EqualFold(code, "consent_required") || strings.EqualFold(code, "invalid_grant") && strings.Contains(message, "65001") {
		return connectors.ErrConsentRequired
	}
	for _, s := range []string{code, message} {
		for _, m := range aadstsRE.FindAllStringSubmatch(s, -1) {
			switch m[1] {
			case "65001":
				return connectors.ErrConsentRequired
			case "53003":
				return connectors.ErrConditionalAccess
			case "700082", "50173", "70043", "700084":
				return connectors.ErrSignInRequired
			}
		}
	}
	switch {
	case status == http.StatusUnauthorized:
		return connectors.ErrUnauthorized
	case status == http.StatusForbidden:
		return connectors.ErrForbidden
	case status == http.StatusNotFound, status == http.StatusGone:
		return connectors.ErrNotFound
	case status == http.StatusTooManyRequests:
		return connectors.ErrRateLimited
	case status == http.StatusRequestTimeout, status >= 500 && status <= 599:
		return connectors.ErrUnavailable
	case status >= 400 && status <= 499:
		return connectors.ErrBadRequest
	case status >= 200 && status <= 299:
		return connectors.KindUnknown
	default:
		return connectors.ErrBadResponse
	}
}

// statusText is "503 Service Unavailable", or just the number for codes
// net/http does not name.
func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return strconv.Itoa(status)
}
