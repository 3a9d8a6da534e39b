package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// writeConfig writes config.yaml into a fresh home and returns the home.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	home := t.TempDir()
	if content != "" {
		if err := os.WriteFile(filepath.Join(home, FileName), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// testFlags returns flags bound to microsoft.cloud (--cloud), sync.concurrency
// (--concurrency) and microsoft.tenant_id (--tenant), parsed from args.
func testFlags(t *testing.T, args ...string) map[string]*pflag.Flag {
	t.Helper()
	fs := pflag.NewFlagSet("seats", pflag.ContinueOnError)
	fs.String("cloud", "", "")
	fs.Int("concurrency", 0, "")
	fs.String("tenant", "", "")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return map[string]*pflag.Flag{
		KeyCloud:       fs.Lookup("cloud"),
		KeyConcurrency: fs.Lookup("concurrency"),
		KeyTenantID:    fs.Lookup("tenant"),
	}
}

// TestPrecedence sets env variables, so it must not run in parallel.
func TestPrecedence(t *testing.T) {
	tests := []struct {
		name            string
		file            string
		env             map[string]string
		args            []string
		wantCloud       string
		wantConcurrency int
		wantSource      string // Source(KeyCloud)
	}{
		{name: "defaults", wantCloud: "global", wantConcurrency: 64, wantSource: "default"},
		{name: "file beats default", file: "microsoft:\n  cloud: usgov\nsync:\n  concurrency: 3\n", wantCloud: "usgov", wantConcurrency: 3, wantSource: "FILE"},
		{
			name: "env beats file", file: "microsoft:\n  cloud: usgov\nsync:\n  concurrency: 3\n",
			env:       map[string]string{"SEATS_MICROSOFT_CLOUD": "china", "SEATS_SYNC_CONCURRENCY": "5"},
			wantCloud: "china", wantConcurrency: 5, wantSource: "env SEATS_MICROSOFT_CLOUD",
		},
		{
			name: "flag beats env", file: "microsoft:\n  cloud: usgov\n",
			env:       map[string]string{"SEATS_MICROSOFT_CLOUD": "china", "SEATS_SYNC_CONCURRENCY": "5"},
			args:      []string{"--cloud=usgovdod", "--concurrency=12"},
			wantCloud: "usgovdod", wantConcurrency: 12, wantSource: "flag --cloud",
		},
		{
			name: "empty env is unset", file: "microsoft:\n  cloud: usgov\n",
			env:       map[string]string{"SEATS_MICROSOFT_CLOUD": ""},
			wantCloud: "usgov", wantConcurrency: 64, wantSource: "FILE",
		},
		{
			name: "unchanged flag does not win", file: "sync:\n  concurrency: 2\n",
			wantCloud: "global", wantConcurrency: 2, wantSource: "default",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range keySpecs {
				t.Setenv(EnvName(s.key), "")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			home := writeConfig(t, tt.file)
			c, err := Load(home, testFlags(t, tt.args...))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			s := c.Settings()
			if s.Microsoft.Cloud != tt.wantCloud || s.Sync.Concurrency != tt.wantConcurrency {
				t.Errorf("cloud, concurrency = %q, %d; want %q, %d", s.Microsoft.Cloud, s.Sync.Concurrency, tt.wantCloud, tt.wantConcurrency)
			}
			want := strings.ReplaceAll(tt.wantSource, "FILE", c.File())
			if got := c.Source(KeyCloud); got != want {
				t.Errorf("Source(%s) = %q, want %q", KeyCloud, got, want)
			}
		})
	}
}

func TestLoadRejectsBadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not-a-ca.pem")
	if err := os.WriteFile(notPEM, []byte("hello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		file    string
		wantKey string
		want    []string // more substrings of the error
		absent  string   // must not appear in the error
	}{
		{name: "wrong type", file: "sync: {concurrency: \"many\"}\n", wantKey: "sync.concurrency", want: []string{`"many" is not an integer`, ":1:"}},
		{name: "list for an integer", file: "sync:\n  concurrency: [1, 2]\n", wantKey: "sync.concurrency", want: []string{"must be an integer, not a list", ":2:"}},
		{name: "out of range", file: "sync:\n  concurrency: 65\n", wantKey: "sync.concurrency", want: []string{"65 is not between 1 and 64"}},
		{name: "typo key", file: "microsoft:\n  clientid: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n", wantKey: "microsoft.clientid", want: []string{"unknown key (did you mean microsoft.client_id?)", ":2:"}},
		{name: "unknown section", file: "pax9:\n  key: x\n", wantKey: "pax9", want: []string{"unknown key"}},
		{name: "unknown cloud", file: "microsoft:\n  cloud: mars\n", wantKey: "microsoft.cloud", want: []string{`"mars" is not one of global, usgov, usgovdod, china`}},
		{name: "http override", file: "microsoft:\n  graph_url: http://graph.example.com\n", wantKey: "microsoft.graph_url", want: []string{"is not an https URL"}},
		{name: "override with password", file: "microsoft:\n  authority_host: https://me:hunter2@login.example.com\n", wantKey: "microsoft.authority_host", want: []string{"must not carry a user name or password"}, absent: "hunter2"},
		{name: "missing CA file", file: "tls:\n  ca_file: /nonexistent/ca.pem\n", wantKey: "tls.ca_file", want: []string{"/nonexistent/ca.pem does not exist"}},
		{name: "CA file without PEM", file: "tls:\n  ca_file: " + notPEM + "\n", wantKey: "tls.ca_file", want: []string{"holds no PEM certificate"}},
		{name: "client secret pasted as client id", file: "microsoft:\n  client_id: Zx8Q~s3cr3t-v4lue\n", wantKey: "microsoft.client_id", want: []string{"is not an application (client) id"}, absent: "s3cr3t"},
		{name: "common tenant", file: "microsoft:\n  tenant_id: common\n", wantKey: "microsoft.tenant_id", want: []string{"not common/consumers"}},
		{name: "section not a mapping", file: "microsoft: global\n", wantKey: "microsoft", want: []string{"must be a mapping"}},
		{name: "number for a string", file: "microsoft:\n  tenant_id: 12345\n", wantKey: "microsoft.tenant_id", want: []string{"must be a string, not an integer"}, absent: "12345"},
		{name: "duplicate key", file: "sync:\n  concurrency: 2\n  concurrency: 3\n", wantKey: "sync.concurrency", want: []string{"is set twice"}},
		{name: "malformed YAML", file: "microsoft:\n  cloud: global\nsync: concurrency: 3\n", want: []string{"malformed YAML: mapping values are not allowed", ":3:"}},
		{name: "not a mapping", file: "- a\n- b\n", want: []string{"must be a mapping of settings"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := writeConfig(t, tt.file)
			c, err := Load(home, nil)
			if err == nil {
				t.Fatalf("Load succeeded with %+v; want an error", c.Settings())
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is %T, want *ValidationError", err, err)
			}
			msg := err.Error()
			file := filepath.Join(home, FileName)
			if !strings.HasPrefix(msg, file) {
				t.Errorf("error %q does not start with the file %s", msg, file)
			}
			if tt.wantKey != "" && (ve.Key != tt.wantKey || !strings.Contains(msg, tt.wantKey+": ")) {
				t.Errorf("error %q names key %q, want %q", msg, ve.Key, tt.wantKey)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if tt.absent != "" && strings.Contains(msg, tt.absent) {
				t.Errorf("error %q echoes %q", msg, tt.absent)
			}
		})
	}
}

func TestLoadAcceptsFullFile(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	ca := writeTestCA(t, home)
	content := `# seats settings
microsoft:
  cloud: usgov
  client_id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301
  tenant_id: contoso.onmicrosoft.com
  authority_host: https://login.example.com/
  graph_url: https://graph.example.com
  partner_center_url: https://pc.example.com:8443/base
tls:
  ca_file: ` + filepath.Base(ca) + ` # relative to the home folder
sync:
  concurrency: 0x10
`
	if err := os.WriteFile(filepath.Join(home, FileName), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(home, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	s := c.Settings()
	if s.Microsoft.ClientID != "3f2504e0-4f89-11d3-9a0c-0305e82c3301" || s.Microsoft.TenantID != "contoso.onmicrosoft.com" {
		t.Errorf("ids = %q, %q", s.Microsoft.ClientID, s.Microsoft.TenantID)
	}
	if s.TLS.CAFile != ca {
		t.Errorf("CAFile = %q, want %q (resolved against the home)", s.TLS.CAFile, ca)
	}
	if s.Sync.Concurrency != 16 {
		t.Errorf("Concurrency = %d, want 16", s.Sync.Concurrency)
	}
	e, err := c.Endpoints()
	if err != nil {
		t.Fatal(err)
	}
	want := Endpoints{
		AuthorityHost:    "https://login.example.com",
		GraphURL:         "https://graph.example.com",
		PartnerCenterURL: "https://pc.example.com:8443/base",
		GDAP:             false,
	}
	if e != want {
		t.Errorf("Endpoints = %+v, want %+v", e, want)
	}
}

func TestEmptyAndMissingFiles(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{"missing": "", "comments only": "# nothing yet\n", "null document": "~\n", "empty section": "microsoft:\n"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(writeConfig(t, content), nil)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if s := c.Settings(); s.Microsoft.Cloud != "global" || s.Sync.Concurrency != 64 || s.Sync.CustomersFreshFor != 5*time.Minute || s.Microsoft.ClientID != "" {
				t.Errorf("Settings = %+v, want defaults", s)
			}
		})
	}
}

// TestEnvErrors sets env variables, so it must not run in parallel.
func TestEnvErrors(t *testing.T) {
	tests := []struct {
		env, value, key, want string
	}{
		{"SEATS_SYNC_CONCURRENCY", "many", "sync.concurrency", `"many" is not an integer`},
		{"SEATS_MICROSOFT_CLOUD", "mars", "microsoft.cloud", `"mars" is not one of`},
		{"SEATS_MICROSOFT_PARTNER_CENTER_URL", "ftp://x", "microsoft.partner_center_url", "is not an https URL"},
		{"SEATS_TLS_CA_FILE", "/nonexistent/ca.pem", "tls.ca_file", "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			// The file is fine; only the env variable is wrong.
			_, err := Load(writeConfig(t, "microsoft:\n  cloud: usgov\n"), nil)
			if err == nil {
				t.Fatal("Load succeeded; want an error")
			}
			want := "env " + tt.env + ": " + tt.key + ": "
			if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q and %q", err, want, tt.want)
			}
		})
	}
}

func TestEnvShadowedByFlagIsStillChecked(t *testing.T) {
	t.Setenv("SEATS_MICROSOFT_CLOUD", "mars")
	_, err := Load(t.TempDir(), testFlags(t, "--cloud=global"))
	if err == nil || !strings.Contains(err.Error(), "SEATS_MICROSOFT_CLOUD") {
		t.Fatalf("error = %v, want one naming SEATS_MICROSOFT_CLOUD", err)
	}
}

func TestFlagErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--cloud=mars"}, `flag --cloud: microsoft.cloud: "mars" is not one of`},
		{[]string{"--concurrency=100"}, "flag --concurrency: sync.concurrency: 100 is not between 1 and 64"},
		{[]string{"--tenant=common"}, "flag --tenant: microsoft.tenant_id: must be"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			_, err := Load(t.TempDir(), testFlags(t, tt.args...))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestLoadRejectsBadBinding(t *testing.T) {
	t.Parallel()
	fs := pflag.NewFlagSet("seats", pflag.ContinueOnError)
	fs.String("x", "", "")
	if _, err := Load(t.TempDir(), map[string]*pflag.Flag{"microsoft.clientid": fs.Lookup("x")}); err == nil {
		t.Error("binding a flag to an unknown key succeeded")
	}
	if _, err := Load(t.TempDir(), map[string]*pflag.Flag{KeyCloud: nil}); err == nil {
		t.Error("binding a nil flag succeeded")
	}
	if _, err := Load("", nil); err == nil {
		t.Error("Load with no home succeeded")
	}
}

func TestOverride(t *testing.T) {
	t.Parallel()
	c, err := Load(writeConfig(t, "microsoft:\n  cloud: usgov\n"), testFlags(t, "--cloud=china"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Override(KeyGraphURL, "https://127.0.0.1:4443/"); err != nil {
		t.Fatalf("Override: %v", err)
	}
	if err := c.Override(KeyCloud, "global"); err != nil {
		t.Fatalf("Override: %v", err)
	}
	s := c.Settings()
	if s.Microsoft.GraphURL != "https://127.0.0.1:4443" || s.Microsoft.Cloud != "global" {
		t.Errorf("after Override: graph %q, cloud %q", s.Microsoft.GraphURL, s.Microsoft.Cloud)
	}
	if got := c.Source(KeyCloud); got != "override" {
		t.Errorf("Source = %q, want override (above the flag)", got)
	}
	bad := []struct {
		key   string
		value any
	}{
		{KeyGraphURL, "http://127.0.0.1"},
		{KeyConcurrency, 0},
		{KeyConcurrency, "lots"},
		{KeyConcurrency, 2.5},
		{KeyCloud, 3},
		{"microsoft.graph", "https://x"},
	}
	for _, b := range bad {
		if err := c.Override(b.key, b.value); err == nil {
			t.Errorf("Override(%s, %v) succeeded", b.key, b.value)
		} else if !strings.Contains(err.Error(), b.key) {
			t.Errorf("Override(%s) error %q does not name the key", b.key, err)
		}
	}
	if got := c.Settings(); !reflect.DeepEqual(got, s) {
		t.Errorf("a refused Override changed the settings: %+v", got)
	}
}

func TestCloudEndpoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cloud string
		want  Endpoints
	}{
		{"global", Endpoints{"https://login.microsoftonline.com", "https://graph.microsoft.com", "https://api.partnercenter.microsoft.com", true}},
		{"usgov", Endpoints{"https://login.microsoftonline.us", "https://graph.microsoft.us", "https://api.partnercenter.microsoft.com", false}},
		{"usgovdod", Endpoints{"https://login.microsoftonline.us", "https://dod-graph.microsoft.us", "https://api.partnercenter.microsoft.com", false}},
		{"china", Endpoints{"https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn", "https://partner.partnercenterapi.microsoftonline.cn", false}},
	}
	for _, tt := range tests {
		got, err := CloudEndpoints(tt.cloud)
		if err != nil || got != tt.want {
			t.Errorf("CloudEndpoints(%q) = %+v, %v; want %+v", tt.cloud, got, err, tt.want)
		}
	}
	if len(tests) != len(Clouds()) {
		t.Errorf("test covers %d clouds, Clouds() has %d", len(tests), len(Clouds()))
	}
	if _, err := CloudEndpoints("mars"); err == nil || !strings.Contains(err.Error(), "global, usgov, usgovdod, china") {
		t.Errorf("CloudEndpoints(mars) error = %v", err)
	}
}

func TestEnvName(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		KeyCloud:            "SEATS_MICROSOFT_CLOUD",
		KeyConcurrency:      "SEATS_SYNC_CONCURRENCY",
		KeyPartnerCenterURL: "SEATS_MICROSOFT_PARTNER_CENTER_URL",
		KeyCAFile:           "SEATS_TLS_CA_FILE",
	} {
		if got := EnvName(key); got != want {
			t.Errorf("EnvName(%s) = %s, want %s", key, got, want)
		}
	}
}

// FuzzParseFile feeds config.yaml content from the outside world to the
// parser: it must never panic, and whatever it accepts must be valid.
func FuzzParseFile(f *testing.F) {
	for _, seed := range []string{
		"", "microsoft:\n  cloud: usgov\n", "sync: {concurrency: 8}\n", "a: &x {b: *x}\n",
		"microsoft: &m\n  cloud: china\nother: *m\n", "- 1\n", "microsoft:\n  client_id: [1]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		layer, err := parseFile("/fuzz/config.yaml", data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is %T, want *ValidationError", err, err)
			}
			return
		}
		for key, v := range layer.values {
			spec, ok := lookupKey(key)
			if !ok {
				t.Fatalf("accepted unknown key %q", key)
			}
			if _, err := spec.parseValue(v, "/"); err != nil {
				t.Fatalf("accepted invalid %s: %v", key, err)
			}
		}
	})
}
