package tdsynnex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
	"github.com/seats-msp/seats/connectors/internal/bearer"
)

// Token timing.
const (
	// exchangeTimeout bounds one exchange with its retries, whoever waits.
	exchangeTimeout = 2 * time.Minute
	// abandonGrace is how long an exchange nobody waits for any more goes
	// on before it is cancelled: long enough for one that reached TD
	// SYNNEX to bring back the new refresh token (the old one is used up
	// already), short enough not to hold a quitting program.
	abandonGrace = 5 * time.Second
	// saveTimeout bounds SaveRefreshToken (a keyring can hang).
	saveTimeout = 30 * time.Second
	// exchangeAttempts is how many times an exchange is tried on 429, 5xx
	// or a failed connection.
	exchangeAttempts = 3
	// maxTokenBody bounds the token answer read.
	maxTokenBody = 1 << 20
)

// tokenRenewal is one exchange in flight; callers that need a token
// meanwhile wait for it instead of sending the same refresh token again.
type tokenRenewal struct {
	done    chan struct{}
	tok     string
	err     error
	waiters int // callers waiting for it; guarded by Client.tokMu
	cancel  context.CancelFunc
}

// accessToken returns the access token while it is fresh and its refresh
// token saved, and otherwise renews it: one exchange at a time, whose
// result every concurrent caller shares. The exchange does not run under
// the caller's context: a caller who gives up returns at once, and the
// exchange is cancelled only once nobody has waited for it for
// abandonGrace. If it was cancelled so and this caller still waits, a new
// one starts.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	for {
		c.tokMu.Lock()
		if c.tok != "" && !c.unsaved && c.now().Before(c.renewAt) {
			tok := c.tok
			c.tokMu.Unlock()
			return tok, nil
		}
		r := c.renewal
		if r == nil {
			if err := ctx.Err(); err != nil {
				c.tokMu.Unlock() // gone already: no exchange is started for nobody
				return "", &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: "sign in", Err: err}
			}
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), exchangeTimeout)
			r = &tokenRenewal{done: make(chan struct{}), cancel: cancel}
			c.renewal = r
			go c.renew(rctx, r)
		}
		r.waiters++
		c.tokMu.Unlock()
		select {
		case <-r.done:
			c.tokMu.Lock()
			r.waiters--
			c.tokMu.Unlock()
		case <-ctx.Done():
			c.leave(r)
			return "", &connectors.Error{Kind: connectors.ErrCanceled, Service: service, Op: "sign in", Err: ctx.Err()}
		}
		if r.err != nil && connectors.KindOf(r.err) == connectors.ErrCanceled && ctx.Err() == nil {
			continue // abandoned by everyone else before this caller came; it has not given up
		}
		return r.tok, r.err
	}
}

// leave is a waiter giving up on r; the last one to leave starts the grace
// period after which r is cancelled, unless someone waits for it again.
func (c *Client) leave(r *tokenRenewal) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	r.waiters--
	if r.waiters > 0 {
		return
	}
	time.AfterFunc(abandonGrace, func() {
		c.tokMu.Lock()
		defer c.tokMu.Unlock()
		if r.waiters == 0 {
			r.cancel()
		}
	})
}

// renew saves a refresh token a previous save left behind, exchanges the
// refresh token, saves the new one, and publishes the access token to r's
// waiters only once the new refresh token is saved.
func (c *Client) renew(ctx context.Context, r *tokenRenewal) {
	defer r.cancel()
	tok, err := c.renewToken(ctx)
	c.tokMu.Lock()
	c.renewal = nil
	c.tokMu.Unlock()
	r.tok, r.err = tok, err
	close(r.done)
}

func (c *Client) renewToken(ctx context.Context) (string, error) {
	c.tokMu.Lock()
	refresh, unsaved := c.refresh, c.unsaved
	tok, fresh := c.tok, c.tok != "" && c.now().Before(c.renewAt)
	c.tokMu.Unlock()

	if unsaved {
		// An earlier exchange rotated the token but could not save it: the
		// token TD SYNNEX expects next exists only in memory. Save it first.
		if err := c.save(ctx, refresh); err != nil {
			return "", err
		}
		c.tokMu.Lock()
		c.unsaved = false
		c.tokMu.Unlock()
		if fresh {
			return tok, nil
		}
	}

	answer, err := c.exchange(ctx, refresh)
	if err != nil {
		return "", err
	}
	next := strings.TrimSpace(answer.RefreshToken)
	if next == "" {
		// Ion documents a new refresh token on every answer; an answer
		// without one is read as "the old one goes on working" (as OAuth
		// servers that do not rotate answer), so nothing needs saving.
		next = refresh
	}
	// A missing expires_in costs one extra exchange (which rotates the
	// refresh token, harmlessly), not a failed sync.
	lifetime := bearer.Lifetime(answer.ExpiresIn)
	c.tokMu.Lock()
	c.refresh = next
	c.unsaved = next != refresh
	c.tok = answer.AccessToken
	c.renewAt = c.now().Add(lifetime - bearer.Margin(lifetime))
	c.tokMu.Unlock()
	if next == refresh {
		return answer.AccessToken, nil
	}
	if err := c.save(ctx, next); err != nil {
		return "", err
	}
	c.tokMu.Lock()
	if c.refresh == next {
		c.unsaved = false
	}
	c.tokMu.Unlock()
	return answer.AccessToken, nil
}

// save hands token to SaveRefreshToken under a context of its own: the
// exchange already ended the old token, so giving up on the save because a
// caller gave up would strand the connection. Its error never carries the
// token, even where the saver's own message did.
func (c *Client) save(ctx context.Context, token string) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	err := c.cfg.SaveRefreshToken(sctx, token)
	if err == nil {
		return nil
	}
	said := httpx.Redact(strings.ReplaceAll(err.Error(), token, "REDACTED"))
	if c.log != nil {
		c.log.LogAttrs(ctx, slog.LevelWarn, "refresh token not saved", slog.String("service", service), slog.String("error", said))
	}
	return &connectors.Error{
		Kind: connectors.KindUnknown, Service: service, Op: "save refresh token",
		Message: "the new TD SYNNEX refresh token could not be saved (" + said + "). TD SYNNEX has already retired the old one, " +
			"so this connection works only while seats keeps running and tries the save again: fix the secret store, " +
			"and if seats was closed meanwhile, reconnect with " + reconnectCommand,
	}
}

// invalidate forgets tok if it is still the access token, so that the next
// accessToken renews it; a token someone else renewed meanwhile is kept.
func (c *Client) invalidate(tok string) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if c.tok == tok {
		c.tok = ""
	}
}

// tokenResponse is the token endpoint's answer.
type tokenResponse struct {
	AccessToken  string      `json:"access_token"`
	TokenType    string      `json:"token_type"`
	RefreshToken string      `json:"refresh_token"`
	ExpiresIn    json.Number `json:"expires_in"`
}

// exchange runs the refresh-token grant with a form body, as Ion's SDK
// does (redirect_uri included; it is ignored for this grant).
//
// httpx sends JSON bodies only, so this one request is sent here, through
// the same limited and counted HTTP client, with httpx's error decoding,
// classification and redaction. It is retried on 429, 5xx and failed
// connections: a retry cannot make things worse, since an exchange that
// did reach TD SYNNEX has ended the token either way. An answer that is
// not readable JSON is not retried, for the same reason.
func (c *Client) exchange(ctx context.Context, refresh string) (tokenResponse, error) {
	const op = "sign in"
	form := url.Values{}
	form.Set("grant_type", "refresh_token")
	form.Set("refresh_token", refresh)
	form.Set("redirect_uri", "http://localhost/")
	payload := []byte(form.Encode())
	fail := func(kind connectors.Kind, status int, err error) *connectors.Error {
		return &connectors.Error{Kind: kind, Service: service, Op: op, Status: status, Err: err}
	}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return tokenResponse{}, fail(connectors.ErrCanceled, 0, err)
		}
		status, header, body, err := c.postForm(ctx, payload)
		var wait time.Duration
		switch {
		case err != nil && ctx.Err() != nil:
			return tokenResponse{}, fail(connectors.ErrCanceled, 0, ctx.Err())
		case err != nil:
			if attempt >= exchangeAttempts {
				return tokenResponse{}, c.explainTokenError(fail(connectors.ErrUnavailable, status, err))
			}
			wait = time.Duration(attempt) * time.Second
		case status >= 200 && status <= 299:
			var out tokenResponse
			if err := json.Unmarshal(body, &out); err != nil {
				e := fail(connectors.ErrBadResponse, status, fmt.Errorf("decode response: %w", err))
				return tokenResponse{}, c.explainTokenError(e)
			}
			if strings.TrimSpace(out.AccessToken) == "" {
				e := fail(connectors.ErrBadResponse, status, nil)
				return tokenResponse{}, c.explainTokenError(e)
			}
			return out, nil
		case retryable(status) && attempt < exchangeAttempts:
			wait = time.Duration(attempt) * time.Second
			if ra, ok := retryAfter(header); ok {
				wait = ra
			}
		default:
			code, message := httpx.DecodeErrorBody(body)
			code, message = httpx.Redact(strings.ReplaceAll(code, refresh, "REDACTED")), httpx.Redact(strings.ReplaceAll(message, refresh, "REDACTED"))
			e := fail(httpx.Classify(status, code, message), status, &httpx.StatusError{Status: status, Attempts: attempt})
			e.Code, e.Message = code, message
			return tokenResponse{}, c.explainTokenError(e)
		}
		if err := c.sleep(ctx, wait); err != nil {
			return tokenResponse{}, fail(connectors.ErrCanceled, 0, err)
		}
	}
}

// postForm sends one exchange and reads its answer (bounded). err is a
// transport error whose text carries no URL query or body.
func (c *Client) postForm(ctx context.Context, payload []byte) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.tokenURL, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, nil, errors.New("cannot build the token request")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "seats")
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.logExchange(ctx, 0, start, err)
		var ue *url.Error
		if errors.As(err, &ue) {
			err = &url.Error{Op: ue.Op, URL: httpx.Redact(ue.URL), Err: ue.Err}
		}
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	c.logExchange(ctx, resp.StatusCode, start, err)
	if err != nil {
		return resp.StatusCode, resp.Header, nil, fmt.Errorf("read the token answer: %w", err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// logExchange writes one debug record of an exchange, without its body
// (which holds both refresh tokens).
func (c *Client) logExchange(ctx context.Context, status int, start time.Time, err error) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("service", service),
		slog.String("op", "sign in"),
		slog.String("method", http.MethodPost),
		slog.String("url", httpx.Redact(c.tokenURL)),
		slog.Duration("duration", time.Since(start)),
	}
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", httpx.Redact(err.Error())))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "http", attrs...)
}

func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads Retry-After in seconds, capped at a minute.
func retryAfter(h http.Header) (time.Duration, bool) {
	secs, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || secs < 0 {
		return 0, false
	}
	return min(time.Duration(secs)*time.Second, time.Minute), true
}

// explainTokenError turns a failed exchange into what to fix. OAuth servers
// answer a used, revoked or expired refresh token with 400 invalid_grant
// (some with 401); Ion's exact answer is not published, so both readings
// mean "refused".
func (c *Client) explainTokenError(err *connectors.Error) error {
	out := *err
	said := ""
	if err.Message != "" {
		said = " (TD SYNNEX said: " + err.Message + ")"
	}
	switch code := strings.ToLower(err.Code); {
	case err.Status == http.StatusUnauthorized || code == "invalid_grant" || code == "invalid_token" ||
		code == "invalid_client" || code == "unauthorized_client":
		out.Kind = connectors.ErrUnauthorized
		out.Message = "the refresh token was refused: TD SYNNEX no longer accepts this refresh token" + said +
			". Ion refresh tokens work once and end after about a month unused; another program using the same Ion credentials also uses them up. " +
			"In Ion, under Settings → Users → the API user → OAuth credentials, request new credentials, then run " + reconnectCommand
	case err.Status == http.StatusForbidden:
		out.Message = "TD SYNNEX would not issue a token for this user" + said + ": the Ion user needs API access (a dedicated API user is best)"
	case err.Status == http.StatusNotFound || err.Status == http.StatusMethodNotAllowed:
		out.Message = "there is no Ion token endpoint at " + httpx.Redact(c.tokenURL) + said + ": check " + SettingURL + " (default " + DefaultBaseURL + ")"
	case err.Kind == connectors.ErrBadResponse:
		out.Message = "the answer from " + httpx.Redact(c.tokenURL) + " is not an Ion token. If it came from TD SYNNEX, the refresh token may be used up already: " +
			"if the next try says the refresh token was refused, reconnect with " + reconnectCommand + "; otherwise check " + SettingURL
	default:
		if host := unreachableHost(err); host != "" {
			out.Message = "cannot find the host " + host + ": check " + SettingURL + " and the network"
		}
	}
	return &out
}
