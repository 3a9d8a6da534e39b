package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadValuesMet loads a config.yaml holding one bad value per case, as a
// person who edited it by hand would, and checks that the error names the
// file, the key and what is wrong.
func TestBadValuesMet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, key, want string
	}{
		{"bool as a string", "psa:\n  write_enabled: \"yes\"\n", KeyWriteEnabled, "must be true or false, not a string"},
		{"list as a string", "reconcile:\n  ignore_products: abc\n", KeyIgnoreProducts, "must be a list of strings, not a string"},
		{"site with a space", "psa:\n  connectwise:\n    site: not a host\n", KeyConnectWiseSite, `"not a host" is not a host name such as na.myconnectwise.net`},
		{"duration in words", "sync:\n  stale_after: 1 day\n", KeyStaleAfter, `"1 day" is not a positive duration such as 24h or 90m`},
		{"negative duration", "sync:\n  customers_fresh_for: -5m\n", KeyCustomersFresh, `"-5m" is not a positive duration such as 24h or 90m`},
		{"tolerance too large", "reconcile:\n  tolerance: 20000\n", KeyTolerance, "20000 is not between 0 and 10000 seats"},
		{"SKU by its name", "reconcile:\n  ignore_products: [SPB]\n", KeyIgnoreProducts, `"spb" is not a Microsoft SKU id (a GUID such as cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46)`},
		{"client secret as client id", "microsoft:\n  client_id: Zx8Q~s3cr3t-v4lue\n", KeyClientID, "is not an application (client) id: expected a GUID like 00000000-0000-0000-0000-000000000000"},
		{"consumers tenant", "microsoft:\n  tenant_id: consumers\n", KeyTenantID, "must be the partner tenant's GUID or domain (or empty for organizations), not common/consumers"},
		{"tenant neither GUID nor domain", "microsoft:\n  tenant_id: contoso\n", KeyTenantID, "is neither a tenant GUID nor a domain such as contoso.onmicrosoft.com"},
		{"URL with a space", "microsoft:\n  graph_url: https://graph example.com\n", KeyGraphURL, "is not a valid URL"},
		{"URL with a query", "distributor:\n  pax8:\n    url: https://api.pax8.example/v1?page=2\n", KeyPax8URL, `"https://api.pax8.example/v1?page=2" must not have a query or fragment`},
		{"currency by its name", "psa:\n  halopsa:\n    currency: dollars\n", KeyHaloCurrency, `"DOLLARS" is not a currency code such as USD or EUR`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := writeConfig(t, tt.file)
			_, err := Load(home, nil)
			if err == nil {
				t.Fatal("accepted")
			}
			want := filepath.Join(home, FileName)
			for _, w := range []string{want, tt.key + ": ", tt.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("error %q repeats the secret", err)
			}
		})
	}
}

// TestBadEnvBoolMet sets an env variable, so it must not run in parallel.
func TestBadEnvBoolMet(t *testing.T) {
	t.Setenv("SEATS_PSA_WRITE_ENABLED", "maybe")
	_, err := Load(writeConfig(t, ""), nil)
	want := `env SEATS_PSA_WRITE_ENABLED: psa.write_enabled: "maybe" is not true or false`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestNoFolderForSettingsMet clears the variables os.UserConfigDir reads,
// as on a server account without $HOME, so it must not run in parallel.
func TestNoFolderForSettingsMet(t *testing.T) {
	t.Setenv(EnvHome, "")
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "")
	t.Setenv("AppData", "") // Windows
	if dir, err := os.UserConfigDir(); err == nil {
		t.Skipf("this system finds a config folder without $HOME: %s", dir)
	}
	_, err := ResolveHome("", false)
	if err == nil || !strings.Contains(err.Error(), "config: cannot find a folder for seats' settings (") || !strings.Contains(err.Error(), "); use --home or SEATS_HOME") {
		t.Errorf("error %v, want one asking for --home or SEATS_HOME", err)
	}
}

// TestRelativeHomeInAGoneFolderMet runs seats with a relative --home from a
// folder that was deleted meanwhile (the shell still sits in it). It
// changes the working directory, so it must not run in parallel.
func TestRelativeHomeInAGoneFolderMet(t *testing.T) {
	gone := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(gone, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Chdir(gone)
	if err := os.Remove(gone); err != nil {
		t.Skipf("cannot remove the working folder here: %v", err)
	}
	if _, err := os.Getwd(); err == nil {
		t.Skip("this system still knows the path of a removed working folder")
	}
	const want = "the home folder seats-home is relative and the current folder cannot be found ("
	const todo = "): give a full path with --home or SEATS_HOME"
	_, err := ResolveHome("seats-home", false)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), todo) {
		t.Errorf("ResolveHome: %v, want %q ... %q", err, want, todo)
	}
	_, err = Load("seats-home", nil)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), todo) {
		t.Errorf("Load: %v, want %q ... %q", err, want, todo)
	}
}

// TestSaveIntoReadOnlyHomeMet saves a setting into a home the person may
// read but not write (one made by another user, or by sudo seats).
func TestSaveIntoReadOnlyHomeMet(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root may write into any folder")
	}
	home := writeConfig(t, "sync:\n  concurrency: 4\n")
	c, err := Load(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(home, 0o700) })
	err = c.Save(map[string]any{KeyCloud: CloudUSGov})
	want := "config: cannot write " + c.File() + ": "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "; make sure you may write to its folder") {
		t.Errorf("Save: %v, want %q ... and what to do", err, want)
	}
}
