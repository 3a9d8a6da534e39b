package autotask_test

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/autotask"
	"github.com/seats-msp/seats/connectors/autotask/atfake"
	"github.com/seats-msp/seats/connectors/conformance"
)

// TestConformance runs the connectors.PSA suite, writes included, against
// the real client talking to atfake over SmallWorldAt, with pages of 2 so
// that every listing pages, the zone looked up from the user name.
func TestConformance(t *testing.T) {
	t.Parallel()
	conformance.RunPSA(t, func(t *testing.T) conformance.PSAHarness { return atHarness{} })
}

// TestConformanceByURL runs the suite again with the zone's URL
// configured, as psa.autotask.url sets it.
func TestConformanceByURL(t *testing.T) {
	t.Parallel()
	conformance.RunPSA(t, func(t *testing.T) conformance.PSAHarness { return atHarness{byURL: true} })
}

type atHarness struct{ byURL bool }

func (h atHarness) NewConnected(t *testing.T, o conformance.PSAOptions) (connectors.PSA, conformance.PSALevers) {
	l := &atLevers{}
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{PageSize: 2, OnChange: func(atfake.World) {
		if l.failReadsAfterWrite.Load() {
			l.f.at.FailNext(atfake.CallContractService, 503, "", 1000)
			l.f.at.FailNext(atfake.CallContract, 503, "", 1000)
			l.f.at.FailNext(atfake.CallUnits, 503, "", 1000)
		}
	}})
	l.f = f
	c := f.client(t, func(cfg *autotask.Config) {
		cfg.WriteEnabled = o.WriteEnabled
		if h.byURL {
			cfg.URL, cfg.ZoneLookupURL = f.ep.URL, ""
		}
	})
	return c, l
}

// atLevers answers the suite from the fake's world and pulls its levers.
type atLevers struct {
	f                   *fake
	failReadsAfterWrite atomic.Bool
}

func (l *atLevers) Service() string         { return "autotask" }
func (l *atLevers) Secret() string          { return l.f.world.Secret }
func (l *atLevers) CredentialWords() string { return "API user" }
func (l *atLevers) Now() time.Time          { return l.f.clock.Now() }

func (l *atLevers) Companies() []connectors.PSACompany { return expectedCompanies(l.f.world) }
func (l *atLevers) Catalog() []connectors.CatalogItem  { return expectedCatalog(l.f.world) }
func (l *atLevers) Lines() []connectors.BillingLine    { return expectedLines(l.f.world, l.Now()) }

var smallLines = map[conformance.LineCase]int{
	conformance.LineWritable:             atfake.SmallLineWritable,
	conformance.LineCancelled:            atfake.SmallLineCancelled,
	conformance.LineNotBilled:            atfake.SmallLineNotBilled,
	conformance.LineNotYetEffective:      atfake.SmallLineNotYetEffective,
	conformance.LineOnCancelledAgreement: atfake.SmallLineOnCancelled,
	conformance.LineOnExpiredAgreement:   atfake.SmallLineOnExpired,
	conformance.LineFractionalQuantity:   atfake.SmallLineFractional,
	conformance.LineWithoutPrice:         atfake.SmallLineWithoutPrice,
}

func (l *atLevers) Line(c conformance.LineCase) (connectors.LineRef, bool) {
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

var fakeCalls = map[conformance.PSACall]atfake.Call{
	conformance.PSACallCompanies: atfake.CallCompanies,
	conformance.PSACallCatalog:   atfake.CallServices,
	conformance.PSACallLines:     atfake.CallContractServices,
	conformance.PSACallLine:      atfake.CallContractService,
	conformance.PSACallWrite:     atfake.CallWrite,
}

func fakeCall(c conformance.PSACall) atfake.Call {
	fc, ok := fakeCalls[c]
	if !ok {
		panic("atLevers: no fake call for " + string(c))
	}
	return fc
}

func (l *atLevers) FailNext(c conformance.PSACall, status int, body string, n int) {
	l.f.at.FailNext(fakeCall(c), status, body, n)
}

func (l *atLevers) ThrottleNext(c conformance.PSACall) time.Duration {
	return l.f.at.ThrottleNext(fakeCall(c), 1)
}

func (l *atLevers) TruncateNext(c conformance.PSACall, n int) { l.f.at.TruncateNext(fakeCall(c), n) }
func (l *atLevers) RetryWaits() []time.Duration               { return l.f.waits.All() }
func (l *atLevers) RevokeCredentials()                        { l.f.at.RevokeSecret() }
func (l *atLevers) SetLatency(d time.Duration)                { l.f.at.SetLatency(d) }
func (l *atLevers) Requests() int                             { return int(l.f.at.Calls()) }

func (l *atLevers) Quantity(ref connectors.LineRef) (int, bool) {
	id, err := strconv.Atoi(ref.LineID)
	if err != nil {
		return 0, false
	}
	return atfake.UnitsAt(l.f.at.World(), id, l.Now())
}

func (l *atLevers) ChangeLine(ref connectors.LineRef, quantity int) {
	id, _ := strconv.Atoi(ref.LineID)
	if !l.f.at.ChangeUnitsBehindYourBack(id, quantity) {
		panic("atLevers: cannot change contract service " + ref.LineID)
	}
}

func (l *atLevers) RefuseNextWrite(reason string) { l.f.at.RefuseWrite(1, reason) }

func (l *atLevers) DropAnswerAfterWrite(failReadsAfter bool) {
	l.failReadsAfterWrite.Store(failReadsAfter)
	l.f.at.DropAnswerAfterWrite(1)
}

func (l *atLevers) WriteRequests() int { return int(l.f.at.Writes()) }
func (l *atLevers) AppliedWrites() int { return int(l.f.at.Applied()) }
