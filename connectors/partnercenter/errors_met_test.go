package partnercenter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft/msfake"
)

// TestRowsWithoutAnIdFailTheRead: a customer or a subscription Partner
// Center lists without an id cannot be referred to; the read fails as a
// bad response naming the row.
func TestRowsWithoutAnIdFailTheRead(t *testing.T) {
	t.Parallel()
	t.Run("customer", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, nil, msfake.Options{})
		f.ms.FailNext(http.MethodGet, "/partnercenter/v1/customers", http.StatusOK,
			`{"totalCount":1,"items":[{"companyProfile":{"companyName":"Nameless Ltd"},"relationshipToPartner":"reseller"}],"attributes":{"objectType":"Collection"}}`, 1)
		_, err := f.client(t).Accounts(testCtx(t))
		if connectors.KindOf(err) != connectors.ErrBadResponse || !strings.Contains(err.Error(), "customer 0 of the list has no id") {
			t.Fatalf("Accounts: %v, want a bad response naming the customer without an id", err)
		}
	})
	t.Run("subscription", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, nil, msfake.Options{})
		fabrikam := f.customer(t, msfake.SmallFabrikam)
		f.ms.FailNext(http.MethodGet, subscriptionsPath(fabrikam.TenantID), http.StatusOK,
			`{"totalCount":1,"items":[{"offerName":"Microsoft 365 Business Basic","quantity":5,"status":"active"}],"attributes":{"objectType":"Collection"}}`, 1)
		_, err := f.client(t).Subscriptions(testCtx(t))
		if connectors.KindOf(err) != connectors.ErrBadResponse || !strings.Contains(err.Error(), "subscription 0 has no id") {
			t.Fatalf("Subscriptions: %v, want a bad response naming the subscription without an id", err)
		}
	})
}
