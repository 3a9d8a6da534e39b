package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/components/sourceform"
	"github.com/seats-msp/seats/tui/screens/accounts"
	"github.com/seats-msp/seats/tui/screens/licences"
	"github.com/seats-msp/seats/tui/screens/pick"
	"github.com/seats-msp/seats/tui/screens/products"
	"github.com/seats-msp/seats/tui/screens/settings"
	"github.com/seats-msp/seats/tui/screens/summary"
)

// wizardOptions builds the wizard's later steps with the real connectors,
// the configuration and the store.
func (f *factory) wizardOptions(ctx context.Context) tui.Options {
	// The summary is read once, as the wizard opens: the inventory it keeps
	// is what the next run compares with.
	data, err := f.summaryData(true)
	if err != nil {
		fmt.Fprintf(f.stderr, "warning: the summary of what changed could not be read: %v\n", err)
	}
	// A home not set up yet ends this run with its first full sync, with
	// progress, as the tables open after the settings are saved.
	firstRun := true
	if st, err := f.Store(); err == nil {
		if p, err := st.WizardProgress(); err == nil && slices.Contains(p.Done, common.ScreenSettings.String()) {
			firstRun = false
		}
	}
	return tui.Options{
		Sources: func() []sourceform.Options { return f.sourceForms(ctx) },
		Screens: []func(c *common.Common) common.Screen{
			func(c *common.Common) common.Screen { return pick.New(c, f.pickOptions()) },
			func(c *common.Common) common.Screen {
				cfg, _ := f.loadConfig()
				return settings.New(c, cfg.Settings(), cfg.Save)
			},
			func(c *common.Common) common.Screen {
				return tui.Lazy(common.ScreenLicences, func() common.Screen { return licences.New(c, f.licencesDeps(ctx, firstRun)) })
			},
			func(c *common.Common) common.Screen { return accounts.New(c, f.wizardMatcher(ctx)) },
			func(c *common.Common) common.Screen { return products.New(c, f.wizardMatcher(ctx)) },
			func(c *common.Common) common.Screen {
				return summary.New(c, summary.Options{ID: common.ScreenSummary, Data: data,
					Sync: func(ctx context.Context) (summary.Data, error) {
						s, err := f.syncer(ctx)
						if err != nil {
							return summary.Data{}, err
						}
						if _, err := s.Sync(ctx, workflow.SyncAllProgress{}); err != nil {
							return summary.Data{}, err
						}
						return f.summaryData(false)
					}})
			},
		},
	}
}

// pickOptions lists every kind built in, by side, from the registry.
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
		if fld.hidden {
			continue
		}
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
	for _, sec := range k.secrets {
		secretHelp := "typed, never shown; kept in the secret store, never in config.yaml"
		_, from, err := resolveSecret(sec, f.secretsOrNil())
		if err == nil {
			secretHelp = "leave empty to use the one in the " + from
		}
		fields = append(fields, sourceform.Field{Key: sec.key, Label: sec.label, Help: secretHelp, Secret: true, Known: err == nil})
	}

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
	var replaced map[string]bool // rotating secrets the last test spent (see replacedSince)
	return sourceform.Options{
		ID:        string(k.side),
		Screen:    common.ScreenConnect,
		Kind:      name,
		Title:     title,
		Fields:    fields,
		Connected: connected,
		Test: func(ctx context.Context, values, secrets map[string]string) (string, error) {
			secretValues := map[string]string{}
			for _, sec := range k.secrets {
				v := secrets[sec.key]
				if v == "" {
					stored, _, err := resolveSecret(sec, f.secretsOrNil())
					if errors.Is(err, errNoSecret) {
						return "", fmt.Errorf("type the %s", strings.ToLower(sec.label))
					}
					if err != nil {
						return "", err
					}
					v = stored
				}
				secretValues[sec.key] = v
			}
			before := storedRotating(k, f.secretsOrNil())
			client, err := f.buildSource(ctx, k, withDefaults(cfg, k, values), secretValues)
			if err != nil {
				return "", err
			}
			summary, err := checkSource(ctx, client)
			if err == nil {
				tested = summary
				replaced = replacedSince(f.secretsOrNil(), before)
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
			for _, sec := range k.secrets {
				v := secrets[sec.key]
				if v == "" || replaced[sec.key] {
					continue
				}
				secretStore, err := f.Secrets()
				if err != nil {
					return err
				}
				if err := secretStore.Set(sec.key, []byte(v)); err != nil {
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

// syncer is the sync of every connected source that records its runs, as
// `seats sync`, the summary, the matching steps and the tables' sync key
// run it.
func (f *factory) syncer(ctx context.Context) (recordingSyncer, error) {
	all, err := f.everything(ctx)
	if err != nil {
		return recordingSyncer{}, err
	}
	st, err := f.Store()
	return recordingSyncer{all: all, st: st, tables: f.tablesAfterSync(ctx)}, err
}

// everything is the sync of every connected source.
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
func (f *factory) licencesDeps(ctx context.Context, firstRun bool) licences.Deps {
	cfg, _ := f.loadConfig()
	s := cfg.Settings()
	st, err := f.Store()
	if err != nil {
		return licences.Deps{}
	}
	reporting, _ := f.Reporting(ctx)
	d := licences.Deps{
		Reports: reporting, Plans: reporting, Audit: st, ConfigFile: cfg.File(),
		WriteEnabledNow: func() bool { return cfg.Settings().PSA.WriteEnabled }, StaleAfter: s.Sync.StaleAfter,
		Sync: licences.SyncAll(func(ctx context.Context) (licences.AllSyncer, string, string, error) {
			s, err := f.syncer(ctx)
			if err != nil {
				return nil, "", "", err
			}
			if firstRun {
				// The first run's full sync follows the matching steps,
				// which read both sources minutes ago: only Microsoft's
				// licences are new. A later press reads everything.
				firstRun = false
				s.all.ReadRecently = readRecently(st, cfg.Settings().Sync.CustomersFreshFor, time.Now())
			}
			return s, labelOf(s.all.DistributorKind), labelOf(s.all.PSAKind), nil
		}),
		SyncOnStart: firstRun || needsSync(s, st),
	}
	if k, ok, _ := configuredSource(cfg, connectors.KindPSA); ok {
		home, _ := st.HomeID()
		d.PSAName = displayName(k)
		d.PlanOptions = workflow.PlanOptions{HomeID: home, PSAKind: k.name, Timing: k.timing, EffectiveDate: s.EffectiveDateOn(time.Now())}
		d.Writer = lazyApplier{f: f}
		d.AfterApply = func(ctx context.Context) error {
			psa, kind, ok, err := f.PSA(ctx)
			if err != nil || !ok {
				return err
			}
			_, err = workflow.SyncPSA(ctx, kind, psa, st, time.Now)
			return err
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

// summaryData is what the summary of a set-up home shows, from the store:
// Ready customers, what is unmapped, what changed since the inventory the
// last run kept (this run's is kept for the next one), and when each
// source was last read.
func (f *factory) summaryData(keepInventory bool) (summary.Data, error) {
	cfg, err := f.loadConfig()
	if err != nil {
		return summary.Data{}, err
	}
	s := cfg.Settings()
	st, err := f.Store()
	if err != nil {
		return summary.Data{}, err
	}
	d := summary.Data{Distributor: labelOf(s.Distributor.Kind), PSA: labelOf(s.PSA.Kind)}
	o, err := workflow.ReadOverview(st, time.Now())
	if err != nil {
		return d, err
	}
	d.Customers, d.Ready = len(o.Statuses), o.Ready()
	d.Unmapped = summary.UnmappedFrom(o.Mappings, s.Distributor.Kind != "", s.PSA.Kind != "")
	ch := o.Changes()
	d.Since = summary.SinceLastRun{LastRun: ch.Since, NewCustomers: ch.NewCustomers, NewSkus: ch.NewSkus, NewPSAItems: ch.NewPSAItems, LostCustomers: ch.NowLost}
	if keepInventory {
		if err := st.SaveInventory(o.Now); err != nil {
			return d, err
		}
	}

	if run, ok, _ := st.LastSyncRun(store.SyncMicrosoft); ok {
		src := summary.Source{Name: "Microsoft", ReadAt: run.FinishedAt}
		if run.Failed > 0 {
			src.Failed = fmt.Sprintf("%d tenants could not be read", run.Failed)
		}
		d.Sources = append(d.Sources, src)
	}
	for _, side := range []struct {
		side connectors.ConnectorKind
		name string
	}{{connectors.KindDistributor, d.Distributor}, {connectors.KindPSA, d.PSA}} {
		if side.name == "" {
			continue
		}
		state, ok, err := st.SourceSnapshotState(side.side)
		if err != nil || !ok {
			continue
		}
		src := summary.Source{Name: side.name, ReadAt: state.TakenAt}
		if state.Stale {
			src.Failed = state.StaleReason
		}
		d.Sources = append(d.Sources, src)
	}
	return d, nil
}

// wizardMatcher is the matching workflow over the store, reading the
// sources first where they were never read.
func (f *factory) wizardMatcher(ctx context.Context) readingMatcher {
	m, err := f.Matching()
	if err != nil {
		m = &workflow.Matching{}
	}
	return readingMatcher{Matching: m, f: f, ctx: ctx}
}

// readingMatcher is the matching workflow for the wizard's matching steps:
// on a first run nothing has been read from the distributor and the PSA
// yet, so its automatic pass first reads every source (as seats sync does)
// whenever a chosen source has never been read.
type readingMatcher struct {
	*workflow.Matching
	f   *factory
	ctx context.Context
}

func (m readingMatcher) Refresh() (workflow.MatchView, error) {
	cfg, err := m.f.loadConfig()
	if err != nil {
		return workflow.MatchView{}, err
	}
	st, err := m.f.Store()
	if err != nil {
		return workflow.MatchView{}, err
	}
	if needsSync(cfg.Settings(), st) {
		s, err := m.f.syncer(m.ctx)
		if err != nil {
			return workflow.MatchView{}, err
		}
		rep, err := s.Sync(m.ctx, workflow.SyncAllProgress{})
		if err != nil {
			return workflow.MatchView{}, err
		}
		for _, src := range rep.Sources {
			if !src.OK && !src.Interrupted {
				return workflow.MatchView{}, fmt.Errorf("%s could not be read, so its side cannot be matched: %s", labelOf(src.Kind), src.Error)
			}
		}
	}
	return m.Matching.Refresh()
}

// lazyApplier builds the PSA client and its Applier at each use, so that
// writes turned on in the Settings step of the same run count (the client
// refuses writes while psa.write_enabled is off).
type lazyApplier struct{ f *factory }

func (l lazyApplier) applier(ctx context.Context) (*workflow.Applier, error) {
	psa, kind, ok, err := l.f.PSA(ctx)
	if err != nil {
		return nil, err
	}
	w, isWriter := psa.(connectors.QuantityWriter)
	if !ok || !isWriter {
		return nil, errors.New("no PSA seats can write to is connected: connect one (seats connect psa), then apply again")
	}
	st, err := l.f.Store()
	if err != nil {
		return nil, err
	}
	who := workflow.Who{OSUser: osUser()}
	if acct, ok, _ := st.Account(); ok {
		who.MicrosoftAccount = acct.Username
	}
	return &workflow.Applier{PSA: w, PSAKind: kind, Keep: st, Who: who}, nil
}

func (l lazyApplier) Resolve(ctx context.Context) ([]connectors.PSAWrite, error) {
	a, err := l.applier(ctx)
	if err != nil {
		return nil, err
	}
	return a.Resolve(ctx)
}

func (l lazyApplier) Apply(ctx context.Context, p reconcile.Plan, only []int, progress workflow.ApplyProgress) ([]workflow.ApplyResult, error) {
	a, err := l.applier(ctx)
	if err != nil {
		return nil, err
	}
	return a.Apply(ctx, p, only, progress)
}

// readRecently says when a side's snapshot was read, if it is of the kind
// connected now, not stale, and no older than freshFor at now.
func readRecently(st *store.Store, freshFor time.Duration, now time.Time) func(connectors.ConnectorKind, string) (time.Time, bool) {
	return func(side connectors.ConnectorKind, kind string) (time.Time, bool) {
		if freshFor <= 0 {
			return time.Time{}, false
		}
		state, ok, err := st.SourceSnapshotState(side)
		if err != nil || !ok || state.Kind != kind || state.Stale || now.Sub(state.TakenAt) > freshFor || state.TakenAt.After(now) {
			return time.Time{}, false
		}
		return state.TakenAt, true
	}
}
