// Package httpx is the one HTTP layer every seats connector uses (Graph,
// Partner Center, the distributors and PSAs), so that timeouts, retries,
// paging, error classification and redaction behave the same everywhere.
//
// A Client sends JSON requests and decodes JSON answers. It retries only what
// is safe to repeat: GET, HEAD, PUT, DELETE and OPTIONS, or any request the
// caller marks Idempotent (a Partner Center POST that reuses its
// MS-RequestId). It retries on 429, 500, 502, 503, 504 and transport failures,
// honouring Retry-After (seconds or an HTTP date) and otherwise backing off
// exponentially with jitter, for a bounded number of attempts.
//
// Every failure comes back as a *connectors.Error whose Kind says what the
// caller can do about it (sign in again, ask for consent, wait, fix the
// request); DecodeErrorBody and Classify turn the error bodies of Microsoft
// and the distributors into that Kind plus the service's own code and message.
//
// ODataEach and PartnerCenterEach walk paged collections by following the
// server's own next links, with guards against loops and runaway paging.
//
// Nothing secret leaves this package: the debug log shows redacted URLs and
// header values, and error strings carry redacted URLs only (see Redact).
package httpx
