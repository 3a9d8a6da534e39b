package conformance

import (
	"strings"
	"testing"
)

// ErrorSays fails t unless err is an error whose text holds every one of
// words: the test of an error a person meets, which must say what went
// wrong and what to do.
func ErrorSays(t testing.TB, err error, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", words)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}
