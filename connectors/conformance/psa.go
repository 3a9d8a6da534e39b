package conformance

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
)

// PSACall names one kind of call a PSA connector makes, so that a harness
// can make it fail without the suite knowing URLs.
type PSACall string

// The calls the suite injects faults into.
const (
	PSACallCompanies PSACall = "companies" // list companies
	PSACallCatalog   PSACall = "catalog"   // list catalogue items
	PSACallLines     PSACall = "lines"     // list billing lines (ConnectWise: an agreement's additions)
	PSACallLine      PSACall = "line"      // read one line again (QuantityWriter.Line, and before a write)
	PSACallWrite     PSACall = "write"     // change one line's quantity
)

// LineCase names a billing-line situation the suite needs the world to hold.
type LineCase int

// The line situations.
const (
	// LineWritable: billed, in effect, on an active agreement, a whole
	// quantity of at least 1: the line the write tests change.
	LineWritable LineCase = iota
	// LineCancelled: cancelled in the past; kept, with its date.
	LineCancelled
	// LineNotBilled: the PSA is told not to bill it (ConnectWise DoNotBill).
	LineNotBilled
	// LineNotYetEffective: takes effect after now.
	LineNotYetEffective
	// LineOnCancelledAgreement: open, on an agreement that is cancelled.
	LineOnCancelledAgreement
	// LineOnExpiredAgreement: on an agreement whose end has passed.
	LineOnExpiredAgreement
	// LineFractionalQuantity: a quantity that is not a whole number of
	// seats; kept and flagged.
	LineFractionalQuantity
	// LineWithoutPrice: the PSA gives no price: the unknown Money, never a
	// made-up zero.
	LineWithoutPrice
)

func (c LineCase) String() string {
	switch c {
	case LineWritable:
		return "that can be written"
	case LineCancelled:
		return "that is cancelled"
	case LineNotBilled:
		return "that is not billed"
	case LineNotYetEffective:
		return "that is not yet in effect"
	case LineOnCancelledAgreement:
		return "on a cancelled agreement"
	case LineOnExpiredAgreement:
		return "on an expired agreement"
	case LineFractionalQuantity:
		return "with a fractional quantity"
	case LineWithoutPrice:
		return "without a price"
	}
	return fmt.Sprintf("LineCase(%d)", int(c))
}

// PSALevers is what the suite knows and pulls about the world behind one
// connector. Every connector from NewConnected has a world of its own, so
// subtests may change it freely.
type PSALevers interface {
	// Service is the service name the connector's errors carry ("connectwise").
	Service() string
	// Secret is the secret the connector holds (a private key), so the
	// suite can check that no error repeats it.
	Secret() string
	// CredentialWords are words an error about refused credentials must
	// contain, naming in plain words what was refused ("API key pair").
	CredentialWords() string
	// Now is the instant the connector judges dates by.
	Now() time.Time
	// Companies, Catalog and Lines are what the connector must list, in
	// any order. Warnings of the expected lines are compared only for
	// being present or absent, not word for word.
	Companies() []connectors.PSACompany
	Catalog() []connectors.CatalogItem
	Lines() []connectors.BillingLine
	// Line names a line in situation c; ok is false when the world has
	// none (the subtest is skipped).
	Line(c LineCase) (ref connectors.LineRef, ok bool)
	// FailNext makes the next n calls of kind call answer status with body
	// ("" = the service's own error shape), doing nothing.
	FailNext(call PSACall, status int, body string, n int)
	// ThrottleNext makes the next call of kind call answer 429 with a
	// Retry-After header, and returns the wait that header asks for.
	ThrottleNext(call PSACall) (retryAfter time.Duration)
	// TruncateNext makes the next n calls of kind call answer 200 with
	// their JSON body cut short.
	TruncateNext(call PSACall, n int)
	// RetryWaits lists the waits the connector asked for so far, or nil
	// when the harness cannot observe them.
	RetryWaits() []time.Duration
	// RevokeCredentials makes the service refuse the connector's
	// credentials from now on.
	RevokeCredentials()
	// SetLatency adds d to every call from now on; the wait ends when the
	// caller gives up.
	SetLatency(d time.Duration)
	// Requests counts every request the service received.
	Requests() int

	// The levers below serve the write tests.

	// Quantity is the quantity the service holds for ref now.
	Quantity(ref connectors.LineRef) (int, bool)
	// ChangeLine sets ref's quantity as another person editing the PSA
	// would; the line's version moves even when the quantity is the same.
	ChangeLine(ref connectors.LineRef, quantity int)
	// RefuseNextWrite makes the next write answer as the service refuses
	// a change it judges invalid, with reason in its words; nothing changes.
	RefuseNextWrite(reason string)
	// DropAnswerAfterWrite makes the next write happen and its answer be
	// lost (the connection drops). With failReadsAfter, every read of a
	// line after that write fails too, so the connector cannot learn what
	// happened.
	DropAnswerAfterWrite(failReadsAfter bool)
	// WriteRequests counts the write requests the service received,
	// whatever became of them; AppliedWrites those that changed a line.
	WriteRequests() int
	AppliedWrites() int
}

// PSAOptions say how to build a connector.
type PSAOptions struct {
	// WriteEnabled is psa.write_enabled.
	WriteEnabled bool
}

// PSAHarness builds connectors for the suite.
type PSAHarness interface {
	// NewConnected returns a connector configured with valid credentials
	// over a fresh world, and that world's levers. It cleans up with
	// t.Cleanup.
	NewConnected(t *testing.T, o PSAOptions) (connectors.PSA, PSALevers)
}

// RunPSA runs the connectors.PSA conformance suite, and the
// connectors.QuantityWriter tests where the connector has that ability.
// newHarness is called once per subtest; subtests run in parallel.
func RunPSA(t *testing.T, newHarness func(t *testing.T) PSAHarness) {
	t.Helper()
	type test struct {
		name  string
		write bool // needs a QuantityWriter with writes enabled
		run   func(t *testing.T, p connectors.PSA, l PSALevers)
	}
	tests := []test{
		{"CompaniesAllPages", false, psaTestCompanies},
		{"CatalogAllPages", false, psaTestCatalog},
		{"LinesAllPages", false, psaTestLines},
		{"LinesInStableOrder", false, psaTestLinesStable},
		{"WritableLineInEffect", false, psaLineCase(LineWritable, psaCheckInEffect)},
		{"CancelledLineKeptAndMarked", false, psaLineCase(LineCancelled, psaCheckCancelled)},
		{"NotBilledLineKeptAndMarked", false, psaLineCase(LineNotBilled, psaCheckNotBilled)},
		{"NotYetEffectiveLineKeptAndMarked", false, psaLineCase(LineNotYetEffective, psaCheckNotYetEffective)},
		{"LineOnCancelledAgreementKeptAndMarked", false, psaLineCase(LineOnCancelledAgreement, psaCheckAgreement(connectors.AgreementCancelled))},
		{"LineOnExpiredAgreementKeptAndMarked", false, psaLineCase(LineOnExpiredAgreement, psaCheckAgreement(connectors.AgreementExpired))},
		{"FractionalQuantityFlagged", false, psaLineCase(LineFractionalQuantity, psaCheckFlagged)},
		{"MissingPriceIsBlank", false, psaLineCase(LineWithoutPrice, psaCheckBlankPrice)},
		{"CredentialsRefused", false, psaTestCredentialsRefused},
		{"Forbidden", false, psaTestForbidden},
		{"RateLimitedWithRetryAfter", false, psaTestRateLimited},
		{"ServerErrorRetried", false, psaTestServerErrorRetried},
		{"ServerErrorReported", false, psaTestServerErrorReported},
		{"TruncatedJSONRetried", false, psaTestTruncatedRetried},
		{"TruncatedJSONReported", false, psaTestTruncatedReported},
		{"MalformedJSONReported", false, psaTestMalformedReported},
		{"CancelledByContext", false, psaTestCancelled},
		{"CallsCounted", false, psaTestCallsCounted},

		{"LineReadLive", true, psaTestLineReadLive},
		{"LineNotFound", true, psaTestLineNotFound},
		{"WriteAppliedAndReadBack", true, psaTestWriteApplied},
		{"WriteOfSameQuantitySendsNothing", true, psaTestWriteNoChange},
		{"WriteBelowZeroRefused", true, psaTestWriteBelowZero},
		{"WriteRacesAChange", true, psaTestWriteRacesQuantity},
		{"WriteRacesAnEdit", true, psaTestWriteRacesEdit},
		{"WriteRefused", true, psaTestWriteRefused},
		{"WriteFailedBeforeApplying", true, psaTestWriteFailed},
		{"WriteAnswerLost", true, psaTestWriteAnswerLost},
		{"WriteUnconfirmed", true, psaTestWriteUnconfirmed},
		{"WriteThrottled", true, psaTestWriteThrottled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, l := newHarness(t).NewConnected(t, PSAOptions{WriteEnabled: tc.write})
			if tc.write {
				if _, ok := p.(connectors.QuantityWriter); !ok {
					t.Skip("this PSA connector cannot write quantities")
				}
			}
			tc.run(t, p, l)
		})
	}
	t.Run("WriteDisabledSendsNothing", func(t *testing.T) {
		t.Parallel()
		p, l := newHarness(t).NewConnected(t, PSAOptions{WriteEnabled: false})
		psaTestWriteDisabled(t, p, l)
	})
}

// Reads.

func psaTestCompanies(t *testing.T, p connectors.PSA, l PSALevers) {
	got, err := p.Companies(ctxFor(t))
	if err != nil {
		t.Fatalf("Companies: %v", err)
	}
	want := l.Companies()
	key := func(cs []connectors.PSACompany) map[string]connectors.PSACompany {
		out := map[string]connectors.PSACompany{}
		for _, c := range cs {
			if _, dup := out[c.ID]; dup {
				t.Errorf("company %s listed twice", c.ID)
			}
			out[c.ID] = c
		}
		return out
	}
	g, w := key(got), key(want)
	if len(got) != len(want) {
		t.Errorf("Companies: got %d, want %d (every page to the last)", len(got), len(want))
	}
	for id, wc := range w {
		gc, ok := g[id]
		if !ok {
			t.Errorf("company %s (%s) is missing", id, wc.Name)
			continue
		}
		if fmt.Sprintf("%#v", gc) != fmt.Sprintf("%#v", wc) {
			t.Errorf("company %s:\n got %+v\nwant %+v", id, gc, wc)
		}
	}
}

func psaTestCatalog(t *testing.T, p connectors.PSA, l PSALevers) {
	got, err := p.Catalog(ctxFor(t))
	if err != nil {
		t.Fatalf("Catalog: %v", err)
	}
	want := l.Catalog()
	byID := func(items []connectors.CatalogItem) {
		sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	}
	byID(got)
	byID(want)
	if len(got) != len(want) {
		t.Fatalf("Catalog: got %d items, want %d (every page to the last)", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("catalogue item %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// psaListLines lists the lines by line id, failing on duplicates.
func psaListLines(t *testing.T, p connectors.PSA) map[string]connectors.BillingLine {
	t.Helper()
	lines, err := p.Lines(ctxFor(t))
	if err != nil {
		t.Fatalf("Lines: %v", err)
	}
	by := map[string]connectors.BillingLine{}
	for _, ln := range lines {
		if _, dup := by[ln.LineID]; dup {
			t.Errorf("line %s listed twice", ln.LineID)
		}
		by[ln.LineID] = ln
	}
	return by
}

func psaTestLines(t *testing.T, p connectors.PSA, l PSALevers) {
	got := psaListLines(t, p)
	want := l.Lines()
	if len(got) != len(want) {
		t.Errorf("Lines: got %d, want %d (every page of every agreement)", len(got), len(want))
	}
	for _, w := range want {
		g, ok := got[w.LineID]
		if !ok {
			t.Errorf("line %s (%s) is missing", w.LineID, w.Description)
			continue
		}
		psaCompareLine(t, g, w)
	}
}

// psaCompareLine compares every field; Warnings only for presence.
func psaCompareLine(t *testing.T, got, want connectors.BillingLine) {
	t.Helper()
	gw, ww := got.Warnings, want.Warnings
	if !psaSameLine(got, want) {
		t.Errorf("line %s:\n got %+v\nwant %+v", want.LineID, got, want)
	}
	if (len(gw) > 0) != (len(ww) > 0) {
		t.Errorf("line %s: warnings %q, want some=%v", want.LineID, gw, len(ww) > 0)
	}
	if got.QuantityDoubtful && len(ww) == 0 {
		t.Errorf("line %s: a plain quantity %d is marked doubtful", want.LineID, got.Quantity)
	}
	for _, w := range gw {
		if strings.TrimSpace(w) == "" || strings.ContainsAny(w, "\r\n") {
			t.Errorf("line %s: warning %q is not one line", want.LineID, w)
		}
	}
}

func psaSameLine(a, b connectors.BillingLine) bool {
	times := a.EffectiveFrom.Equal(b.EffectiveFrom) && a.CancelledOn.Equal(b.CancelledOn)
	a.EffectiveFrom, b.EffectiveFrom = time.Time{}, time.Time{}
	a.CancelledOn, b.CancelledOn = time.Time{}, time.Time{}
	a.Warnings, b.Warnings = nil, nil
	// Like Warnings, the doubt on a quantity is checked where the suite
	// knows the quantity is odd (FractionalQuantityFlagged).
	a.QuantityDoubtful, b.QuantityDoubtful = false, false
	return times && fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}

// Snapshots are compared for change by content: the same PSA read twice
// must list its lines in the same order.
func psaTestLinesStable(t *testing.T, p connectors.PSA, _ PSALevers) {
	first, err := p.Lines(ctxFor(t))
	if err != nil {
		t.Fatalf("Lines: %v", err)
	}
	second, err := p.Lines(ctxFor(t))
	if err != nil {
		t.Fatalf("Lines again: %v", err)
	}
	if len(first) != len(second) {
		t.Fatalf("two reads gave %d and %d lines", len(first), len(second))
	}
	for i := range first {
		if first[i].LineID != second[i].LineID {
			t.Fatalf("two reads order the lines differently: at %d, %s then %s", i, first[i].LineID, second[i].LineID)
		}
	}
}

// psaLineCase runs check on the line of situation c, as listed.
func psaLineCase(c LineCase, check func(t *testing.T, ln connectors.BillingLine, now time.Time)) func(*testing.T, connectors.PSA, PSALevers) {
	return func(t *testing.T, p connectors.PSA, l PSALevers) {
		ref, ok := l.Line(c)
		if !ok {
			t.Skipf("the world has no line %s", c)
		}
		ln, found := psaListLines(t, p)[ref.LineID]
		if !found {
			t.Fatalf("the line %s %s was dropped", ref.LineID, c)
		}
		check(t, ln, l.Now())
	}
}

func psaCheckInEffect(t *testing.T, ln connectors.BillingLine, now time.Time) {
	if !ln.InEffect(now) || ln.Quantity < 1 || len(ln.Warnings) > 0 {
		t.Errorf("the writable line is not a plain billed line in effect: %+v", ln)
	}
}

func psaCheckCancelled(t *testing.T, ln connectors.BillingLine, now time.Time) {
	if ln.CancelledOn.IsZero() || ln.CancelledOn.After(now) || ln.InEffect(now) {
		t.Errorf("cancelled line: cancelled on %v, in effect %v; want a past date and not in effect", ln.CancelledOn, ln.InEffect(now))
	}
}

func psaCheckNotBilled(t *testing.T, ln connectors.BillingLine, now time.Time) {
	if ln.Billed || ln.InEffect(now) {
		t.Errorf("line not billed: Billed %v, in effect %v", ln.Billed, ln.InEffect(now))
	}
}

func psaCheckNotYetEffective(t *testing.T, ln connectors.BillingLine, now time.Time) {
	if !ln.EffectiveFrom.After(now) || ln.InEffect(now) {
		t.Errorf("line not yet in effect: effective from %v, in effect %v", ln.EffectiveFrom, ln.InEffect(now))
	}
}

func psaCheckAgreement(want connectors.AgreementState) func(*testing.T, connectors.BillingLine, time.Time) {
	return func(t *testing.T, ln connectors.BillingLine, now time.Time) {
		if ln.AgreementState != want || ln.InEffect(now) {
			t.Errorf("line on a %s agreement: state %q, in effect %v", want, ln.AgreementState, ln.InEffect(now))
		}
	}
}

func psaCheckFlagged(t *testing.T, ln connectors.BillingLine, _ time.Time) {
	if len(ln.Warnings) == 0 {
		t.Errorf("line %s has no warning", ln.LineID)
	}
	if !ln.QuantityDoubtful {
		t.Errorf("line %s: quantity %d read from an odd value is not marked doubtful", ln.LineID, ln.Quantity)
	}
}

func psaCheckBlankPrice(t *testing.T, ln connectors.BillingLine, _ time.Time) {
	if ln.UnitPrice.Known() || ln.UnitCost.Known() {
		t.Errorf("price %v cost %v: a price the PSA did not give was made up", ln.UnitPrice, ln.UnitCost)
	}
}

// Failures.

func psaNoSecret(t *testing.T, l PSALevers, err error) {
	t.Helper()
	if s := l.Secret(); s != "" && err != nil && strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), s) {
		t.Errorf("the error repeats the secret: %v", err)
	}
}

func psaTestCredentialsRefused(t *testing.T, p connectors.PSA, l PSALevers) {
	l.RevokeCredentials()
	_, err := p.Companies(ctxFor(t))
	wantKind(t, "Companies with refused credentials", err, connectors.ErrUnauthorized)
	if words := l.CredentialWords(); !strings.Contains(err.Error(), words) {
		t.Errorf("error %q does not say in plain words that the %s was refused", err, words)
	}
	psaNoSecret(t, l, err)
	_, err = p.Lines(ctxFor(t))
	wantKind(t, "Lines with refused credentials", err, connectors.ErrUnauthorized)
	psaNoSecret(t, l, err)
}

func psaTestForbidden(t *testing.T, p connectors.PSA, l PSALevers) {
	l.FailNext(PSACallCatalog, 403, "", 1)
	_, err := p.Catalog(ctxFor(t))
	wantKind(t, "Catalog answered 403", err, connectors.ErrForbidden)
}

func psaTestRateLimited(t *testing.T, p connectors.PSA, l PSALevers) {
	retryAfter := l.ThrottleNext(PSACallLines)
	if got := psaListLines(t, p); len(got) != len(l.Lines()) {
		t.Errorf("after one 429: %d lines, want %d", len(got), len(l.Lines()))
	}
	waits := l.RetryWaits()
	if waits == nil {
		return
	}
	honoured := false
	for _, w := range waits {
		honoured = honoured || w >= retryAfter
	}
	if !honoured {
		t.Errorf("waits %v: none honours Retry-After %v", waits, retryAfter)
	}
}

func psaTestServerErrorRetried(t *testing.T, p connectors.PSA, l PSALevers) {
	l.FailNext(PSACallCompanies, 503, "", 1)
	l.FailNext(PSACallLines, 500, "", 1)
	if got, err := p.Companies(ctxFor(t)); err != nil || len(got) != len(l.Companies()) {
		t.Fatalf("Companies after one 503: %d, %v; want %d", len(got), err, len(l.Companies()))
	}
	if got := psaListLines(t, p); len(got) != len(l.Lines()) {
		t.Errorf("after one 500: %d lines, want %d", len(got), len(l.Lines()))
	}
}

// psaReportsService checks that an unavailable service is named.
func psaReportsService(t *testing.T, l PSALevers, what string, err error) {
	t.Helper()
	wantKind(t, what, err, connectors.ErrUnavailable)
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Service != l.Service() || !strings.Contains(err.Error(), l.Service()) {
		t.Errorf("error %q does not name the service %q", err, l.Service())
	}
}

// The 5xx are injected more often than any connector retries, so they
// surface once retries run out.
func psaTestServerErrorReported(t *testing.T, p connectors.PSA, l PSALevers) {
	l.FailNext(PSACallCompanies, 503, "", 100)
	_, err := p.Companies(ctxFor(t))
	psaReportsService(t, l, "Companies answered 503 every time", err)
	l.FailNext(PSACallLines, 502, "", 1000)
	_, err = p.Lines(ctxFor(t))
	psaReportsService(t, l, "Lines answered 502 every time", err)
}

func psaTestTruncatedRetried(t *testing.T, p connectors.PSA, l PSALevers) {
	l.TruncateNext(PSACallCompanies, 1)
	l.TruncateNext(PSACallLines, 1)
	if got, err := p.Companies(ctxFor(t)); err != nil || len(got) != len(l.Companies()) {
		t.Fatalf("Companies after one truncated answer: %d, %v; want %d", len(got), err, len(l.Companies()))
	}
	if got := psaListLines(t, p); len(got) != len(l.Lines()) {
		t.Errorf("after one truncated answer: %d lines, want %d", len(got), len(l.Lines()))
	}
}

func psaTestTruncatedReported(t *testing.T, p connectors.PSA, l PSALevers) {
	l.TruncateNext(PSACallCatalog, 100)
	_, err := p.Catalog(ctxFor(t))
	wantKind(t, "Catalog truncated every time", err, connectors.ErrBadResponse)
}

func psaTestMalformedReported(t *testing.T, p connectors.PSA, l PSALevers) {
	l.FailNext(PSACallCompanies, 200, "<html><body>Service temporarily down</body></html>", 100)
	_, err := p.Companies(ctxFor(t))
	wantKind(t, "Companies answered HTML with 200", err, connectors.ErrBadResponse)
	l.FailNext(PSACallCatalog, 200, `{"items": "not a list"}`, 100)
	_, err = p.Catalog(ctxFor(t))
	wantKind(t, "Catalog answered JSON of another shape", err, connectors.ErrBadResponse)
	l.FailNext(PSACallLines, 200, `[{"id": "not a number", "quantity": {}}]`, 100)
	_, err = p.Lines(ctxFor(t))
	wantKind(t, "Lines answered rows of another shape", err, connectors.ErrBadResponse)
}

func psaTestCancelled(t *testing.T, p connectors.PSA, l PSALevers) {
	checkCancelled(t, "Lines", l.SetLatency, func(ctx context.Context) error {
		_, err := p.Lines(ctx)
		return err
	})
}

func psaTestCallsCounted(t *testing.T, p connectors.PSA, _ PSALevers) {
	checkCallsCounted(t, p, "Catalog", func(ctx context.Context) error {
		_, err := p.Catalog(ctx)
		return err
	})
}

// Writes.

// psaWritable returns the writable line as the connector lists it, and
// the connector's writer.
func psaWritable(t *testing.T, p connectors.PSA, l PSALevers) (connectors.QuantityWriter, connectors.BillingLine) {
	t.Helper()
	ref, ok := l.Line(LineWritable)
	if !ok {
		t.Skip("the world has no writable line")
	}
	ln, found := psaListLines(t, p)[ref.LineID]
	if !found {
		t.Fatalf("the writable line %s is not listed", ref.LineID)
	}
	return p.(connectors.QuantityWriter), ln
}

// psaHolds checks what the service holds for the line and how many write
// requests it saw.
func psaHolds(t *testing.T, l PSALevers, ln connectors.BillingLine, quantity, writes int) {
	t.Helper()
	if q, ok := l.Quantity(ln.LineRef); !ok || q != quantity {
		t.Errorf("the PSA holds %d (found %v) for line %s, want %d", q, ok, ln.LineID, quantity)
	}
	if n := l.WriteRequests(); n != writes {
		t.Errorf("%d write requests reached the PSA, want %d", n, writes)
	}
	if n := l.AppliedWrites(); n > 1 {
		t.Errorf("%d writes were applied for one change: written twice", n)
	}
}

func psaTestLineReadLive(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	got, err := w.Line(ctxFor(t), ln.LineRef)
	if err != nil {
		t.Fatalf("Line: %v", err)
	}
	psaCompareLine(t, got, ln)
	l.ChangeLine(ln.LineRef, ln.Quantity+1)
	got, err = w.Line(ctxFor(t), ln.LineRef)
	if err != nil {
		t.Fatalf("Line after a change: %v", err)
	}
	if got.Quantity != ln.Quantity+1 || got.Version == ln.Version {
		t.Errorf("Line after another person's change: quantity %d version %q; want %d and a new version (was %q)",
			got.Quantity, got.Version, ln.Quantity+1, ln.Version)
	}
}

func psaTestLineNotFound(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	ref := ln.LineRef
	ref.LineID = "987654321"
	_, err := w.Line(ctxFor(t), ref)
	wantKind(t, "Line of a line that does not exist", err, connectors.ErrNotFound)
}

func psaTestWriteApplied(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	res, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 3})
	if err != nil {
		t.Fatalf("SetQuantity: %v", err)
	}
	if res.Line.Quantity != ln.Quantity+3 || res.Line.LineID != ln.LineID {
		t.Errorf("result line %s quantity %d, want %s at %d", res.Line.LineID, res.Line.Quantity, ln.LineID, ln.Quantity+3)
	}
	if res.Timing != w.Timing() {
		t.Errorf("result timing %q, the writer says %q", res.Timing, w.Timing())
	}
	if res.Timing == connectors.ApplyAtOnce && !res.Undoable {
		t.Errorf("a change applied at once is reported as not undoable")
	}
	psaHolds(t, l, ln, ln.Quantity+3, 1)
	again := psaListLines(t, p)[ln.LineID]
	if again.Quantity != ln.Quantity+3 || again.Version == ln.Version {
		t.Errorf("listed after the write: quantity %d version %q; want %d and a new version (was %q)",
			again.Quantity, again.Version, ln.Quantity+3, ln.Version)
	}
	if res.Line.Version != again.Version {
		t.Errorf("the result's version %q is not the line's %q: a plan made from it would refuse", res.Line.Version, again.Version)
	}
}

func psaTestWriteNoChange(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	res, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity})
	if err != nil {
		t.Fatalf("SetQuantity to the quantity it has: %v", err)
	}
	if res.Line.Quantity != ln.Quantity {
		t.Errorf("result quantity %d, want %d", res.Line.Quantity, ln.Quantity)
	}
	psaHolds(t, l, ln, ln.Quantity, 0)
}

func psaTestWriteBelowZero(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	_, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: -1})
	if err == nil {
		t.Fatal("SetQuantity to -1 succeeded")
	}
	psaHolds(t, l, ln, ln.Quantity, 0)
}

func psaTestWriteRacesQuantity(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	l.ChangeLine(ln.LineRef, ln.Quantity+1)
	_, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 5})
	wantKind(t, "SetQuantity after someone else changed the quantity", err, connectors.ErrConflict)
	psaHolds(t, l, ln, ln.Quantity+1, 0)
}

func psaTestWriteRacesEdit(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	l.ChangeLine(ln.LineRef, ln.Quantity) // an edit that leaves the quantity as it was
	_, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 5})
	wantKind(t, "SetQuantity after someone else edited the line", err, connectors.ErrConflict)
	psaHolds(t, l, ln, ln.Quantity, 0)
}

func psaTestWriteRefused(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	const reason = "additions of a closed billing period cannot change"
	l.RefuseNextWrite(reason)
	_, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 2})
	wantKind(t, "SetQuantity refused by the PSA", err, connectors.ErrBadRequest)
	if !strings.Contains(err.Error(), reason) {
		t.Errorf("error %q does not say the PSA's reason %q", err, reason)
	}
	psaNoSecret(t, l, err)
	psaHolds(t, l, ln, ln.Quantity, 1)
}

func psaTestWriteDisabled(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ok := p.(connectors.QuantityWriter)
	if !ok {
		t.Skip("this PSA connector cannot write quantities")
	}
	ref, ok := l.Line(LineWritable)
	if !ok {
		t.Skip("the world has no writable line")
	}
	ln := psaListLines(t, p)[ref.LineID]
	before := l.Requests()
	_, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 1})
	wantKind(t, "SetQuantity with writes turned off", err, connectors.ErrWriteDisabled)
	if n := l.Requests() - before; n != 0 {
		t.Errorf("%d requests reached the PSA with writes turned off, want none", n)
	}
	psaHolds(t, l, ln, ln.Quantity, 0)
}

func psaTestWriteFailed(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	l.FailNext(PSACallWrite, 503, "", 1)
	_, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 2})
	wantKind(t, "SetQuantity answered 503 without applying", err, connectors.ErrUnavailable)
	psaHolds(t, l, ln, ln.Quantity, 1)
}

func psaTestWriteAnswerLost(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	l.DropAnswerAfterWrite(false)
	res, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 4})
	if err != nil {
		t.Fatalf("SetQuantity whose answer was lost after it applied: %v (the line holds the new quantity: re-read it)", err)
	}
	if res.Line.Quantity != ln.Quantity+4 {
		t.Errorf("result quantity %d, want %d", res.Line.Quantity, ln.Quantity+4)
	}
	psaHolds(t, l, ln, ln.Quantity+4, 1)
}

func psaTestWriteUnconfirmed(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	l.DropAnswerAfterWrite(true)
	_, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 4})
	wantKind(t, "SetQuantity whose answer was lost and that cannot be re-read", err, connectors.ErrUnconfirmed)
	psaNoSecret(t, l, err)
	psaHolds(t, l, ln, ln.Quantity+4, 1)
}

func psaTestWriteThrottled(t *testing.T, p connectors.PSA, l PSALevers) {
	w, ln := psaWritable(t, p, l)
	l.ThrottleNext(PSACallWrite)
	res, err := w.SetQuantity(ctxFor(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 1})
	switch {
	case err == nil:
		if res.Line.Quantity != ln.Quantity+1 {
			t.Errorf("result quantity %d, want %d", res.Line.Quantity, ln.Quantity+1)
		}
		if q, _ := l.Quantity(ln.LineRef); q != ln.Quantity+1 {
			t.Errorf("the PSA holds %d after a throttled write that succeeded, want %d", q, ln.Quantity+1)
		}
	case connectors.KindOf(err) == connectors.ErrRateLimited:
		if q, _ := l.Quantity(ln.LineRef); q != ln.Quantity {
			t.Errorf("the PSA holds %d after a throttled write reported as not done, want %d", q, ln.Quantity)
		}
	default:
		t.Fatalf("SetQuantity answered 429 once: %v; want success or ErrRateLimited", err)
	}
	if n := l.AppliedWrites(); n > 1 {
		t.Errorf("%d writes applied for one change", n)
	}
	if n := l.WriteRequests(); n > 2 {
		t.Errorf("%d write requests for one change throttled once, want at most 2", n)
	}
}
