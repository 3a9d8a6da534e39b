package msfake

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// skipGrant is the content of a Graph $skiptoken.
type skipGrant struct {
	Offset int `json:"o"`
}

// queryValue reads an OData query option; Graph matches their names without
// regard to case ($skipToken and $skiptoken both work).
func queryValue(q url.Values, name string) (string, bool) {
	for k, vs := range q {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0], true
		}
	}
	return "", false
}

// pageSize is the page size for a request: what the client asked for within
// 1..max, else def; Options.PageSize overrides the default and caps the rest.
// It returns a non-empty message for a size out of range.
func (s *Server) pageSize(asked string, present bool, max, def int) (int, string) {
	size := def
	if present {
		n, err := strconv.Atoi(strings.TrimSpace(asked))
		if err != nil || n < 1 || n > max {
			return 0, fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", asked, max)
		}
		size = n
	}
	if ps := s.opts.PageSize; ps > 0 && (!present || size > ps) {
		size = ps
	}
	return size, ""
}

// graphPage picks the slice [start,end) of a Graph collection of total items
// that the request asks for, and the @odata.nextLink of the following page
// ("" on the last). collection binds the skip token to one collection of one
// tenant, so a token cannot be replayed elsewhere. Call with the lock held.
func (s *Server) graphPage(r *http.Request, collection string, total, max, def int) (start, end int, next string, errMsg string) {
	q := r.URL.Query()
	top, present := queryValue(q, "$top")
	size, msg := s.pageSize(top, present, max, def)
	if msg != "" {
		return 0, 0, "", msg
	}
	if tok, ok := queryValue(q, "$skiptoken"); ok {
		var g skipGrant
		if err := unseal(s.w.SigningKey, "skip:"+collection, tok, &g); err != nil || g.Offset < 0 || g.Offset > total {
			return 0, 0, "", "The $skiptoken is not valid for this request. Follow @odata.nextLink as returned."
		}
		start = g.Offset
	}
	end = min(start+size, total)
	if end < total {
		next = nextLink(r, seal(s.w.SigningKey, "skip:"+collection, skipGrant{Offset: end}))
	}
	return start, end, next, ""
}

// nextLink is the absolute URL of the next page: the request's own URL and
// query options with a new $skiptoken, as Graph builds it.
func nextLink(r *http.Request, token string) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		if !strings.EqualFold(k, "$skiptoken") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		// Graph writes OData option names with a literal "$".
		name := strings.ReplaceAll(url.QueryEscape(k), "%24", "$")
		for _, v := range q[k] {
			parts = append(parts, name+"="+url.QueryEscape(v))
		}
	}
	parts = append(parts, "$skiptoken="+url.QueryEscape(token))
	return baseURL(r) + r.URL.Path + "?" + strings.Join(parts, "&")
}
