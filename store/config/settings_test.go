package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSourceAndBillingSettingsFromFile(t *testing.T) {
	t.Parallel()
	home := writeConfig(t, `distributor:
  kind: pax8
  pax8:
    client_id: abc123
psa:
  kind: connectwise
  write_enabled: true
  effective_date: first-of-next-month
  connectwise:
    site: NA.myconnectwise.net/
    company_id: contoso
    public_key: pubKEY1
    client_id: 1208d5b2-0000-4000-8000-000000000000
billing:
  basis: assigned
  include_trials: true
sync:
  stale_after: 36h
reconcile:
  tolerance: 2
  ignore_products: [CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46, cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46]
`)
	c, err := Load(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Settings()
	checks := []struct {
		name      string
		got, want any
	}{
		{"distributor.kind", s.Distributor.Kind, "pax8"},
		{"pax8 url default", s.Distributor.Pax8.URL, "https://api.pax8.com/v1"},
		{"pax8 token url default", s.Distributor.Pax8.TokenURL, "https://api.pax8.com/v1/token"},
		{"pax8 client id", s.Distributor.Pax8.ClientID, "abc123"},
		{"psa.kind", s.PSA.Kind, "connectwise"},
		{"write enabled", s.PSA.WriteEnabled, true},
		{"site normalised", s.PSA.ConnectWise.Site, "na.myconnectwise.net"},
		{"company", s.PSA.ConnectWise.CompanyID, "contoso"},
		{"basis", s.Billing.Basis, BasisAssigned},
		{"trials", s.Billing.IncludeTrials, true},
		{"free default", s.Billing.IncludeFree, false},
		{"stale after", s.Sync.StaleAfter, 36 * time.Hour},
		{"tolerance", s.Reconcile.Tolerance, 2},
		{"ignores lower-cased, once", s.Reconcile.IgnoreProducts, []string{"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"}},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
	if got := c.String(KeyConnectWiseSite); got != "na.myconnectwise.net" {
		t.Errorf("String(site) = %q, want the checked value", got)
	}
	if got := c.String(KeyPax8URL); got != "https://api.pax8.com/v1" {
		t.Errorf("String(pax8 url) = %q, want the default", got)
	}
	if got := c.String(KeyTolerance); got != "" {
		t.Errorf("String of an integer key = %q, want blank", got)
	}
	now := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)
	if got := s.EffectiveDateOn(now); !got.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first-of-next-month in December = %v", got)
	}
}

func TestSafeDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(writeConfig(t, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Settings()
	if s.PSA.WriteEnabled {
		t.Error("writes are on by default: seats must be read-only until the engineer turns writes on")
	}
	if s.Billing.Basis != BasisDistributor || s.Billing.IncludeTrials || s.Billing.IncludeFree {
		t.Errorf("billing defaults = %+v", s.Billing)
	}
	if s.Sync.StaleAfter != 24*time.Hour || s.Reconcile.Tolerance != 0 || len(s.Reconcile.IgnoreProducts) != 0 {
		t.Errorf("sync/reconcile defaults = %+v %+v", s.Sync, s.Reconcile)
	}
	now := time.Date(2026, 12, 5, 15, 4, 0, 0, time.UTC)
	if got := s.EffectiveDateOn(now); !got.Equal(time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("default effective date = %v, want today", got)
	}
}

func TestSourceSettingsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, wantKey, wantReason string
	}{
		{"unknown distributor", "distributor:\n  kind: ingram\n", "distributor.kind", "not one of pax8"},
		{"basis", "billing:\n  basis: billed\n", "billing.basis", "not one of distributor, assigned"},
		{"bool as string", "psa:\n  write_enabled: \"yes\"\n", "psa.write_enabled", "true or false"},
		{"list as string", "reconcile:\n  ignore_products: abc\n", "reconcile.ignore_products", "list of strings"},
		{"not a sku id", "reconcile:\n  ignore_products: [SPB]\n", "reconcile.ignore_products", "not a Microsoft SKU id"},
		{"duration", "sync:\n  stale_after: 1 day\n", "sync.stale_after", "duration such as 24h"},
		{"effective date", "psa:\n  effective_date: 05/12/2026\n", "psa.effective_date", "YYYY-MM-DD"},
		{"negative tolerance", "reconcile:\n  tolerance: -1\n", "reconcile.tolerance", "between 0 and"},
		{"secret in the file", "distributor:\n  pax8:\n    client_secret: hunter2hunter2\n", "distributor.pax8.client_secret", "SEATS_DISTRIBUTOR_PAX8_CLIENT_SECRET"},
		{"private key in the file", "psa:\n  connectwise:\n    private_key: s3cr3tvalue\n", "psa.connectwise.private_key", "secrets never go in config.yaml"},
		{"secret pasted as an id", "psa:\n  connectwise:\n    public_key: \"p/q r=s3cr3tvalue\"\n", "psa.connectwise.public_key", "is not an id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(writeConfig(t, tt.file), nil)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantKey) || !strings.Contains(msg, tt.wantReason) {
				t.Errorf("error %q; want the key %q and %q", msg, tt.wantKey, tt.wantReason)
			}
			for _, secret := range []string{"hunter2hunter2", "s3cr3tvalue"} {
				if strings.Contains(msg, secret) {
					t.Errorf("the error repeats a secret: %q", msg)
				}
			}
		})
	}
}

// TestSourceSettingsFromEnv sets env variables, so it must not run in parallel.
func TestSourceSettingsFromEnv(t *testing.T) {
	t.Setenv("SEATS_PSA_WRITE_ENABLED", "true")
	t.Setenv("SEATS_RECONCILE_IGNORE_PRODUCTS", " cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46 ,4b9405b0-7788-4568-add1-99614e613b69")
	c, err := Load(writeConfig(t, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Settings()
	if !s.PSA.WriteEnabled {
		t.Error("SEATS_PSA_WRITE_ENABLED=true ignored")
	}
	if want := []string{"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", "4b9405b0-7788-4568-add1-99614e613b69"}; !reflect.DeepEqual(s.Reconcile.IgnoreProducts, want) {
		t.Errorf("ignore list from env = %v", s.Reconcile.IgnoreProducts)
	}
	t.Setenv("SEATS_PSA_WRITE_ENABLED", "maybe")
	if _, err := Load(writeConfig(t, ""), nil); err == nil || !strings.Contains(err.Error(), "SEATS_PSA_WRITE_ENABLED") {
		t.Errorf("a bad env bool: %v", err)
	}
}

func TestSaveWritesBoolsAndLists(t *testing.T) {
	t.Parallel()
	c, err := Load(writeConfig(t, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Save(map[string]any{
		KeyWriteEnabled:    true,
		KeyIgnoreProducts:  []string{"CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46"},
		KeyDistributorKind: "pax8",
		KeyStaleAfter:      "12h",
	})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Load(c.Home(), nil)
	if err != nil {
		t.Fatalf("reload of what Save wrote: %v\n%s", err, readConfigFile(t, c))
	}
	s := c2.Settings()
	if !s.PSA.WriteEnabled || s.Distributor.Kind != "pax8" || s.Sync.StaleAfter != 12*time.Hour ||
		!reflect.DeepEqual(s.Reconcile.IgnoreProducts, []string{"cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"}) {
		t.Errorf("reloaded %+v", s)
	}
}
