package halopsa_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors/conformance"
	"github.com/seats-msp/seats/connectors/internal/fakekit"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/halopsa"
	"github.com/seats-msp/seats/connectors/halopsa/halofake"
)

// Each error below is met the way a person meets it, and says in words
// what went wrong and what to do.

func TestNewSaysWhatToSet(t *testing.T) {
	t.Parallel()
	ok := halopsa.Config{URL: "https://yourco.halopsa.com", ClientID: "id", ClientSecret: "s3cr3t-value"}
	for _, tc := range []struct {
		name string
		mod  func(*halopsa.Config)
		want string
	}{
		{"no url", func(c *halopsa.Config) { c.URL = " " },
			"psa.halopsa.url is not set: give the address of your Halo instance, e.g. https://yourco.halopsa.com"},
		{"no client id", func(c *halopsa.Config) { c.ClientID = "" },
			"psa.halopsa.client_id is not set: make an API application in Halo (Configuration > Integrations > Halo API, Client Credentials) and give its client id"},
		{"no secret", func(c *halopsa.Config) { c.ClientSecret = "" },
			"the HaloPSA client secret is missing: set SEATS_PSA_HALOPSA_CLIENT_SECRET or run `seats connect psa`"},
		{"unknown currency", func(c *halopsa.Config) { c.Currency = "dollars" },
			`psa.halopsa.currency "DOLLARS" is not an ISO 4217 code such as USD`},
		{"plain http", func(c *halopsa.Config) { c.URL = "http://yourco.halopsa.com" },
			`psa.halopsa.url must be the https address of your Halo instance, such as https://yourco.halopsa.com, not "http://yourco.halopsa.com"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := ok
			tc.mod(&cfg)
			_, err := halopsa.New(cfg)
			conformance.ErrorSays(t, err, tc.want)
		})
	}
}

// A token endpoint that answers 200 without a token is not Halo's: the
// URL points elsewhere.
func TestTokenAnswerWithoutAccessToken(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	f.halo.FailNext(halofake.CallToken, http.StatusOK, `{"token_type":"Bearer","expires_in":3600}`, 1)
	_, err := f.client(t).Companies(testCtx(t))
	conformance.ErrorSays(t, err, "Halo's token endpoint answered without an access_token: check psa.halopsa.url")
	if connectors.KindOf(err) != connectors.ErrBadResponse {
		t.Errorf("kind %v, want bad response", connectors.KindOf(err))
	}
}

// oneInvoice is Halo's list of recurring invoices holding one invoice
// with the given lines.
func oneInvoice(lines string) string {
	return `{"record_count":1,"invoices":[{"id":41,"client_id":12,"contract_ref":"M365","period":1,"period_type":3,"lines":[` + lines + `]}]}`
}

func TestInvoiceLineThatDoesNotDecode(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	f.halo.FailNext(halofake.CallInvoices, http.StatusOK, oneInvoice(`{"id":5,"_itemid":7,"qty_order":3},"garbled"`), 1)
	_, err := f.client(t).Lines(testCtx(t))
	conformance.ErrorSays(t, err, "line 2 of recurring invoice 41 does not decode")
}

// Dates Halo writes that seats cannot use are ignored with a warning on
// the line, which is still read.
func TestUnreadableDatesWarn(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	f.halo.FailNext(halofake.CallInvoices, http.StatusOK, oneInvoice(
		`{"id":5,"_itemid":7,"qty_order":3,"startdate":"9999-12-31T00:00:00"},{"id":6,"_itemid":7,"qty_order":2,"enddate":"next month"}`), 1)
	lines, err := f.client(t).Lines(testCtx(t))
	if err != nil || len(lines) != 2 {
		t.Fatalf("Lines: %d, %v", len(lines), err)
	}
	for i, want := range []string{`startdate: date "9999-12-31T00:00:00" is out of range; ignored`, `enddate: "next month" is not a date seats can read; ignored`} {
		if !strings.Contains(strings.Join(lines[i].Warnings, "\n"), want) {
			t.Errorf("line %s warnings %q, want %q", lines[i].LineID, lines[i].Warnings, want)
		}
	}
}

// A plan edited by hand can name a line by something that is no Halo id.
func TestLineRefThatIsNotAHaloID(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	_, err := f.client(t).Line(testCtx(t), connectors.LineRef{AgreementID: "INV-12", LineID: "3"})
	conformance.ErrorSays(t, err, "\"INV-12\" / \"3\" is not a Halo recurring invoice and line id: make a new plan with `seats reconcile plan`")
}

func TestLineDeletedInHalo(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	c := f.client(t)
	ln := lineByID(t, c, halofake.SmallLineWritable)
	f.halo.Mutate(func(w *halofake.World) {
		for i := range w.Invoices {
			kept := w.Invoices[i].Lines[:0]
			for _, l := range w.Invoices[i].Lines {
				if l.ID != halofake.SmallLineWritable {
					kept = append(kept, l)
				}
			}
			w.Invoices[i].Lines = kept
		}
	})
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9})
	conformance.ErrorSays(t, err, "the line is no longer on the recurring invoice: it was deleted in Halo, or the invoice's lines were replaced")
	if connectors.KindOf(err) != connectors.ErrNotFound || f.halo.Writes() != 0 {
		t.Errorf("kind %v, %d writes", connectors.KindOf(err), f.halo.Writes())
	}
}

func TestWriteWhileWritesAreOff(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	c := f.client(t, func(cfg *halopsa.Config) { cfg.WriteEnabled = false })
	ln := lineByID(t, c, halofake.SmallLineWritable)
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9})
	conformance.ErrorSays(t, err, "psa.write_enabled is off: seats sends no change to HaloPSA until it is turned on")
	if f.halo.Writes() != 0 {
		t.Errorf("%d writes sent while writes are off", f.halo.Writes())
	}
}

// An invoice holding a line that is not an object cannot be posted back
// whole, and Halo deletes the lines a post leaves out: nothing is sent.
func TestInvoiceThatCannotBeSentBack(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	invoice := `{"id":41,"client_id":12,"period":1,"period_type":3,"lines":[{"id":5,"ihid":41,"_itemid":7,"qty_order":3},"garbled"]}`
	f.halo.FailNext(halofake.CallInvoice, http.StatusOK, invoice, 2)
	c := f.client(t)
	ln, err := c.Line(testCtx(t), connectors.LineRef{AgreementID: "41", LineID: "5"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 4})
	conformance.ErrorSays(t, err, "the recurring invoice as read cannot be sent back; nothing was written")
	if f.halo.Writes() != 0 {
		t.Errorf("%d writes sent", f.halo.Writes())
	}
}

// afterWrite serves the fake so that then runs once the fake has answered
// a write and before the client has its answer: what happens in Halo
// between a write and seats' re-read of the line.
func afterWrite(then func()) func(http.Handler) http.Handler {
	return fakekit.AfterAnswer(func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.EqualFold(strings.TrimSuffix(r.URL.Path, "/"), "/api/RecurringInvoice")
	}, then)
}

// TestWriteOutcomesHaloLeavesUnclear: after a write, the re-read of the
// line shows something else, or cannot be made; the error says what is
// known and to look in Halo.
func TestWriteOutcomesHaloLeavesUnclear(t *testing.T) {
	t.Parallel()
	id := halofake.SmallLineWritable
	lid := strconv.Itoa(id)
	for _, tc := range []struct {
		name  string
		fault func(s *halofake.Server) // before the write
		then  func(s *halofake.Server) // after the write's answer, before the re-read
		kind  connectors.Kind
		words []string
	}{
		{"changed again after the write", nil,
			func(s *halofake.Server) { s.ChangeLineBehindYourBack(id, "11") },
			connectors.ErrConflict, []string{"Halo accepted the change of invoice line " + lid + " to 9 but the line now holds 11: look at it in Halo"}},
		{"accepted without the line, re-read fails",
			func(s *halofake.Server) { s.FailNext(halofake.CallWrite, http.StatusOK, `{"id":-94}`, 1) },
			func(s *halofake.Server) { s.FailNext(halofake.CallInvoice, http.StatusServiceUnavailable, "", 10) },
			connectors.ErrUnconfirmed, []string{"Halo accepted the change of invoice line " + lid + " to 9, but neither its answer nor a re-read (", "shows it: look at it in Halo before trying again"}},
		{"failed, re-read fails",
			func(s *halofake.Server) { s.FailNext(halofake.CallWrite, http.StatusInternalServerError, "", 1) },
			func(s *halofake.Server) { s.FailNext(halofake.CallInvoice, http.StatusServiceUnavailable, "", 10) },
			connectors.ErrUnconfirmed, []string{"setting invoice line " + lid + " from 5 to 9 got no clear answer (", "and the line could not be read again (", "look at it in Halo before trying again"}},
		{"failed, changed meanwhile",
			func(s *halofake.Server) { s.FailNext(halofake.CallWrite, http.StatusInternalServerError, "", 1) },
			func(s *halofake.Server) { s.ChangeLineBehindYourBack(id, "11") },
			connectors.ErrConflict, []string{"invoice line " + lid + " changed while seats was setting it to 9: it now holds 11; the change from seats is not in it"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var s *halofake.Server
			f := newWrappedFake(t, halofake.SmallWorldAt(testNow), halofake.Options{}, afterWrite(func() { tc.then(s) }))
			s = f.halo
			c := f.client(t)
			ln := lineByID(t, c, id)
			if tc.fault != nil {
				tc.fault(s)
			}
			_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9})
			conformance.ErrorSays(t, err, tc.words...)
			if connectors.KindOf(err) != tc.kind || f.halo.Writes() != 1 {
				t.Errorf("kind %v, want %v; %d writes, want 1", connectors.KindOf(err), tc.kind, f.halo.Writes())
			}
		})
	}
}
