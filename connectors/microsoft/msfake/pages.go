package msfake

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The sandbox's pages are plain HTML: people open them in a browser while
// trying seats without a Microsoft tenant, and tests read them.
var pages = template.Must(template.New("layout").Parse(`{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{{with .Refresh}}
{{.}}{{end}}
<title>{{.Title}} - seats sandbox</title>
<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5}code{font-size:1.2em}</style>
</head><body>
<p><small>seats sandbox: a local stand-in for Microsoft sign-in. Nothing here reaches Microsoft.</small></p>
<h1>{{.Title}}</h1>
{{end}}
{{define "tail"}}</body></html>
{{end}}
{{define "message"}}{{template "head" .}}<p>{{.Message}}</p>
{{template "tail" .}}{{end}}
{{define "devicelogin"}}{{template "head" .}}<p>This sandbox approves device codes automatically: there is nothing
to enter. Go back to seats; the sign-in finishes by itself.</p>
{{if .Code}}<p>Code received: <code>{{.Code}}</code>.</p>{{end}}
<form method="post"><label>Code <input name="code" autocomplete="off"></label> <button>Next</button></form>
{{template "tail" .}}{{end}}
{{define "consent"}}{{template "head" .}}<p><strong>{{.App}}</strong> asks for permission to read data in
<strong>{{.Customer}}</strong>. Accepting grants it for the whole organisation.</p>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
{{if .Refresh}}<p>This sandbox accepts by itself in a moment.</p>{{end}}
<form method="post" action="{{.Action}}"><input type="hidden" name="accept" value="1"><button>Accept</button></form>
<form method="post" action="{{.Action}}"><input type="hidden" name="accept" value="0"><button>Cancel</button></form>
{{template "tail" .}}{{end}}
{{define "formpost"}}<!DOCTYPE html>
<html><head><title>Working...</title></head><body onload="document.forms[0].submit()">
<form method="POST" name="hiddenform" action="{{.Action}}">{{range .Fields}}
<input type="hidden" name="{{.Name}}" value="{{.Value}}">{{end}}
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript>
</form></body></html>
{{end}}`))

type pageData struct {
	Title    string
	Message  string
	Refresh  template.HTML // a whole meta refresh tag, built by refreshTag
	Code     string
	App      string
	Customer string
	Scopes   []string
	Action   string
	Fields   []formField
}

type formField struct{ Name, Value string }

func writePage(w http.ResponseWriter, status int, name string, d pageData) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, d); err != nil {
		// The templates are fixed and their data plain strings.
		panic(fmt.Sprintf("msfake: rendering %s: %v", name, err))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeHTMLError(w http.ResponseWriter, status int, title, message string) {
	writePage(w, status, "message", pageData{Title: title, Message: message})
}

// writeFormPost is Entra's response_mode=form_post answer: a page whose form
// posts the result to the redirect URI as soon as it loads.
func writeFormPost(w http.ResponseWriter, action string, params url.Values) {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var fields []formField
	for _, k := range keys {
		for _, v := range params[k] {
			fields = append(fields, formField{Name: k, Value: v})
		}
	}
	writePage(w, http.StatusOK, "formpost", pageData{Action: action, Fields: fields})
}

// serveDeviceLogin stands in for microsoft.com/devicelogin.
func (s *Server) serveDeviceLogin(w http.ResponseWriter, r *http.Request) {
	code := ""
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err == nil {
			code = strings.TrimSpace(r.PostForm.Get("code"))
		}
	}
	writePage(w, http.StatusOK, "devicelogin", pageData{Title: "Enter code", Code: code})
}

// serveAdminConsent is the customer admin's consent page (Option A):
// GET shows what the app asks for; POST accept=1 grants it in the customer
// tenant, with no GDAP needed, and returns to the redirect URI the way Entra
// does.
func (s *Server) serveAdminConsent(w http.ResponseWriter, r *http.Request, seg string) {
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}
	if err := r.ParseForm(); err != nil {
		writeHTMLError(w, http.StatusBadRequest, "Permissions requested", "The request could not be read.")
		return
	}
	q := r.URL.Query()
	clientID, scope, redirect, state := q.Get("client_id"), q.Get("scope"), q.Get("redirect_uri"), q.Get("state")
	accept := r.Form.Get("accept")

	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.resolveTenant(seg)
	switch {
	case !ok || isAlias(seg):
		writeHTMLError(w, http.StatusBadRequest, "Permissions requested",
			fmt.Sprintf("AADSTS90002: Tenant '%s' not found.", seg))
		return
	case t.isPartner():
		writeHTMLError(w, http.StatusBadRequest, "Permissions requested",
			"This sandbox models admin consent in customer tenants only.")
		return
	case !s.knownClient(clientID) || clientID == BootstrapClientID:
		writeHTMLError(w, http.StatusBadRequest, "Permissions requested",
			s.unknownClient(clientID, t.name).desc)
		return
	case redirect != "" && !validRedirect(redirect):
		writeHTMLError(w, http.StatusBadRequest, "Permissions requested",
			fmt.Sprintf("AADSTS50011: The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application.", redirect))
		return
	}
	scopes := consentScopes(scope)
	auto := s.opts.AdminConsentAutoAccept
	switch {
	case accept == "1" && (r.Method == http.MethodPost || auto > 0):
		s.setConsent(t.customer, clientID, &Consent{Method: "admin", Scopes: scopes, GrantedAt: s.now().UTC()})
		if s.opts.OnChange != nil {
			s.opts.OnChange(s.w)
		}
		if redirect == "" {
			writeHTMLError(w, http.StatusOK, "Consent granted",
				fmt.Sprintf("%s can now read %s. You can close this page.", s.w.AppName, t.name))
			return
		}
		back := url.Values{"admin_consent": {"True"}, "tenant": {t.id}, "scope": {strings.Join(scopes, " ")}}
		if state != "" {
			back.Set("state", state)
		}
		http.Redirect(w, r, withQuery(redirect, back), http.StatusFound)
	case accept == "0" && r.Method == http.MethodPost:
		if redirect == "" {
			writeHTMLError(w, http.StatusOK, "Consent not granted", "Nothing was changed. You can close this page.")
			return
		}
		back := url.Values{"admin_consent": {"True"}, "error": {"access_denied"},
			"error_description": {"AADSTS65004: User declined to consent to access the app."}}
		if state != "" {
			back.Set("state", state)
		}
		http.Redirect(w, r, withQuery(redirect, back), http.StatusFound)
	default:
		q.Del("accept")
		action := r.URL.Path + "?" + q.Encode()
		d := pageData{Title: "Permissions requested", App: s.w.AppName, Customer: t.name, Scopes: scopes, Action: action}
		if auto > 0 {
			q.Set("accept", "1")
			d.Refresh = refreshTag(secondsOf(auto), r.URL.Path+"?"+q.Encode())
		}
		writePage(w, http.StatusOK, "consent", d)
	}
}

// consentScopes are the permission names an admin consent grants: the
// app's configured ones for ".default" (or nothing), else those asked for,
// without their resource prefix.
func consentScopes(scope string) []string {
	var out []string
	for _, sc := range strings.Fields(scope) {
		name := sc[strings.LastIndex(sc, "/")+1:]
		if name == ".default" {
			return append([]string(nil), adminConsentScopes...)
		}
		if oidcScopes[strings.ToLower(name)] {
			continue
		}
		out = append(out, name)
	}
	if len(out) == 0 {
		return append([]string(nil), adminConsentScopes...)
	}
	return out
}

// refreshTag builds a meta refresh tag. html/template refuses dynamic
// values in http-equiv content, so the tag is built here with the URL
// escaped by hand.
func refreshTag(seconds int, target string) template.HTML {
	return template.HTML(fmt.Sprintf(`<meta http-equiv="refresh" content="%d;url=%s">`, seconds, html.EscapeString(target)))
}

// secondsOf renders a duration in whole seconds, rounding up.
func secondsOf(d time.Duration) int { return int(math.Ceil(d.Seconds())) }
