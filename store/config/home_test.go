package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestResolveHome sets env variables, so it must not run in parallel.
func TestResolveHome(t *testing.T) {
	base := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(base, "xdg")) // os.UserConfigDir on Linux and BSDs
	defDir, err := os.UserConfigDir()
	if err != nil {
		t.Skipf("no user config dir: %v", err)
	}
	userHome, err := os.UserHomeDir()
	if err != nil {
		t.Skipf("no user home: %v", err)
	}
	tests := []struct {
		name    string
		flag    string
		env     string
		sandbox bool
		want    string
	}{
		{name: "default", want: filepath.Join(defDir, "seats")},
		{name: "default sandbox", sandbox: true, want: filepath.Join(defDir, "seats", "sandbox")},
		{name: "env", env: filepath.Join(base, "env"), want: filepath.Join(base, "env")},
		{name: "flag beats env", flag: filepath.Join(base, "flag"), env: filepath.Join(base, "env"), want: filepath.Join(base, "flag")},
		{name: "sandbox under flag", flag: filepath.Join(base, "flag"), sandbox: true, want: filepath.Join(base, "flag", "sandbox")},
		{name: "tilde", flag: "~/seats-test", want: filepath.Join(userHome, "seats-test")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvHome, tt.env)
			got, err := ResolveHome(tt.flag, tt.sandbox)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ResolveHome = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("relative becomes absolute", func(t *testing.T) {
		t.Setenv(EnvHome, "")
		got, err := ResolveHome("rel/home", false)
		if err != nil {
			t.Fatal(err)
		}
		wd, _ := os.Getwd()
		if got != filepath.Join(wd, "rel", "home") {
			t.Errorf("ResolveHome = %q", got)
		}
	})
}
