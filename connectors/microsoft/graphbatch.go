package microsoft

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/httpx"
)

// maxBatch is the most requests Graph takes in one JSON batch.
const maxBatch = 20

// batchAttempts is how many times one request inside a batch is sent in
// all when Graph answers it 429 or 5xx (the same budget as a single call).
const batchAttempts = httpx.DefaultMaxAttempts

// batchMaxWait caps the wait before throttled items are sent again.
const batchMaxWait = 60 * time.Second

// batchItem is one GET inside a Graph JSON batch.
type batchItem struct {
	id  string
	url string // relative to the version root: "/users?$top=999"
	op  string // what it reads, for errors: "list users"
}

// batchOutcome is how one item ended: its body on 2xx, else its error (a
// *connectors.Error with the item's own status and Graph's code).
type batchOutcome struct {
	body json.RawMessage
	err  error
}

type batchPayload struct {
	Requests []batchPayloadItem `json:"requests"`
}

type batchPayloadItem struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"`
}

type batchAnswer struct {
	Responses []struct {
		ID      string            `json:"id"`
		Status  int               `json:"status"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"responses"`
}

// graphBatch sends up to maxBatch GETs as one Graph JSON batch, so that a
// tenant's SKUs, subscriptions and users cost one round trip instead of
// three. Graph answers each item on its own; items throttled or failed
// (429, 5xx) are sent again in a smaller batch after Retry-After (or a
// backoff), within batchAttempts. The batch request itself goes through
// httpx, retried like any read. err is set only when the batch as a whole
// failed; otherwise every item has an outcome.
func (c *Client) graphBatch(ctx context.Context, tok string, items []batchItem) (map[string]batchOutcome, error) {
	out := make(map[string]batchOutcome, len(items))
	byID := make(map[string]batchItem, len(items))
	for _, it := range items {
		byID[it.id] = it
	}
	pending := items
	for attempt := 1; len(pending) > 0; attempt++ {
		payload := batchPayload{Requests: make([]batchPayloadItem, len(pending))}
		for i, it := range pending {
			payload.Requests[i] = batchPayloadItem{ID: it.id, Method: http.MethodGet, URL: it.url}
		}
		var ans batchAnswer
		_, err := c.graph.Do(ctx, httpx.Request{
			Method: http.MethodPost,
			URL:    c.graphURL + "/v1.0/$batch",
			Header: bearer(tok),
			Body:   payload,
			// Every item is a GET: sending the batch again does nothing twice.
			Idempotent: true,
			Op:         batchOp(pending),
		}, &ans)
		if err != nil {
			return nil, err
		}
		var retry []batchItem
		var wait time.Duration
		for _, res := range ans.Responses {
			it, ok := byID[res.ID]
			if !ok {
				continue
			}
			if res.Status >= 200 && res.Status <= 299 {
				out[it.id] = batchOutcome{body: res.Body}
				continue
			}
			retryAfter, hasRetryAfter := headerRetryAfter(res.Headers)
			if attempt < batchAttempts && retryableStatus(res.Status) {
				retry = append(retry, it)
				w := backoff(attempt)
				if hasRetryAfter {
					w = min(retryAfter, batchMaxWait)
				}
				wait = max(wait, w)
				continue
			}
			code, message := httpx.DecodeErrorBody(res.Body)
			code, message = httpx.Redact(code), httpx.Redact(message)
			out[it.id] = batchOutcome{err: &connectors.Error{
				Kind: httpx.Classify(res.Status, code, message), Service: "graph", Op: it.op,
				Status: res.Status, Code: code, Message: message,
				Err: &httpx.StatusError{Status: res.Status, RetryAfter: retryAfter, Attempts: attempt},
			}}
		}
		for _, it := range pending {
			if _, answered := out[it.id]; !answered && !contains(retry, it.id) {
				// Graph left it out of the answer: not a reply we can use.
				out[it.id] = batchOutcome{err: &connectors.Error{Kind: connectors.ErrBadResponse, Service: "graph", Op: it.op,
					Message: "the batch answer has no reply for this request"}}
			}
		}
		pending = retry
		if len(pending) > 0 {
			if err := c.sleep(ctx, wait); err != nil {
				return nil, &connectors.Error{Kind: connectors.ErrCanceled, Service: "graph", Op: batchOp(pending), Err: ctx.Err()}
			}
		}
	}
	return out, nil
}

// batchOp names a batch for errors and the log by what it reads.
func batchOp(items []batchItem) string {
	ops := make([]string, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		if !seen[it.op] {
			seen[it.op] = true
			ops = append(ops, it.op)
		}
	}
	if len(ops) > 3 {
		ops = append(ops[:3], "…")
	}
	return strings.Join(ops, ", ")
}

func contains(items []batchItem, id string) bool {
	for _, it := range items {
		if it.id == id {
			return true
		}
	}
	return false
}

// retryableStatus: throttled or briefly unwell, as httpx decides for a
// single call.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// headerRetryAfter reads an item's Retry-After in seconds (Graph sends
// seconds inside batches).
func headerRetryAfter(h map[string]string) (time.Duration, bool) {
	for k, v := range h {
		if !strings.EqualFold(k, "Retry-After") {
			continue
		}
		secs, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int(batchMaxWait/time.Second))) * time.Second, true
	}
	return 0, false
}

// backoff is the wait before an item is sent again when Graph named none.
func backoff(attempt int) time.Duration {
	return min(500*time.Millisecond<<(attempt-1), batchMaxWait)
}
