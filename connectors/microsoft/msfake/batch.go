package msfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// maxBatch is how many requests one JSON batch may carry, as in Graph.
const maxBatch = 20

// batchRequest is one request inside a Graph JSON batch.
type batchRequest struct {
	ID      string            `json:"id"`
	Method  string            `json:"method"`
	URL     string            `json:"url"` // relative to the version root: "/users?$top=999"
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// batchResponse is one answer inside a Graph JSON batch.
type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// serveGraphBatch serves POST /graph/v1.0/$batch as Graph does: up to 20
// requests, each answered on its own (its own status, 429 with Retry-After
// included) inside one 200; the outer answer fails only when the batch
// itself is malformed or its token is not good. Each inner request goes
// through the same handlers (and the same injected failures) as if sent
// alone, and counts as part of the one call.
func (s *Server) serveGraphBatch(w http.ResponseWriter, r *http.Request) {
	graphRequestIDs(w, r)
	if r.Method != http.MethodPost {
		writeGraphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest",
			"Specified HTTP method is not allowed for the request target.")
		return
	}
	s.mu.Lock()
	_, msg := s.authenticate(r, resGraph)
	s.mu.Unlock()
	if msg != "" {
		writeGraphError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
		return
	}
	var batch struct {
		Requests []batchRequest `json:"requests"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxFormBytes*16)).Decode(&batch); err != nil {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Invalid batch payload format.")
		return
	}
	switch {
	case len(batch.Requests) == 0:
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Invalid batch payload format.")
		return
	case len(batch.Requests) > maxBatch:
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("The number of batch requests exceeds the limit of %d.", maxBatch))
		return
	}
	seen := map[string]bool{}
	out := make([]batchResponse, 0, len(batch.Requests))
	for _, in := range batch.Requests {
		if in.ID == "" || seen[in.ID] {
			writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Batch request ids must be present and unique.")
			return
		}
		seen[in.ID] = true
		out = append(out, s.batchItem(r, in))
	}
	writeJSON(w, http.StatusOK, jsonType, map[string]any{"responses": out})
}

// batchItem answers one request of a batch by serving it as a request of
// its own, with the outer request's Authorization.
func (s *Server) batchItem(outer *http.Request, in batchRequest) batchResponse {
	rec := httptest.NewRecorder()
	method := strings.ToUpper(strings.TrimSpace(in.Method))
	u, err := url.Parse(in.URL)
	if err != nil || u.IsAbs() || !strings.HasPrefix(in.URL, "/") || method == "" {
		writeGraphError(rec, outer, http.StatusBadRequest, "BadRequest", "Invalid request URL or method in the batch.")
		return recorded(in.ID, rec)
	}
	inner, err := http.NewRequestWithContext(outer.Context(), method, baseURL(outer)+graphPrefix+"/v1.0"+in.URL, strings.NewReader(string(in.Body)))
	if err != nil {
		writeGraphError(rec, outer, http.StatusBadRequest, "BadRequest", "Invalid request URL in the batch.")
		return recorded(in.ID, rec)
	}
	inner.Host = outer.Host
	inner.TLS = outer.TLS
	inner.Header.Set("Authorization", outer.Header.Get("Authorization"))
	for k, v := range in.Headers {
		inner.Header.Set(k, v)
	}
	itemFault := func(f Fault) bool { return f == FaultThrottle || f == FaultServer }
	if f, ok := s.takeFaultRule(inner, itemFault); ok {
		s.writeFaultStatus(rec, inner, f, http.StatusServiceUnavailable, true, false)
	} else if f, status := s.pickItemFault(); f != "" {
		s.writeFaultStatus(rec, inner, f, status, true, false)
	} else if rule, ok := s.takeFailure(inner); ok {
		s.writeInjected(rec, inner, rule, true, false)
	} else {
		s.serveGraph(rec, inner, strings.TrimPrefix(inner.URL.Path, graphPrefix))
	}
	return recorded(in.ID, rec)
}

// recorded turns a recorded answer into a batch response.
func recorded(id string, rec *httptest.ResponseRecorder) batchResponse {
	res := batchResponse{ID: id, Status: rec.Code, Headers: map[string]string{}}
	for _, k := range []string{"Content-Type", "Retry-After", "request-id"} {
		if v := rec.Header().Get(k); v != "" {
			res.Headers[k] = v
		}
	}
	if body := rec.Body.Bytes(); len(body) > 0 && json.Valid(body) {
		res.Body = json.RawMessage(body)
	}
	return res
}
