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
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

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
	KeyStaleAfter       = "sync.stale_after"
	KeyCustomersFresh   = "sync.customers_fresh_for"

	KeyDistributorKind    = "distributor.kind"
	KeyPax8URL            = "distributor.pax8.url"
	KeyPax8TokenURL       = "distributor.pax8.token_url"
	KeyPax8ClientID       = "distributor.pax8.client_id"
	KeySherwebURL         = "distributor.sherweb.url"
	KeySherwebTokenURL    = "distributor.sherweb.token_url"
	KeySherwebClientID    = "distributor.sherweb.client_id"
	KeyTDSynnexURL        = "distributor.tdsynnex.url"
	KeyTDSynnexTokenURL   = "distributor.tdsynnex.token_url"
	KeyTDSynnexAccountID  = "distributor.tdsynnex.account_id"
	KeyCSVPath            = "distributor.csv.path"
	KeyPSAKind            = "psa.kind"
	KeyConnectWiseURL     = "psa.connectwise.url"
	KeyConnectWiseSite    = "psa.connectwise.site"
	KeyConnectWiseCompany = "psa.connectwise.company_id"
	KeyConnectWisePublic  = "psa.connectwise.public_key"
	KeyConnectWiseClient  = "psa.connectwise.client_id"
	KeyAutotaskUserName   = "psa.autotask.username"
	KeyAutotaskCode       = "psa.autotask.integration_code"
	KeyAutotaskURL        = "psa.autotask.url"
	KeyAutotaskZoneURL    = "psa.autotask.zone_lookup_url"
	KeyAutotaskCurrency   = "psa.autotask.currency"
	KeyHaloURL            = "psa.halopsa.url"
	KeyHaloTenant         = "psa.halopsa.tenant"
	KeyHaloClientID       = "psa.halopsa.client_id"
	KeyHaloCurrency       = "psa.halopsa.currency"
	KeyWriteEnabled       = "psa.write_enabled"
	KeyEffectiveDate      = "psa.effective_date"

	KeyBillingBasis   = "billing.basis"
	KeyIncludeTrials  = "billing.include_trials"
	KeyIncludeFree    = "billing.include_free"
	KeyTolerance      = "reconcile.tolerance"
	KeyIgnoreProducts = "reconcile.ignore_products"
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
	kindBool
	kindList // a YAML list of strings; comma-separated in env and flags
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
	// sync.concurrency is the ceiling on calls in flight to one service;
	// seats picks less per service from its documented limits.
	{key: KeyConcurrency, kind: kindInt, def: 64, wizard: true, check: checkConcurrency},
	{key: KeyStaleAfter, kind: kindString, def: "24h", wizard: true, check: checkDuration},
	// How long a customer list read from Partner Center counts as fresh: the
	// wizard and consent --tenant do not read it again within that time.
	{key: KeyCustomersFresh, kind: kindString, def: "5m", wizard: true, check: checkDuration},

	{key: KeyDistributorKind, kind: kindString, wizard: true, check: checkOneOf(DistributorKinds())},
	{key: KeyPax8URL, kind: kindString, def: "https://api.pax8.com/v1", wizard: true, check: checkHTTPSURL},
	{key: KeyPax8TokenURL, kind: kindString, def: "https://api.pax8.com/v1/token", wizard: true, check: checkHTTPSURL},
	{key: KeyPax8ClientID, kind: kindString, wizard: true, check: checkPlainID},
	// Settings left blank mean the service's usual address (each client
	// knows it).
	{key: KeySherwebURL, kind: kindString, wizard: true, check: checkHTTPSURL},
	{key: KeySherwebTokenURL, kind: kindString, wizard: true, check: checkHTTPSURL},
	{key: KeySherwebClientID, kind: kindString, wizard: true, check: checkPlainID},
	{key: KeyTDSynnexURL, kind: kindString, wizard: true, check: checkHTTPSURL},
	{key: KeyTDSynnexTokenURL, kind: kindString, wizard: true, check: checkHTTPSURL},
	{key: KeyTDSynnexAccountID, kind: kindString, wizard: true, check: checkPlainID},
	{key: KeyCSVPath, kind: kindString, wizard: true, check: checkFilePath},
	{key: KeyPSAKind, kind: kindString, wizard: true, check: checkOneOf(PSAKinds())},
	{key: KeyConnectWiseURL, kind: kindString, wizard: true, check: checkHTTPSURL},
	{key: KeyConnectWiseSite, kind: kindString, wizard: true, check: checkHost},
	{key: KeyConnectWiseCompany, kind: kindString, wizard: true, check: checkPlainID},
	{key: KeyConnectWisePublic, kind: kindString, wizard: true, check: checkPlainID},
	{key: KeyConnectWiseClient, kind: kindString, wizard: true, check: checkPlainID},
	{key: KeyAutotaskUserName, kind: kindString, wizard: true, check: checkPlainID},
	{key: KeyAutotaskCode, kind: kindString, wizard: true, check: checkPlainID},
	{key: KeyAutotaskURL, kind: kindString, wizard: true, check: checkHTTPSURL},
	{key: KeyAutotaskZoneURL, kind: kindString, wizard: true, check: checkHTTPSURL},
	// Autotask names no currency on any record either.
	{key: KeyAutotaskCurrency, kind: kindString, def: "USD", wizard: true, check: checkCurrency},
	{key: KeyHaloURL, kind: kindString, wizard: true, check: checkHTTPSURL},
	{key: KeyHaloTenant, kind: kindString, wizard: true, check: checkPlainID},
	{key: KeyHaloClientID, kind: kindString, wizard: true, check: checkPlainID},
	// Halo's amounts carry no currency: the MSP says which it bills in.
	{key: KeyHaloCurrency, kind: kindString, def: "USD", wizard: true, check: checkCurrency},
	{key: KeyWriteEnabled, kind: kindBool, def: false, wizard: true, check: checkAny},
	{key: KeyEffectiveDate, kind: kindString, def: EffectiveToday, wizard: true, check: checkEffectiveDate},

	{key: KeyBillingBasis, kind: kindString, def: BasisDistributor, wizard: true, check: checkOneOf([]string{BasisDistributor, BasisAssigned})},
	{key: KeyIncludeTrials, kind: kindBool, def: false, wizard: true, check: checkAny},
	{key: KeyIncludeFree, kind: kindBool, def: false, wizard: true, check: checkAny},
	{key: KeyTolerance, kind: kindInt, def: 0, wizard: true, check: checkTolerance},
	{key: KeyIgnoreProducts, kind: kindList, def: []string{}, wizard: true, check: checkSkuIDs},
}

// The billing bases (billing.basis): which quantity a customer should be
// billed for.
const (
	BasisDistributor = "distributor" // what the distributor bills the MSP
	BasisAssigned    = "assigned"    // what is assigned to users in the tenant
)

// The named psa.effective_date values; any YYYY-MM-DD date is taken too.
const (
	EffectiveToday         = "today"
	EffectiveNextMonth     = "first-of-next-month"
	effectiveDateLayout    = "2006-01-02"
	effectiveDateHelpShort = "today, first-of-next-month or a date YYYY-MM-DD"
)

// DistributorKinds are the distributor.kind values this build knows.
func DistributorKinds() []string {
	return []string{"pax8", "sherweb", "tdsynnex", "partnercenter", "csv"}
}

// PSAKinds are the psa.kind values this build knows.
func PSAKinds() []string { return []string{"connectwise", "autotask", "halopsa"} }

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
	switch s.kind {
	case kindBool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", raw)
		}
		return s.check(b, base)
	case kindList:
		var items []string
		for _, item := range strings.Split(raw, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		return s.check(items, base)
	}
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
	switch s.kind {
	case kindString:
		return nil, fmt.Errorf("must be a string, not %T", v)
	case kindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("must be true or false, not %T", v)
		}
		return s.check(b, base)
	case kindList:
		items, ok := toStrings(v)
		if !ok {
			return nil, fmt.Errorf("must be a list of strings, not %T", v)
		}
		return s.check(items, base)
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

// toStrings accepts the list shapes a value arrives in: []string from code,
// []any from viper and YAML.
func toStrings(v any) ([]string, bool) {
	switch l := v.(type) {
	case []string:
		return l, true
	case []any:
		out := make([]string, 0, len(l))
		for _, item := range l {
			s, ok := item.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

func checkAny(v any, _ string) (any, error) { return v, nil }

func checkOneOf(allowed []string) func(any, string) (any, error) {
	return func(v any, _ string) (any, error) {
		s := strings.TrimSpace(v.(string))
		if s == "" || slices.Contains(allowed, s) {
			return s, nil
		}
		return nil, fmt.Errorf("%q is not one of %s", s, strings.Join(allowed, ", "))
	}
}

var plainIDPattern = regexp.MustCompile(`^[A-Za-z0-9._@+-]{1,128}$`)

// checkPlainID accepts an id or public key: letters, digits and . _ @ + -.
// It never echoes the value: a secret pasted into the wrong key must not
// reach an error message.
func checkPlainID(v any, _ string) (any, error) {
	s := strings.TrimSpace(v.(string))
	if s != "" && !plainIDPattern.MatchString(s) {
		return nil, errors.New("is not an id: use letters, digits and . _ @ + - only (a secret never goes in " + FileName + ")")
	}
	return s, nil
}

// checkHost accepts a bare host name such as na.myconnectwise.net.
func checkHost(v any, _ string) (any, error) {
	s := strings.ToLower(strings.TrimSpace(v.(string)))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s = strings.TrimRight(s, "/")
	if s != "" && !domainPattern.MatchString(s) {
		return nil, fmt.Errorf("%q is not a host name such as na.myconnectwise.net", s)
	}
	return s, nil
}

func checkDuration(v any, _ string) (any, error) {
	s := strings.TrimSpace(v.(string))
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return nil, fmt.Errorf("%q is not a positive duration such as 24h or 90m", s)
	}
	return s, nil
}

func checkEffectiveDate(v any, _ string) (any, error) {
	s := strings.TrimSpace(v.(string))
	switch s {
	case "", EffectiveToday, EffectiveNextMonth:
		if s == "" {
			s = EffectiveToday
		}
		return s, nil
	}
	if _, err := time.Parse(effectiveDateLayout, s); err != nil {
		return nil, fmt.Errorf("%q is not %s", s, effectiveDateHelpShort)
	}
	return s, nil
}

func checkTolerance(v any, _ string) (any, error) {
	n := v.(int)
	if n < 0 || n > 10000 {
		return nil, fmt.Errorf("%d is not between 0 and 10000 seats", n)
	}
	return n, nil
}

// checkSkuIDs accepts Microsoft SKU ids (GUIDs), lower-cased, without
// duplicates.
func checkSkuIDs(v any, _ string) (any, error) {
	in := v.([]string)
	out := make([]string, 0, len(in))
	for _, id := range in {
		id = strings.ToLower(strings.TrimSpace(id))
		if !guidPattern.MatchString(id) {
			return nil, fmt.Errorf("%q is not a Microsoft SKU id (a GUID such as cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46)", id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

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

var currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)

// checkCurrency accepts an ISO 4217 code such as USD or EUR.
func checkCurrency(v any, _ string) (any, error) {
	s := strings.ToUpper(strings.TrimSpace(v.(string)))
	if s != "" && !currencyPattern.MatchString(s) {
		return nil, fmt.Errorf("%q is not a currency code such as USD or EUR", s)
	}
	return s, nil
}

// checkFilePath resolves a relative path against base; whether the file
// exists and reads well is the reader's to say, with its line and column.
func checkFilePath(v any, base string) (any, error) {
	s := strings.TrimSpace(v.(string))
	if s != "" && !filepath.IsAbs(s) && base != "" {
		s = filepath.Join(base, s)
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

// secretKeyWords end the names of keys people invent for secrets.
var secretKeyWords = []string{"secret", "private_key", "password", "api_key", "token"}

func unknownKeyReason(key string) string {
	for _, w := range secretKeyWords {
		if strings.HasSuffix(strings.ToLower(key), w) {
			return "secrets never go in " + FileName + ": set " + EnvName(key) + " in the environment or run `seats connect`, which keeps it in the secret store"
		}
	}
	if s := suggestKey(key); s != "" {
		return fmt.Sprintf("unknown key (did you mean %s?)", s)
	}
	keys := Keys()
	sort.Strings(keys)
	return "unknown key (known keys: " + strings.Join(keys, ", ") + ")"
}
