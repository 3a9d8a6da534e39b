package connectors

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorKindsMatchThroughWrapping(t *testing.T) {
	t.Parallel()
	base := &Error{Kind: ErrConsentRequired, Service: "sign-in", Op: "token for tenant", Status: 400, Code: "AADSTS65001", Message: "not consented"}
	wrapped := fmt.Errorf("verify contoso: %w", base)
	if !errors.Is(wrapped, ErrConsentRequired) {
		t.Fatalf("errors.Is(wrapped, ErrConsentRequired) = false")
	}
	if errors.Is(wrapped, ErrNotFound) {
		t.Fatalf("errors.Is(wrapped, ErrNotFound) = true")
	}
	if got := KindOf(wrapped); got != ErrConsentRequired {
		t.Fatalf("KindOf = %v", got)
	}
	if got := KindOf(errors.New("plain")); got != KindUnknown {
		t.Fatalf("KindOf(plain) = %v", got)
	}
	if got := KindOf(fmt.Errorf("x: %w", ErrRateLimited)); got != ErrRateLimited {
		t.Fatalf("KindOf(bare kind) = %v", got)
	}
	want := "sign-in: token for tenant: consent required (HTTP 400): AADSTS65001: not consented"
	if base.Error() != want {
		t.Fatalf("Error() = %q, want %q", base.Error(), want)
	}
}
