package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/components/sourceform"
	"github.com/seats-msp/seats/tui/screens/licences"
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
			func(c *common.Common) common.Screen {
				return tui.Lazy(common.ScreenLicences, func() common.Screen { return licences.New(c, f.licencesDeps(ctx)) })
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

// everything is the sync of every connected source, as `seats sync` and the
// licence tables' sync key run it.
func (f *factory) everything(ctx context.Context) (*workflow.Everything, error) {
	customers, err := f.Customers(ctx)
	if err != nil {
		return nil, err
	}
	st, err := f.Store()
	if err != nil {
		return nil, err
	}
	all := &workflow.Everything{Customers: customers, Sources: st, Matching: &workflow.Matching{Keep: st}}
	if all.Distributor, all.DistributorKind, _, err = f.Distributor(ctx); err != nil {
		return nil, err
	}
	if all.PSA, all.PSAKind, _, err = f.PSA(ctx); err != nil {
		return nil, err
	}
	return all, nil
}

// licencesDeps are the licence tables' dependencies as the settings stand
// when the step is first entered.
func (f *factory) licencesDeps(ctx context.Context) licences.Deps {
	cfg, _ := f.loadConfig()
	s := cfg.Settings()
	st, err := f.Store()
	if err != nil {
		return licences.Deps{}
	}
	reporting, _ := f.Reporting(ctx)
	d := licences.Deps{
		Reports: reporting, Plans: reporting, Audit: st, ConfigFile: cfg.File(),
		WriteEnabled: s.PSA.WriteEnabled, StaleAfter: s.Sync.StaleAfter,
		Sync: licences.SyncAll(func(ctx context.Context) (licences.AllSyncer, string, string, error) {
			all, err := f.everything(ctx)
			if err != nil {
				return nil, "", "", err
			}
			return all, labelOf(all.DistributorKind), labelOf(all.PSAKind), nil
		}),
		SyncOnStart: needsSync(s, st),
	}
	if k, ok, _ := configuredSource(cfg, connectors.KindPSA); ok {
		home, _ := st.HomeID()
		d.PSAName = displayName(k)
		d.PlanOptions = workflow.PlanOptions{HomeID: home, PSAKind: k.name, Timing: k.timing, EffectiveDate: s.EffectiveDateOn(time.Now())}
		if psa, kind, ok, err := f.PSA(ctx); err == nil && ok {
			if w, ok := psa.(connectors.QuantityWriter); ok {
				who := workflow.Who{OSUser: osUser()}
				if acct, ok, _ := st.Account(); ok {
					who.MicrosoftAccount = acct.Username
				}
				d.Writer = &workflow.Applier{PSA: w, PSAKind: kind, Keep: st, Who: who}
			}
			d.AfterApply = func(ctx context.Context) error {
				_, err := workflow.SyncPSA(ctx, kind, psa, st, time.Now)
				return err
			}
		}
	}
	return d
}

// labelOf names a source kind for people; "" stays "" (not connected).
func labelOf(kind string) string {
	if kind == "" {
		return ""
	}
	return displayName(sourceKind{name: kind})
}

// needsSync says whether the tables should read every source as they open:
// never synced yet, a chosen source never read, or data older than
// sync.stale_after.
func needsSync(s config.Settings, st *store.Store) bool {
	last, ok, err := st.LastSyncRun(store.SyncMicrosoft)
	if err != nil || !ok || time.Since(last.FinishedAt) > s.Sync.StaleAfter {
		return true
	}
	for _, side := range []struct {
		side connectors.ConnectorKind
		kind string
	}{{connectors.KindDistributor, s.Distributor.Kind}, {connectors.KindPSA, s.PSA.Kind}} {
		if side.kind == "" {
			continue
		}
		if _, ok, err := st.SourceSnapshotState(side.side); err != nil || !ok {
			return true
		}
	}
	return false
}
