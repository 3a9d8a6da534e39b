package halopsa_test

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/halopsa"
	"github.com/seats-msp/seats/connectors/halopsa/halofake"
)

// TestConformance runs the connectors.PSA suite, writes included, against
// the real client talking to halofake over SmallWorldAt, with pages of 2 so
// that every listing pages.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunPSA(t, func(t *testing.T) conformance.PSAHarness { return haloHarness{} })
}

type haloHarness struct{}

func (haloHarness) NewConnected(t *testing.T, o conformance.PSAOptions) (connectors.PSA, conformance.PSALevers) {
	l := &haloLevers{}
	l.f = newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{PageSize: 2, OnChange: func(halofake.World) {
		if l.failReadsAfterWrite.Load() {
			l.f.halo.FailNext(halofake.CallInvoice, 503, "", 1000)
		}
	}})
	c := l.f.client(t, func(cfg *halopsa.Config) { cfg.WriteEnabled = o.WriteEnabled })
	return c, l
}

type haloLevers struct {
	f                   *fake
	failReadsAfterWrite atomic.Bool
}

func (l *haloLevers) Service() string         { return "halopsa" }
func (l *haloLevers) Secret() string          { return l.f.world.ClientSecret }
func (l *haloLevers) CredentialWords() string { return "client id and secret" }
func (l *haloLevers) Now() time.Time          { return l.f.clock.Now() }

func (l *haloLevers) Companies() []connectors.PSACompany { return expectedCompanies(l.f.halo.World()) }
func (l *haloLevers) Catalog() []connectors.CatalogItem  { return expectedCatalog(l.f.halo.World()) }
func (l *haloLevers) Lines() []connectors.BillingLine {
	return expectedLines(l.f.halo.World(), l.Now())
}

var smallLines = map[conformance.LineCase]int{
	conformance.LineWritable:             halofake.SmallLineWritable,
	conformance.LineCancelled:            halofake.SmallLineCancelled,
	conformance.LineNotBilled:            halofake.SmallLineNotBilled,
	conformance.LineNotYetEffective:      halofake.SmallLineNotYetEffective,
	conformance.LineOnCancelledAgreement: halofake.SmallLineOnDisabled,
	conformance.LineOnExpiredAgreement:   halofake.SmallLineOnEnded,
	conformance.LineFractionalQuantity:   halofake.SmallLineFractional,
	conformance.LineWithoutPrice:         halofake.SmallLineWithoutPrice,
}

func (l *haloLevers) Line(c conformance.LineCase) (connectors.LineRef, bool) {
	id, ok := smallLines[c]
	if !ok {
		return connectors.LineRef{}, false
	}
	for _, ln := range l.Lines() {
		if ln.LineID == strconv.Itoa(id) {
			return ln.LineRef, true
		}
	}
	return connectors.LineRef{}, false
}

var fakeCalls = map[conformance.PSACall]halofake.Call{
	conformance.PSACallCompanies: halofake.CallClients,
	conformance.PSACallCatalog:   halofake.CallItems,
	conformance.PSACallLines:     halofake.CallInvoices,
	conformance.PSACallLine:      halofake.CallInvoice,
	conformance.PSACallWrite:     halofake.CallWrite,
}

func fakeCall(c conformance.PSACall) halofake.Call {
	fc, ok := fakeCalls[c]
	if !ok {
		panic("haloLevers: no fake call for " + string(c))
	}
	return fc
}

func (l *haloLevers) FailNext(c conformance.PSACall, status int, body string, n int) {
	l.f.halo.FailNext(fakeCall(c), status, body, n)
}
func (l *haloLevers) ThrottleNext(c conformance.PSACall) time.Duration {
	return l.f.halo.ThrottleNext(fakeCall(c), 1)
}
func (l *haloLevers) TruncateNext(c conformance.PSACall, n int) {
	l.f.halo.TruncateNext(fakeCall(c), n)
}
func (l *haloLevers) RetryWaits() []time.Duration { return l.f.waits.All() }
func (l *haloLevers) RevokeCredentials()          { l.f.halo.RevokeSecret() }
func (l *haloLevers) SetLatency(d time.Duration)  { l.f.halo.SetLatency(d) }
func (l *haloLevers) Requests() int               { return int(l.f.halo.Calls()) }

func (l *haloLevers) Quantity(ref connectors.LineRef) (int, bool) {
	id, err := strconv.Atoi(ref.LineID)
	if err != nil {
		return 0, false
	}
	for _, inv := range l.f.halo.World().Invoices {
		for _, ln := range inv.Lines {
			if ln.ID == id {
				n, err := strconv.Atoi(string(ln.Quantity))
				return n, err == nil
			}
		}
	}
	return 0, false
}

func (l *haloLevers) ChangeLine(ref connectors.LineRef, quantity int) {
	id, _ := strconv.Atoi(ref.LineID)
	if !l.f.halo.ChangeLineBehindYourBack(id, halofake.Quantity(quantity)) {
		panic("haloLevers: no line " + ref.LineID)
	}
}

func (l *haloLevers) RefuseNextWrite(reason string) { l.f.halo.RefuseWrite(1, reason) }

func (l *haloLevers) DropAnswerAfterWrite(failReadsAfter bool) {
	l.failReadsAfterWrite.Store(failReadsAfter)
	l.f.halo.DropAnswerAfterWrite(1)
}

func (l *haloLevers) WriteRequests() int { return int(l.f.halo.Writes()) }
func (l *haloLevers) AppliedWrites() int { return int(l.f.halo.Applied()) }
