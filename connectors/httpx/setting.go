package httpx

import (
	"fmt"
	"net/url"
	"strings"
)

// SettingURL reads a configured service address: def when v is blank, else
// v, which must be an https URL with a host and neither a user name nor a
// query (a password or key pasted into a URL would end up in config.yaml).
// The trailing slash is trimmed. The error names the setting and an
// example, never the value (it may hold a secret).
func SettingURL(setting, v, def string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		v = def
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return "", fmt.Errorf("%s must be an https URL, e.g. %s", setting, def)
	}
	return strings.TrimRight(v, "/"), nil
}
