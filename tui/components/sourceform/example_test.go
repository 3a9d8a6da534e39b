package sourceform_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"

	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/components/sourceform"
)

// Example shows how the Connect screen builds the Pax8 form: the settings
// from config, the test call and the saves injected. A Connect screen holds
// it (and a ConnectWise one with ID "psa"), forwards messages to it, and
// moves on at sourceform.DoneMsg.
func Example() {
	home, _ := os.MkdirTemp("", "seats-example")
	defer os.RemoveAll(home)
	cfg, err := config.Load(home, nil)
	if err != nil {
		return
	}
	s := cfg.Settings()
	c := common.New(context.Background(), common.Deps{}, nil)

	required := func(what string) func(string) error {
		return func(v string) error {
			if v == "" {
				return fmt.Errorf("type the %s", what)
			}
			return nil
		}
	}
	https := func(v string) error {
		if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("%q is not an https:// URL", v)
		}
		return nil
	}
	var connected *sourceform.Connection // from the store: the last passed test, if any

	form := sourceform.New(c, sourceform.Options{
		ID:     "distributor",
		Screen: common.ScreenConnect,
		Kind:   "Pax8",
		Title:  "Distributor: Pax8",
		Fields: []sourceform.Field{
			{Key: config.KeyPax8ClientID, Label: "Client id", Value: s.Distributor.Pax8.ClientID,
				Help: "From the Pax8 app: Integrations → API credentials", Validate: required("client id")},
			{Key: "pax8.client_secret", Label: "Client secret", Secret: true,
				Help: "Shown once, when the API credential is created"},
			{Key: config.KeyPax8URL, Label: "API URL", Value: s.Distributor.Pax8.URL,
				Help: "Change only for a Pax8 test environment", Validate: https},
		},
		Connected: connected,
		Test: func(ctx context.Context, values, secrets map[string]string) (string, error) {
			// The real one builds a Pax8 client from values and the secret
			// (the stored one when secrets lacks it) and counts.
			return "", errors.New("Pax8 refused the client secret: check it in the Pax8 app")
		},
		Save: func(values, secrets map[string]string) error {
			changes := map[string]any{config.KeyDistributorKind: "pax8"}
			for k, v := range values {
				changes[k] = v
			}
			return cfg.Save(changes) // and the secret to the secret store
		},
	})
	_ = form
}
