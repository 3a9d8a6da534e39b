package microsoft

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzLicencePage decodes a Graph page of subscribed SKUs, directory
// subscriptions and users as Licences reads them: a page with a number
// Graph would never send there (a fraction, 1e30) fails to decode, as a bad
// response, rather than becoming a count; one that decodes keeps its
// counts as written.
func FuzzLicencePage(f *testing.F) {
	for _, s := range []string{
		`{"value":[{"skuId":"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46","skuPartNumber":"SPB","consumedUnits":12,"prepaidUnits":{"enabled":12,"suspended":0,"warning":0,"lockedOut":0},"subscriptionIds":["a"]}]}`,
		`{"value":[{"consumedUnits":2.5}]}`, `{"value":[{"consumedUnits":1e30}]}`, `{"value":[{"prepaidUnits":{"enabled":-3}}]}`,
		`{"value":[{"id":"x","totalLicenses":99999999999999999999,"createdDateTime":"2025-01-01T00:00:00Z"}]}`,
		`{"value":[{"id":"u","accountEnabled":null,"assignedLicenses":[{"skuId":"s","disabledPlans":null}]}]}`,
		`{"value":null}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var skus struct{ Value []graphSku }
		if json.Unmarshal(raw, &skus) == nil {
			var loose struct {
				Value []struct {
					ConsumedUnits *json.Number `json:"consumedUnits"`
				}
			}
			if json.Unmarshal(raw, &loose) == nil {
				for i, v := range loose.Value {
					if i < len(skus.Value) && v.ConsumedUnits != nil {
						if n, err := v.ConsumedUnits.Int64(); err != nil || int64(skus.Value[i].ConsumedUnits) != n {
							t.Fatalf("consumedUnits %s decoded as %d", *v.ConsumedUnits, skus.Value[i].ConsumedUnits)
						}
					}
				}
			}
		}
		var subs struct{ Value []graphSubscription }
		_ = json.Unmarshal(raw, &subs)
		var users struct{ Value []graphUser }
		_ = json.Unmarshal(raw, &users)
		for _, d := range verifiedDomains(raw) {
			if d == "" || d != strings.ToLower(strings.TrimSpace(d)) {
				t.Fatalf("domain %q is not trimmed lower case", d)
			}
		}
	})
}

// FuzzBatchRetryAfter: an item's Retry-After is never negative nor longer
// than batchMaxWait, whatever Graph writes.
func FuzzBatchRetryAfter(f *testing.F) {
	for _, s := range []string{"5", " 120 ", "-1", "1e3", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := headerRetryAfter(map[string]string{"retry-after": v})
		if d < 0 || d > batchMaxWait || !ok && d != 0 {
			t.Fatalf("Retry-After %q gave %v, %v", v, d, ok)
		}
	})
}

// FuzzScopesOf reads the scp claim of any token: an opaque or broken token
// is ErrOpaqueToken, never a panic; scopes are single words.
func FuzzScopesOf(f *testing.F) {
	claims := base64.RawURLEncoding.EncodeToString([]byte(`{"scp":"User.Read Directory.Read.All"}`))
	for _, s := range []string{"h." + claims + ".s", "opaque", "a.b", "h." + claims + "==.s", "h.e30.s", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		scopes, err := scopesOf(tok)
		if err != nil {
			if !errors.Is(err, ErrOpaqueToken) || scopes != nil {
				t.Fatalf("scopesOf: %v, %v", scopes, err)
			}
			return
		}
		for _, s := range scopes {
			if s == "" || strings.ContainsAny(s, " \t\r\n") {
				t.Fatalf("scope %q is not one word", s)
			}
		}
	})
}

// FuzzTenantOfIssuer: the tenant read from an OpenID issuer is one path
// segment or nothing.
func FuzzTenantOfIssuer(f *testing.F) {
	for _, s := range []string{
		"https://login.microsoftonline.com/6f1f4b5e-3c1a-4a8e-9d2b-8e1f5a7c9b10/v2.0", "https://login.microsoftonline.com/{tenantid}/v2.0",
		"https://x/a%2Fb/v2.0", "://", "", "https://login.microsoftonline.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, issuer string) {
		if seg := tenantOfIssuer(issuer); strings.ContainsAny(seg, "/{") {
			t.Fatalf("tenant %q from issuer %q", seg, issuer)
		}
	})
}
