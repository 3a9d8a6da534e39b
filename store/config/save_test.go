package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

const guidA = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"

func readConfigFile(t *testing.T, c *Config) string {
	t.Helper()
	data, err := os.ReadFile(c.File())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestSaveKeepsOtherKeysAndComments(t *testing.T) {
	t.Parallel()
	home := writeConfig(t, `# my settings, hand-written
microsoft:
  cloud: usgov # GCC High
  graph_url: https://graph.example.com
sync:
  concurrency: 4
`)
	c, err := Load(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(map[string]any{KeyClientID: guidA, KeyConcurrency: 6}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got := readConfigFile(t, c)
	for _, want := range []string{"# my settings, hand-written", "cloud: usgov # GCC High", "graph_url: https://graph.example.com", "client_id: " + guidA, "concurrency: 6"} {
		if !strings.Contains(got, want) {
			t.Errorf("file lacks %q:\n%s", want, got)
		}
	}
	s := c.Settings()
	if s.Microsoft.ClientID != guidA || s.Sync.Concurrency != 6 || s.Microsoft.Cloud != "usgov" {
		t.Errorf("Settings after Save = %+v", s)
	}
	// A fresh Load sees the same thing.
	c2, err := Load(home, nil)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if !reflect.DeepEqual(c2.Settings(), s) {
		t.Errorf("reloaded %+v, want %+v", c2.Settings(), s)
	}
}

func TestSaveCreatesFileWithMode0600(t *testing.T) {
	t.Parallel()
	home := filepath.Join(t.TempDir(), "not", "yet")
	c, err := Load(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(map[string]any{KeyCloud: "china", KeyTenantID: "contoso.partner.onmschina.cn"}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	fi, err := os.Stat(c.File())
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(home)
	if len(entries) != 1 {
		t.Errorf("home holds %d entries, want only %s (no temp files left)", len(entries), FileName)
	}
	if got := readConfigFile(t, c); !strings.Contains(got, "cloud: china") || !strings.Contains(got, "tenant_id: contoso.partner.onmschina.cn") {
		t.Errorf("file:\n%s", got)
	}
}

func TestSaveTightensLooseMode(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	home := writeConfig(t, "sync:\n  concurrency: 4\n")
	if err := os.Chmod(filepath.Join(home, FileName), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(map[string]any{KeyConcurrency: 5}); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(c.File())
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
}

func TestSaveRemovesKeyWithNil(t *testing.T) {
	t.Parallel()
	c, err := Load(writeConfig(t, "microsoft:\n  tenant_id: contoso.com\nsync:\n  concurrency: 4\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(map[string]any{KeyTenantID: nil}); err != nil {
		t.Fatal(err)
	}
	got := readConfigFile(t, c)
	if strings.Contains(got, "tenant_id") || strings.Contains(got, "microsoft") {
		t.Errorf("tenant_id (and its now empty section) should be gone:\n%s", got)
	}
	if !strings.Contains(got, "concurrency: 4") {
		t.Errorf("other key lost:\n%s", got)
	}
	if c.Settings().Microsoft.TenantID != "" {
		t.Errorf("TenantID = %q after removal", c.Settings().Microsoft.TenantID)
	}
}

func TestSaveRefuses(t *testing.T) {
	t.Parallel()
	const original = "microsoft:\n  cloud: usgov\n"
	tests := []struct {
		name    string
		changes map[string]any
		want    string
		absent  string
	}{
		{"non-wizard key", map[string]any{KeyGraphURL: "https://graph.example.com"}, "microsoft.graph_url: is not written by seats", ""},
		{"CA file is not the wizard's", map[string]any{KeyCAFile: "/etc/ssl/ca.pem"}, "tls.ca_file: is not written by seats", ""},
		{"unknown key", map[string]any{"microsoft.clientid": guidA}, "microsoft.clientid: unknown key", ""},
		{"bad value", map[string]any{KeyCloud: "mars"}, `microsoft.cloud: "mars" is not one of`, ""},
		{"wrong type", map[string]any{KeyConcurrency: "8x"}, `sync.concurrency: "8x" is not an integer`, ""},
		{"secret as client id", map[string]any{KeyClientID: "Zx8Q~topsecret"}, "microsoft.client_id: is not an application (client) id", "topsecret"},
		{"one bad change spoils all", map[string]any{KeyConcurrency: 4, KeyCloud: "mars"}, "microsoft.cloud", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(writeConfig(t, original), nil)
			if err != nil {
				t.Fatal(err)
			}
			before := c.Settings()
			err = c.Save(tt.changes)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Save error = %v, want %q", err, tt.want)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("error is %T, want *ValidationError", err)
			}
			if tt.absent != "" && strings.Contains(err.Error(), tt.absent) {
				t.Errorf("error %q echoes the value", err)
			}
			if got := readConfigFile(t, c); got != original {
				t.Errorf("file changed by a refused Save:\n%s", got)
			}
			if !reflect.DeepEqual(c.Settings(), before) {
				t.Errorf("settings changed by a refused Save")
			}
		})
	}
}

// TestSaveNeverWritesEnvFlagOrOverride sets env variables, so it must not
// run in parallel.
func TestSaveNeverWritesEnvFlagOrOverride(t *testing.T) {
	const envTenant = "fabrikam.onmicrosoft.com"
	t.Setenv("SEATS_MICROSOFT_TENANT_ID", envTenant)
	t.Setenv("SEATS_SYNC_CONCURRENCY", "")
	home := writeConfig(t, "sync:\n  concurrency: 4\n")
	c, err := Load(home, testFlags(t, "--cloud=usgovdod", "--concurrency=9"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Override(KeyGraphURL, "https://127.0.0.1:9443"); err != nil {
		t.Fatal(err)
	}
	s := c.Settings()
	if s.Microsoft.TenantID != envTenant || s.Microsoft.Cloud != "usgovdod" || s.Sync.Concurrency != 9 {
		t.Fatalf("precondition: settings = %+v", s)
	}
	if err := c.Save(map[string]any{KeyClientID: guidA}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got := readConfigFile(t, c)
	for _, leaked := range []string{envTenant, "tenant_id", "usgovdod", "cloud", "127.0.0.1", "graph_url", "concurrency: 9"} {
		if strings.Contains(got, leaked) {
			t.Errorf("file holds %q, which came from env, a flag or an override:\n%s", leaked, got)
		}
	}
	if !strings.Contains(got, "client_id: "+guidA) || !strings.Contains(got, "concurrency: 4") {
		t.Errorf("file lost its own values or the change:\n%s", got)
	}
	// The process view still has every layer after the reload.
	s = c.Settings()
	if s.Microsoft.TenantID != envTenant || s.Microsoft.Cloud != "usgovdod" || s.Microsoft.GraphURL != "https://127.0.0.1:9443" || s.Microsoft.ClientID != guidA {
		t.Errorf("settings after Save = %+v", s)
	}
}

func TestSaveRefusesBrokenFile(t *testing.T) {
	t.Parallel()
	c, err := Load(writeConfig(t, "sync:\n  concurrency: 4\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Someone breaks the file by hand after Load.
	broken := "sync:\n  concurrency: 4\nmicrosoft:\n  clientid: x\n"
	if err := os.WriteFile(c.File(), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	err = c.Save(map[string]any{KeyCloud: "usgov"})
	if err == nil || !strings.Contains(err.Error(), c.File()) || !strings.Contains(err.Error(), "microsoft.clientid") {
		t.Fatalf("Save error = %v, want one naming the file and the bad key", err)
	}
	if got := readConfigFile(t, c); got != broken {
		t.Errorf("Save rewrote a broken file:\n%s", got)
	}
}
