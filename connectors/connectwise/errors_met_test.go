package connectwise_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/internal/fakekit"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
)

// Each error below is met the way a person meets it, and says in words
// what went wrong and what to do.

func TestNewSaysWhatToSet(t *testing.T) {
	t.Parallel()
	good := connectwise.Config{URL: "https://api-na.myconnectwise.net/v4_6_release/apis/3.0", CompanyID: "acme", PublicKey: "pub",
		PrivateKey: "the-private-key", ClientID: testClientID}
	for _, tc := range []struct {
		name string
		mod  func(*connectwise.Config)
		want string
	}{
		{"no company", func(c *connectwise.Config) { c.CompanyID = "" },
			"psa.connectwise.company_id is not set: it is the company id you type at the ConnectWise login"},
		{"no public key", func(c *connectwise.Config) { c.PublicKey = " " },
			"psa.connectwise.public_key is not set: make an API member's key pair in ConnectWise (System > Members > API Members > API Keys)"},
		{"no private key", func(c *connectwise.Config) { c.PrivateKey = "" },
			"the ConnectWise private key is missing: set SEATS_PSA_CONNECTWISE_PRIVATE_KEY or run `seats connect psa`"},
		{"no clientId", func(c *connectwise.Config) { c.ClientID = "" },
			"psa.connectwise.client_id is not set: ConnectWise refuses calls without a clientId; register one at https://developer.connectwise.com (My Clients)"},
		{"company and key pasted together", func(c *connectwise.Config) { c.CompanyID = "acme+pub" },
			`psa.connectwise.company_id and public_key cannot hold "+" or ":": check that they are not swapped with other settings`},
		{"unknown currency", func(c *connectwise.Config) { c.Currency = "dollars" },
			`the ConnectWise currency "DOLLARS" is not an ISO 4217 code such as USD`},
		{"neither URL nor site", func(c *connectwise.Config) { c.URL = "" },
			"neither psa.connectwise.url nor psa.connectwise.site is set: give the site you sign in at (e.g. na.myconnectwise.net)"},
		{"url over http", func(c *connectwise.Config) { c.URL = "http://api-na.myconnectwise.net/v4_6_release/apis/3.0" },
			"psa.connectwise.url must be an https URL such as https://api-na.myconnectwise.net/v4_6_release/apis/3.0"},
		{"site given as the url", func(c *connectwise.Config) { c.URL = "https://na.myconnectwise.net" },
			`psa.connectwise.url "https://na.myconnectwise.net" lacks the codebase and /apis/3.0: it looks like https://api-na.myconnectwise.net/v4_6_release/apis/3.0 (or set psa.connectwise.site instead and seats looks the codebase up)`},
		{"site with a path", func(c *connectwise.Config) { c.URL, c.Site = "", "na.myconnectwise.net/v4_6_release" },
			`psa.connectwise.site must be the host you sign in at, such as na.myconnectwise.net, not "na.myconnectwise.net/v4_6_release"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := good
			tc.mod(&cfg)
			_, err := connectwise.New(cfg)
			conformance.ErrorSays(t, err, tc.want)
			if err != nil && strings.Contains(err.Error(), "the-private-key") {
				t.Error("the error repeats the private key")
			}
		})
	}
}

// A plan edited by hand can name a line by something that is no
// ConnectWise id.
func TestLineRefThatIsNotAConnectWiseID(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{})
	_, err := f.client(t).Line(testCtx(t), connectors.LineRef{AgreementID: "AGR-3001", LineID: "7002"})
	conformance.ErrorSays(t, err, "\"AGR-3001\" / \"7002\" is not a ConnectWise agreement and addition id: make a new plan with `seats reconcile plan`")
}

func TestAnswerWithAnotherAddition(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{})
	f.cw.FailNext(cwfake.CallAddition, http.StatusOK, `{"id":7003,"agreementId":3001,"quantity":2}`, 1)
	_, err := f.client(t).Line(testCtx(t), connectors.LineRef{AgreementID: "3001", LineID: "7002"})
	conformance.ErrorSays(t, err, "ConnectWise answered with another addition")
	if connectors.KindOf(err) != connectors.ErrBadResponse {
		t.Errorf("kind %v, want bad response", connectors.KindOf(err))
	}
}

func TestWriteWhileWritesAreOff(t *testing.T) {
	t.Parallel()
	f := newFake(t, cwfake.SmallWorld(testNow), cwfake.Options{})
	c := f.client(t, func(cfg *connectwise.Config) { cfg.WriteEnabled = false })
	line, err := c.Line(testCtx(t), connectors.LineRef{AgreementID: "3001", LineID: "7002"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: line, NewQuantity: 9})
	conformance.ErrorSays(t, err, "psa.write_enabled is off: seats sends no change to ConnectWise until it is turned on")
	if f.cw.Writes() != 0 {
		t.Errorf("%d writes sent while writes are off", f.cw.Writes())
	}
}

// afterWrite serves the fake so that then runs once the fake has answered
// a PATCH and before the client has its answer: what happens in
// ConnectWise between a write and seats' re-read of the addition.
func afterWrite(then func()) func(http.Handler) http.Handler {
	return fakekit.AfterAnswer(func(r *http.Request) bool {
		return r.Method == http.MethodPatch
	}, then)
}

// TestWriteOutcomesConnectWiseLeavesUnclear: a PATCH whose answer does
// not show the change, or fails, is followed by a re-read; the error says
// what the re-read showed, or that it could not be made.
func TestWriteOutcomesConnectWiseLeavesUnclear(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault func(s *cwfake.Server) // before the write
		then  func(s *cwfake.Server) // after the write's answer, before the re-read
		kind  connectors.Kind
		words []string
	}{
		{"accepted without the quantity, not applied",
			func(s *cwfake.Server) { s.FailNext(cwfake.CallWrite, http.StatusOK, `{}`, 1) },
			func(*cwfake.Server) {},
			connectors.ErrBadResponse, []string{"ConnectWise accepted the change but answered without the new quantity; a re-read shows addition 7002 still at 5"}},
		{"failed, re-read fails",
			func(s *cwfake.Server) { s.FailNext(cwfake.CallWrite, http.StatusInternalServerError, "", 1) },
			func(s *cwfake.Server) { s.FailNext(cwfake.CallAgreement, http.StatusServiceUnavailable, "", 10) },
			connectors.ErrUnconfirmed, []string{"setting addition 7002 from 5 to 9 got no clear answer (", "and the addition could not be read again (", "look at it in ConnectWise before trying again"}},
		{"failed, changed meanwhile",
			func(s *cwfake.Server) { s.FailNext(cwfake.CallWrite, http.StatusInternalServerError, "", 1) },
			func(s *cwfake.Server) { s.ChangeLineBehindYourBack(cwfake.SmallLineWritable, cwfake.Quantity(11)) },
			connectors.ErrConflict, []string{"addition 7002 changed while seats was setting it to 9: it now holds 11 (updated ", "); the change from seats is not in it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var s *cwfake.Server
			f := newWrappedFake(t, cwfake.SmallWorld(testNow), cwfake.Options{}, afterWrite(func() { tc.then(s) }))
			s = f.cw
			c := f.client(t)
			line, err := c.Line(testCtx(t), connectors.LineRef{AgreementID: "3001", LineID: "7002"})
			if err != nil {
				t.Fatal(err)
			}
			tc.fault(s)
			_, err = c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: line, NewQuantity: 9})
			conformance.ErrorSays(t, err, tc.words...)
			if connectors.KindOf(err) != tc.kind || f.cw.Writes() != 1 {
				t.Errorf("kind %v, want %v; %d writes, want 1", connectors.KindOf(err), tc.kind, f.cw.Writes())
			}
		})
	}
}
