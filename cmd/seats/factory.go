package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/connectors/sandbox"
	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/store/secret"
)

// factory builds the program's dependencies lazily, once, in the order they
// depend on each other: home -> (sandbox) -> config -> store, secrets ->
// token cache -> Microsoft client -> workflows. Commands ask for what they
// need; Close flushes the token cache and stops the sandbox.
type factory struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	// set from flags by the root command
	homeFlag  string
	sandbox   bool
	debug     bool
	boundKeys map[string]*pflag.Flag

	home    string
	fileCfg *config.Config // as loaded and validated
	cfg     *config.Config // with the sandbox's overrides, when --sandbox
	st      *store.Store
	secrets *secret.Store
	cache   *microsoft.TokenCache
	client  *microsoft.Client
	sb      *sandbox.Sandbox
	logger  *slog.Logger
	logFile *os.File
}

// Home resolves the folder that holds config.yaml and seats.db.
func (f *factory) Home() (string, error) {
	if f.home != "" {
		return f.home, nil
	}
	home, err := config.ResolveHome(f.homeFlag, f.sandbox)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return "", fmt.Errorf("could not create the home folder %s (choose another with --home or SEATS_HOME): %w", home, err)
	}
	f.home = home
	return home, nil
}

// Logger is the debug log (<home>/debug.log with --debug), or a discarding one.
func (f *factory) Logger() *slog.Logger {
	if f.logger != nil {
		return f.logger
	}
	f.logger = slog.New(slog.DiscardHandler)
	if !f.debug {
		return f.logger
	}
	home, err := f.Home()
	if err != nil {
		return f.logger
	}
	path := filepath.Join(home, "debug.log")
	file, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintf(f.stderr, "warning: cannot open debug log %s: %v\n", path, err)
		return f.logger
	}
	f.logFile = file
	f.logger = slog.New(slog.NewTextHandler(file, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fmt.Fprintf(f.stderr, "debug log: %s (secrets redacted)\n", path)
	return f.logger
}

// Sandbox starts (or joins) the sandbox serving this home's world.
func (f *factory) Sandbox(ctx context.Context) (*sandbox.Sandbox, error) {
	if f.sb != nil {
		return f.sb, nil
	}
	home, err := f.Home()
	if err != nil {
		return nil, err
	}
	opts, err := sandbox.OptionsFromEnv(sandbox.DefaultOptions(home))
	if err != nil {
		return nil, err
	}
	opts.Logf = func(format string, args ...any) { fmt.Fprintf(f.stderr, format+"\n", args...) }
	sb, err := sandbox.Start(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("could not start the sandbox: %w", err)
	}
	f.sb = sb
	return sb, nil
}

// loadConfig reads and validates config.yaml, env and flags, without the
// sandbox's overrides. Every command calls it first, so that nothing runs
// half-configured.
func (f *factory) loadConfig() (*config.Config, error) {
	if f.fileCfg != nil {
		return f.fileCfg, nil
	}
	home, err := f.Home()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(home, f.boundKeys)
	if err != nil {
		return nil, err
	}
	f.fileCfg = cfg
	return cfg, nil
}

// Config loads config.yaml, env and flags. In the sandbox the fakes'
// endpoints, CA and application id are set for this process only.
func (f *factory) Config(ctx context.Context) (*config.Config, error) {
	if f.cfg != nil {
		return f.cfg, nil
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	if f.sandbox {
		sb, err := f.Sandbox(ctx)
		if err != nil {
			return nil, err
		}
		ep := sb.Endpoints()
		overrides := map[string]any{
			"microsoft.cloud":              "global",
			"microsoft.tenant_id":          "",
			"microsoft.authority_host":     ep.AuthorityHost,
			"microsoft.graph_url":          ep.GraphURL,
			"microsoft.partner_center_url": ep.PartnerCenterURL,
			"tls.ca_file":                  sb.CAFile(),
		}
		// The application seats app create made in the sandbox is used
		// like any other: the sandbox's own id only stands in when none is
		// set.
		if cfg.Settings().Microsoft.ClientID == "" {
			overrides["microsoft.client_id"] = sb.ClientID()
		}
		for key, value := range overrides {
			if err := cfg.Override(key, value); err != nil {
				return nil, err
			}
		}
		if err := sandboxSources(cfg, sb); err != nil {
			return nil, err
		}
	}
	f.cfg = cfg
	return cfg, nil
}

// Store opens seats.db in the home.
func (f *factory) Store() (*store.Store, error) {
	if f.st != nil {
		return f.st, nil
	}
	home, err := f.Home()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(filepath.Join(home, "seats.db"), store.Options{})
	if err != nil {
		return nil, err
	}
	f.st = st
	return st, nil
}

// Secrets opens the secret store (OS keyring, else <home>/secrets).
func (f *factory) Secrets() (*secret.Store, error) {
	if f.secrets != nil {
		return f.secrets, nil
	}
	home, err := f.Home()
	if err != nil {
		return nil, err
	}
	// Backend left empty: the secret store reads SEATS_SECRET_BACKEND itself.
	s, err := secret.Open(secret.Options{Home: home, Warn: f.stderr})
	if err != nil {
		return nil, err
	}
	f.secrets = s
	return s, nil
}

// SecretsBackend says where secrets are kept. Backend asks the keyring once,
// so a missing keyring is noticed (and its one-time warning printed) now,
// not later in the middle of the wizard's screen.
func (f *factory) SecretsBackend() string {
	s, err := f.Secrets()
	if err != nil {
		return "unavailable: " + err.Error()
	}
	return s.Backend()
}

// tokenCacheStore is where the MSAL token cache is kept: a 0600 file in the
// home, encrypted with a key kept in the secret store (see secret.Sealed).
func (f *factory) tokenCacheStore(secrets *secret.Store) *secret.Sealed {
	return secrets.Sealed(microsoft.TokenCacheSecret, microsoft.TokenCacheFile, microsoft.TokenCacheKey)
}

// Microsoft builds the Microsoft client from the settings.
func (f *factory) Microsoft(ctx context.Context) (*microsoft.Client, error) {
	if f.client != nil {
		return f.client, nil
	}
	cfg, err := f.Config(ctx)
	if err != nil {
		return nil, err
	}
	settings := cfg.Settings()
	if settings.Microsoft.ClientID == "" {
		return nil, fmt.Errorf("microsoft.client_id is not set: run %s to create seats' application in your partner tenant (or register one by hand, see the README, and put its id in %s or SEATS_MICROSOFT_CLIENT_ID)", f.hint("app create"), cfg.File())
	}
	ep, err := cfg.Endpoints()
	if err != nil {
		return nil, err
	}
	hc, err := cfg.HTTPClient()
	if err != nil {
		return nil, err
	}
	secrets, err := f.Secrets()
	if err != nil {
		return nil, err
	}
	f.cache = microsoft.NewTokenCache(f.tokenCacheStore(secrets))
	client, err := microsoft.New(microsoft.Config{
		ClientID:         settings.Microsoft.ClientID,
		TenantID:         settings.Microsoft.TenantID,
		AuthorityHost:    ep.AuthorityHost,
		GraphURL:         ep.GraphURL,
		PartnerCenterURL: ep.PartnerCenterURL,
		GDAP:             ep.GDAP,
		HTTPClient:       hc,
		Cache:            f.cache,
		Logger:           f.Logger(),
		Concurrency:      settings.Sync.Concurrency,
	})
	if err != nil {
		return nil, err
	}
	f.client = client
	return client, nil
}

// microsoftConfig is the Microsoft connector's configuration from the
// settings, without a client id: what AppAdmin and the endpoint probes
// need before an application exists.
func (f *factory) microsoftConfig(ctx context.Context) (microsoft.Config, error) {
	cfg, err := f.Config(ctx)
	if err != nil {
		return microsoft.Config{}, err
	}
	ep, err := cfg.Endpoints()
	if err != nil {
		return microsoft.Config{}, err
	}
	hc, err := cfg.HTTPClient()
	if err != nil {
		return microsoft.Config{}, err
	}
	settings := cfg.Settings()
	return microsoft.Config{
		ClientID:         settings.Microsoft.ClientID,
		TenantID:         settings.Microsoft.TenantID,
		AuthorityHost:    ep.AuthorityHost,
		GraphURL:         ep.GraphURL,
		PartnerCenterURL: ep.PartnerCenterURL,
		GDAP:             ep.GDAP,
		HTTPClient:       hc,
		Logger:           f.Logger(),
		Concurrency:      settings.Sync.Concurrency,
	}, nil
}

// AppAdmin registers seats' application with the bootstrap sign-in.
func (f *factory) AppAdmin(ctx context.Context) (*microsoft.AppAdmin, error) {
	mc, err := f.microsoftConfig(ctx)
	if err != nil {
		return nil, err
	}
	return microsoft.NewAppAdmin(mc)
}

// UseClientID saves an application id to config.yaml and uses it from now
// on in this process (the Microsoft client is built with it when first
// asked for).
func (f *factory) UseClientID(ctx context.Context, id string) error {
	cfg, err := f.Config(ctx)
	if err != nil {
		return err
	}
	if err := cfg.Save(map[string]any{"microsoft.client_id": id}); err != nil {
		return err
	}
	// A sandbox's stand-in id may be in force as an override: the saved id
	// takes its place now, not only from the next run.
	if err := cfg.Override("microsoft.client_id", id); err != nil {
		return err
	}
	f.client, f.cache = nil, nil
	return nil
}

// Customers is the customer and consent workflow over the client and store.
func (f *factory) Customers(ctx context.Context) (*workflow.Customers, error) {
	client, err := f.Microsoft(ctx)
	if err != nil {
		return nil, err
	}
	st, err := f.Store()
	if err != nil {
		return nil, err
	}
	settings := f.cfg.Settings()
	return &workflow.Customers{MS: client, Keep: st,
		Parallel: settings.Sync.Concurrency, FreshFor: settings.Sync.CustomersFreshFor}, nil
}

// Session is the sign-in workflow.
func (f *factory) Session(ctx context.Context) (*workflow.Session, error) {
	client, err := f.Microsoft(ctx)
	if err != nil {
		return nil, err
	}
	st, err := f.Store()
	if err != nil {
		return nil, err
	}
	return &workflow.Session{Client: client, Cache: f.cache, Keep: st}, nil
}

// Close writes the token cache back once and stops what was started.
func (f *factory) Close() error {
	var errs []error
	if f.cache != nil {
		if err := f.cache.Flush(); err != nil {
			errs = append(errs, fmt.Errorf("save the sign-in: %w", err))
			fmt.Fprintf(f.stderr, "warning: could not save the sign-in: %v\n", err)
		}
	}
	if f.sb != nil {
		errs = append(errs, f.sb.Close())
	}
	if f.logFile != nil {
		errs = append(errs, f.logFile.Close())
	}
	return errors.Join(errs...)
}
