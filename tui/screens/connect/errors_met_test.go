package connect

import "testing"

// TestGateSaysHowToSignIn: continue pressed while the code waits for a
// sign-in says how to sign in; the root shows the gate's text as it is.
func TestGateSaysHowToSignIn(t *testing.T) {
	t.Parallel()
	f := setup(t, false, nil)
	if err := f.screen.Gate(); err == nil ||
		err.Error() != "Continue needs a sign-in to Microsoft: enter the code at the link shown, or press b to sign in with the browser" {
		t.Errorf("gate before signing in: %v", err)
	}
}
