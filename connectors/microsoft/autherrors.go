package microsoft

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

const serviceSignIn = "sign-in"

// The one-sentence explanations seats shows for sign-in failures that have
// a fixed remedy.
const (
	msgSignInExpired     = "your Microsoft sign-in has expired or was revoked; run `seats login` again."
	msgDeviceCodeCA      = "a Conditional Access policy blocks device-code sign-in for this account; run `seats login --browser` instead."
	msgDeclined          = "the sign-in was declined"
	msgCodeExpired       = "the sign-in code expired before it was used; ask for a new code."
	msgCanceled          = "the sign-in was cancelled"
	msgNoGDAP            = "no GDAP access to this tenant for the signed-in user"
	msgConsentRequired   = "seats' application is not consented in this tenant"
	msgTenantNotFound    = "Microsoft does not know this tenant"
	msgUnreadableAnswer  = "the Microsoft sign-in service answered with something seats cannot read"
	msgSignInUnavailable = "the Microsoft sign-in service could not be reached"
)

// ErrDeviceCodeExpired is wrapped by the error WaitDeviceCode returns when
// the code expired before the user entered it, so a UI can offer a new code
// with errors.Is. That error's kind is connectors.ErrCanceled.
var ErrDeviceCodeExpired = errors.New("device code expired")

// authFlow says which MSAL flow failed: the same AAD answer means different
// things (and remedies) in each.
type authFlow int

const (
	flowSilent authFlow = iota
	flowDeviceCode
	flowBrowser
)

// AADSTS codes that mean the refresh token (the whole sign-in) is no longer
// good: expired after inactivity, revoked, password changed, session ended.
var signInGoneCodes = []int{700082, 700084, 50173, 70043, 70008, 50133, 700081}

// aadError is the token endpoint's error body.
type aadError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Codes       []int  `json:"error_codes"`
	Suberror    string `json:"suberror"`
}

func (e aadError) has(code int) bool {
	if slices.Contains(e.Codes, code) {
		return true
	}
	return strings.Contains(e.Description, "AADSTS"+strconv.Itoa(code)+":")
}

// classifyAuth turns an MSAL error into a *connectors.Error. It never keeps
// MSAL's own error text, which quotes whole requests and responses, and
// never calls errors.Verbose.
func classifyAuth(ctx context.Context, op string, flow authFlow, err error) error {
	if err == nil {
		return nil
	}
	var ce *connectors.Error
	if errors.As(err, &ce) {
		return err // already classified (e.g. by the token cache)
	}
	e := &connectors.Error{Service: serviceSignIn, Op: op}
	var call msalerrors.CallErr
	var callPtr *msalerrors.CallErr
	switch {
	case errors.As(err, &call):
		classifyCall(e, flow, call)
		return e
	case errors.As(err, &callPtr) && callPtr != nil:
		classifyCall(e, flow, *callPtr)
		return e
	case errors.Is(err, context.Canceled):
		e.Kind, e.Message, e.Err = connectors.ErrCanceled, msgCanceled, context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		switch {
		case ctx.Err() != nil:
			// The caller's own deadline passed.
			e.Kind, e.Message, e.Err = connectors.ErrCanceled, msgCanceled, ctx.Err()
		case flow == flowDeviceCode:
			// MSAL's wait ends at the code's expiry with DeadlineExceeded.
			e.Kind, e.Code, e.Message, e.Err = connectors.ErrCanceled, "expired_token", msgCodeExpired, ErrDeviceCodeExpired
		default:
			e.Kind, e.Message, e.Err = connectors.ErrUnavailable, "the Microsoft sign-in service did not answer in time", context.DeadlineExceeded
		}
	case classifyAADText(e, flow, err):
	case isNoTokenErr(err):
		e.Kind, e.Message = connectors.ErrSignInRequired, "not signed in: run `seats login`"
	case isNetErr(err):
		e.Kind, e.Message, e.Err = connectors.ErrUnavailable, msgSignInUnavailable, redacted{err}
	default:
		e.Kind, e.Message, e.Err = connectors.ErrBadResponse, msgUnreadableAnswer, redacted{err}
	}
	return e
}

// classifyCall reads the AAD answer of a failed token-endpoint call.
func classifyCall(e *connectors.Error, flow authFlow, call msalerrors.CallErr) {
	status := 0
	var body []byte
	if call.Resp != nil {
		status = call.Resp.StatusCode
		if call.Resp.Body != nil {
			body, _ = io.ReadAll(io.LimitReader(call.Resp.Body, 1<<20))
		}
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		// MSAL's device-code poller reads the body to look for
		// authorization_pending before handing the error on; its error
		// text still carries the body after the status line.
		body = bodyFromCallText(call.Err)
	}
	var aad aadError
	_ = json.Unmarshal(body, &aad)
	// Azure AD's error_description may quote what the request carried (a
	// code, an assertion, a user's token): redact it like every other
	// error text before it reaches a message, a log or the screen.
	code, message := httpx.DecodeErrorBody(body)
	code, message = httpx.Redact(code), httpx.Redact(message)
	e.Status, e.Code, e.Message = status, code, firstLine(message)
	e.Kind = httpx.Classify(status, code, message)
	if e.Code == "" && aad.Error != "" {
		e.Code = aad.Error
	}
	classifyAAD(e, flow, aad)
}

// classifyAAD applies what seats knows about AAD's answers on top of the
// generic classification: fixed kinds and one-sentence remedies.
func classifyAAD(e *connectors.Error, flow authFlow, aad aadError) {
	switch {
	case aad.Error == "authorization_declined" || aad.Error == "access_denied" || aad.has(65004):
		e.Kind, e.Message = connectors.ErrCanceled, msgDeclined
	case aad.Error == "expired_token" || aad.Error == "code_expired":
		e.Kind, e.Message, e.Err = connectors.ErrCanceled, msgCodeExpired, ErrDeviceCodeExpired
	case aad.has(53003):
		e.Kind = connectors.ErrConditionalAccess
		if flow == flowDeviceCode {
			e.Message = msgDeviceCodeCA
		}
	case anyCode(aad, signInGoneCodes):
		e.Kind, e.Message = connectors.ErrSignInRequired, msgSignInExpired
	case aad.has(65001) || aad.Suberror == "consent_required":
		e.Kind, e.Message = connectors.ErrConsentRequired, msgConsentRequired
	case aad.has(50020):
		e.Kind, e.Message = connectors.ErrForbidden, msgNoGDAP
	case aad.has(90002):
		e.Kind, e.Message = connectors.ErrNotFound, msgTenantNotFound
	}
}

// aadstsCode finds the first "AADSTS<n>" in s.
var aadstsCode = regexp.MustCompile(`AADSTS(\d+)`)

// classifyAADText classifies a plain error that quotes an AAD description,
// as MSAL's browser flow returns when the sign-in page posts an error back.
func classifyAADText(e *connectors.Error, flow authFlow, err error) bool {
	text := httpx.Redact(err.Error())
	m := aadstsCode.FindStringSubmatch(text)
	if m == nil {
		return false
	}
	e.Code, e.Message = m[0], firstLine(text)
	e.Kind = httpx.Classify(0, e.Code, e.Message)
	if e.Kind == connectors.KindUnknown {
		e.Kind = connectors.ErrBadRequest
	}
	n, _ := strconv.Atoi(m[1])
	classifyAAD(e, flow, aadError{Description: text, Codes: []int{n}})
	return true
}

func anyCode(aad aadError, codes []int) bool {
	for _, c := range codes {
		if aad.has(c) {
			return true
		}
	}
	return false
}

// bodyFromCallText recovers the response body from MSAL's CallErr text,
// "http call(<url>)(<method>) error: reply status code was <n>:\n<body>".
func bodyFromCallText(err error) []byte {
	if err == nil {
		return nil
	}
	s := err.Error()
	i := strings.Index(s, "reply status code was")
	if i < 0 {
		return nil
	}
	j := strings.IndexByte(s[i:], '\n')
	if j < 0 {
		return nil
	}
	return []byte(s[i+j+1:])
}

// firstLine keeps the first line of an AAD description: the rest is
// "Trace ID: ... Correlation ID: ... Timestamp: ...".
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// isNoTokenErr recognises MSAL's plain errors for an empty cache.
func isNoTokenErr(err error) bool {
	s := err.Error()
	return strings.Contains(s, "no token found") || strings.Contains(s, "no account was specified")
}

func isNetErr(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

// classifyCacheErr classifies a failure of the token cache (the secret
// store) seen through MSAL.
func classifyCacheErr(ctx context.Context, err error) error {
	var ce *connectors.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, context.Canceled) || (errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil) {
		return &connectors.Error{Kind: connectors.ErrCanceled, Service: serviceSignIn, Op: "read the token cache", Message: msgCanceled, Err: err}
	}
	return &connectors.Error{Kind: connectors.ErrUnavailable, Service: serviceSignIn, Op: "read the token cache", Message: "the saved Microsoft sign-in could not be read", Err: redacted{err}}
}

// redacted wraps an error whose text may carry a URL with a secret in it;
// errors.Is and errors.As still see the cause.
type redacted struct{ err error }

func (r redacted) Error() string { return httpx.Redact(r.err.Error()) }
func (r redacted) Unwrap() error { return r.err }
