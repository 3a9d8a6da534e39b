package connectors

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies why a call to an outside system failed, so that callers
// (the error box, the CLI's exit codes, retry logic) can decide what to do
// without knowing which API answered. A Kind is itself an error, so
// errors.Is(err, connectors.ErrNotFound) works on any wrapped *Error.
type Kind int

// The kinds every connector maps its failures into.
const (
	KindUnknown Kind = iota
	// ErrUnauthorized: the credentials were refused (bad key, expired token).
	ErrUnauthorized
	// ErrForbidden: signed in, but not allowed to do this (missing role).
	ErrForbidden
	// ErrNotFound: the object does not exist (or is hidden from us).
	ErrNotFound
	// ErrConsentRequired: our application has not been consented in the tenant.
	ErrConsentRequired
	// ErrSignInRequired: the cached sign-in is gone or expired; run `seats login`.
	ErrSignInRequired
	// ErrConditionalAccess: a Conditional Access policy blocked the sign-in method.
	ErrConditionalAccess
	// ErrRateLimited: the service throttled us and retries ran out.
	ErrRateLimited
	// ErrUnavailable: the service or the network failed (5xx, timeouts, refused connections).
	ErrUnavailable
	// ErrBadResponse: the service answered with something we cannot read.
	ErrBadResponse
	// ErrBadRequest: the service rejected the request as malformed or conflicting.
	ErrBadRequest
	// ErrCanceled: the user cancelled (Esc, Ctrl+C) or a deadline passed.
	ErrCanceled
	// ErrGDAPRequired: the customer has no active GDAP relationship, which
	// the action needs.
	ErrGDAPRequired
	// ErrConflict: the object changed since it was read (a PSA line someone
	// else edited); nothing was written.
	ErrConflict
	// ErrWriteDisabled: writes are turned off (psa.write_enabled is false);
	// nothing was sent.
	ErrWriteDisabled
	// ErrUnconfirmed: a write was sent but neither its answer nor a re-read
	// could tell whether it happened; a person must look before retrying.
	ErrUnconfirmed
)

var kindNames = map[Kind]string{
	KindUnknown:          "unknown error",
	ErrUnauthorized:      "unauthorized",
	ErrForbidden:         "forbidden",
	ErrNotFound:          "not found",
	ErrConsentRequired:   "consent required",
	ErrSignInRequired:    "sign-in required",
	ErrConditionalAccess: "blocked by conditional access",
	ErrRateLimited:       "rate limited",
	ErrUnavailable:       "service unavailable",
	ErrBadResponse:       "bad response",
	ErrBadRequest:        "bad request",
	ErrCanceled:          "canceled",
	ErrGDAPRequired:      "needs active GDAP",
	ErrConflict:          "changed since read",
	ErrWriteDisabled:     "writes are turned off",
	ErrUnconfirmed:       "write not confirmed",
}

// Error returns the kind's short name.
func (k Kind) Error() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("error kind %d", int(k))
}

// String returns the kind's short name.
func (k Kind) String() string { return k.Error() }

// Error is a failure of one call to an outside system. It carries the kind,
// which service and operation failed, and what the service said. It never
// carries request headers, tokens or keys.
type Error struct {
	Kind    Kind
	Service string // "graph", "partner center", "sign-in", "pax8"...
	Op      string // what we were doing: "list customers", "GET /v1/customers"
	Status  int    // HTTP status, 0 when no response came back
	Code    string // the service's own error code, e.g. "Authorization_RequestDenied" or "AADSTS65001"
	Message string // the service's own explanation, trimmed
	Err     error  // the underlying cause, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Service != "" {
		b.WriteString(e.Service)
		b.WriteString(": ")
	}
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.Error())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	detail := strings.TrimSpace(strings.Join(nonEmpty(e.Code, e.Message), ": "))
	if detail != "" {
		b.WriteString(": ")
		b.WriteString(detail)
	} else if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is this error's Kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// KindOf returns the kind of the first *Error or Kind in err's chain, or
// KindUnknown.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var k Kind
	if errors.As(err, &k) {
		return k
	}
	return KindUnknown
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
