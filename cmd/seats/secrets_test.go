package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store/secret"
)

// mapSecrets is a secret store in memory.
type mapSecrets map[string]string

func (m mapSecrets) Get(name string) ([]byte, error) {
	if v, ok := m[name]; ok {
		return []byte(v), nil
	}
	return nil, secret.ErrNotFound
}

// A secret comes from the environment before the store, so a server can
// keep it out of any store; a rotating one (a refresh token that changes at
// every use) from the store first, since the environment only seeds it.
func TestResolveSecretOrder(t *testing.T) {
	plain := sourceSecret{key: "distributor.pax8.client_secret", label: "Client secret"}
	rotating := sourceSecret{key: "distributor.tdsynnex.refresh_token", label: "Refresh token", rotating: true}
	t.Setenv(plain.env(), "from-env")
	t.Setenv(rotating.env(), "seed-from-env")
	stored := mapSecrets{plain.key: "from-store", rotating.key: "rotated-in-store"}

	if v, from, err := resolveSecret(plain, stored); err != nil || v != "from-env" || from != "env "+plain.env() {
		t.Errorf("plain secret: %q from %q (%v); want the environment's", v, from, err)
	}
	if v, from, err := resolveSecret(rotating, stored); err != nil || v != "rotated-in-store" || from != "secret store" {
		t.Errorf("rotating secret: %q from %q (%v); want the store's, newer than the seed", v, from, err)
	}
	if v, _, err := resolveSecret(rotating, mapSecrets{}); err != nil || v != "seed-from-env" {
		t.Errorf("rotating secret with an empty store: %q (%v); want the environment's seed", v, err)
	}
	t.Setenv(plain.env(), "")
	if _, _, err := resolveSecret(plain, mapSecrets{}); !errors.Is(err, errNoSecret) {
		t.Errorf("no secret anywhere: %v; want errNoSecret", err)
	}
}

// A kind's missing secret is named with where to give it, as one sentence.
func TestResolveSecretsNamesTheMissingOne(t *testing.T) {
	k, _ := lookupSource(connectors.KindDistributor, "sherweb")
	for _, sec := range k.secrets {
		t.Setenv(sec.env(), "")
	}
	t.Setenv(k.secrets[0].env(), "a-client-secret")
	_, err := (&factory{}).resolveSecrets(k, mapSecrets{})
	want := "the Sherweb subscription key is missing: set SEATS_DISTRIBUTOR_SHERWEB_SUBSCRIPTION_KEY or run `seats connect distributor`"
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %q", err, want)
	}
}

// pflag reads a back-quoted word in a flag's help as the name of its value
// ("--path seats distributor template"): no setting's help may hold one.
func TestSourceFieldHelpHasNoBackquote(t *testing.T) {
	for _, k := range sourceKinds {
		for _, fld := range k.fields {
			if strings.Contains(fld.help, "`") {
				t.Errorf("%s --%s: help %q holds a back quote", k.name, fld.flag, fld.help)
			}
		}
	}
}
