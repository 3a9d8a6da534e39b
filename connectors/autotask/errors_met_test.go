package autotask_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/internal/fakekit"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/autotask"
	"github.com/seats-msp/seats/connectors/autotask/atfake"
)

// Each error below is met the way a person meets it, and says in words
// what went wrong and what to do.

func TestNewSaysWhatToSet(t *testing.T) {
	t.Parallel()
	base := autotask.Config{UserName: "api@example.com", Secret: "very-secret-value", IntegrationCode: "CODE"}
	for _, tc := range []struct {
		name string
		mod  func(*autotask.Config)
		want string
	}{
		{"no user", func(c *autotask.Config) { c.UserName = "" },
			"psa.autotask.username is not set: it is the user name of an API user (Admin > Resources > API User, security level API User (system))"},
		{"no secret", func(c *autotask.Config) { c.Secret = "" },
			"the Autotask API user's secret is missing: set SEATS_PSA_AUTOTASK_SECRET or run `seats connect psa`"},
		{"no integration code", func(c *autotask.Config) { c.IntegrationCode = " " },
			"psa.autotask.integration_code is not set: it is the API tracking identifier chosen on the API user (Admin > Resources > API User > API Tracking Identifier)"},
		{"secret pasted with its line break", func(c *autotask.Config) { c.Secret = "very-secret-value\r\n" },
			"psa.autotask.username, psa.autotask.integration_code and the secret cannot hold line breaks: check that they were pasted whole"},
		{"unknown currency", func(c *autotask.Config) { c.Currency = "euro" },
			`the Autotask currency "EURO" is not an ISO 4217 code such as USD`},
		{"zone lookup over http", func(c *autotask.Config) {
			c.ZoneLookupURL = "http://webservices2.autotask.net/atservicesrest/v1.0/zoneInformation"
		},
			"psa.autotask.zone_lookup_url must be an https URL such as " + autotask.DefaultZoneLookupURL},
		{"url over http", func(c *autotask.Config) { c.URL = "http://webservices15.autotask.net/ATServicesRest/" },
			"psa.autotask.url must be an https URL such as https://webservices15.autotask.net/ATServicesRest/"},
		{"url without the API path", func(c *autotask.Config) { c.URL = "https://webservices15.autotask.net/" },
			`psa.autotask.url "https://webservices15.autotask.net" lacks /ATServicesRest/: it looks like https://webservices15.autotask.net/ATServicesRest/ (or leave it blank and seats looks the zone up)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := base
			tc.mod(&cfg)
			_, err := autotask.New(cfg)
			conformance.ErrorSays(t, err, tc.want)
			if err != nil && strings.Contains(err.Error(), base.Secret) {
				t.Error("the error repeats the secret")
			}
		})
	}
}

// A zone lookup that names no Autotask API URL leaves one way: setting
// the URL by hand.
func TestZoneLookupWithoutUsableURL(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	f.at.FailNext(atfake.CallZone, http.StatusOK, `{"zoneName":"America East 2","url":"https://webservices15.autotask.net/"}`, 1)
	_, err := f.client(t).Companies(testCtx(t))
	conformance.ErrorSays(t, err, `zoneInformation gave no usable zone URL for "`+f.world.UserName+`": set psa.autotask.url to the zone's API URL`)
}

func TestRecordThatDoesNotDecode(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	f.at.FailNext(atfake.CallContract, http.StatusOK, `{"item":"garbled"}`, 1)
	_, err := f.client(t).Line(testCtx(t), connectors.LineRef{AgreementID: "501", LineID: "702"})
	conformance.ErrorSays(t, err, "Autotask answered with a record seats cannot read")
}

// A plan edited by hand can name a line by something that is no Autotask id.
func TestLineRefThatIsNotAnAutotaskID(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	_, err := f.client(t).Line(testCtx(t), connectors.LineRef{AgreementID: "501", LineID: "CS-702"})
	conformance.ErrorSays(t, err, "\"501\" / \"CS-702\" is not an Autotask contract and contract service id: make a new plan with `seats reconcile plan`")
}

func TestWriteWhileWritesAreOff(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	c := f.client(t, func(cfg *autotask.Config) { cfg.WriteEnabled = false })
	ln := listed(t, c, "702")
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9})
	conformance.ErrorSays(t, err, "psa.write_enabled is off: seats sends no change to Autotask until it is turned on")
	if f.at.Writes() != 0 {
		t.Errorf("%d writes sent while writes are off", f.at.Writes())
	}
}

func TestWriteOnADateWithoutUnits(t *testing.T) {
	t.Parallel()
	f := newFake(t, atfake.SmallWorldAt(testNow), atfake.Options{})
	c := f.client(t)
	ln := listed(t, c, "702")
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9, EffectiveDate: testNow.AddDate(3, 0, 0)})
	conformance.ErrorSays(t, err, "contract service 702 has no units row for 2029-03-14: the date lies outside its billing periods (contract 501 runs ", "); choose a date within them")
}

// afterWrite serves the fake so that then runs once the fake has answered
// an adjustment and before the client has its answer: what happens in
// Autotask between a write and seats' re-read of the units.
func afterWrite(then func()) func(http.Handler) http.Handler {
	return fakekit.AfterAnswer(func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(strings.ToLower(strings.TrimSuffix(r.URL.Path, "/")), "/contractserviceadjustments")
	}, then)
}

// TestWriteOutcomesAutotaskLeavesUnclear: after an adjustment, the re-read
// of the units shows something else, or cannot be made; the error says
// what is known and to look in Autotask.
func TestWriteOutcomesAutotaskLeavesUnclear(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault func(s *atfake.Server) // before the write
		then  func(s *atfake.Server) // after the write's answer, before the re-read
		kind  connectors.Kind
		words []string
	}{
		{"answered without an id, re-read fails",
			func(s *atfake.Server) { s.FailNext(atfake.CallWrite, http.StatusOK, `{}`, 1) },
			func(s *atfake.Server) { s.FailNext(atfake.CallContract, http.StatusServiceUnavailable, "", 10) },
			connectors.ErrUnconfirmed, []string{"posting +4 units to contract service 702 from 2026-03-14 got no clear answer (the answer said nothing) and the units could not be read again (",
				"look at the contract service's units in Autotask before trying again; an adjustment cannot be undone"}},
		{"failed, changed meanwhile",
			func(s *atfake.Server) { s.FailNext(atfake.CallWrite, http.StatusBadGateway, "", 1) },
			func(s *atfake.Server) { s.ChangeUnitsBehindYourBack(atfake.SmallLineWritable, 11) },
			connectors.ErrConflict, []string{"contract service 702 changed while seats was setting it to 9 from 2026-03-14: it now holds 11 (units row ", "); look at its units in Autotask"}},
		{"accepted, units unchanged",
			func(s *atfake.Server) { s.FailNext(atfake.CallWrite, http.StatusOK, `{"itemId":900777}`, 1) },
			func(*atfake.Server) {},
			connectors.ErrUnconfirmed, []string{"Autotask accepted the adjustment of contract service 702 but its units do not show it: look at them in Autotask before trying again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var s *atfake.Server
			f := newWrappedFake(t, atfake.SmallWorldAt(testNow), atfake.Options{}, afterWrite(func() { tc.then(s) }))
			s = f.at
			c := f.client(t)
			ln := listed(t, c, "702")
			tc.fault(s)
			_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9})
			conformance.ErrorSays(t, err, tc.words...)
			if connectors.KindOf(err) != tc.kind || f.at.Writes() != 1 {
				t.Errorf("kind %v, want %v; %d writes, want 1", connectors.KindOf(err), tc.kind, f.at.Writes())
			}
		})
	}
}
