// Package config reads seats' settings: config.yaml in the home folder, SEATS_*
// environment variables and command-line flags, merged by viper with the
// precedence flag > env > config file > default, and writes back only the keys
// the wizard owns. It is, with cmd/seats, the only package that touches viper.
//
// Everything is validated when loading, layer by layer, and loading fails as a
// whole on the first problem so that nothing starts half-configured. Errors
// are *ValidationError values naming the source (the file and line, the env
// variable or the flag) and the key.
//
// Settings never hold secrets: tokens and keys live in store/secret.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/seats-msp/seats/store/internal/atomicfile"
)

// FileName is the name of the settings file inside the home folder.
const FileName = "config.yaml"

// Settings are the merged, validated settings. Zero strings mean "not set":
// an empty ClientID means seats is not configured yet, an empty TenantID means
// "organizations", empty URLs mean the cloud's own hosts.
type Settings struct {
	Microsoft struct {
		Cloud            string // one of Clouds()
		ClientID         string // Entra application id (GUID) seats signs in as
		TenantID         string // partner tenant GUID or domain; "" = organizations
		AuthorityHost    string // https override of the cloud's sign-in host
		GraphURL         string // https override of the cloud's Graph host
		PartnerCenterURL string // https override of the cloud's Partner Center host
	}
	TLS struct {
		CAFile string // absolute path of an extra PEM CA bundle, "" = system roots only
	}
	Sync struct {
		Concurrency int           // parallel calls per service, 1..64
		StaleAfter  time.Duration // a snapshot older than this is shown as stale
		// CustomersFreshFor: a customer list read from Partner Center
		// within this long is not read again (on wizard start, consent
		// --tenant); r and status --refresh always read it.
		CustomersFreshFor time.Duration
	}
	Distributor struct {
		Kind string // one of DistributorKinds(), "" = none chosen yet
		Pax8 struct {
			URL, TokenURL, ClientID string
		}
	}
	PSA struct {
		Kind         string // one of PSAKinds(), "" = none chosen yet
		WriteEnabled bool   // false: seats never writes to the PSA
		// EffectiveDate is "today", "first-of-next-month" or YYYY-MM-DD:
		// when a change applies, for PSAs that take a date (see
		// EffectiveDateOn).
		EffectiveDate string
		ConnectWise   struct {
			URL, Site, CompanyID, PublicKey, ClientID string
		}
	}
	Billing struct {
		Basis         string // BasisDistributor or BasisAssigned
		IncludeTrials bool
		IncludeFree   bool
	}
	Reconcile struct {
		Tolerance      int      // seats of difference ignored
		IgnoreProducts []string // Microsoft SKU ids, lower case
	}
}

// EffectiveDateOn turns psa.effective_date into a date, as of now (in
// now's location): today, the first of next month, or the date given.
func (s Settings) EffectiveDateOn(now time.Time) time.Time {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	switch s.PSA.EffectiveDate {
	case "", EffectiveToday:
		return today
	case EffectiveNextMonth:
		return time.Date(y, m+1, 1, 0, 0, 0, 0, now.Location())
	}
	t, err := time.ParseInLocation(effectiveDateLayout, s.PSA.EffectiveDate, now.Location())
	if err != nil {
		return today
	}
	return t
}

// Config is the loaded configuration of one home folder. It is safe for
// concurrent use.
type Config struct {
	home string
	file string
	bind map[string]*pflag.Flag

	mu        sync.RWMutex
	v         *viper.Viper
	fileVals  fileLayer
	overrides map[string]any
	settings  Settings
	values    map[string]any // every key's merged, checked value
}

// Load reads <home>/config.yaml (a missing file is fine), the SEATS_* env
// variables and the bound flags, validates every layer and returns the
// merged configuration.
//
// bind maps a config key to the command-line flag that sets it, e.g.
// {"microsoft.cloud": cmd.Flags().Lookup("cloud")}; it may be nil. A flag
// counts only when the user gave it (pflag's Changed); its default value is
// used only when no other layer (not even a built-in default) sets the key,
// so give such flags zero defaults. Empty env variables count as unset.
func Load(home string, bind map[string]*pflag.Flag) (*Config, error) {
	if strings.TrimSpace(home) == "" {
		return nil, errors.New("config: no home folder given")
	}
	abs, err := filepath.Abs(home)
	if err != nil {
		return nil, fmt.Errorf("config: the home folder %s is relative and the current folder cannot be found (%w): give a full path with --home or SEATS_HOME", home, err)
	}
	for key, f := range bind {
		if _, ok := lookupKey(key); !ok {
			return nil, fmt.Errorf("config: flag bound to unknown key %q", key)
		}
		if f == nil {
			return nil, fmt.Errorf("config: nil flag bound to %s", key)
		}
	}
	c := &Config{
		home:      abs,
		file:      filepath.Join(abs, FileName),
		bind:      bind,
		overrides: map[string]any{},
	}
	if err := c.reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// reload rebuilds the viper instance from the file, env, flags and process
// overrides. It is called by Load and after Save; callers hold c.mu (or own c
// exclusively).
func (c *Config) reload() error {
	layer, err := readFileLayer(c.file)
	if err != nil {
		return err
	}
	if err := checkEnv(); err != nil {
		return err
	}
	if err := checkFlags(c.bind); err != nil {
		return err
	}
	v := viper.New()
	for _, s := range keySpecs {
		if s.def != nil {
			v.SetDefault(s.key, s.def)
		}
		if err := v.BindEnv(s.key, EnvName(s.key)); err != nil {
			return fmt.Errorf("config: bind %s: %w", s.key, err)
		}
		if f, ok := c.bind[s.key]; ok {
			if err := v.BindPFlag(s.key, f); err != nil {
				return fmt.Errorf("config: bind flag --%s: %w", f.Name, err)
			}
		}
	}
	if err := v.MergeConfigMap(layer.nested()); err != nil {
		return fmt.Errorf("config: %s: %w", c.file, err)
	}
	for key, val := range c.overrides {
		v.Set(key, val)
	}
	c.v, c.fileVals = v, layer
	settings, values, err := c.mergedValues()
	if err != nil {
		return err
	}
	c.settings, c.values = settings, values
	return nil
}

// checkEnv validates every SEATS_* variable that sets a key, even one a flag
// shadows: a broken environment should be fixed, not discovered later.
func checkEnv() error {
	wd, _ := os.Getwd()
	for _, s := range keySpecs {
		name := EnvName(s.key)
		raw, ok := os.LookupEnv(name)
		if !ok || raw == "" {
			continue
		}
		if _, err := s.parseString(raw, wd); err != nil {
			return &ValidationError{Source: "env " + name, Key: s.key, Reason: err.Error()}
		}
	}
	return nil
}

func checkFlags(bind map[string]*pflag.Flag) error {
	wd, _ := os.Getwd()
	keys := make([]string, 0, len(bind))
	for k := range bind {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		f := bind[key]
		if !f.Changed {
			continue
		}
		spec, _ := lookupKey(key)
		if _, err := spec.parseString(f.Value.String(), wd); err != nil {
			return &ValidationError{Source: "flag --" + f.Name, Key: key, Reason: err.Error()}
		}
	}
	return nil
}

// mergedValues asks viper for every key and checks the winning value once more
// (this also normalises env and flag values and catches a bad flag default).
func (c *Config) mergedValues() (Settings, map[string]any, error) {
	wd, _ := os.Getwd()
	vals := map[string]any{}
	for _, s := range keySpecs {
		raw := c.v.Get(s.key)
		if raw == nil {
			raw = zeroOf(s.kind)
		}
		v, err := s.parseValue(raw, wd)
		if err != nil {
			return Settings{}, nil, &ValidationError{Source: c.sourceLocked(s.key), Key: s.key, Reason: err.Error()}
		}
		vals[s.key] = v
	}
	var st Settings
	st.Microsoft.Cloud = vals[KeyCloud].(string)
	st.Microsoft.ClientID = vals[KeyClientID].(string)
	st.Microsoft.TenantID = vals[KeyTenantID].(string)
	st.Microsoft.AuthorityHost = vals[KeyAuthorityHost].(string)
	st.Microsoft.GraphURL = vals[KeyGraphURL].(string)
	st.Microsoft.PartnerCenterURL = vals[KeyPartnerCenterURL].(string)
	st.TLS.CAFile = vals[KeyCAFile].(string)
	st.Sync.Concurrency = vals[KeyConcurrency].(int)
	st.Sync.StaleAfter, _ = time.ParseDuration(vals[KeyStaleAfter].(string))
	st.Sync.CustomersFreshFor, _ = time.ParseDuration(vals[KeyCustomersFresh].(string))
	st.Distributor.Kind = vals[KeyDistributorKind].(string)
	st.Distributor.Pax8.URL = vals[KeyPax8URL].(string)
	st.Distributor.Pax8.TokenURL = vals[KeyPax8TokenURL].(string)
	st.Distributor.Pax8.ClientID = vals[KeyPax8ClientID].(string)
	st.PSA.Kind = vals[KeyPSAKind].(string)
	st.PSA.WriteEnabled = vals[KeyWriteEnabled].(bool)
	st.PSA.EffectiveDate = vals[KeyEffectiveDate].(string)
	st.PSA.ConnectWise.URL = vals[KeyConnectWiseURL].(string)
	st.PSA.ConnectWise.Site = vals[KeyConnectWiseSite].(string)
	st.PSA.ConnectWise.CompanyID = vals[KeyConnectWiseCompany].(string)
	st.PSA.ConnectWise.PublicKey = vals[KeyConnectWisePublic].(string)
	st.PSA.ConnectWise.ClientID = vals[KeyConnectWiseClient].(string)
	st.Billing.Basis = vals[KeyBillingBasis].(string)
	st.Billing.IncludeTrials = vals[KeyIncludeTrials].(bool)
	st.Billing.IncludeFree = vals[KeyIncludeFree].(bool)
	st.Reconcile.Tolerance = vals[KeyTolerance].(int)
	st.Reconcile.IgnoreProducts = vals[KeyIgnoreProducts].([]string)
	return st, vals, nil
}

func zeroOf(k valueKind) any {
	switch k {
	case kindInt:
		return 0
	case kindBool:
		return false
	case kindList:
		return []string{}
	}
	return ""
}

// Settings returns the merged settings as loaded (plus overrides and saves
// since).
func (c *Config) Settings() Settings {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.settings
}

// Home returns the absolute home folder the configuration belongs to.
func (c *Config) Home() string { return c.home }

// File returns the absolute path of config.yaml, whether or not it exists.
func (c *Config) File() string { return c.file }

// Source says where key's current value comes from: "override", "flag
// --name", "env SEATS_...", the config file's path, "default", or "unset".
// `seats status` and the wizard use it to explain why a saved value does not
// take effect (an env variable or flag wins over the file).
func (c *Config) Source(key string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.sourceLocked(key)
}

func (c *Config) sourceLocked(key string) string {
	if _, ok := c.overrides[key]; ok {
		return "override"
	}
	f, bound := c.bind[key]
	if bound && f.Changed {
		return "flag --" + f.Name
	}
	if raw, ok := os.LookupEnv(EnvName(key)); ok && raw != "" {
		return "env " + EnvName(key)
	}
	if _, ok := c.fileVals.values[key]; ok {
		return c.file
	}
	if spec, ok := lookupKey(key); ok && spec.def != nil {
		return "default"
	}
	if bound {
		return "flag --" + f.Name + " default"
	}
	return "unset"
}

// Endpoints returns the hosts of the configured cloud with the
// microsoft.authority_host, graph_url and partner_center_url overrides
// applied on top.
func (c *Config) Endpoints() (Endpoints, error) {
	s := c.Settings()
	e, err := CloudEndpoints(s.Microsoft.Cloud)
	if err != nil {
		return Endpoints{}, err
	}
	if s.Microsoft.AuthorityHost != "" {
		e.AuthorityHost = s.Microsoft.AuthorityHost
	}
	if s.Microsoft.GraphURL != "" {
		e.GraphURL = s.Microsoft.GraphURL
	}
	if s.Microsoft.PartnerCenterURL != "" {
		e.PartnerCenterURL = s.Microsoft.PartnerCenterURL
	}
	return e, nil
}

// Override sets key to value for this process only, above every other layer
// (the sandbox uses it for its loopback endpoints and CA file). The value is
// validated like any other; relative paths resolve against the working
// directory. Save never writes an override.
func (c *Config) Override(key string, value any) error {
	spec, ok := lookupKey(key)
	if !ok {
		return &ValidationError{Source: "Override", Key: key, Reason: unknownKeyReason(key)}
	}
	wd, _ := os.Getwd()
	v, err := spec.parseValue(value, wd)
	if err != nil {
		return &ValidationError{Source: "Override", Key: key, Reason: err.Error()}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old, had := c.overrides[key]
	c.overrides[key] = v
	c.v.Set(key, v)
	st, values, err := c.mergedValues()
	if err != nil {
		// viper has no "unset": put the old overrides back and rebuild.
		if had {
			c.overrides[key] = old
		} else {
			delete(c.overrides, key)
		}
		if rerr := c.reload(); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	c.settings, c.values = st, values
	return nil
}

// String returns the merged value of a string key ("" for an unknown key or
// one of another type), for code that handles keys as data, such as the
// connect forms that list a connector's settings.
func (c *Config) String(key string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, _ := c.values[key].(string)
	return s
}

// Save writes changes into config.yaml and reloads. Only the wizard's keys
// (WizardKeys) may be written; a nil value removes the key from the file.
// Save starts from the file's own content, never from the merged view, so a
// value that came from env, a flag or Override is never written; the file's
// other keys and comments are kept. The result is validated as a whole before
// it replaces the file atomically with mode 0600. Nothing is written when any
// change is refused.
func (c *Config) Save(changes map[string]any) error {
	keys := make([]string, 0, len(changes))
	for k := range changes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	clean := map[string]any{}
	for _, key := range keys {
		v, err := checkChange(key, changes[key], c.home)
		if err != nil {
			return err
		}
		clean[key] = v
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	data, err := c.editedFile(keys, clean)
	if err != nil {
		return err
	}
	if _, err := parseFile(c.file, data); err != nil {
		return err
	}
	if err := writeFileAtomic(c.file, data); err != nil {
		return err
	}
	return c.reload()
}

func checkChange(key string, value any, home string) (any, error) {
	spec, ok := lookupKey(key)
	if !ok {
		return nil, &ValidationError{Source: "Save", Key: key, Reason: unknownKeyReason(key)}
	}
	if !spec.wizard {
		return nil, &ValidationError{Source: "Save", Key: key, Reason: "is not written by seats; edit " + FileName + " by hand (wizard keys: " + strings.Join(WizardKeys(), ", ") + ")"}
	}
	if value == nil {
		return nil, nil
	}
	v, err := spec.parseValue(value, home)
	if err != nil {
		return nil, &ValidationError{Source: "Save", Key: key, Reason: err.Error()}
	}
	return v, nil
}

// editedFile returns the file's bytes with the changes applied.
func (c *Config) editedFile(keys []string, changes map[string]any) ([]byte, error) {
	data, err := os.ReadFile(c.file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, &ValidationError{Source: c.file, Reason: "cannot read: " + atomicfile.PathCause(err).Error()}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxError(c.file, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	root := resolveAlias(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		doc.Content[0] = root
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ValidationError{Source: c.file, Line: root.Line, Reason: "the file must be a mapping of settings (key: value)"}
	}
	for _, key := range keys {
		if err := applyChanges(root, key, changes[key]); err != nil {
			return nil, &ValidationError{Source: "Save", Key: key, Reason: err.Error()}
		}
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("config: encode %s: %w", c.file, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("config: encode %s: %w", c.file, err)
	}
	return []byte(b.String()), nil
}
