package fakekit

import (
	"net/http"
	"net/url"
	"strings"
)

// Origin is where the client reached the fake: scheme, host and the prefix
// the fake is mounted under (the sandbox serves every fake on one address,
// each under http.StripPrefix, which leaves RequestURI whole). A fake that
// writes its own URLs into answers (a zone, an auth URL, a next page)
// starts them here.
func Origin(r *http.Request) string {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	prefix := ""
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		prefix = strings.TrimSuffix(u.Path, r.URL.Path)
	}
	return scheme + "://" + r.Host + prefix
}
