package settings_test

import (
	"context"
	"os"

	"github.com/seats-msp/seats/store/config"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/screens/settings"
)

// Example shows how the root builds step 5: the current settings in, and
// config's own Save to store the changes.
func Example() {
	home, _ := os.MkdirTemp("", "seats-example")
	defer os.RemoveAll(home)
	cfg, err := config.Load(home, nil)
	if err != nil {
		return
	}
	c := common.New(context.Background(), common.Deps{}, nil)
	screen := settings.New(c, cfg.Settings(), cfg.Save)
	_ = screen // handed to the root; its NextMsg starts the first full sync
}
