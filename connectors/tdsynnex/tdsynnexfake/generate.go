package tdsynnexfake

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// Generate builds an Ion world from the neutral distributor input, as TD
// SYNNEX would show the same customers. It reads in and never changes it;
// the same in, seed and now always give the same world (math/rand/v2 PCG
// seeded from seed; nothing depends on map order). The account id,
// refresh token and signing key derive from the seed; the sandbox may
// overwrite the refresh token and key with crypto/rand ones.
//
// How the neutral data is written the Ion way:
//   - each account is a customer whose id appears only in its "name"; its
//     Microsoft tenant id, where it has one, in a MICROSOFT cloud profile;
//     its domain as the contact's mail domain (a gmail contact where it has
//     none); inactive accounts INACTIVE;
//   - Microsoft products carry a Microsoft catalog product id
//     (CFQ7TTC0xxxx) and the commerce subscription id as subscriptionId;
//     other vendors' products neither; cloudProviderName is given on about
//     a third of the rows only, as Ion's samples do not show it;
//   - statuses in Ion's spellings, lower or upper case: a pending
//     cancellation is an active subscription with auto-renew off and its
//     end date, a trial an active one flagged isTrial, an unknown status
//     "on_hold"; terms as ISO 8601 (P1M, P1Y, P3Y; "P2Y" for an unknown
//     one), billing cycles as words;
//   - the seat count as quantity, or on about one row in ten as
//     totalLicense; prices as given (absent where the input has none);
//   - every date spelling the fake writes.
func Generate(in fakekit.DistributorInput, seed int64, now time.Time) World {
	now = now.UTC().Truncate(time.Second)
	r := rand.New(rand.NewPCG(uint64(seed), 0x10a7d5))
	w := World{GeneratedAt: now, Seed: seed}
	w.AccountID = fmt.Sprintf("%06d", 100000+r.IntN(900000))
	w.RefreshToken = "ion-rt-" + hexDigits(r, 40)
	w.SigningKey = make([]byte, 32)
	for i := range w.SigningKey {
		w.SigningKey[i] = byte(r.Uint32())
	}
	for _, a := range in.Accounts {
		c := Customer{
			ID:           "cust-" + hexDigits(r, 10),
			Organization: a.Name,
			ContactName:  contactNames[r.IntN(len(contactNames))],
			Status:       "ACTIVE",
			CreateTime:   now.Add(-time.Duration(r.IntN(900*24*3600)) * time.Second),
		}
		if !a.Active {
			c.Status = "INACTIVE"
		}
		local := strings.ToLower(strings.Fields(c.ContactName)[0])
		if a.Domain != "" {
			c.Email = local + "@" + a.Domain
		} else {
			c.Email = local + "." + strings.ToLower(hexDigits(r, 4)) + "@gmail.com"
		}
		if a.TenantID != "" {
			tenant := a.TenantID
			if r.IntN(2) == 0 {
				tenant = strings.ToUpper(tenant)
			}
			c.CloudProfiles = append(c.CloudProfiles, CloudProfile{ProfileID: "prof-" + hexDigits(r, 8), Vendor: "MICROSOFT", TenantID: tenant, Status: "ACTIVE"})
		}
		w.Customers = append(w.Customers, c)
		for _, s := range a.Subscriptions {
			w.Subscriptions = append(w.Subscriptions, subscriptionOf(r, c.ID, s))
		}
	}
	return w
}

var contactNames = []string{"Dana Ruiz", "Sam Lee", "Kim Obi", "Jo Park", "Alex Moreau", "Riley Chen", "Morgan Diaz", "Casey Nguyen"}

// subscriptionOf writes one neutral subscription the Ion way.
func subscriptionOf(r *rand.Rand, customerID string, s fakekit.DistributorSubscription) Subscription {
	microsoft := strings.EqualFold(s.Vendor, "Microsoft")
	out := Subscription{
		ID:                     "sub-" + hexDigits(r, 12),
		CustomerID:             customerID,
		Name:                   s.ProductName,
		ProductDisplayName:     s.ProductName,
		SkuDisplayName:         s.ProductName,
		Quantity:               json.Number(fmt.Sprint(s.Quantity)),
		StartDate:              s.StartDate,
		RenewalDate:            s.CommitmentEnd,
		EndDate:                s.EndDate,
		AutoRenew:              true,
		DateStyle:              DateStyles()[r.IntN(3)],
		QuantityAsTotalLicense: r.IntN(10) == 0,
	}
	if microsoft {
		out.ProductID = microsoftCatalogID(s.SkuPartNumber, s.ProductName)
		out.SkuID = "0001"
		out.ProviderID = "1"
		out.ProviderSubscriptionID = s.CommerceSubscriptionID
	} else {
		out.ProductID = vendorProductID(s.Vendor, s.ProductName)
		out.SkuID = "STD"
		out.ProviderID = fmt.Sprint(10 + len(s.Vendor))
		out.ProviderSubscriptionID = strings.ToUpper(hexDigits(r, 10))
	}
	out.CCPProductID = "ccp-" + strings.ToLower(out.ProductID)
	if r.IntN(3) == 0 {
		out.ProviderName = s.Vendor
	}
	caser := strings.ToLower
	if r.IntN(2) == 0 {
		caser = strings.ToUpper
	}
	switch s.Status {
	case connectors.StatusActive:
		out.Status = caser("active")
	case connectors.StatusPendingCancel:
		out.Status, out.AutoRenew = caser("active"), false
	case connectors.StatusTrial:
		out.Status, out.IsTrial = caser("active"), true
	case connectors.StatusSuspended:
		out.Status = caser("suspended")
	case connectors.StatusCancelled:
		out.Status, out.AutoRenew = caser("cancelled"), false
	case connectors.StatusPending:
		out.Status = caser("pending")
	default:
		out.Status = "on_hold"
	}
	term := map[connectors.Term]string{connectors.TermMonthly: "P1M", connectors.TermAnnual: "P1Y", connectors.TermTriennial: "P3Y"}[s.Term]
	if term == "" {
		term = "P2Y"
	}
	out.BillingTerm = term
	letter := ""
	switch s.BillingFrequency {
	case connectors.BillMonthly:
		out.BillingCycle, letter = "monthly", "M"
	case connectors.BillAnnual:
		out.BillingCycle, letter = "annual", "A"
	case connectors.BillOnce:
		out.BillingCycle = "one_time"
	}
	out.MfgPartNumber = strings.TrimRight(out.ProductID+":"+out.SkuID+":"+term+":"+letter, ":")
	if out.EndDate.IsZero() && out.AutoRenew && !s.CommitmentEnd.IsZero() {
		out.EndDate = s.CommitmentEnd // Ion's end of the current term
	}
	if s.UnitPrice.Known() {
		out.Price, out.Currency = json.Number(s.UnitPrice.Decimal()), s.UnitPrice.Currency
	}
	if s.UnitCost.Known() {
		out.Cost, out.Currency = json.Number(s.UnitCost.Decimal()), s.UnitCost.Currency
	}
	return out
}

// microsoftCatalogID is a Microsoft-catalog-shaped product id for a SKU:
// CFQ7TTC0 and four characters derived from its part number.
func microsoftCatalogID(part, name string) string {
	return "CFQ7TTC0" + code4(part+"|"+name)
}

// vendorProductID is another vendor's product id: its first three letters
// and a code for the product.
func vendorProductID(vendor, name string) string {
	v := strings.ToUpper(strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, vendor))
	if len(v) > 3 {
		v = v[:3]
	}
	return v + "-" + code4(name)
}

func code4(s string) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTVWXZ0123456789"
	h := sha256.Sum256([]byte(s))
	b := make([]byte, 4)
	for i := range b {
		b[i] = alphabet[int(h[i])%len(alphabet)]
	}
	return string(b)
}

// hexDigits returns n random hex digits from r.
func hexDigits(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}
