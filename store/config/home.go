package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvHome names the environment variable that chooses the home folder when
// --home is not given.
const EnvHome = "SEATS_HOME"

// ResolveHome returns the absolute folder that holds config.yaml, seats.db and
// the secrets file: flagValue (from --home) if not empty, else $SEATS_HOME,
// else os.UserConfigDir()/seats. With sandbox the result is <home>/sandbox, so
// sandbox config, data and secrets never mix with real ones. A leading "~" is
// expanded because --home=~/x reaches us unexpanded by the shell. The folder
// is not created here.
func ResolveHome(flagValue string, sandbox bool) (string, error) {
	home := strings.TrimSpace(flagValue)
	if home == "" {
		home = strings.TrimSpace(os.Getenv(EnvHome))
	}
	if home == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("config: cannot find a folder for seats' settings (%v); use --home or %s", err, EnvHome)
		}
		home = filepath.Join(dir, "seats")
	}
	home, err := expandTilde(home)
	if err != nil {
		return "", err
	}
	if sandbox {
		home = filepath.Join(home, "sandbox")
	}
	abs, err := filepath.Abs(home)
	if err != nil {
		return "", fmt.Errorf("config: the home folder %s is relative and the current folder cannot be found (%w): give a full path with --home or SEATS_HOME", home, err)
	}
	return abs, nil
}

func expandTilde(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p, nil
	}
	userHome, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("config: cannot expand ~ in the home folder: " + err.Error())
	}
	return filepath.Join(userHome, p[1:]), nil
}
