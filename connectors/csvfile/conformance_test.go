package csvfile

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
)

// TestConformance runs the connectors.Distributor suite against a Client
// reading smallFile from a temporary folder. A file has no token, so the
// token subtests skip; it has no detail call, so that subtest skips; and a
// fractional quantity is refused (with its line and column) rather than
// kept, so the world holds none and that subtest skips too. The HTTP
// levers become what a file meets: a refusal is a permission error, a 5xx an
// I/O error, a 429 a file locked for a moment, a truncated answer a file
// read while an export rewrites it, a 200 with another body a file with
// that content.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunDistributor(t, func(t *testing.T) conformance.DistributorHarness {
		return csvHarness{}
	})
}

// smallFile holds every case the suite asks for, written as Excel writes
// (a byte order mark, CRLF), with odd but valid spellings: an upper-case
// GUID, a website for a domain, "1 year", "P1M", "pending cancel", a quoted
// name with a comma and one with quotes, and twins without ids (A4).
var smallFile = "\uFEFF" + strings.ReplaceAll(`account_id,account_name,tenant_id,domain,account_status,subscription_id,product_name,vendor,sku,microsoft_subscription_id,quantity,unit_cost,unit_price,currency,term,billing_frequency,start_date,renewal_date,end_date,status
A1,Contoso Ltd,6F1B3C52-0D1E-4B8A-9A4E-2F0C7D5E8A11,https://www.Contoso.com/,,SUB-1,Microsoft 365 Business Premium,Microsoft,CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46,a7c1e2d4-3b5f-4c6a-8d9e-0f1a2b3c4d5e,25,19.80,22.00,usd,Annual,Monthly,2025-03-04,2026-03-03,,Active
A1,Contoso Ltd,,,,,Acronis Cyber Protect Cloud,Acronis,ACR-CPC-WS,,25,2.10,3.50,USD,P1M,monthly,2025-03-04,,,active
A2,"Fabrikam, Inc.",,fabrikam.com,,SUB-3,Microsoft 365 Business Standard,,O365_BUSINESS_PREMIUM,,10,12.50,,USD,1 year,monthly,2025-03-04T09:30:00Z,2026-03-03T09:30:00Z,,Frozen
A2,"Fabrikam, Inc.",,,,SUB-4,Exchange Online (Plan 1),,,,4,3.60,4.00,USD,P2Y,,2025-03-04 09:30:00,,,active
A3,Northwind Traders,0b8e2a71-4c3d-4e5f-9a6b-7c8d9e0f1a2b,,inactive,SUB-5,Microsoft 365 E3,Microsoft,05e9a617-0261-4cee-bb44-138d3ef5d965,,3,,,,monthly,monthly,2025-02-01,,,trial
A3,Northwind Traders,,,,SUB-6,Microsoft 365 Business Premium,Microsoft,cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46,,0,19.80,22.00,USD,annual,annual,2023-05-01,2024-04-30,2024-04-30,Cancelled
A4,"Tailspin ""West"" Toys",,tailspintoys.com,,,Microsoft 365 Business Basic,Microsoft,CFQ7TTC0LH18:0001,,12,"5.40","6.00",EUR,triennial,once,2024-11-01,2027-10-31,,pending cancel

A4,"Tailspin ""West"" Toys",,,,,Microsoft 365 Business Basic,Microsoft,CFQ7TTC0LH18:0001,,3,5.40,6.00,EUR,P3Y,monthly,2025-01-01,2027-12-31,,suspended
`, "\n", "\r\n")

const (
	tenantA1 = "6f1b3c52-0d1e-4b8a-9a4e-2f0c7d5e8a11"
	tenantA3 = "0b8e2a71-4c3d-4e5f-9a6b-7c8d9e0f1a2b"
	skuSPB   = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
	skuE3    = "05e9a617-0261-4cee-bb44-138d3ef5d965"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func usd(minor int64) connectors.Money { return connectors.Money{Minor: minor, Currency: "USD"} }
func eur(minor int64) connectors.Money { return connectors.Money{Minor: minor, Currency: "EUR"} }

var (
	acronisID = DerivedSubscriptionID("A1", "sku:acr-cpc-ws", "monthly")
	twinID    = DerivedSubscriptionID("A4", "sku:cfq7ttc0lh18:0001", "triennial")
)

func smallAccounts() []connectors.DistributorAccount {
	return []connectors.DistributorAccount{
		{ID: "A1", Name: "Contoso Ltd", TenantID: tenantA1, TenantIDSource: "csv tenant_id column", Domain: "contoso.com", Active: true},
		{ID: "A2", Name: "Fabrikam, Inc.", Domain: "fabrikam.com", Active: true},
		{ID: "A3", Name: "Northwind Traders", TenantID: tenantA3, TenantIDSource: "csv tenant_id column", Active: false},
		{ID: "A4", Name: `Tailspin "West" Toys`, Domain: "tailspintoys.com", Active: true},
	}
}

func smallSubscriptions() []connectors.DistributorSubscription {
	bp := connectors.DistributorProduct{ID: "sku:" + skuSPB, Name: "Microsoft 365 Business Premium", Vendor: "Microsoft"}
	basic := connectors.DistributorProduct{ID: "sku:cfq7ttc0lh18:0001", Name: "Microsoft 365 Business Basic", VendorSKU: "CFQ7TTC0LH18:0001", Vendor: "Microsoft"}
	return []connectors.DistributorSubscription{
		{ID: "SUB-1", AccountID: "A1", Product: bp, MicrosoftSubscriptionID: "a7c1e2d4-3b5f-4c6a-8d9e-0f1a2b3c4d5e", SkuID: skuSPB,
			Quantity: 25, UnitCost: usd(1980), UnitPrice: usd(2200), Term: connectors.TermAnnual, BillingFrequency: connectors.BillMonthly,
			CommitmentEnd: date(2026, 3, 3), Status: connectors.StatusActive, RawStatus: "Active", StartDate: date(2025, 3, 4), Microsoft: true},
		{ID: acronisID, AccountID: "A1",
			Product:  connectors.DistributorProduct{ID: "sku:acr-cpc-ws", Name: "Acronis Cyber Protect Cloud", VendorSKU: "ACR-CPC-WS", Vendor: "Acronis"},
			Quantity: 25, UnitCost: usd(210), UnitPrice: usd(350), Term: connectors.TermMonthly, BillingFrequency: connectors.BillMonthly,
			Status: connectors.StatusActive, RawStatus: "active", StartDate: date(2025, 3, 4)},
		{ID: "SUB-3", AccountID: "A2",
			Product:  connectors.DistributorProduct{ID: "sku:o365_business_premium", Name: "Microsoft 365 Business Standard", VendorSKU: "O365_BUSINESS_PREMIUM", Vendor: "Microsoft"},
			Quantity: 10, UnitCost: usd(1250), Term: connectors.TermAnnual, BillingFrequency: connectors.BillMonthly,
			CommitmentEnd: date(2026, 3, 3), Status: connectors.StatusUnknown, RawStatus: "Frozen", StartDate: date(2025, 3, 4),
			Microsoft: true, Warnings: []string{"unknown status"}},
		{ID: "SUB-4", AccountID: "A2",
			Product:  connectors.DistributorProduct{ID: "name:exchange online (plan 1)", Name: "Exchange Online (Plan 1)", Vendor: "Microsoft"},
			Quantity: 4, UnitCost: usd(360), UnitPrice: usd(400), Term: connectors.TermUnknown, BillingFrequency: connectors.BillUnknown,
			Status: connectors.StatusActive, RawStatus: "active", StartDate: date(2025, 3, 4), Microsoft: true, Warnings: []string{"unknown term"}},
		{ID: "SUB-5", AccountID: "A3",
			Product: connectors.DistributorProduct{ID: "sku:" + skuE3, Name: "Microsoft 365 E3", Vendor: "Microsoft"}, SkuID: skuE3,
			Quantity: 3, Term: connectors.TermMonthly, BillingFrequency: connectors.BillMonthly,
			Status: connectors.StatusTrial, RawStatus: "trial", StartDate: date(2025, 2, 1), Microsoft: true},
		{ID: "SUB-6", AccountID: "A3", Product: bp, SkuID: skuSPB,
			Quantity: 0, UnitCost: usd(1980), UnitPrice: usd(2200), Term: connectors.TermAnnual, BillingFrequency: connectors.BillAnnual,
			CommitmentEnd: date(2024, 4, 30), Status: connectors.StatusCancelled, RawStatus: "Cancelled", StartDate: date(2023, 5, 1),
			EndDate: date(2024, 4, 30), Microsoft: true},
		{ID: twinID, AccountID: "A4", Product: basic,
			Quantity: 12, UnitCost: eur(540), UnitPrice: eur(600), Term: connectors.TermTriennial, BillingFrequency: connectors.BillOnce,
			CommitmentEnd: date(2027, 10, 31), Status: connectors.StatusPendingCancel, RawStatus: "pending cancel", StartDate: date(2024, 11, 1), Microsoft: true},
		{ID: twinID + "-2", AccountID: "A4", Product: basic,
			Quantity: 3, UnitCost: eur(540), UnitPrice: eur(600), Term: connectors.TermTriennial, BillingFrequency: connectors.BillMonthly,
			CommitmentEnd: date(2027, 12, 31), Status: connectors.StatusSuspended, RawStatus: "suspended", StartDate: date(2025, 1, 1), Microsoft: true},
	}
}

type csvHarness struct{}

func (csvHarness) NewConnected(t *testing.T) (connectors.Distributor, conformance.DistributorLevers) {
	f := newFileFake(t, smallFile)
	return f.client(t), &csvLevers{f: f}
}

// The kinds of fault a fileFake injects.
const (
	faultStatus   = iota // answer as an HTTP status would map to a file
	faultTruncate        // the file reads short against its size
	faultLocked          // the file is locked for a moment
)

// fileFake is a file in a temporary folder with levers over how it opens.
// A file has one kind of read, so the faults of every call share a queue:
// the suite's "the next listing of accounts fails" is "the next read fails".
type fileFake struct {
	path    string
	faults  fakekit.Faults[int]
	latency atomic64
	done    chan struct{}

	mu    sync.Mutex
	waits []time.Duration
	opens int
}

type atomic64 struct {
	mu sync.Mutex
	d  time.Duration
}

func (a *atomic64) set(d time.Duration) { a.mu.Lock(); a.d = d; a.mu.Unlock() }
func (a *atomic64) get() time.Duration  { a.mu.Lock(); defer a.mu.Unlock(); return a.d }

func newFileFake(t *testing.T, content string) *fileFake {
	t.Helper()
	path := filepath.Join(t.TempDir(), "subscriptions.csv")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fileFake{path: path, done: make(chan struct{})}
	t.Cleanup(func() { close(f.done) })
	return f
}

func (f *fileFake) client(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{Path: f.path, Open: f.open, Sleep: f.sleep})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fileFake) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fileFake) allWaits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration{}, f.waits...)
}

func (f *fileFake) open(path string) (io.ReadCloser, error) {
	f.mu.Lock()
	f.opens++
	f.mu.Unlock()
	if d := f.latency.get(); d > 0 {
		select {
		case <-time.After(d):
		case <-f.done:
		}
	}
	fault, ok := f.faults.Take(0)
	if !ok {
		return os.Open(path)
	}
	switch fault.Kind {
	case faultTruncate:
		file, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		st, _ := file.Stat()
		return &shortFile{File: file, left: st.Size() / 2}, nil
	case faultLocked:
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("the process cannot access the file because it is being used by another process")}
	}
	switch s := fault.Status; {
	case s == 200:
		return io.NopCloser(strings.NewReader(fault.Body)), nil
	case s == 401 || s == 403:
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrPermission}
	case s == 404:
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	return nil, &fs.PathError{Op: "read", Path: path, Err: syscall.EIO}
}

// shortFile reads only part of a file whose Stat still gives the whole
// size: a file being rewritten while it is read.
type shortFile struct {
	*os.File
	left int64
}

func (s *shortFile) Read(p []byte) (int, error) {
	if s.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.File.Read(p)
	s.left -= int64(n)
	return n, err
}

// csvLevers answers the suite from smallFile and pulls the file's levers.
type csvLevers struct{ f *fileFake }

func (l *csvLevers) Service() string { return "csv" }
func (l *csvLevers) Secret() string  { return "" }

func (l *csvLevers) Accounts() []connectors.DistributorAccount { return smallAccounts() }

func (l *csvLevers) Subscriptions() []connectors.DistributorSubscription { return smallSubscriptions() }

func (l *csvLevers) Subscription(c conformance.SubscriptionCase) (string, bool) {
	switch c {
	case conformance.SubNonMicrosoft:
		return acronisID, true
	case conformance.SubUnknownStatus:
		return "SUB-3", true
	case conformance.SubUnknownTerm:
		return "SUB-4", true
	case conformance.SubWithoutPrice:
		return "SUB-5", true
	}
	// SubFractionalQuantity: refused with its line and column, never kept.
	return "", false
}

func (l *csvLevers) DateSamples() map[string]string {
	return map[string]string{
		"2025-03-04":           "SUB-1",
		"2025-03-04T09:30:00Z": "SUB-3",
		"2025-03-04 09:30:00":  "SUB-4",
	}
}

func (l *csvLevers) Calls() []conformance.DistributorCall { return nil }

func (l *csvLevers) FailNext(_ conformance.DistributorCall, status int, body string, n int) {
	l.f.faults.Add(fakekit.Fault[int]{Kind: faultStatus, Status: status, Body: body, Left: n})
}

// ThrottleNext locks the file for one read; the Client waits its first
// retry wait and reads again.
func (l *csvLevers) ThrottleNext(conformance.DistributorCall) time.Duration {
	l.f.faults.Add(fakekit.Fault[int]{Kind: faultLocked, Left: 1})
	return retryWaits[0]
}

func (l *csvLevers) TruncateNext(_ conformance.DistributorCall, n int) {
	l.f.faults.Add(fakekit.Fault[int]{Kind: faultTruncate, Left: n})
}

func (l *csvLevers) RetryWaits() []time.Duration  { return l.f.allWaits() }
func (l *csvLevers) TokenCalls() (int, bool)      { return 0, false }
func (l *csvLevers) TokenLifetime() time.Duration { return 0 }
func (l *csvLevers) Advance(time.Duration)        {}
func (l *csvLevers) ExpireTokens()                {}
func (l *csvLevers) RevokeSecret()                {}
func (l *csvLevers) SetLatency(d time.Duration)   { l.f.latency.set(d) }

func faultFor(kind, n int) fakekit.Fault[int] { return fakekit.Fault[int]{Kind: kind, Left: n} }
