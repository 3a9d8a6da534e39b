package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/components/sourceform"
	"github.com/seats-msp/seats/tui/screens/pick"
	"github.com/seats-msp/seats/tui/screens/settings"
)

// comingKinds are the distributors and PSAs a later version connects to;
// step 1 lists them as coming so an engineer sees where seats is going.
var comingKinds = []struct {
	side                    connectors.ConnectorKind
	name, display, describe string
}{
	{connectors.KindDistributor, "sherweb", "Sherweb", "Sherweb's service-provider API: client credentials and a subscription key"},
	{connectors.KindDistributor, "tdsynnex", "TD SYNNEX StreamOne Ion", "StreamOne Ion v3: an account id and a refresh token"},
	{connectors.KindDistributor, "partnercenter", "Microsoft direct bill", "Partner Center subscriptions, with the Microsoft sign-in you already have"},
	{connectors.KindDistributor, "csv", "CSV file", "a file you export from any distributor, in a documented layout"},
	{connectors.KindPSA, "autotask", "Autotask", "an API user's name, secret and integration code"},
	{connectors.KindPSA, "halopsa", "HaloPSA", "client credentials of an API application"},
}

// wizardOptions builds the wizard's later steps with the real connectors,
// the configuration and the store.
func (f *factory) wizardOptions(ctx context.Context) tui.Options {
	return tui.Options{
		Sources: func() []sourceform.Options { return f.sourceForms(ctx) },
		Screens: []func(c *common.Common) common.Screen{
			func(c *common.Common) common.Screen { return pick.New(c, f.pickOptions()) },
			func(c *common.Common) common.Screen {
				cfg, _ := f.loadConfig()
				return settings.New(c, cfg.Settings(), cfg.Save)
			},
		},
	}
}

// pickOptions lists every kind by side: the ones built in from the
// registry, then the coming ones.
func (f *factory) pickOptions() pick.Options {
	cfg, _ := f.loadConfig()
	s := cfg.Settings()
	o := pick.Options{Distributor: s.Distributor.Kind, PSA: s.PSA.Kind,
		Save: func(dist, psa string) error {
			changes := map[string]any{config.KeyDistributorKind: dist, config.KeyPSAKind: psa}
			if psa == "" {
				changes[config.KeyPSAKind] = nil
			}
			return cfg.Save(changes)
		}}
	for _, side := range []connectors.ConnectorKind{connectors.KindDistributor, connectors.KindPSA} {
		var kinds []pick.Kind
		for _, info := range connectors.Default.List(side) {
			kinds = append(kinds, pick.Kind{Name: info.Name, DisplayName: info.DisplayName, Description: info.Description, Available: true})
		}
		for _, c := range comingKinds {
			if c.side == side {
				kinds = append(kinds, pick.Kind{Name: c.name, DisplayName: c.display, Description: c.describe})
			}
		}
		if side == connectors.KindPSA {
			o.PSAs = kinds
		} else {
			o.Distributors = kinds
		}
	}
	return o
}

// sourceForms are the connect forms of the distributor and the PSA chosen
// now, the same settings, secret and test call as `seats connect`.
func (f *factory) sourceForms(ctx context.Context) []sourceform.Options {
	cfg, err := f.Config(ctx)
	if err != nil {
		return nil
	}
	st, err := f.Store()
	if err != nil {
		return nil
	}
	var out []sourceform.Options
	for _, side := range []connectors.ConnectorKind{connectors.KindDistributor, connectors.KindPSA} {
		k, ok, err := configuredSource(cfg, side)
		if err != nil || !ok {
			continue
		}
		out = append(out, f.sourceForm(ctx, cfg, st, k))
	}
	return out
}

func (f *factory) sourceForm(ctx context.Context, cfg *config.Config, st *store.Store, k sourceKind) sourceform.Options {
	name := displayName(k)
	values := k.values(cfg)
	var fields []sourceform.Field
	for _, fld := range k.fields {
		field := sourceform.Field{Key: fld.key, Label: fld.label, Help: fld.help, Value: values[fld.key]}
		if !fld.optional {
			label := strings.ToLower(fld.label)
			field.Validate = func(v string) error {
				if strings.TrimSpace(v) == "" {
					return fmt.Errorf("type the %s", label)
				}
				return nil
			}
		}
		fields = append(fields, field)
	}
	secretHelp := "typed, never shown; kept in the secret store, never in config.yaml"
	_, from, err := resolveSecret(k, f.secretsOrNil())
	if err == nil {
		secretHelp = "leave empty to use the one in the " + from
	}
	fields = append(fields, sourceform.Field{Key: k.secretKey, Label: k.secretLabel, Help: secretHelp, Secret: true, Known: err == nil})

	var connected *sourceform.Connection
	if conn, ok, _ := st.Connection(k.side); ok && conn.Kind == k.name {
		connected = &sourceform.Connection{Summary: conn.Summary, CheckedAt: conn.CheckedAt}
	}
	title := "Distributor: " + name
	if k.side == connectors.KindPSA {
		title = "PSA: " + name
	}
	// The test's summary is what the store records once Save keeps the
	// connection: Save runs only after a passed test.
	var tested string
	return sourceform.Options{
		ID:        string(k.side),
		Screen:    common.ScreenConnect,
		Kind:      name,
		Title:     title,
		Fields:    fields,
		Connected: connected,
		Test: func(ctx context.Context, values, secrets map[string]string) (string, error) {
			secretValue := secrets[k.secretKey]
			if secretValue == "" {
				v, _, err := resolveSecret(k, f.secretsOrNil())
				if errors.Is(err, errNoSecret) {
					return "", fmt.Errorf("type the %s", strings.ToLower(k.secretLabel))
				}
				if err != nil {
					return "", err
				}
				secretValue = v
			}
			client, err := f.buildSource(ctx, k, withDefaults(cfg, k, values), secretValue)
			if err != nil {
				return "", err
			}
			summary, err := checkSource(ctx, client)
			if err == nil {
				tested = summary
			}
			return summary, err
		},
		Save: func(values, secrets map[string]string) error {
			changes := map[string]any{sideKey(k.side): k.name}
			for key, v := range values {
				changes[key] = v
			}
			if err := cfg.Save(changes); err != nil {
				return err
			}
			if v := secrets[k.secretKey]; v != "" {
				secretStore, err := f.Secrets()
				if err != nil {
					return err
				}
				if err := secretStore.Set(k.secretKey, []byte(v)); err != nil {
					return err
				}
			}
			return recordConnection(st, k.side, k.name, tested)
		},
	}
}

// withDefaults fills settings left blank with the configuration's values
// (the defaults), so that a form's blank URL means the usual one.
func withDefaults(cfg *config.Config, k sourceKind, values map[string]string) map[string]string {
	out := k.values(cfg)
	for key, v := range values {
		if strings.TrimSpace(v) != "" {
			out[key] = strings.TrimSpace(v)
		}
	}
	return out
}

// secretsOrNil is the secret store, or nil when it cannot be opened (the
// environment may still hold the secret).
func (f *factory) secretsOrNil() secretGetter {
	s, err := f.Secrets()
	if err != nil {
		return nil
	}
	return s
}

// recordConnection keeps what a passed connection test saw, for status.
func recordConnection(st *store.Store, side connectors.ConnectorKind, kind, summary string) error {
	return st.SaveConnection(side, store.SourceConnection{Kind: kind, CheckedAt: time.Now(), Summary: summary, ConnectedBy: osUser()})
}
