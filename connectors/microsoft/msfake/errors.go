package msfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		// Every answer is built from the package's own plain values.
		panic(fmt.Sprintf("msfake: encoding answer: %v", err))
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

const (
	jsonType  = "application/json; charset=utf-8"
	graphType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
)

// aadErr is an error of the Entra authority: an OAuth error code, the
// AADSTS number and its text.
type aadErr struct {
	status   int
	code     string // OAuth error: invalid_grant, authorization_pending...
	aadsts   int
	desc     string // the text after "AADSTSnnnn: "
	suberror string
}

// aadBody is Entra's token-endpoint error JSON.
type aadBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri"`
	Suberror         string `json:"suberror,omitempty"`
}

// writeAADError answers in Entra's shape. Entra echoes the client's
// client-request-id as the correlation id, which MSAL relies on for support
// cases.
func (s *Server) writeAADError(w http.ResponseWriter, r *http.Request, e aadErr) {
	now := s.now().UTC()
	trace := newGUID()
	corr := r.Header.Get("client-request-id")
	if corr == "" {
		corr = newGUID()
	}
	ts := now.Format("2006-01-02 15:04:05Z")
	body := aadBody{
		Error: e.code,
		ErrorDescription: fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
			e.aadsts, e.desc, trace, corr, ts),
		ErrorCodes:    []int{e.aadsts},
		Timestamp:     ts,
		TraceID:       trace,
		CorrelationID: corr,
		ErrorURI:      fmt.Sprintf("%s/error?code=%d", baseURL(r), e.aadsts),
		Suberror:      e.suberror,
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	writeJSON(w, e.status, jsonType, body)
}

type graphErrorBody struct {
	Error graphErrorDetail `json:"error"`
}

type graphErrorDetail struct {
	Code       string          `json:"code"`
	Message    string          `json:"message"`
	InnerError graphInnerError `json:"innerError"`
}

type graphInnerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// writeGraphError answers in Graph's error shape, with Graph's request-id
// headers.
func writeGraphError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	reqID, clientReqID := graphRequestIDs(w, r)
	writeJSON(w, status, graphType, graphErrorBody{Error: graphErrorDetail{
		Code:    code,
		Message: message,
		InnerError: graphInnerError{
			Date:            time.Now().UTC().Format("2006-01-02T15:04:05"),
			RequestID:       reqID,
			ClientRequestID: clientReqID,
		},
	}})
}

// graphRequestIDs sets Graph's request-id and client-request-id headers:
// the client's id is echoed, a missing one is made up, as Graph does.
func graphRequestIDs(w http.ResponseWriter, r *http.Request) (reqID, clientReqID string) {
	if v := w.Header().Get("request-id"); v != "" {
		return v, w.Header().Get("client-request-id")
	}
	reqID = newGUID()
	clientReqID = r.Header.Get("client-request-id")
	if clientReqID == "" {
		clientReqID = reqID
	}
	w.Header().Set("request-id", reqID)
	w.Header().Set("client-request-id", clientReqID)
	return reqID, clientReqID
}

type pcErrorBody struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	Data        []any  `json:"data"`
	Source      string `json:"source"`
}

// writePCError answers in Partner Center's error shape.
func writePCError(w http.ResponseWriter, r *http.Request, status int, code, description string) {
	pcHeaders(w, r)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeJSON(w, status, jsonType, pcErrorBody{Code: code, Description: description, Data: []any{}, Source: "PartnerFD"})
}

// pcHeaders echoes MS-CorrelationId, as Partner Center does, so that a
// client can tie an answer to its request.
func pcHeaders(w http.ResponseWriter, r *http.Request) {
	if v := r.Header.Get("MS-CorrelationId"); v != "" {
		w.Header().Set("MS-CorrelationId", v)
	}
	if v := r.Header.Get("MS-RequestId"); v != "" {
		w.Header().Set("MS-RequestId", v)
	}
}
