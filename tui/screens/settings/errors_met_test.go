package settings

import (
	"strings"
	"testing"

	"github.com/seats-msp/seats/store/config"
)

// TestGateSaysToSave: continue pressed before the settings are saved, or
// after a change, says how to save; the root shows the gate's text as it
// is.
func TestGateSaysToSave(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, nil)
	if err := f.model.Gate(); err == nil || err.Error() != "Save the settings first: press ctrl+s, or enter on the last field" {
		t.Errorf("gate before saving: %v", err)
	}
	f.driver.Press("ctrl+s")
	f.driver.Until("saved", func() bool { return f.harness.Nexts == 1 })
	f.driver.Press("right") // billing.basis: assigned
	if err := f.model.Gate(); err == nil || err.Error() != "Your changes are not saved yet: press ctrl+s to save them" {
		t.Errorf("gate after a change: %v", err)
	}
}

// TestBadSkuIDSaysWhatAnIDLooksLike: a product name typed where SKU ids
// go is refused with an example of one, in full on a wide screen.
func TestBadSkuIDSaysWhatAnIDLooksLike(t *testing.T) {
	t.Parallel()
	f := newFixture(t, config.Settings{}, nil)
	f.model.SetSize(200, 40)
	f.focus(config.KeyIgnoreProducts)
	f.retype("Microsoft 365 E3")
	f.driver.Press("ctrl+s")
	want := `"microsoft" is not a Microsoft SKU id: type GUIDs such as cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46, separated by commas`
	if v := f.view(); !strings.Contains(v, "✗ reconcile.ignore_products: "+want) {
		t.Errorf("view lacks %q:\n%s", want, v)
	}
}
