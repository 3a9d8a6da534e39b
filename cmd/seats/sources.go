package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/autotask"
	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/csvfile"
	"github.com/seats-msp/seats/connectors/halopsa"
	"github.com/seats-msp/seats/connectors/partnercenter"
	"github.com/seats-msp/seats/connectors/pax8"
	"github.com/seats-msp/seats/connectors/sandbox"
	"github.com/seats-msp/seats/connectors/sherweb"
	"github.com/seats-msp/seats/connectors/tdsynnex"
	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/store/secret"
)

// sourceField is one setting of a distributor or PSA kind: a config key the
// connect form and `seats connect` ask for.
type sourceField struct {
	key   string // config key, e.g. distributor.pax8.client_id
	flag  string // the `seats connect` flag that sets it
	label string
	help  string
	// optional fields may stay blank (the client says when a blank one
	// matters, e.g. neither site nor URL given).
	optional bool
	// hidden fields are not asked for in the wizard's form: settings for a
	// test environment (and the sandbox) only; `seats connect` still takes
	// them as flags.
	hidden bool
}

// sourceSecret is one secret of a kind. Its env variable is
// config.EnvName(key), its entry in the secret store is key itself. It is
// never a config key: config.yaml refuses it.
type sourceSecret struct {
	key   string // e.g. distributor.pax8.client_secret
	label string // "Client secret"
	// rotating secrets change at every use (TD SYNNEX's refresh token): the
	// client saves the new one to the secret store before anything else,
	// so the stored one is read first and the environment can only seed
	// the first.
	rotating bool
}

// env is the environment variable that supplies the secret.
func (s sourceSecret) env() string { return config.EnvName(s.key) }

// sourceKind is one distributor or PSA seats can connect to: its settings,
// its secrets, and how to build the client from them. The wizard's forms,
// `seats connect`, `seats sync` and the sandbox all go through this table,
// so a kind is described once.
type sourceKind struct {
	side    connectors.ConnectorKind
	name    string // registry name and distributor.kind / psa.kind value
	fields  []sourceField
	secrets []sourceSecret // none for a kind that needs none (a CSV file)
	// timing is when the PSA applies a quantity change (PSAs only).
	timing connectors.ApplyTiming
	// build makes the client from the settings (values keyed by config
	// key) and the secrets (keyed by secret key). It makes no call.
	build func(values, secrets map[string]string, o buildOptions) (any, error)
	// sandbox says how the sandbox fills the kind in: its settings (config
	// keys) and secrets (secret keys), the values a person would paste
	// from the service's own screens.
	sandbox func(ep sandbox.SourceEndpoints, cred sandbox.Credentials) (values, secrets map[string]string)
}

// buildOptions are what every client gets besides its own settings.
type buildOptions struct {
	HTTPClient   *http.Client
	Logger       *slog.Logger
	Concurrency  int
	WriteEnabled bool // psa.write_enabled: a PSA client refuses writes without it
	// SaveSecret keeps a secret that changed (a rotated refresh token) in
	// the secret store.
	SaveSecret func(key, value string) error
	// PartnerCenter signs in to Partner Center with the MSP's Microsoft
	// sign-in, at PartnerCenterURL (direct bill).
	PartnerCenter    partnercenter.TokenSource
	PartnerCenterURL string
}

// The secrets' keys: names in the secret store, and (through
// config.EnvName) of their environment variables.
const (
	secretPax8ClientSecret       = "distributor.pax8.client_secret"
	secretSherwebClientSecret    = "distributor.sherweb.client_secret"
	secretSherwebSubscriptionKey = "distributor.sherweb.subscription_key"
	secretTDSynnexRefreshToken   = "distributor.tdsynnex.refresh_token"
	secretConnectWisePrivateKey  = "psa.connectwise.private_key"
	secretAutotaskSecret         = "psa.autotask.secret"
	secretHaloClientSecret       = "psa.halopsa.client_secret"
)

// sourceKinds are the kinds this build can connect to, by side.
var sourceKinds = []sourceKind{
	{
		side: connectors.KindDistributor,
		name: "pax8",
		fields: []sourceField{
			{key: config.KeyPax8ClientID, flag: "client-id", label: "Client id", help: "of a Pax8 developer app (Pax8: Integrations, Developer apps), made by a Partner Admin"},
			{key: config.KeyPax8URL, flag: "url", label: "API URL", help: "leave as is unless Pax8 told you otherwise"},
			{key: config.KeyPax8TokenURL, flag: "token-url", label: "Token URL", help: "leave as is unless Pax8 told you otherwise"},
		},
		secrets: []sourceSecret{{key: secretPax8ClientSecret, label: "Client secret"}},
		build: func(v, secrets map[string]string, o buildOptions) (any, error) {
			return pax8.New(pax8.Config{
				BaseURL: v[config.KeyPax8URL], TokenURL: v[config.KeyPax8TokenURL],
				ClientID: v[config.KeyPax8ClientID], ClientSecret: secrets[secretPax8ClientSecret],
				HTTPClient: o.HTTPClient, Logger: o.Logger, Concurrency: o.Concurrency,
			})
		},
		sandbox: func(ep sandbox.SourceEndpoints, cred sandbox.Credentials) (map[string]string, map[string]string) {
			return map[string]string{config.KeyPax8URL: ep.Pax8URL, config.KeyPax8TokenURL: ep.Pax8TokenURL, config.KeyPax8ClientID: cred.Pax8ClientID},
				map[string]string{secretPax8ClientSecret: cred.Pax8ClientSecret}
		},
	},
	{
		side: connectors.KindDistributor,
		name: "sherweb",
		fields: []sourceField{
			{key: config.KeySherwebClientID, flag: "client-id", label: "Client id", help: "of an API client (Sherweb Partner portal: Security, APIs)"},
			{key: config.KeySherwebURL, flag: "url", label: "API URL", help: "blank: Sherweb's usual address", optional: true},
			{key: config.KeySherwebTokenURL, flag: "token-url", label: "Token URL", help: "blank: Sherweb's usual address", optional: true},
		},
		secrets: []sourceSecret{
			{key: secretSherwebClientSecret, label: "Client secret"},
			{key: secretSherwebSubscriptionKey, label: "Subscription key"},
		},
		build: func(v, secrets map[string]string, o buildOptions) (any, error) {
			return sherweb.New(sherweb.Config{
				BaseURL: v[config.KeySherwebURL], TokenURL: v[config.KeySherwebTokenURL], ClientID: v[config.KeySherwebClientID],
				ClientSecret: secrets[secretSherwebClientSecret], SubscriptionKey: secrets[secretSherwebSubscriptionKey],
				HTTPClient: o.HTTPClient, Logger: o.Logger, Concurrency: min(o.Concurrency, sherweb.DefaultConcurrency),
			})
		},
		sandbox: func(ep sandbox.SourceEndpoints, cred sandbox.Credentials) (map[string]string, map[string]string) {
			return map[string]string{config.KeySherwebURL: ep.SherwebURL, config.KeySherwebTokenURL: ep.SherwebTokenURL, config.KeySherwebClientID: cred.SherwebClientID},
				map[string]string{secretSherwebClientSecret: cred.SherwebClientSecret, secretSherwebSubscriptionKey: cred.SherwebSubscriptionKey}
		},
	},
	{
		side: connectors.KindDistributor,
		name: "tdsynnex",
		fields: []sourceField{
			{key: config.KeyTDSynnexAccountID, flag: "account-id", label: "Account id", help: "your StreamOne Ion reseller account id"},
			{key: config.KeyTDSynnexURL, flag: "url", label: "API URL", help: "blank: Ion's usual address", optional: true},
			{key: config.KeyTDSynnexTokenURL, flag: "token-url", label: "Token URL", help: "blank: Ion's usual address", optional: true},
		},
		// Ion's refresh token changes at every use: the client saves the
		// new one before anything else, and the stored one is read first.
		secrets: []sourceSecret{{key: secretTDSynnexRefreshToken, label: "Refresh token", rotating: true}},
		build: func(v, secrets map[string]string, o buildOptions) (any, error) {
			return tdsynnex.New(tdsynnex.Config{
				BaseURL: v[config.KeyTDSynnexURL], TokenURL: v[config.KeyTDSynnexTokenURL], AccountID: v[config.KeyTDSynnexAccountID],
				RefreshToken: secrets[secretTDSynnexRefreshToken],
				SaveRefreshToken: func(_ context.Context, token string) error {
					return o.SaveSecret(secretTDSynnexRefreshToken, token)
				},
				HTTPClient: o.HTTPClient, Logger: o.Logger, Concurrency: min(o.Concurrency, tdsynnex.DefaultConcurrency),
			})
		},
		sandbox: func(ep sandbox.SourceEndpoints, cred sandbox.Credentials) (map[string]string, map[string]string) {
			return map[string]string{config.KeyTDSynnexURL: ep.TDSynnexURL, config.KeyTDSynnexTokenURL: ep.TDSynnexTokenURL, config.KeyTDSynnexAccountID: cred.TDSynnexAccountID},
				map[string]string{secretTDSynnexRefreshToken: cred.TDSynnexRefreshToken}
		},
	},
	{
		side: connectors.KindDistributor,
		name: "partnercenter",
		// No settings and no secret: Partner Center is read with the
		// Microsoft sign-in seats already has.
		build: func(_, _ map[string]string, o buildOptions) (any, error) {
			return partnercenter.New(partnercenter.Config{BaseURL: o.PartnerCenterURL, Tokens: o.PartnerCenter,
				HTTPClient: o.HTTPClient, Logger: o.Logger, Concurrency: min(o.Concurrency, partnercenter.DefaultConcurrency)})
		},
	},
	{
		side: connectors.KindDistributor,
		name: "csv",
		fields: []sourceField{
			{key: config.KeyCSVPath, flag: "path", label: "CSV file", help: "the file's path (seats distributor template writes an example of its layout)"},
		},
		build: func(v, _ map[string]string, _ buildOptions) (any, error) {
			return csvfile.New(csvfile.Config{Path: v[config.KeyCSVPath]})
		},
		sandbox: func(ep sandbox.SourceEndpoints, _ sandbox.Credentials) (map[string]string, map[string]string) {
			return map[string]string{config.KeyCSVPath: ep.CSVPath}, nil
		},
	},
	{
		side: connectors.KindPSA,
		name: "connectwise",
		fields: []sourceField{
			{key: config.KeyConnectWiseCompany, flag: "company-id", label: "Company id", help: "the company you sign in to ConnectWise with"},
			{key: config.KeyConnectWisePublic, flag: "public-key", label: "Public key", help: "of an API member's key (System, Members, API Members)"},
			{key: config.KeyConnectWiseClient, flag: "client-id", label: "Client id", help: "from developer.connectwise.com (Client Id)"},
			{key: config.KeyConnectWiseSite, flag: "site", label: "Site", help: "your ConnectWise host, e.g. na.myconnectwise.net (or give --url)", optional: true},
			{key: config.KeyConnectWiseURL, flag: "url", label: "API URL", help: "the API base with its codebase; blank: looked up from the site", optional: true},
		},
		secrets: []sourceSecret{{key: secretConnectWisePrivateKey, label: "Private key"}},
		timing:  connectors.ApplyAtOnce,
		build: func(v, secrets map[string]string, o buildOptions) (any, error) {
			return connectwise.New(connectwise.Config{
				URL: v[config.KeyConnectWiseURL], Site: v[config.KeyConnectWiseSite],
				CompanyID: v[config.KeyConnectWiseCompany], PublicKey: v[config.KeyConnectWisePublic],
				ClientID: v[config.KeyConnectWiseClient], PrivateKey: secrets[secretConnectWisePrivateKey], WriteEnabled: o.WriteEnabled,
				HTTPClient: o.HTTPClient, Logger: o.Logger, Concurrency: min(o.Concurrency, connectwise.DefaultConcurrency),
			})
		},
		sandbox: func(ep sandbox.SourceEndpoints, cred sandbox.Credentials) (map[string]string, map[string]string) {
			return map[string]string{config.KeyConnectWiseURL: ep.ConnectWiseURL, config.KeyConnectWiseCompany: cred.ConnectWiseCompanyID,
					config.KeyConnectWisePublic: cred.ConnectWisePublicKey, config.KeyConnectWiseClient: cred.ConnectWiseClientID},
				map[string]string{secretConnectWisePrivateKey: cred.ConnectWisePrivateKey}
		},
	},
	{
		side: connectors.KindPSA,
		name: "autotask",
		fields: []sourceField{
			{key: config.KeyAutotaskUserName, flag: "username", label: "API user", help: "the API user's user name (Admin, Resources (Users), an API-only user)"},
			{key: config.KeyAutotaskCode, flag: "integration-code", label: "Integration code", help: "the API tracking identifier of that user's security level"},
			{key: config.KeyAutotaskURL, flag: "url", label: "Zone URL", help: "blank: looked up from the API user's name", optional: true},
			{key: config.KeyAutotaskZoneURL, flag: "zone-lookup-url", label: "Zone lookup URL", help: "blank: Autotask's own", optional: true, hidden: true},
			{key: config.KeyAutotaskCurrency, flag: "currency", label: "Currency", help: "the currency your Autotask prices are in (Autotask does not say)", optional: true},
		},
		secrets: []sourceSecret{{key: secretAutotaskSecret, label: "Secret"}},
		// A change applies from an effective date and cannot be undone.
		timing: connectors.ApplyFromDate,
		build: func(v, secrets map[string]string, o buildOptions) (any, error) {
			return autotask.New(autotask.Config{
				UserName: v[config.KeyAutotaskUserName], IntegrationCode: v[config.KeyAutotaskCode], Secret: secrets[secretAutotaskSecret],
				URL: v[config.KeyAutotaskURL], ZoneLookupURL: v[config.KeyAutotaskZoneURL], Currency: v[config.KeyAutotaskCurrency],
				WriteEnabled: o.WriteEnabled, HTTPClient: o.HTTPClient, Logger: o.Logger, Concurrency: min(o.Concurrency, autotask.DefaultConcurrency),
			})
		},
		sandbox: func(ep sandbox.SourceEndpoints, cred sandbox.Credentials) (map[string]string, map[string]string) {
			return map[string]string{config.KeyAutotaskZoneURL: ep.AutotaskZoneLookupURL, config.KeyAutotaskUserName: cred.AutotaskUserName,
					config.KeyAutotaskCode: cred.AutotaskIntegrationCode},
				map[string]string{secretAutotaskSecret: cred.AutotaskSecret}
		},
	},
	{
		side: connectors.KindPSA,
		name: "halopsa",
		fields: []sourceField{
			{key: config.KeyHaloURL, flag: "url", label: "Instance URL", help: "your Halo address, e.g. https://yourco.halopsa.com"},
			{key: config.KeyHaloClientID, flag: "client-id", label: "Client id", help: "of an API application with Client Credentials (Configuration, Integrations, Halo API)"},
			{key: config.KeyHaloTenant, flag: "tenant", label: "Tenant", help: "hosted instances only: the tenant name Halo gave you", optional: true},
			{key: config.KeyHaloCurrency, flag: "currency", label: "Currency", help: "the currency your Halo prices are in (Halo does not say)", optional: true},
		},
		secrets: []sourceSecret{{key: secretHaloClientSecret, label: "Client secret"}},
		timing:  connectors.ApplyAtOnce,
		build: func(v, secrets map[string]string, o buildOptions) (any, error) {
			return halopsa.New(halopsa.Config{
				URL: v[config.KeyHaloURL], Tenant: v[config.KeyHaloTenant], ClientID: v[config.KeyHaloClientID],
				ClientSecret: secrets[secretHaloClientSecret], Currency: v[config.KeyHaloCurrency], WriteEnabled: o.WriteEnabled,
				HTTPClient: o.HTTPClient, Logger: o.Logger, Concurrency: min(o.Concurrency, halopsa.DefaultConcurrency),
			})
		},
		sandbox: func(ep sandbox.SourceEndpoints, cred sandbox.Credentials) (map[string]string, map[string]string) {
			return map[string]string{config.KeyHaloURL: ep.HaloURL, config.KeyHaloClientID: cred.HaloClientID, config.KeyHaloTenant: cred.HaloTenant},
				map[string]string{secretHaloClientSecret: cred.HaloClientSecret}
		},
	},
}

// lookupSource finds a kind of one side.
func lookupSource(side connectors.ConnectorKind, name string) (sourceKind, bool) {
	for _, k := range sourceKinds {
		if k.side == side && k.name == name {
			return k, true
		}
	}
	return sourceKind{}, false
}

// sourceNames lists the kinds of one side, for messages.
func sourceNames(side connectors.ConnectorKind) []string {
	var out []string
	for _, k := range sourceKinds {
		if k.side == side {
			out = append(out, k.name)
		}
	}
	return out
}

// values reads the kind's settings from the merged configuration.
func (k sourceKind) values(cfg *config.Config) map[string]string {
	out := map[string]string{}
	for _, f := range k.fields {
		out[f.key] = cfg.String(f.key)
	}
	return out
}

// secretGetter reads one stored secret; *secret.Store is one.
type secretGetter interface {
	Get(name string) ([]byte, error)
}

// errNoSecret means neither the environment nor the secret store holds the
// kind's secret.
var errNoSecret = errors.New("no secret stored")

// resolveSecret returns one secret: the environment variable first (so
// servers and CI can keep it out of any store), then the secret store; for
// a rotating secret the store first, since the environment's is only the
// first of a chain.
func resolveSecret(sec sourceSecret, secrets secretGetter) (value, from string, err error) {
	fromEnv := func() (string, bool) {
		v := os.Getenv(sec.env())
		return v, v != ""
	}
	if v, ok := fromEnv(); ok && !sec.rotating {
		return v, "env " + sec.env(), nil
	}
	if secrets != nil {
		data, err := secrets.Get(sec.key)
		switch {
		case err == nil && len(data) > 0:
			return string(data), "secret store", nil
		case err != nil && !errors.Is(err, secret.ErrNotFound):
			return "", "", err
		}
	}
	if v, ok := fromEnv(); ok {
		return v, "env " + sec.env(), nil
	}
	return "", "", errNoSecret
}

// resolveSecrets returns every secret of a kind, keyed by secret key; a
// missing one is an error naming it and where to give it.
func (f *factory) resolveSecrets(k sourceKind, secrets secretGetter) (map[string]string, error) {
	out := map[string]string{}
	for _, sec := range k.secrets {
		v, _, err := resolveSecret(sec, secrets)
		if errors.Is(err, errNoSecret) {
			return nil, fmt.Errorf("the %s %s is missing: set %s or run %s", displayName(k), strings.ToLower(sec.label),
				sec.env(), f.hint("connect "+strings.ToLower(sourceSide(k.side))))
		}
		if err != nil {
			return nil, err
		}
		out[sec.key] = v
	}
	return out, nil
}

// sourceSide names a side for people.
func sourceSide(side connectors.ConnectorKind) string {
	if side == connectors.KindPSA {
		return "PSA"
	}
	return "distributor"
}

// configuredSource returns the kind chosen in the configuration for a side;
// ok is false when none is chosen.
func configuredSource(cfg *config.Config, side connectors.ConnectorKind) (sourceKind, bool, error) {
	s := cfg.Settings()
	name := s.Distributor.Kind
	if side == connectors.KindPSA {
		name = s.PSA.Kind
	}
	if name == "" {
		return sourceKind{}, false, nil
	}
	k, ok := lookupSource(side, name)
	if !ok {
		return sourceKind{}, false, fmt.Errorf("%s kind %q is not built into this seats (it knows %s)", sourceSide(side), name, strings.Join(sourceNames(side), ", "))
	}
	return k, true, nil
}

// buildSource makes the client of kind k from the values and secret given,
// with the home's TLS settings and debug log.
func (f *factory) buildSource(ctx context.Context, k sourceKind, values, secretValues map[string]string) (any, error) {
	cfg, err := f.Config(ctx)
	if err != nil {
		return nil, err
	}
	hc, err := cfg.HTTPClient()
	if err != nil {
		return nil, err
	}
	s := cfg.Settings()
	save := func(key, value string) error {
		secrets, err := f.Secrets()
		if err != nil {
			return err
		}
		return secrets.Set(key, []byte(value))
	}
	ep, err := cfg.Endpoints()
	if err != nil {
		return nil, err
	}
	return k.build(values, secretValues, buildOptions{HTTPClient: hc, Logger: f.Logger(), Concurrency: s.Sync.Concurrency,
		WriteEnabled: s.PSA.WriteEnabled, SaveSecret: save, PartnerCenter: partnerCenterTokens{f}, PartnerCenterURL: ep.PartnerCenterURL})
}

// Distributor builds the configured distributor's client, with its secret
// from the environment or the secret store. ok is false when no distributor
// is chosen yet.
func (f *factory) Distributor(ctx context.Context) (d connectors.Distributor, kind string, ok bool, err error) {
	client, k, ok, err := f.source(ctx, connectors.KindDistributor)
	if !ok || err != nil {
		return nil, "", ok, err
	}
	return client.(connectors.Distributor), k.name, true, nil
}

// PSA builds the configured PSA's client; ok is false when no PSA is chosen
// yet. Writes go through it only when psa.write_enabled is on: the client
// itself refuses them otherwise.
func (f *factory) PSA(ctx context.Context) (p connectors.PSA, kind string, ok bool, err error) {
	client, k, ok, err := f.source(ctx, connectors.KindPSA)
	if !ok || err != nil {
		return nil, "", ok, err
	}
	return client.(connectors.PSA), k.name, true, nil
}

func (f *factory) source(ctx context.Context, side connectors.ConnectorKind) (any, sourceKind, bool, error) {
	cfg, err := f.Config(ctx)
	if err != nil {
		return nil, sourceKind{}, false, err
	}
	k, ok, err := configuredSource(cfg, side)
	if !ok || err != nil {
		return nil, k, ok, err
	}
	secrets, err := f.Secrets()
	if err != nil {
		return nil, k, true, err
	}
	values, err := f.resolveSecrets(k, secrets)
	if err != nil {
		return nil, k, true, err
	}
	client, err := f.buildSource(ctx, k, k.values(cfg), values)
	return client, k, true, err
}

// sandboxSources points the distributor and PSA settings at the sandbox's
// fakes and supplies their made-up secrets the way a server would: through
// the same environment variables a real setup can use (only where the
// environment does not set them already). Choosing endpoints and
// credentials is all the sandbox changes; every code path after it is the
// real one.
func sandboxSources(cfg *config.Config, sb *sandbox.Sandbox) error {
	ep, cred := sb.SourceEndpoints(), sb.Credentials()
	for _, k := range sourceKinds {
		if k.sandbox == nil {
			continue
		}
		values, secrets := k.sandbox(ep, cred)
		for key, value := range values {
			if err := cfg.Override(key, value); err != nil {
				return err
			}
		}
		for _, sec := range k.secrets {
			if v := secrets[sec.key]; v != "" && os.Getenv(sec.env()) == "" {
				if err := os.Setenv(sec.env(), v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// partnerCenterTokens signs in to Partner Center with the Microsoft client,
// built when first needed.
type partnerCenterTokens struct{ f *factory }

func (t partnerCenterTokens) PartnerCenterToken(ctx context.Context) (string, error) {
	client, err := t.f.Microsoft(ctx)
	if err != nil {
		return "", err
	}
	return client.PartnerCenterToken(ctx)
}
