package sherweb

import "testing"

// Sherweb names no vendor: a product is Microsoft's when seats' SKU
// catalogue knows its name, or its name begins as Microsoft's do.
func TestIsMicrosoftProduct(t *testing.T) {
	for name, want := range map[string]bool{
		"Planner and Project Plan 3":     true, // the catalogue's name, no Microsoft prefix
		"Microsoft 365 Business Premium": true,
		"Exchange Online (Plan 1)":       true,
		"Acronis Cyber Protect Cloud":    false,
		"":                               false,
	} {
		if got := isMicrosoftProduct(name); got != want {
			t.Errorf("isMicrosoftProduct(%q) = %v, want %v", name, got, want)
		}
	}
}
