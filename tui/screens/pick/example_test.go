package pick_test

import (
	"context"
	"os"

	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/screens/pick"
)

// Example shows how the root builds step 1: the kinds come from the
// connectors registry (listed here by hand), the saved choice from config,
// and the choice goes back to config.yaml; psa.kind "" is "no PSA for now".
func Example() {
	home, _ := os.MkdirTemp("", "seats-example")
	defer os.RemoveAll(home)
	cfg, err := config.Load(home, nil)
	if err != nil {
		return
	}
	c := common.New(context.Background(), common.Deps{}, nil)
	s := cfg.Settings()
	screen := pick.New(c, pick.Options{
		Distributors: []pick.Kind{
			{Name: "pax8", DisplayName: "Pax8", Available: true,
				Description: "an API client id and secret from the Pax8 app (Integrations → API credentials)"},
			{Name: "sherweb", DisplayName: "Sherweb", Description: "a client id, secret and subscription key from Sherweb's partner portal (Security → APIs)"},
		},
		PSAs: []pick.Kind{
			{Name: "connectwise", DisplayName: "ConnectWise PSA", Available: true,
				Description: "an API member's public and private keys, your company id and a clientId"},
			{Name: "autotask", DisplayName: "Autotask", Description: "an API user's name and secret, and its integration code"},
		},
		Distributor: s.Distributor.Kind,
		PSA:         s.PSA.Kind,
		Save: func(distributorKind, psaKind string) error {
			return cfg.Save(map[string]any{config.KeyDistributorKind: distributorKind, config.KeyPSAKind: psaKind})
		},
	})
	_ = screen // handed to the root with the other screens
}
