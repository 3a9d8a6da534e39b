package connectwise_test

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
)

// TestConformance runs the connectors.PSA suite, writes included, against
// the real client talking to cwfake over SmallWorld, with pages of 2 so that
// every listing pages.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunPSA(t, func(t *testing.T) conformance.PSAHarness { return cwHarness{} })
}

// TestConformanceBySite runs the suite again with the API base looked up
// from the site, as psa.connectwise.site configures it.
func TestConformanceBySite(t *testing.T) {
	t.Parallel()
	conformance.RunPSA(t, func(t *testing.T) conformance.PSAHarness { return cwHarness{bySite: true} })
}

type cwHarness struct{ bySite bool }

func (h cwHarness) NewConnected(t *testing.T, o conformance.PSAOptions) (connectors.PSA, conformance.PSALevers) {
	l := &cwLevers{}
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{PageSize: 2, OnChange: func(cwfake.World) {
		if l.failReadsAfterWrite.Load() {
			l.f.cw.FailNext(cwfake.CallAddition, 503, "", 1000)
			l.f.cw.FailNext(cwfake.CallAgreement, 503, "", 1000)
		}
	}})
	l.f = f
	c := f.client(t, func(cfg *connectwise.Config) {
		cfg.WriteEnabled = o.WriteEnabled
		if h.bySite {
			cfg.URL, cfg.Site = "", f.ep.Site
		}
	})
	return c, l
}

// cwLevers answers the suite from the fake's world and pulls its levers.
type cwLevers struct {
	f                   *fake
	failReadsAfterWrite atomic.Bool
}

func (l *cwLevers) Service() string         { return "connectwise" }
func (l *cwLevers) Secret() string          { return l.f.world.PrivateKey }
func (l *cwLevers) CredentialWords() string { return "API key pair" }
func (l *cwLevers) Now() time.Time          { return l.f.clock.Now() }

func (l *cwLevers) Companies() []connectors.PSACompany { return expectedCompanies(l.f.world) }
func (l *cwLevers) Catalog() []connectors.CatalogItem  { return expectedCatalog(l.f.world) }
func (l *cwLevers) Lines() []connectors.BillingLine    { return expectedLines(l.f.world, l.Now()) }

var smallLines = map[conformance.LineCase]int{
	conformance.LineWritable:             cwfake.SmallLineWritable,
	conformance.LineCancelled:            cwfake.SmallLineCancelled,
	conformance.LineNotBilled:            cwfake.SmallLineNotBilled,
	conformance.LineNotYetEffective:      cwfake.SmallLineNotYetEffective,
	conformance.LineOnCancelledAgreement: cwfake.SmallLineOnCancelledAgrmt,
	conformance.LineOnExpiredAgreement:   cwfake.SmallLineOnExpiredAgreement,
	conformance.LineFractionalQuantity:   cwfake.SmallLineFractional,
	conformance.LineWithoutPrice:         cwfake.SmallLineWithoutPrice,
}

func (l *cwLevers) Line(c conformance.LineCase) (connectors.LineRef, bool) {
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

var fakeCalls = map[conformance.PSACall]cwfake.Call{
	conformance.PSACallCompanies: cwfake.CallCompanies,
	conformance.PSACallCatalog:   cwfake.CallCatalog,
	conformance.PSACallLines:     cwfake.CallAdditions,
	conformance.PSACallLine:      cwfake.CallAddition,
	conformance.PSACallWrite:     cwfake.CallWrite,
}

func fakeCall(c conformance.PSACall) cwfake.Call {
	fc, ok := fakeCalls[c]
	if !ok {
		panic("cwLevers: no fake call for " + string(c))
	}
	return fc
}

func (l *cwLevers) FailNext(c conformance.PSACall, status int, body string, n int) {
	l.f.cw.FailNext(fakeCall(c), status, body, n)
}

func (l *cwLevers) ThrottleNext(c conformance.PSACall) time.Duration {
	return l.f.cw.ThrottleNext(fakeCall(c), 1)
}

func (l *cwLevers) TruncateNext(c conformance.PSACall, n int) { l.f.cw.TruncateNext(fakeCall(c), n) }
func (l *cwLevers) RetryWaits() []time.Duration               { return l.f.waits.All() }
func (l *cwLevers) RevokeCredentials()                        { l.f.cw.RevokeKeys() }
func (l *cwLevers) SetLatency(d time.Duration)                { l.f.cw.SetLatency(d) }
func (l *cwLevers) Requests() int                             { return int(l.f.cw.Calls()) }

func (l *cwLevers) Quantity(ref connectors.LineRef) (int, bool) {
	id, err := strconv.Atoi(ref.LineID)
	if err != nil {
		return 0, false
	}
	for _, ad := range l.f.cw.World().Additions {
		if ad.ID == id {
			f, err := ad.Quantity.Float64()
			return int(f), err == nil
		}
	}
	return 0, false
}

func (l *cwLevers) ChangeLine(ref connectors.LineRef, quantity int) {
	id, _ := strconv.Atoi(ref.LineID)
	if !l.f.cw.ChangeLineBehindYourBack(id, cwfake.Quantity(quantity)) {
		panic("cwLevers: no addition " + ref.LineID)
	}
}

func (l *cwLevers) RefuseNextWrite(reason string) { l.f.cw.RefuseWrite(1, reason) }

func (l *cwLevers) DropAnswerAfterWrite(failReadsAfter bool) {
	l.failReadsAfterWrite.Store(failReadsAfter)
	l.f.cw.DropAnswerAfterWrite(1)
}

func (l *cwLevers) WriteRequests() int { return int(l.f.cw.Writes()) }
func (l *cwLevers) AppliedWrites() int { return int(l.f.cw.Applied()) }
