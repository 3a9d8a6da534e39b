package httpx

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// redacted replaces every secret Redact finds.
const redacted = "REDACTED"

// secretName matches the names of query and form parameters whose values
// are secrets. Over-redacting (a "postcode", a "$skiptoken") costs a little
// debugging comfort; under-redacting leaks a credential into a log file that
// users attach to support tickets.
const secretName = `[A-Za-z0-9_.$-]*(?:token|code|secret|key|password|passwd|pwd|assertion|signature|credential)[A-Za-z0-9_.$-]*`

// jsonSecretName is secretName for JSON fields, minus a bare "code": Graph
// and Partner Center error bodies carry {"code": "Request_BadRequest"},
// which is what a reader of the log needs, not a secret.
const jsonSecretName = `[A-Za-z0-9_.$-]*(?:token|secret|key|password|passwd|pwd|assertion|signature|credential|device_code|user_code|auth_code)[A-Za-z0-9_.$-]*`

var (
	// An Authorization or Proxy-Authorization header line: the whole value
	// goes, whatever its scheme (Bearer, Basic, SharedKey...).
	authHeaderRE = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization)(\s*[:=]\s*)[^\r\n"',;]+`)
	// "Bearer <token>" anywhere else (quoted requests, WWW-Authenticate echoes).
	bearerRE = regexp.MustCompile(`(?i)\b(bearer)(\s+)[A-Za-z0-9\-._~+/]+=*`)
	// A JWT (header.payload[.signature]): its header always starts with
	// base64url('{"') = "eyJ".
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]*)*`)
	// name=value in a query string or form body.
	paramRE = regexp.MustCompile(`(?i)(^|[?&;,\s"'{(])(` + secretName + `)=([^&\s"'#;,)}]+)`)
	// "name": "value" in JSON.
	jsonFieldRE = regexp.MustCompile(`(?i)("` + jsonSecretName + `"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	// name: value as in a header line (X-Api-Key: ..., MS-ContinuationToken: ...).
	// "code" is left out on purpose: "error code: 600008" in a service
	// message is not a secret.
	headerLineRE = regexp.MustCompile(`(?i)\b([A-Za-z0-9_-]*(?:token|secret|key|password|cookie)[A-Za-z0-9_-]*)(\s*:\s*)[^\s,;"']+`)
	// scheme://user:password@host
	userinfoRE = regexp.MustCompile(`(://[^/\s:@]*):[^/\s@]*@`)
)

// Redact returns s with bearer tokens, JWT-looking strings, and values of
// query/form params named like token, code, secret, key, password,
// assertion, refresh_token, client_secret, device_code replaced by
// "REDACTED". It also redacts such fields in JSON text, header-style
// "name: value" pairs and the password of a URL's userinfo. It is meant for
// URLs, bodies and messages bound for logs and error strings; it never
// fails, and it leaves text without secrets unchanged.
func Redact(s string) string {
	if s == "" {
		return s
	}
	s = authHeaderRE.ReplaceAllString(s, "${1}${2}"+redacted)
	s = bearerRE.ReplaceAllString(s, "${1}${2}"+redacted)
	s = jwtRE.ReplaceAllString(s, redacted)
	s = paramRE.ReplaceAllString(s, "${1}${2}="+redacted)
	s = jsonFieldRE.ReplaceAllString(s, `${1}"`+redacted+`"`)
	s = headerLineRE.ReplaceAllString(s, "${1}${2}"+redacted)
	s = userinfoRE.ReplaceAllString(s, "${1}:"+redacted+"@")
	return s
}

// sensitiveHeader reports whether the value of the header called name must
// never be logged: credentials, cookies, and anything named like a key,
// secret or token (MS-ContinuationToken, Ocp-Apim-Subscription-Key...).
func sensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"authorization", "cookie", "key", "secret", "token", "password", "signature", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// redactHeader returns h as "Name: value" strings sorted by name, fit for a
// debug log: sensitive headers show REDACTED, the others pass through Redact.
func redactHeader(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for _, k := range names {
		v := redacted
		if !sensitiveHeader(k) {
			v = Redact(strings.Join(h[k], ", "))
		}
		out = append(out, k+": "+v)
	}
	return out
}
