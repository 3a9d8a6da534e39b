package pax8fake_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
	"github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/pax8/pax8fake"
	"github.com/seats-msp/seats/connectors/sandbox"
)

var genNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func sandboxWorld(seed int64, customers int) *msfake.World {
	return sandbox.Generate(sandbox.GenerateOptions{Seed: seed, Customers: customers, Now: genNow})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGenerateIsDeterministicAndPure(t *testing.T) {
	t.Parallel()
	ms := sandboxWorld(7, 40)
	before := mustJSON(t, ms)
	a := mustJSON(t, pax8fake.Generate(ms, 7, genNow))
	b := mustJSON(t, pax8fake.Generate(ms, 7, genNow))
	if a != b {
		t.Error("the same seed gave two worlds")
	}
	if c := mustJSON(t, pax8fake.Generate(ms, 8, genNow)); c == a {
		t.Error("another seed gave the same world")
	}
	if mustJSON(t, ms) != before {
		t.Error("Generate changed the Microsoft world")
	}
	// The world survives a file round trip, as the sandbox keeps it.
	var back pax8fake.World
	if err := json.Unmarshal([]byte(a), &back); err != nil || mustJSON(t, back) != a {
		t.Errorf("the world does not round-trip through JSON: %v", err)
	}
}

// fold is the matching screen's idea of one name: lower case, no accents,
// no punctuation, no legal suffix.
func fold(s string) string {
	s, _, _ = transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		switch w {
		case "inc", "llc", "ltd", "co":
			continue
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// TestGenerateConsistentWithMicrosoft checks the world against the
// Microsoft world it was made from, case by case.
func TestGenerateConsistentWithMicrosoft(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 7, 42} {
		ms := sandboxWorld(seed, 40)
		w := pax8fake.Generate(ms, seed, genNow)

		tenantOfCommerce := map[string]msfake.Customer{}
		graphTotal := map[string]int{}
		for _, c := range ms.Customers {
			for _, s := range c.Subscriptions {
				tenantOfCommerce[s.CommerceSubscriptionID] = c
				graphTotal[s.CommerceSubscriptionID] = s.TotalLicenses
			}
		}
		products := map[string]pax8fake.Product{}
		for _, p := range w.Products {
			products[p.ID] = p
		}
		// Each company's tenant, by its subscriptions' commerce ids.
		tenantOf := map[string]msfake.Customer{}
		statuses := map[string]int{}
		differ, bridged, nonMS := 0, 0, 0
		terms := map[string]map[string]bool{} // company+sku -> terms
		for _, s := range w.Subscriptions {
			statuses[s.Status]++
			p := products[s.ProductID]
			if p.ID == "" {
				t.Fatalf("seed %d: subscription %s has no product", seed, s.ID)
			}
			if p.VendorName != "Microsoft" {
				nonMS++
				continue
			}
			key := s.CompanyID + " " + s.VendorSkuID
			if terms[key] == nil {
				terms[key] = map[string]bool{}
			}
			terms[key][map[bool]string{true: "annual", false: "monthly"}[s.Commitment != nil && s.Commitment.Term == "1-Year"]] = true
			c, ok := tenantOfCommerce[s.VendorSubscriptionID]
			if !ok {
				continue
			}
			bridged++
			if prev, seen := tenantOf[s.CompanyID]; seen && prev.TenantID != c.TenantID {
				t.Errorf("seed %d: company %s bridges to two tenants", seed, s.CompanyID)
			}
			tenantOf[s.CompanyID] = c
			if string(s.Quantity) != strconv.Itoa(graphTotal[s.VendorSubscriptionID]) && s.Status == "Active" {
				differ++
			}
		}
		if bridged < len(w.Subscriptions)/2 {
			t.Errorf("seed %d: only %d of %d subscriptions carry a commerce id Graph knows", seed, bridged, len(w.Subscriptions))
		}
		for _, st := range []string{"Active", "Trial", "Suspended", "Cancelled", "PendingCancel"} {
			if statuses[st] == 0 {
				t.Errorf("seed %d: no %s subscription (statuses %v)", seed, st, statuses)
			}
		}
		if differ == 0 {
			t.Errorf("seed %d: no quantity differs from Graph's", seed)
		}
		if nonMS == 0 {
			t.Errorf("seed %d: no product of another vendor", seed)
		}
		split := false
		for _, ts := range terms {
			split = split || (ts["annual"] && ts["monthly"])
		}
		if !split {
			t.Errorf("seed %d: no customer has one SKU both monthly and annual", seed)
		}

		// Companies: all customers but one, one extra, names that fold alike.
		present := map[string]bool{}
		variants, externalTenants, websites := 0, 0, 0
		var pax8Only []string
		for _, co := range w.Companies {
			c, ok := tenantOf[co.ID]
			if !ok {
				pax8Only = append(pax8Only, co.Name)
				continue
			}
			present[c.TenantID] = true
			if co.Name != c.Name {
				variants++
				if fold(co.Name) != fold(c.Name) {
					t.Errorf("seed %d: %q and %q are not the same name written differently", seed, co.Name, c.Name)
				}
			}
			if co.ExternalID != "" && strings.EqualFold(co.ExternalID, c.TenantID) {
				externalTenants++
			}
			if co.ExternalID != "" && len(co.ExternalID) == 36 && !strings.EqualFold(co.ExternalID, c.TenantID) {
				t.Errorf("seed %d: company %q carries another tenant's id", seed, co.Name)
			}
			if strings.Contains(co.Website, ".") {
				if !strings.Contains(co.Website, c.Domain) {
					t.Errorf("seed %d: website %q is not the tenant's domain %q", seed, co.Website, c.Domain)
				}
				websites++
			}
		}
		if missing := len(ms.Customers) - len(present); missing != 1 {
			t.Errorf("seed %d: %d Microsoft customers missing at Pax8, want 1", seed, missing)
		}
		if len(pax8Only) != 1 {
			t.Errorf("seed %d: companies without a tenant %q, want 1", seed, pax8Only)
		}
		if variants < 4 || externalTenants == 0 || websites == 0 {
			t.Errorf("seed %d: %d names written differently (want ≥ 4), %d tenant ids, %d websites", seed, variants, externalTenants, websites)
		}
	}
}

// TestGeneratePrices: Business Premium at $22.00 cost and $26.40 price a
// month, as the sandbox promises; annual billing is per year.
func TestGeneratePrices(t *testing.T) {
	t.Parallel()
	w := pax8fake.Generate(sandboxWorld(7, 60), 7, genNow)
	bp := ""
	for _, p := range w.Products {
		if p.Name == "Microsoft 365 Business Premium" {
			bp = p.ID
		}
	}
	if bp == "" {
		t.Fatal("no Business Premium product")
	}
	seen := 0
	for _, s := range w.Subscriptions {
		if s.ProductID != bp || s.Status == "Trial" {
			continue
		}
		seen++
		want := [2]string{"22.00", "26.40"}
		if s.BillingTerm == "Annual" {
			want = [2]string{"264.00", "316.80"}
		}
		if got := [2]string{string(s.PartnerCost), string(s.Price)}; got != want || s.CurrencyCode != "USD" {
			t.Errorf("Business Premium billed %s: cost/price %v %s, want %v USD", s.BillingTerm, got, s.CurrencyCode, want)
		}
	}
	if seen == 0 {
		t.Fatal("no Business Premium subscription")
	}
}

// TestGeneratedWorldReadsCleanly: the pax8 client reads a generated world
// through the fake, every subscription kept, and the only warnings are
// the ones the world asks for.
func TestGeneratedWorldReadsCleanly(t *testing.T) {
	t.Parallel()
	w := pax8fake.Generate(sandboxWorld(3, 40), 3, genNow)
	srv, _ := pax8fake.NewTLSServer(&w, pax8fake.Options{PageSize: 25})
	t.Cleanup(srv.Close)
	ep := pax8fake.EndpointsFor(srv.URL)
	c, err := pax8.New(pax8.Config{BaseURL: ep.BaseURL, TokenURL: ep.TokenURL, ClientID: w.ClientID, ClientSecret: w.ClientSecret, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	accounts, err := c.Accounts(ctx)
	if err != nil || len(accounts) != len(w.Companies) {
		t.Fatalf("Accounts: %d, %v; want %d", len(accounts), err, len(w.Companies))
	}
	tenants := 0
	for _, a := range accounts {
		if a.TenantID != "" {
			tenants++
		}
	}
	if tenants == 0 {
		t.Error("no company offers a tenant id")
	}
	subs, err := c.Subscriptions(ctx)
	if err != nil || len(subs) != len(w.Subscriptions) {
		t.Fatalf("Subscriptions: %d, %v; want %d", len(subs), err, len(w.Subscriptions))
	}
	for _, s := range subs {
		if len(s.Warnings) > 0 {
			t.Errorf("subscription %s (%s, %s): warnings %q", s.ID, s.Product.Name, s.RawStatus, s.Warnings)
		}
		if s.Status == connectors.StatusUnknown || s.Term == connectors.TermUnknown {
			t.Errorf("subscription %s: status %q term %q", s.ID, s.Status, s.Term)
		}
		if s.Microsoft && (s.MicrosoftSubscriptionID == "" || s.SkuID == "") {
			t.Errorf("Microsoft subscription %s without its ids", s.ID)
		}
	}
}

func TestGenerateWithoutMicrosoft(t *testing.T) {
	t.Parallel()
	w := pax8fake.Generate(nil, 1, genNow)
	if w.ClientID == "" || w.ClientSecret == "" || len(w.SigningKey) != 32 || len(w.Companies) != 0 {
		t.Errorf("an empty world: %+v", w)
	}
	small := pax8fake.Generate(msfake.SmallWorldAt(genNow), 1, genNow)
	if len(small.Companies) != len(msfake.SmallWorldAt(genNow).Customers) { // one missing, one only in Pax8
		t.Errorf("%d companies for %d customers", len(small.Companies), len(msfake.SmallWorldAt(genNow).Customers))
	}
}
