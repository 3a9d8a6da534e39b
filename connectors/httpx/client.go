package httpx

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// Defaults for the zero values of Options.
const (
	// DefaultMaxAttempts is the total number of tries for a retryable request.
	DefaultMaxAttempts = 4
	// DefaultMaxRetryWait caps one wait between tries, whatever Retry-After says.
	DefaultMaxRetryWait = 60 * time.Second
	// DefaultTimeout bounds one try (connect, send, read the answer) of the
	// default HTTP client.
	DefaultTimeout = 60 * time.Second
	// DefaultMaxPages caps how many pages ODataEach and PartnerCenterEach follow.
	DefaultMaxPages = 10000
	// DefaultMaxBodyBytes bounds how much of one response body is read, so a
	// hostile or broken server cannot exhaust memory.
	DefaultMaxBodyBytes = 32 << 20
)

// backoffBase is the first backoff wait when the server gives no Retry-After;
// each further retry doubles it.
const backoffBase = 500 * time.Millisecond

// Options configures a Client. The zero value is usable: every field has a
// default.
type Options struct {
	// Service names the remote service ("graph", "partner center"); it goes
	// into connectors.Error.Service and the log.
	Service string
	// HTTPClient is the base client (TLS roots, proxy). Nil means a client
	// whose transport is a clone of http.DefaultTransport (so HTTPS_PROXY
	// works) and whose Timeout is DefaultTimeout.
	HTTPClient *http.Client
	// MaxAttempts is the total number of tries for retryable requests;
	// zero or less means DefaultMaxAttempts, 1 means never retry.
	MaxAttempts int
	// MaxRetryWait caps one Retry-After or backoff wait; zero or less means
	// DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// Logger receives one Debug record per try (method, redacted URL,
	// status, duration, attempt, redacted headers) and one per retry wait.
	// Nil means no logging.
	Logger *slog.Logger
	// Sleep waits d or until ctx is done, returning ctx.Err() in that case.
	// Tests inject it so that they never wait for real; nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// UserAgent, when set, is sent as User-Agent unless the request sets one.
	UserAgent string

	// Now tells the time, to turn a Retry-After HTTP date into a wait; nil
	// means time.Now.
	Now func() time.Time
	// MaxPages caps the pages one ODataEach or PartnerCenterEach call
	// follows; zero or less means DefaultMaxPages.
	MaxPages int
	// MaxBodyBytes bounds how much of one response body is read; zero or
	// less means DefaultMaxBodyBytes. A 2xx body over the bound is
	// ErrBadResponse; an error body is decoded from its first MaxBodyBytes.
	MaxBodyBytes int64
}

// Client sends JSON requests to one service with the retry, error and
// logging policy of this package. It is safe for concurrent use; build one
// per service with New and share it.
type Client struct {
	service     string
	hc          *http.Client
	maxAttempts int
	maxWait     time.Duration
	log         *slog.Logger
	sleep       func(context.Context, time.Duration) error
	userAgent   string
	now         func() time.Time
	maxPages    int
	maxBody     int64
	// jitter returns a random duration in [0, n]; tests replace it.
	jitter func(n time.Duration) time.Duration
}

// New returns a Client for o, filling in the defaults of its zero fields.
func New(o Options) *Client {
	c := &Client{
		service:     o.Service,
		hc:          o.HTTPClient,
		maxAttempts: o.MaxAttempts,
		maxWait:     o.MaxRetryWait,
		log:         o.Logger,
		sleep:       o.Sleep,
		userAgent:   o.UserAgent,
		now:         o.Now,
		maxPages:    o.MaxPages,
		maxBody:     o.MaxBodyBytes,
		jitter: func(n time.Duration) time.Duration {
			if n <= 0 {
				return 0
			}
			return time.Duration(rand.Int64N(int64(n) + 1))
		},
	}
	if c.hc == nil {
		c.hc = DefaultHTTPClient()
	}
	if c.maxAttempts <= 0 {
		c.maxAttempts = DefaultMaxAttempts
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxRetryWait
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.maxPages <= 0 {
		c.maxPages = DefaultMaxPages
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	return c
}

// DefaultHTTPClient returns the client New uses when Options.HTTPClient is
// nil: a transport cloned from http.DefaultTransport, so proxies from the
// environment and the system TLS roots apply, and a DefaultTimeout per try
// so a stalled server cannot hang the program.
func DefaultHTTPClient() *http.Client {
	var rt http.RoundTripper = http.DefaultTransport
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		rt = t.Clone()
	}
	return &http.Client{Transport: rt, Timeout: DefaultTimeout}
}

// Request is one call. Body, when non-nil, is sent as JSON (Content-Type
// application/json).
type Request struct {
	// Method is the HTTP method; empty means GET.
	Method string
	// URL is the absolute http or https URL to call.
	URL string
	// Header holds extra request headers, e.g. Authorization; never logged
	// unredacted. Do sends a copy, so the caller may reuse it.
	Header http.Header
	// Body, when non-nil, is marshalled to JSON once and sent on every try.
	Body any
	// Form, when non-nil (and Body nil), is sent form-encoded
	// (application/x-www-form-urlencoded), as OAuth token endpoints take
	// it. Its values are secrets as often as not: never logged.
	Form url.Values
	// Idempotent lets a non-GET/HEAD/PUT/DELETE/OPTIONS request be retried
	// (e.g. a Partner Center POST with a reused MS-RequestId).
	Idempotent bool
	// Op says what we are doing, for errors ("list customers"); empty means
	// "METHOD path".
	Op string
}

// StatusError is the cause a *connectors.Error wraps when the service
// answered with a non-2xx status. It carries what the caller may need to
// decide what to do next (how long the server asked us to wait).
type StatusError struct {
	Status     int           // the HTTP status of the last answer
	RetryAfter time.Duration // the last answer's Retry-After, 0 when it had none
	Attempts   int           // how many tries were made
}

func (e *StatusError) Error() string {
	s := "server answered " + statusText(e.Status)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(", retry after %s", e.RetryAfter)
	}
	return s
}

// Do sends r, retrying when safe, and decodes a 2xx JSON body into out (out
// may be nil; a 204 or empty body is fine).
//
// Non-2xx answers and transport failures come back as *connectors.Error
// with the right Kind, the HTTP status, the service's error code and
// message (decoded by DecodeErrorBody, then redacted), wrapping the cause: a
// *StatusError for an answer, the transport error (its URL redacted) for a
// failure to get one, ctx.Err() with ErrCanceled when ctx ends, the json
// error with ErrBadResponse for a 2xx body that does not decode into out.
//
// Retries happen only for GET, HEAD, PUT, DELETE, OPTIONS or r.Idempotent,
// on 429, 500, 502, 503, 504 and transport errors (a GET or idempotent
// request also on a 2xx body that does not decode: JSON cut short on the
// way), at most MaxAttempts tries
// in all, waiting Retry-After when the server sent one, else an exponential
// backoff with jitter, each wait capped by MaxRetryWait.
//
// Do returns the final *http.Response with its body already consumed and
// closed (headers and status readable, Body reads as empty), or nil when no
// answer came back.
func (c *Client) Do(ctx context.Context, r Request, out any) (*http.Response, error) {
	method := strings.ToUpper(strings.TrimSpace(r.Method))
	if method == "" {
		method = http.MethodGet
	}
	op := r.Op
	if op == "" {
		op = method + " " + Redact(pathOf(r.URL))
	}
	fail := func(kind connectors.Kind, status int, err error) *connectors.Error {
		return &connectors.Error{Kind: kind, Service: c.service, Op: op, Status: status, Err: err}
	}

	if err := checkURL(r.URL); err != nil {
		return nil, fail(connectors.KindUnknown, 0, err)
	}
	var payload []byte
	contentType := "application/json"
	switch {
	case r.Body != nil:
		var err error
		if payload, err = json.Marshal(r.Body); err != nil {
			return nil, fail(connectors.KindUnknown, 0, fmt.Errorf("encode request body: %w", err))
		}
	case r.Form != nil:
		payload, contentType = []byte(r.Form.Encode()), "application/x-www-form-urlencoded"
	}

	attempts := 1
	if safeToRepeat(method) || r.Idempotent {
		attempts = c.maxAttempts
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fail(connectors.ErrCanceled, 0, err)
		}
		resp, body, err := c.try(ctx, op, method, r, payload, contentType, attempt)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return resp, fail(connectors.ErrCanceled, 0, ctxErr)
			}
			if attempt < attempts && retryableTransport(err) {
				if werr := c.wait(ctx, op, attempt, c.backoff(attempt), "transport error"); werr != nil {
					return resp, fail(connectors.ErrCanceled, 0, werr)
				}
				continue
			}
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			e := fail(connectors.ErrUnavailable, status, err)
			if resp != nil {
				// The service answered, and its answer stopped on the way:
				// say so, with the tries, rather than "HTTP 200".
				e.Message = fmt.Sprintf("the answer stopped before its end, %d time(s): try again later", attempt)
			}
			return resp, e
		}

		status := resp.StatusCode
		if status >= 200 && status <= 299 {
			if int64(len(body)) > c.maxBody {
				e := fail(connectors.ErrBadResponse, status, nil)
				e.Message = fmt.Sprintf("response body larger than %d bytes", c.maxBody)
				return resp, e
			}
			if out != nil && status != http.StatusNoContent && method != http.MethodHead && len(bytes.TrimSpace(body)) > 0 {
				if err := json.Unmarshal(body, out); err != nil {
					// A 200 whose JSON is cut short is a fault on the way
					// (a proxy, a dropped stream), not the service's
					// answer: a read (or a request marked idempotent) is
					// asked again, within the same budget as a 503.
					if attempt < attempts && (method == http.MethodGet || r.Idempotent) {
						if werr := c.wait(ctx, op, attempt, c.backoff(attempt), "undecodable answer"); werr != nil {
							return resp, fail(connectors.ErrCanceled, status, werr)
						}
						continue
					}
					e := fail(connectors.ErrBadResponse, status, fmt.Errorf("decode response: %w", err))
					e.Message = fmt.Sprintf("the answer could not be read (%d tries)", attempt)
					if attempt == 1 {
						e.Message = "the answer could not be read"
					}
					return resp, e
				}
			}
			return resp, nil
		}

		retryAfter, hasRetryAfter := c.retryAfter(resp.Header)
		if attempt < attempts && retryableStatus(status) {
			wait := c.backoff(attempt)
			if hasRetryAfter {
				wait = min(retryAfter, c.maxWait)
			}
			if werr := c.wait(ctx, op, attempt, wait, statusText(status)); werr != nil {
				return resp, fail(connectors.ErrCanceled, status, werr)
			}
			continue
		}
		code, message := DecodeErrorBody(body)
		code, message = Redact(code), Redact(message)
		e := fail(Classify(status, code, message), status, &StatusError{Status: status, RetryAfter: retryAfter, Attempts: attempt})
		e.Code, e.Message = code, message
		return resp, e
	}
}

// try makes one round trip and reads the body (at most maxBody+1 bytes, so
// an oversized body is detectable). The response comes back with its body
// closed and replaced by http.NoBody. err is a transport error with its URL
// redacted; resp may be non-nil with err when the body read failed.
func (c *Client) try(ctx context.Context, op, method string, r Request, payload []byte, contentType string, attempt int) (*http.Response, []byte, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload) // a fresh reader per try; also gives GetBody for redirects
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL, body)
	if err != nil {
		return nil, nil, redactURLError(err)
	}
	h := r.Header.Clone()
	if h == nil {
		h = make(http.Header)
	}
	if h.Get("Accept") == "" {
		h.Set("Accept", "application/json")
	}
	if payload != nil && h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentType)
	}
	if c.userAgent != "" && h.Get("User-Agent") == "" {
		h.Set("User-Agent", c.userAgent)
	}
	req.Header = h

	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		err = redactURLError(err)
		c.logTry(ctx, op, req, nil, attempt, time.Since(start), 0, err)
		return nil, nil, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	resp.Body.Close()
	resp.Body = http.NoBody
	if err != nil {
		err = fmt.Errorf("read response body: %w", redactURLError(err))
	}
	c.logTry(ctx, op, req, resp, attempt, time.Since(start), len(data), err)
	return resp, data, err
}

// wait sleeps d before the next try, logging why. It returns the reason the
// wait was cut short (the context's error), or nil.
func (c *Client) wait(ctx context.Context, op string, attempt int, d time.Duration, reason string) error {
	if c.log != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "http retry",
			slog.String("service", c.service),
			slog.String("op", op),
			slog.String("reason", reason),
			slog.Duration("wait", d),
			slog.Int("next_attempt", attempt+1),
		)
	}
	if err := c.sleep(ctx, d); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return err
	}
	return nil
}

// logTry writes the Debug record of one try. Header values pass through
// redactHeader and the URL through Redact, so no credential reaches the log.
func (c *Client) logTry(ctx context.Context, op string, req *http.Request, resp *http.Response, attempt int, d time.Duration, n int, err error) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("service", c.service),
		slog.String("op", op),
		slog.String("method", req.Method),
		slog.String("url", Redact(req.URL.String())),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d),
		slog.Any("request_headers", redactHeader(req.Header)),
	}
	if resp != nil {
		attrs = append(attrs,
			slog.Int("status", resp.StatusCode),
			slog.Int("bytes", n),
			slog.Any("response_headers", redactHeader(resp.Header)),
		)
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", Redact(err.Error())))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "http", attrs...)
}

// backoff is the wait before try attempt+1 when the server named none:
// backoffBase doubled per retry, capped by maxWait, with "equal jitter" (half
// fixed, half random) so that parallel clients spread out without ever
// retrying at once.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.maxWait
	if shift := attempt - 1; shift < 30 {
		d = min(backoffBase<<shift, c.maxWait)
	}
	half := d / 2
	return half + c.jitter(d-half)
}

// retryAfter reads Retry-After as seconds or an HTTP date (relative to now,
// never negative); ok is false when the header is absent or unreadable.
func (c *Client) retryAfter(h http.Header) (d time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(c.maxWait/time.Second) {
			return c.maxWait, true // also keeps the multiplication below from overflowing
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(c.now()), 0), true
	}
	return 0, false
}

// sleepCtx is the default Options.Sleep: a timer that ctx can cut short.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// safeToRepeat reports whether HTTP semantics make method idempotent, so a
// retry cannot do the work twice.
func safeToRepeat(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// retryableStatus reports whether the answer is worth trying again: the
// server was throttling or briefly unwell.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableTransport reports whether a transport error may go away on its
// own. A certificate the client does not trust will not, so retrying it
// only delays the error the user has to act on.
func retryableTransport(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return !errors.As(err, &verify) && !errors.As(err, &unknown) &&
		!errors.As(err, &hostname) && !errors.As(err, &invalid)
}

// redactURLError returns err with the URL inside a *url.Error redacted, so
// that tokens or codes in a query string do not reach error strings. The
// chain below the *url.Error is kept for errors.Is/As.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: Redact(ue.URL), Err: ue.Err}
	}
	return err
}

// checkURL rejects what cannot be sent: a relative or unparsable URL, or a
// scheme other than http(s). The error names the URL only redacted.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return redactURLError(err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("request URL %q is not an absolute http(s) URL", Redact(raw))
	}
	return nil
}

// pathOf returns the path of raw for the default Op, without the query
// (which may hold secrets and makes poor reading anyway).
func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}
