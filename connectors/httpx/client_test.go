package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

type okBody struct {
	OK bool `json:"ok"`
}

// asError returns err as a *connectors.Error or fails the test.
func asError(t *testing.T, err error) *connectors.Error {
	t.Helper()
	var e *connectors.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *connectors.Error", err, err)
	}
	return e
}

func TestDoHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		retryAfter string
		maxWait    time.Duration
		wantWait   time.Duration
	}{
		{name: "seconds", retryAfter: "7", wantWait: 7 * time.Second},
		{name: "seconds with spaces", retryAfter: " 12 ", wantWait: 12 * time.Second},
		{name: "zero seconds", retryAfter: "0", wantWait: 0},
		{name: "http date", retryAfter: fixedNow.Add(7 * time.Second).Format(http.TimeFormat), wantWait: 7 * time.Second},
		{name: "http date in the past", retryAfter: fixedNow.Add(-time.Hour).Format(http.TimeFormat), wantWait: 0},
		{name: "seconds over the cap", retryAfter: "3600", maxWait: 30 * time.Second, wantWait: 30 * time.Second},
		{name: "date over the cap", retryAfter: fixedNow.Add(time.Hour).Format(http.TimeFormat), maxWait: 30 * time.Second, wantWait: 30 * time.Second},
		{name: "huge seconds do not overflow", retryAfter: "99999999999999999", wantWait: DefaultMaxRetryWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, s := newScript(t,
				reply{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": tt.retryAfter},
					body: `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 7 seconds."}`},
				reply{body: `{"ok":true}`},
			)
			c, rec := testClient(srv, Options{MaxRetryWait: tt.maxWait})
			var out okBody
			resp, err := c.Do(context.Background(), Request{URL: srv.URL + "/v1/customers"}, &out)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if !out.OK || resp.StatusCode != http.StatusOK {
				t.Errorf("got out=%+v status=%d, want ok and 200", out, resp.StatusCode)
			}
			if s.hits() != 2 {
				t.Errorf("server saw %d requests, want 2", s.hits())
			}
			if got := rec.Waits(); len(got) != 1 || got[0] != tt.wantWait {
				t.Errorf("waits %v, want [%v]", got, tt.wantWait)
			}
		})
	}
}

func TestDoRetriesServerErrorsThenSucceeds(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(statusText(status), func(t *testing.T) {
			t.Parallel()
			srv, s := newScript(t, reply{status: status, body: "upstream trouble"}, reply{body: `{"ok":true}`})
			c, rec := testClient(srv, Options{})
			var out okBody
			if _, err := c.Do(context.Background(), Request{URL: srv.URL}, &out); err != nil {
				t.Fatalf("Do: %v", err)
			}
			if !out.OK || s.hits() != 2 {
				t.Errorf("out=%+v hits=%d, want ok after 2 requests", out, s.hits())
			}
			// No Retry-After: the first backoff is 500ms with equal jitter.
			if w := rec.Waits(); len(w) != 1 || w[0] < backoffBase/2 || w[0] > backoffBase {
				t.Errorf("waits %v, want one in [%v, %v]", w, backoffBase/2, backoffBase)
			}
		})
	}
}

func TestDoDoesNotRetryOtherStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 412, 422, 501} {
		t.Run(statusText(status), func(t *testing.T) {
			t.Parallel()
			srv, s := newScript(t, reply{status: status}, reply{body: `{"ok":true}`})
			c, rec := testClient(srv, Options{})
			_, err := c.Do(context.Background(), Request{URL: srv.URL}, nil)
			if e := asError(t, err); e.Status != status {
				t.Errorf("status %d, want %d", e.Status, status)
			}
			if s.hits() != 1 || len(rec.Waits()) != 0 {
				t.Errorf("hits=%d waits=%v, want one request and no wait", s.hits(), rec.Waits())
			}
		})
	}
}

func TestDoRetriesOnlyRequestsSafeToRepeat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method     string
		idempotent bool
		wantHits   int
	}{
		{method: http.MethodGet, wantHits: 3},
		{method: "", wantHits: 3}, // empty means GET
		{method: http.MethodHead, wantHits: 3},
		{method: http.MethodPut, wantHits: 3},
		{method: http.MethodDelete, wantHits: 3},
		{method: http.MethodOptions, wantHits: 3},
		{method: http.MethodPost, wantHits: 1},
		{method: http.MethodPatch, wantHits: 1},
		{method: http.MethodPost, idempotent: true, wantHits: 3},
		{method: http.MethodPatch, idempotent: true, wantHits: 3},
	}
	for _, tt := range tests {
		name := tt.method
		if tt.idempotent {
			name += " idempotent"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, s := newScript(t, reply{status: http.StatusServiceUnavailable})
			c, _ := testClient(srv, Options{MaxAttempts: 3})
			body := map[string]string{"applicationId": "app-1"}
			if tt.method == http.MethodHead || tt.method == http.MethodGet || tt.method == "" {
				body = nil
			}
			hdr := http.Header{"Ms-Requestid": {"9f0b1c9e-0000-4000-8000-000000000001"}}
			_, err := c.Do(context.Background(), Request{Method: tt.method, URL: srv.URL + "/x", Body: body, Header: hdr, Idempotent: tt.idempotent}, nil)
			if e := asError(t, err); e.Kind != connectors.ErrUnavailable || e.Status != http.StatusServiceUnavailable {
				t.Errorf("got kind %v status %d, want unavailable 503", e.Kind, e.Status)
			}
			reqs := s.requests()
			if len(reqs) != tt.wantHits {
				t.Fatalf("server saw %d requests, want %d", len(reqs), tt.wantHits)
			}
			// Every try carries the same body and the same MS-RequestId, so
			// the service can tell a retry from a new order.
			for i, r := range reqs {
				if body != nil && r.body != `{"applicationId":"app-1"}` {
					t.Errorf("try %d sent body %q", i+1, r.body)
				}
				if got := r.header.Get("MS-RequestId"); got != hdr.Get("MS-RequestId") {
					t.Errorf("try %d sent MS-RequestId %q", i+1, got)
				}
			}
		})
	}
}

func TestDoRetriesNetworkErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		wantHits int
		wantErr  bool
	}{
		{name: "GET is retried", method: http.MethodGet, wantHits: 2},
		{name: "POST is not", method: http.MethodPost, wantHits: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, s := newScript(t, reply{drop: true}, reply{body: `{"ok":true}`})
			c, rec := testClient(srv, Options{})
			var out okBody
			resp, err := c.Do(context.Background(), Request{Method: tt.method, URL: srv.URL}, &out)
			if s.hits() != tt.wantHits {
				t.Errorf("server saw %d requests, want %d", s.hits(), tt.wantHits)
			}
			if !tt.wantErr {
				if err != nil || !out.OK {
					t.Fatalf("Do = %v, out %+v; want success after a retry", err, out)
				}
				if len(rec.Waits()) != 1 {
					t.Errorf("waits %v, want one backoff", rec.Waits())
				}
				return
			}
			e := asError(t, err)
			if e.Kind != connectors.ErrUnavailable || e.Status != 0 || e.Err == nil || resp != nil {
				t.Errorf("got %#v, resp %v; want ErrUnavailable wrapping the transport error, no response", e, resp)
			}
		})
	}
}

func TestDoRetriesTimeouts(t *testing.T) {
	t.Parallel()
	first := make(chan struct{}, 1)
	first <- struct{}{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-first: // the first request stalls past the client's timeout
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	t.Cleanup(srv.Close)
	hc := srv.Client()
	hc.Timeout = 100 * time.Millisecond
	c, rec := testClient(srv, Options{HTTPClient: hc})
	var out okBody
	if _, err := c.Do(context.Background(), Request{URL: srv.URL}, &out); err != nil || !out.OK {
		t.Fatalf("Do = %v, out %+v; want success after the timed-out try", err, out)
	}
	if len(rec.Waits()) != 1 {
		t.Errorf("waits %v, want one", rec.Waits())
	}
}

func TestDoBoundsAttempts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		maxAttempts int
		reply       reply
		wantHits    int
		wantKind    connectors.Kind
		wantRetryAt time.Duration
	}{
		{name: "default 4 on 503", reply: reply{status: 503}, wantHits: DefaultMaxAttempts, wantKind: connectors.ErrUnavailable},
		{name: "3 on 503", maxAttempts: 3, reply: reply{status: 503}, wantHits: 3, wantKind: connectors.ErrUnavailable},
		{name: "1 means no retry", maxAttempts: 1, reply: reply{status: 503}, wantHits: 1, wantKind: connectors.ErrUnavailable},
		{
			name: "429 ends rate limited", maxAttempts: 3, wantHits: 3, wantKind: connectors.ErrRateLimited, wantRetryAt: 57 * time.Second,
			reply: reply{status: 429, header: map[string]string{"Retry-After": "57"},
				body: `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}`},
		},
		{name: "network errors", maxAttempts: 2, reply: reply{drop: true}, wantHits: 2, wantKind: connectors.ErrUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, s := newScript(t, tt.reply)
			c, rec := testClient(srv, Options{MaxAttempts: tt.maxAttempts})
			_, err := c.Do(context.Background(), Request{URL: srv.URL, Op: "list customers"}, nil)
			e := asError(t, err)
			if e.Kind != tt.wantKind || !errors.Is(err, tt.wantKind) {
				t.Errorf("kind %v, want %v", e.Kind, tt.wantKind)
			}
			if e.Op != "list customers" || e.Service != "test service" {
				t.Errorf("op %q service %q", e.Op, e.Service)
			}
			if s.hits() != tt.wantHits || len(rec.Waits()) != tt.wantHits-1 {
				t.Errorf("hits=%d waits=%v, want %d hits and one wait fewer", s.hits(), rec.Waits(), tt.wantHits)
			}
			if tt.reply.drop {
				return
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Attempts != tt.wantHits || se.RetryAfter != tt.wantRetryAt {
				t.Errorf("cause %#v, want StatusError with %d attempts and retry after %v", se, tt.wantHits, tt.wantRetryAt)
			}
		})
	}
}

func TestDoBackoffGrows(t *testing.T) {
	t.Parallel()
	srv, _ := newScript(t, reply{status: 502})
	c, rec := testClient(srv, Options{MaxAttempts: 5, MaxRetryWait: 3 * time.Second})
	c.jitter = func(n time.Duration) time.Duration { return n } // the top of each range
	if _, err := c.Do(context.Background(), Request{URL: srv.URL}, nil); err == nil {
		t.Fatal("Do succeeded against a server that always fails")
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second}
	if got := rec.Waits(); !equalDurations(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		attempt  int
		maxWait  time.Duration
		low, top time.Duration
	}{
		{attempt: 1, maxWait: time.Minute, low: 250 * time.Millisecond, top: 500 * time.Millisecond},
		{attempt: 2, maxWait: time.Minute, low: 500 * time.Millisecond, top: time.Second},
		{attempt: 4, maxWait: time.Minute, low: 2 * time.Second, top: 4 * time.Second},
		{attempt: 4, maxWait: 3 * time.Second, low: 1500 * time.Millisecond, top: 3 * time.Second},
		{attempt: 200, maxWait: time.Minute, low: 30 * time.Second, top: time.Minute}, // no shift overflow
	}
	for _, tt := range tests {
		c := New(Options{MaxRetryWait: tt.maxWait})
		c.jitter = func(time.Duration) time.Duration { return 0 }
		if got := c.backoff(tt.attempt); got != tt.low {
			t.Errorf("attempt %d, max %v: least wait %v, want %v", tt.attempt, tt.maxWait, got, tt.low)
		}
		c.jitter = func(n time.Duration) time.Duration { return n }
		if got := c.backoff(tt.attempt); got != tt.top {
			t.Errorf("attempt %d, max %v: most wait %v, want %v", tt.attempt, tt.maxWait, got, tt.top)
		}
		c = New(Options{MaxRetryWait: tt.maxWait}) // the real jitter stays in range
		for range 50 {
			if got := c.backoff(tt.attempt); got < tt.low || got > tt.top {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", tt.attempt, got, tt.low, tt.top)
			}
		}
	}
}

func TestDoCancelDuringBackoffWait(t *testing.T) {
	t.Parallel()
	t.Run("injected sleep", func(t *testing.T) {
		t.Parallel()
		srv, s := newScript(t, reply{status: 503, header: map[string]string{"Retry-After": "30"}})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var asked time.Duration
		c, _ := testClient(srv, Options{Sleep: func(ctx context.Context, d time.Duration) error {
			asked = d
			cancel() // the user pressed Esc while we waited
			<-ctx.Done()
			return ctx.Err()
		}})
		_, err := c.Do(ctx, Request{URL: srv.URL}, nil)
		e := asError(t, err)
		if e.Kind != connectors.ErrCanceled || !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want ErrCanceled wrapping context.Canceled", err)
		}
		if asked != 30*time.Second || s.hits() != 1 {
			t.Errorf("asked to wait %v after %d requests, want 30s after 1", asked, s.hits())
		}
	})
	t.Run("real timer", func(t *testing.T) {
		t.Parallel()
		answered := make(chan struct{}, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			answered <- struct{}{}
		}))
		t.Cleanup(srv.Close)
		c := New(Options{HTTPClient: srv.Client()}) // default Sleep: a real 30s timer
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-answered
			time.Sleep(20 * time.Millisecond)
			cancel()
		}()
		start := time.Now()
		_, err := c.Do(ctx, Request{URL: srv.URL}, nil)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("Do took %v; cancel did not cut the wait short", took)
		}
		if !errors.Is(err, connectors.ErrCanceled) || !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want ErrCanceled wrapping context.Canceled", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		srv, _ := newScript(t, reply{status: 503})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		c := New(Options{HTTPClient: srv.Client(), MaxRetryWait: 10 * time.Second, MaxAttempts: 10})
		c.jitter = func(n time.Duration) time.Duration { return n }
		_, err := c.Do(ctx, Request{URL: srv.URL}, nil)
		if !errors.Is(err, connectors.ErrCanceled) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want ErrCanceled wrapping context.DeadlineExceeded", err)
		}
	})
}

func TestDoCanceledBeforeStart(t *testing.T) {
	t.Parallel()
	srv, s := newScript(t, reply{body: `{"ok":true}`})
	c, _ := testClient(srv, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Do(ctx, Request{URL: srv.URL}, nil)
	if !errors.Is(err, connectors.ErrCanceled) || !errors.Is(err, context.Canceled) || s.hits() != 0 {
		t.Errorf("got %v after %d requests, want ErrCanceled and no request", err, s.hits())
	}
}

func TestSleepCtx(t *testing.T) {
	t.Parallel()
	if err := sleepCtx(context.Background(), 0); err != nil {
		t.Errorf("zero wait: %v", err)
	}
	if err := sleepCtx(context.Background(), time.Millisecond); err != nil {
		t.Errorf("short wait: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled wait: %v, want context.Canceled", err)
	}
	if time.Since(start) > time.Second {
		t.Error("a canceled wait still waited")
	}
}

func TestDoClassifiesErrorAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		wantKind connectors.Kind
		wantCode string
		wantMsg  string
	}{
		{
			name: "graph forbidden", status: 403, wantKind: connectors.ErrForbidden,
			body:     `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"r1"}}}`,
			wantCode: "Authorization_RequestDenied", wantMsg: "Insufficient privileges to complete the operation.",
		},
		{
			name: "graph not found", status: 404, wantKind: connectors.ErrNotFound,
			body:     `{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist."}}`,
			wantCode: "Request_ResourceNotFound", wantMsg: "Resource 'x' does not exist.",
		},
		{
			name: "partner center unauthorized", status: 401, wantKind: connectors.ErrUnauthorized,
			body:     `{"code":"401","description":"Authorization token validation failed.","data":[],"source":"PartnerFD"}`,
			wantCode: "401", wantMsg: "Authorization token validation failed.",
		},
		{
			name: "consent missing", status: 400, wantKind: connectors.ErrConsentRequired,
			body:     `{"error":"invalid_grant","error_description":"AADSTS65001: The user or administrator has not consented to use the application.","error_codes":[65001],"suberror":"consent_required"}`,
			wantCode: "AADSTS65001", wantMsg: "AADSTS65001: The user or administrator has not consented to use the application.",
		},
		{
			name: "conflict", status: 409, wantKind: connectors.ErrBadRequest,
			body:     `{"code":"600008","description":"The customer already has this consent."}`,
			wantCode: "600008", wantMsg: "The customer already has this consent.",
		},
		{
			name: "secrets in the message are redacted", status: 400, wantKind: connectors.ErrBadRequest,
			body:     `{"message":"bad header Authorization: Bearer SECRETVALUE"}`,
			wantCode: "", wantMsg: "bad header Authorization: REDACTED",
		},
		{
			name: "plain text", status: 502, wantKind: connectors.ErrUnavailable,
			body: "\n  Bad gateway from the load balancer  \nsecond line", wantMsg: "Bad gateway from the load balancer",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newScript(t, reply{status: tt.status, body: tt.body})
			c, _ := testClient(srv, Options{MaxAttempts: 1})
			resp, err := c.Do(context.Background(), Request{URL: srv.URL + "/v1.0/organization"}, nil)
			e := asError(t, err)
			if e.Kind != tt.wantKind || e.Code != tt.wantCode || e.Message != tt.wantMsg || e.Status != tt.status {
				t.Errorf("got kind=%v status=%d code=%q msg=%q\nwant kind=%v status=%d code=%q msg=%q",
					e.Kind, e.Status, e.Code, e.Message, tt.wantKind, tt.status, tt.wantCode, tt.wantMsg)
			}
			if e.Op != "GET /v1.0/organization" {
				t.Errorf("default op %q, want %q", e.Op, "GET /v1.0/organization")
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Errorf("resp %v, want the final response", resp)
			}
			if strings.Contains(err.Error(), "SECRETVALUE") {
				t.Errorf("error string leaks a secret: %v", err)
			}
		})
	}
}

func TestDoDecodesSuccessBodies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		reply    reply
		method   string
		out      bool
		wantErr  connectors.Kind
		wantBody bool
	}{
		{name: "json into out", reply: reply{body: `{"ok":true}`}, out: true, wantBody: true},
		{name: "json, out nil", reply: reply{body: `{"ok":true}`}},
		{name: "204", reply: reply{status: 204}, out: true},
		{name: "201 empty body", reply: reply{status: 201}, out: true},
		{name: "whitespace body", reply: reply{body: " \n"}, out: true},
		{name: "HEAD", method: http.MethodHead, reply: reply{header: map[string]string{"Content-Length": "11"}}, out: true},
		{name: "not json", reply: reply{body: "<html>SECRETBODY</html>"}, out: true, wantErr: connectors.ErrBadResponse},
		{name: "wrong type", reply: reply{body: `{"ok":"SECRETBODY"}`}, out: true, wantErr: connectors.ErrBadResponse},
		{name: "not json but out nil", reply: reply{body: "<html></html>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newScript(t, tt.reply)
			c, _ := testClient(srv, Options{})
			var out okBody
			var outArg any
			if tt.out {
				outArg = &out
			}
			resp, err := c.Do(context.Background(), Request{Method: tt.method, URL: srv.URL}, outArg)
			if tt.wantErr != connectors.KindUnknown {
				e := asError(t, err)
				if e.Kind != tt.wantErr || e.Err == nil {
					t.Errorf("got %v, want %v wrapping the decode error", err, tt.wantErr)
				}
				if !strings.Contains(e.Err.Error(), "decode response: ") || !strings.HasPrefix(e.Message, "the answer could not be read") {
					t.Errorf("got cause %q, message %q; want the decode error and that the answer could not be read", e.Err, e.Message)
				}
				var se *json.SyntaxError
				var te *json.UnmarshalTypeError
				if !errors.As(err, &se) && !errors.As(err, &te) {
					t.Errorf("cause %v is not a json error", e.Err)
				}
				if strings.Contains(err.Error(), "SECRETBODY") {
					t.Errorf("error dumps the body: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if out.OK != tt.wantBody {
				t.Errorf("decoded ok=%v, want %v", out.OK, tt.wantBody)
			}
			if resp == nil || resp.Body == nil {
				t.Fatal("no response returned")
			}
			if rest, err := io.ReadAll(resp.Body); err != nil || len(rest) != 0 {
				t.Errorf("returned body reads %q, %v; want consumed and empty", rest, err)
			}
		})
	}
}

func TestDoBoundsBodySize(t *testing.T) {
	t.Parallel()
	big := `{"ok":true,"pad":"` + strings.Repeat("x", 4096) + `"}`
	tests := []struct {
		name     string
		reply    reply
		wantKind connectors.Kind
		wantMsg  string
	}{
		{name: "2xx over the bound", reply: reply{body: big}, wantKind: connectors.ErrBadResponse, wantMsg: "response body larger than 1024 bytes"},
		{name: "error body is read up to the bound", reply: reply{status: 404, body: "Not here" + strings.Repeat("\n"+strings.Repeat("y", 100), 100)},
			wantKind: connectors.ErrNotFound, wantMsg: "Not here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newScript(t, tt.reply)
			c, _ := testClient(srv, Options{MaxBodyBytes: 1024})
			_, err := c.Do(context.Background(), Request{URL: srv.URL}, &okBody{})
			if e := asError(t, err); e.Kind != tt.wantKind || e.Message != tt.wantMsg {
				t.Errorf("got kind %v message %q, want %v %q", e.Kind, e.Message, tt.wantKind, tt.wantMsg)
			}
		})
	}
}

func TestDoSendsHeadersAndBody(t *testing.T) {
	t.Parallel()
	srv, s := newScript(t, reply{status: 201, body: `{"ok":true}`})
	c, _ := testClient(srv, Options{UserAgent: "seats/test"})
	hdr := http.Header{"Authorization": {"Bearer abc"}, "X-Locale": {"en-US"}}
	body := map[string]any{"displayName": "seats", "applicationGrants": []map[string]string{{"scope": "Directory.Read.All"}}}
	var out okBody
	if _, err := c.Do(context.Background(), Request{Method: "post", URL: srv.URL + "/v1/customers/c1/applicationconsents", Header: hdr, Body: body}, &out); err != nil {
		t.Fatalf("Do: %v", err)
	}
	got := s.requests()[0]
	checks := map[string]string{
		"Method":        got.method,
		"Path":          got.path,
		"Authorization": got.header.Get("Authorization"),
		"X-Locale":      got.header.Get("X-Locale"),
		"Accept":        got.header.Get("Accept"),
		"Content-Type":  got.header.Get("Content-Type"),
		"User-Agent":    got.header.Get("User-Agent"),
		"Body":          got.body,
	}
	want := map[string]string{
		"Method":        "POST",
		"Path":          "/v1/customers/c1/applicationconsents",
		"Authorization": "Bearer abc",
		"X-Locale":      "en-US",
		"Accept":        "application/json",
		"Content-Type":  "application/json",
		"User-Agent":    "seats/test",
		"Body":          `{"applicationGrants":[{"scope":"Directory.Read.All"}],"displayName":"seats"}`,
	}
	for k, w := range want {
		if checks[k] != w {
			t.Errorf("%s = %q, want %q", k, checks[k], w)
		}
	}
	if len(hdr) != 2 {
		t.Errorf("Do changed the caller's header: %v", hdr)
	}
}

func TestDoRejectsWhatCannotBeSent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    Request
		says string
	}{
		// A next-page link another service sends may be any URL.
		{name: "relative URL", r: Request{URL: "/v1/customers?code=SECRETVALUE"}, says: `request URL "/v1/customers?code=REDACTED" is not an absolute http(s) URL`},
		{name: "bad scheme", r: Request{URL: "ftp://host/x?code=SECRETVALUE"}, says: `request URL "ftp://host/x?code=REDACTED" is not an absolute http(s) URL`},
		{name: "unparsable URL", r: Request{URL: "https://host/%zz?code=SECRETVALUE"}},
		{name: "body cannot be JSON", r: Request{URL: "https://127.0.0.1:1/x", Method: http.MethodPost, Body: map[string]any{"f": func() {}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := testClient(nil, Options{})
			resp, err := c.Do(context.Background(), tt.r, nil)
			e := asError(t, err)
			if e.Kind != connectors.KindUnknown || e.Err == nil || resp != nil || len(rec.Waits()) != 0 {
				t.Errorf("got %v, resp %v; want an unknown-kind error with its cause and no try", err, resp)
			}
			if strings.Contains(err.Error(), "SECRETVALUE") {
				t.Errorf("error leaks a secret: %v", err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

func TestDoTransportErrorRedactsURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/oauth2/v2.0/token?client_secret=SECRETVALUE&code=SECRETVALUE"
	srv.Close() // nothing listens there any more: connection refused
	c, rec := testClient(nil, Options{MaxAttempts: 2})
	_, err := c.Do(context.Background(), Request{URL: url}, nil)
	e := asError(t, err)
	if e.Kind != connectors.ErrUnavailable || e.Err == nil {
		t.Errorf("got %v, want ErrUnavailable wrapping the dial error", err)
	}
	if strings.Contains(err.Error(), "SECRETVALUE") || !strings.Contains(err.Error(), "REDACTED") {
		t.Errorf("error string not redacted: %v", err)
	}
	if len(rec.Waits()) != 1 {
		t.Errorf("waits %v, want one retry", rec.Waits())
	}
}

func TestDoDoesNotRetryUntrustedCertificates(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	// A client that does not trust the test CA: retrying cannot help.
	c, rec := testClient(nil, Options{HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	_, err := c.Do(context.Background(), Request{URL: srv.URL}, nil)
	if !errors.Is(err, connectors.ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
	}
	if len(rec.Waits()) != 0 {
		t.Errorf("waits %v, want no retry for a certificate error", rec.Waits())
	}
}

func TestDefaultHTTPClient(t *testing.T) {
	t.Parallel()
	hc := DefaultHTTPClient()
	if hc.Timeout != DefaultTimeout {
		t.Errorf("timeout %v, want %v", hc.Timeout, DefaultTimeout)
	}
	tr, ok := hc.Transport.(*http.Transport)
	if !ok || tr == http.DefaultTransport {
		t.Fatalf("transport %T is not a clone of http.DefaultTransport", hc.Transport)
	}
	if tr.Proxy == nil {
		t.Error("the clone lost ProxyFromEnvironment")
	}
	if c := New(Options{}); c.hc == nil || c.maxAttempts != DefaultMaxAttempts || c.maxWait != DefaultMaxRetryWait ||
		c.maxPages != DefaultMaxPages || c.maxBody != DefaultMaxBodyBytes {
		t.Errorf("New(Options{}) defaults: %+v", c)
	}
}

func TestStatusErrorText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    StatusError
		want string
	}{
		{StatusError{Status: 503, Attempts: 1}, "server answered 503 Service Unavailable"},
		{StatusError{Status: 429, Attempts: 4, RetryAfter: 57 * time.Second}, "server answered 429 Too Many Requests after 4 attempts, retry after 57s"},
		{StatusError{Status: 599, Attempts: 1}, "server answered 599"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDoRetriesAnUndecodableReadAnswer: a 200 whose JSON was cut short on
// the way is asked again within the retry budget when it answers a read; a
// write is not repeated, and a body that never decodes ends as
// ErrBadResponse after the budget.
func TestDoRetriesAnUndecodableReadAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		replies  []reply
		wantHits int
		wantErr  connectors.Kind
	}{
		{name: "GET cut short once", method: http.MethodGet, replies: []reply{{body: `{"ok":tr`}, {body: `{"ok":true}`}}, wantHits: 2},
		{name: "GET never whole", method: http.MethodGet, replies: []reply{{body: `{"ok":tr`}}, wantHits: DefaultMaxAttempts, wantErr: connectors.ErrBadResponse},
		{name: "POST is not repeated", method: http.MethodPost, replies: []reply{{body: `{"ok":tr`}, {body: `{"ok":true}`}}, wantHits: 1, wantErr: connectors.ErrBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, s := newScript(t, tt.replies...)
			c, _ := testClient(srv, Options{})
			var out okBody
			_, err := c.Do(context.Background(), Request{Method: tt.method, URL: srv.URL}, &out)
			if s.hits() != tt.wantHits {
				t.Errorf("%d requests, want %d", s.hits(), tt.wantHits)
			}
			if tt.wantErr == connectors.KindUnknown {
				if err != nil || !out.OK {
					t.Fatalf("Do: %v, out %+v", err, out)
				}
				return
			}
			if connectors.KindOf(err) != tt.wantErr {
				t.Fatalf("Do: %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// A form body goes form-encoded with its content type, the same bytes on
// every try: OAuth token endpoints (Sherweb's, HaloPSA's) take only forms.
func TestDoSendsFormBodies(t *testing.T) {
	t.Parallel()
	srv, s := newScript(t, reply{status: 503}, reply{body: `{"ok":true}`})
	c, _ := testClient(srv, Options{})
	form := url.Values{"grant_type": {"client_credentials"}, "client_secret": {"s3cret&more"}}
	var out okBody
	if _, err := c.Do(context.Background(), Request{Method: http.MethodPost, URL: srv.URL, Form: form, Idempotent: true}, &out); err != nil {
		t.Fatalf("Do: %v", err)
	}
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (one retry)", len(reqs))
	}
	for _, r := range reqs {
		if ct := r.header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type %q", ct)
		}
		got, err := url.ParseQuery(r.body)
		if err != nil || got.Get("client_secret") != "s3cret&more" || got.Get("grant_type") != "client_credentials" {
			t.Errorf("body %q read back as %v (%v)", r.body, got, err)
		}
	}
}

// An answer that stops mid-stream on every try says so, with the tries,
// not "HTTP 200".
func TestDoAnswerCutOnEveryTry(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"ok":`)) // then the connection ends short of 100 bytes
	}))
	t.Cleanup(srv.Close)
	c, _ := testClient(srv, Options{MaxAttempts: 3})
	var out okBody
	_, err := c.Do(context.Background(), Request{URL: srv.URL, Op: "list things"}, &out)
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Kind != connectors.ErrUnavailable {
		t.Fatalf("err %v, want ErrUnavailable", err)
	}
	if !strings.Contains(ce.Message, "stopped before its end, 3 time(s)") {
		t.Errorf("message %q does not say the answer stopped, nor how often", ce.Message)
	}
	if ce.Err == nil || !strings.Contains(ce.Err.Error(), "read response body: ") {
		t.Errorf("cause %v does not say the body could not be read", ce.Err)
	}
}
