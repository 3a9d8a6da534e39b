package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// LogTransport wraps base so that every request through it is written to
// logger at Debug level, redacted like the Client's own log. It is for HTTP
// that does not go through a Client, such as MSAL's sign-in traffic, so that
// --debug shows the whole conversation. A nil logger returns base.
func LogTransport(base http.RoundTripper, logger *slog.Logger, service string) http.RoundTripper {
	if logger == nil {
		return base
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return &logTransport{base: base, log: logger, service: service}
}

type logTransport struct {
	base    http.RoundTripper
	log     *slog.Logger
	service string
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	ctx := req.Context()
	if !t.log.Enabled(ctx, slog.LevelDebug) {
		return resp, err
	}
	attrs := []slog.Attr{
		slog.String("service", t.service),
		slog.String("method", req.Method),
		slog.String("url", Redact(req.URL.String())),
		slog.Duration("duration", time.Since(start)),
		slog.Any("request_headers", redactHeader(req.Header)),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode), slog.Any("response_headers", redactHeader(resp.Header)))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", Redact(err.Error())))
	}
	t.log.LogAttrs(ctx, slog.LevelDebug, "http", attrs...)
	return resp, err
}

// Sleep waits for d or until ctx ends, whichever is first; it is the
// default Options.Sleep and suits any caller that waits between tries.
func Sleep(ctx context.Context, d time.Duration) error { return sleepCtx(ctx, d) }
