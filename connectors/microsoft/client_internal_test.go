package microsoft

import (
	"testing"
)

func TestInstanceDiscoveryOnlyOffMicrosoftHosts(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"https://login.microsoftonline.com":        true,
		"https://LOGIN.microsoftonline.us":         true,
		"https://login.partner.microsoftonline.cn": true,
		"https://127.0.0.1:8443":                   false,
		"https://login.example.com":                false,
	}
	for host, want := range tests {
		if got := isMicrosoftLoginHost(host); got != want {
			t.Errorf("isMicrosoftLoginHost(%s) = %t, want %t", host, got, want)
		}
	}
}
