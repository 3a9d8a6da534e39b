package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/seats-msp/seats/store/internal/atomicfile"
)

// The keys seats understands, dotted as in the YAML nesting. Keep this list,
// the keySpecs table and Settings in step: a key missing from the table is an
// "unknown key" in every layer.
const (
	KeyCloud            = "microsoft.cloud"
	KeyClientID         = "microsoft.client_id"
	KeyTenantID         = "microsoft.tenant_id"
	KeyAuthorityHost    = "microsoft.authority_host"
	KeyGraphURL         = "microsoft.graph_url"
	KeyPartnerCenterURL = "microsoft.partner_center_url"
	KeyCAFile           = "tls.ca_file"
	KeyConcurrency      = "sync.concurrency"
)

// EnvPrefix starts the name of every environment variable that sets a key:
// SEATS_ + the key upper-cased with "." as "_" (see EnvName).
const EnvPrefix = "SEATS_"

// EnvName returns the environment variable that sets key, e.g.
// "sync.concurrency" -> "SEATS_SYNC_CONCURRENCY".
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

type valueKind int

const (
	kindString valueKind = iota
	kindInt
)

// keySpec describes one key: its type, its default, whether the wizard may
// write it, and the check that validates and normalises a typed value. base
// is the folder a relative path is resolved against (the home for values read
// from config.yaml, the working directory otherwise).
type keySpec struct {
	key    string
	kind   valueKind
	def    any // nil: no default, the zero value means "not configured"
	wizard bool
	check  func(v any, base string) (any, error)
}

var keySpecs = []keySpec{
	{key: KeyCloud, kind: kindString, def: CloudGlobal, wizard: true, check: checkCloud},
	{key: KeyClientID, kind: kindString, wizard: true, check: checkClientID},
	{key: KeyTenantID, kind: kindString, wizard: true, check: checkTenantID},
	{key: KeyAuthorityHost, kind: kindString, check: checkHTTPSURL},
	{key: KeyGraphURL, kind: kindString, check: checkHTTPSURL},
	{key: KeyPartnerCenterURL, kind: kindString, check: checkHTTPSURL},
	{key: KeyCAFile, kind: kindString, check: checkCAFile},
	{key: KeyConcurrency, kind: kindInt, def: 8, wizard: true, check: checkConcurrency},
}

// Keys returns every key seats understands, in a stable order.
func Keys() []string {
	out := make([]string, len(keySpecs))
	for i, s := range keySpecs {
		out[i] = s.key
	}
	return out
}

// WizardKeys returns the keys Save may write: the ones the wizard owns.
// Everything else in config.yaml is the user's and is only ever read.
func WizardKeys() []string {
	var out []string
	for _, s := range keySpecs {
		if s.wizard {
			out = append(out, s.key)
		}
	}
	return out
}

func lookupKey(key string) (keySpec, bool) {
	for _, s := range keySpecs {
		if s.key == key {
			return s, true
		}
	}
	return keySpec{}, false
}

// isSection reports whether name is a proper prefix of some key, such as
// "microsoft" or "sync": a YAML mapping that holds keys.
func isSection(name string) bool {
	for _, s := range keySpecs {
		if strings.HasPrefix(s.key, name+".") {
			return true
		}
	}
	return false
}

// parseString turns the text of an env variable or a flag into the key's
// type, then checks it.
func (s keySpec) parseString(raw, base string) (any, error) {
	if s.kind == kindInt {
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", raw)
		}
		return s.check(n, base)
	}
	return s.check(raw, base)
}

// parseValue accepts a Go value (from Save, Override or viper) of the key's
// type, or a string to parse, and checks it.
func (s keySpec) parseValue(v any, base string) (any, error) {
	if str, ok := v.(string); ok {
		return s.parseString(str, base)
	}
	if s.kind == kindString {
		return nil, fmt.Errorf("must be a string, not %T", v)
	}
	n, ok := toInt(v)
	if !ok {
		return nil, fmt.Errorf("must be an integer, not %T", v)
	}
	return s.check(n, base)
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int8:
		return int(n), true
	case int16:
		return int(n), true
	case int32:
		return int(n), true
	case int64:
		return int(n), int64(int(n)) == n
	case uint8:
		return int(n), true
	case uint16:
		return int(n), true
	case uint32:
		return int(n), uint64(n) <= uint64(maxInt)
	case uint64:
		return int(n), n <= uint64(maxInt)
	case uint:
		return int(n), uint64(n) <= uint64(maxInt)
	}
	return 0, false
}

const maxInt = int(^uint(0) >> 1)

func checkCloud(v any, _ string) (any, error) {
	s := v.(string)
	if _, ok := cloudTable[s]; !ok {
		return nil, fmt.Errorf("%q is not one of %s", s, strings.Join(Clouds(), ", "))
	}
	return s, nil
}

var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkClientID never echoes the value: people paste a client secret where the
// client id belongs, and no secret may reach an error message.
func checkClientID(v any, _ string) (any, error) {
	s := strings.TrimSpace(v.(string))
	if s != "" && !guidPattern.MatchString(s) {
		return nil, errors.New("is not an application (client) id: expected a GUID like 00000000-0000-0000-0000-000000000000")
	}
	return s, nil
}

var domainPattern = regexp.MustCompile(`^(?i)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// checkTenantID accepts a GUID, a verified domain or "organizations". "common"
// and "consumers" would let personal Microsoft accounts in, which can never
// be a partner tenant. Like the client id, the value is not echoed.
func checkTenantID(v any, _ string) (any, error) {
	s := strings.TrimSpace(v.(string))
	switch {
	case s == "" || s == "organizations":
		return s, nil
	case strings.EqualFold(s, "common") || strings.EqualFold(s, "consumers"):
		return nil, errors.New("must be the partner tenant's GUID or domain (or empty for organizations), not common/consumers")
	case guidPattern.MatchString(s) || domainPattern.MatchString(s):
		return s, nil
	}
	return nil, errors.New("is neither a tenant GUID nor a domain such as contoso.onmicrosoft.com")
}

// checkHTTPSURL accepts an empty value (no override) or an absolute https URL
// without credentials, query or fragment; the trailing slash is trimmed so
// callers can append paths.
func checkHTTPSURL(v any, _ string) (any, error) {
	s := strings.TrimSpace(v.(string))
	if s == "" {
		return s, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("is not a valid URL")
	}
	if u.User != nil {
		return nil, errors.New("must not carry a user name or password")
	}
	if u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%q is not an https URL", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not have a query or fragment", u.Redacted())
	}
	return strings.TrimRight(s, "/"), nil
}

// checkCAFile resolves a relative path against base and makes sure the file
// holds at least one PEM certificate, so a typo fails at start-up rather than
// as a puzzling TLS error later.
func checkCAFile(v any, base string) (any, error) {
	s := strings.TrimSpace(v.(string))
	if s == "" {
		return s, nil
	}
	if !filepath.IsAbs(s) && base != "" {
		s = filepath.Join(base, s)
	}
	data, err := os.ReadFile(s)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("file %s does not exist", s)
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %v", s, atomicfile.PathCause(err))
	}
	if !x509.NewCertPool().AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no PEM certificate", s)
	}
	return s, nil
}

func checkConcurrency(v any, _ string) (any, error) {
	n := v.(int)
	if n < 1 || n > 64 {
		return nil, fmt.Errorf("%d is not between 1 and 64", n)
	}
	return n, nil
}

// suggestKey returns the known key closest to an unknown one (a typo such as
// microsoft.clientid), or "" when nothing is close.
func suggestKey(unknown string) string {
	squash := func(s string) string {
		return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(s))
	}
	best, bestDist := "", 3
	for _, k := range Keys() {
		if squash(k) == squash(unknown) {
			return k
		}
		if d := editDistance(k, unknown); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func unknownKeyReason(key string) string {
	if s := suggestKey(key); s != "" {
		return fmt.Sprintf("unknown key (did you mean %s?)", s)
	}
	keys := Keys()
	sort.Strings(keys)
	return "unknown key (known keys: " + strings.Join(keys, ", ") + ")"
}
