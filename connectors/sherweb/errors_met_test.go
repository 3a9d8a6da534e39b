package sherweb_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/sherweb/sherwebfake"
)

// TestListItemsOfAnotherShape: a list whose "items" is not a list of
// customers is a bad response that says the items could not be read.
func TestListItemsOfAnotherShape(t *testing.T) {
	t.Parallel()
	f := newFake(t, sherwebfake.SmallWorldAt(testNow), sherwebfake.Options{})
	f.sw.FailNext(sherwebfake.CallCustomers, http.StatusOK, `{"items":{"id":"c-1","displayName":"Contoso"}}`, 1)
	_, err := f.client(t).Accounts(testCtx(t))
	if connectors.KindOf(err) != connectors.ErrBadResponse || !strings.Contains(err.Error(), "the items of Sherweb's list could not be read") {
		t.Fatalf("Accounts: %v, want a bad response saying the items could not be read", err)
	}
}
