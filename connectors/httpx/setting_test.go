package httpx

import (
	"strings"
	"testing"
)

func TestSettingURL(t *testing.T) {
	t.Parallel()
	const def = "https://api.example.com/v1"
	for in, want := range map[string]string{
		"":                              def,
		"  https://eu.example.com/v1/ ": "https://eu.example.com/v1",
	} {
		if got, err := SettingURL("x.url", in, def); err != nil || got != want {
			t.Errorf("SettingURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"http://api.example.com", "https://", "https://user:hunter2@api.example.com", "https://api.example.com?key=hunter2", "::"} {
		_, err := SettingURL("x.url", bad, def)
		if err == nil || !strings.Contains(err.Error(), "x.url must be an https URL, e.g. "+def) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("SettingURL(%q): %v; want an error naming the setting and not the value", bad, err)
		}
	}
}
