package halopsa_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/halopsa"
	"github.com/seats-msp/seats/connectors/halopsa/halofake"
)

func lineByID(t *testing.T, c *halopsa.Client, id int) connectors.BillingLine {
	t.Helper()
	lines, err := c.Lines(testCtx(t))
	if err != nil {
		t.Fatalf("Lines: %v", err)
	}
	for _, l := range lines {
		if l.LineID == strconv.Itoa(id) {
			return l
		}
	}
	t.Fatalf("line %d not listed", id)
	return connectors.BillingLine{}
}

// Halo replaces an invoice's lines with those posted: the write must send
// every line of the invoice back exactly as read, only the target's
// qty_order changed, and the other lines must survive.
func TestWriteSendsEveryLineUnchangedButOne(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{PageSize: 2})
	c := f.client(t)
	ln := lineByID(t, c, halofake.SmallLineWritable)
	if _, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 9}); err != nil {
		t.Fatalf("SetQuantity: %v", err)
	}
	var posted []struct {
		ID    json.Number                  `json:"id"`
		Lines []map[string]json.RawMessage `json:"lines"`
	}
	if err := json.Unmarshal(f.halo.LastWrite(), &posted); err != nil || len(posted) != 1 {
		t.Fatalf("posted body %s: %v", f.halo.LastWrite(), err)
	}
	if posted[0].ID != json.Number(strconv.Itoa(halofake.SmallInvoiceContoso)) {
		t.Errorf("posted invoice id %s, want %d", posted[0].ID, halofake.SmallInvoiceContoso)
	}
	var before halofake.RecurringInvoice
	for _, inv := range f.world.Invoices {
		if inv.ID == halofake.SmallInvoiceContoso {
			before = inv
		}
	}
	if len(posted[0].Lines) != len(before.Lines) {
		t.Fatalf("posted %d lines, the invoice has %d: Halo would delete the rest", len(posted[0].Lines), len(before.Lines))
	}
	for i, pl := range posted[0].Lines {
		var lid int
		_ = json.Unmarshal(pl["id"], &lid)
		if lid != before.Lines[i].ID {
			t.Errorf("posted line %d has id %d, want %d", i, lid, before.Lines[i].ID)
		}
		wantQty := string(before.Lines[i].Quantity)
		if lid == halofake.SmallLineWritable {
			wantQty = "9"
		}
		if string(pl["qty_order"]) != wantQty {
			t.Errorf("line %d posted qty_order %s, want %s", lid, pl["qty_order"], wantQty)
		}
		if string(pl["item_longdescription"]) != strconv.Quote(before.Lines[i].Long) || string(pl["unit_price"]) != orNull(before.Lines[i].UnitPrice) {
			t.Errorf("line %d was not sent back as read: %s / %s", lid, pl["item_longdescription"], pl["unit_price"])
		}
		if len(before.Lines[i].Extra) > 0 && string(pl["nominal_code"]) != string(before.Lines[i].Extra["nominal_code"]) {
			t.Errorf("line %d lost a field seats does not read: nominal_code %s", lid, pl["nominal_code"])
		}
	}
	after := f.halo.World()
	for _, inv := range after.Invoices {
		if inv.ID != halofake.SmallInvoiceContoso {
			continue
		}
		if len(inv.Lines) != len(before.Lines) {
			t.Errorf("the invoice has %d lines after the write, had %d", len(inv.Lines), len(before.Lines))
		}
		for i, l := range inv.Lines {
			want := before.Lines[i]
			if l.ID == halofake.SmallLineWritable {
				want.Quantity = "9"
			}
			if got, _ := json.Marshal(l); string(got) != string(mustMarshal(want)) {
				t.Errorf("line %d after the write:\n got %s\nwant %s", l.ID, got, mustMarshal(want))
			}
		}
	}
}

func orNull(n json.Number) string {
	if n == "" {
		return "null"
	}
	return string(n)
}

func mustMarshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// A line whose quantity Halo counts is listed read-only with the reason,
// and a write refuses it without sending anything.
func TestCountedLineIsReadOnly(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	c := f.client(t)
	ln := lineByID(t, c, halofake.SmallLineCounted)
	if !ln.ReadOnly || !strings.Contains(ln.ReadOnlyReason, "Halo computes") {
		t.Fatalf("counted line: ReadOnly %v reason %q", ln.ReadOnly, ln.ReadOnlyReason)
	}
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: ln.Quantity + 1})
	if !errors.Is(err, connectors.ErrBadRequest) || !strings.Contains(err.Error(), "Halo computes") {
		t.Errorf("SetQuantity of a counted line: %v", err)
	}
	if n := f.halo.Writes(); n != 0 {
		t.Errorf("%d writes sent for a read-only line", n)
	}
}

func TestFractionalLineKeptFlaggedAndNotWritten(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	c := f.client(t)
	ln := lineByID(t, c, halofake.SmallLineFractional)
	if ln.Quantity != 2 || len(ln.Warnings) != 1 || !strings.Contains(ln.Warnings[0], "2.5") {
		t.Fatalf("fractional line: quantity %d warnings %q", ln.Quantity, ln.Warnings)
	}
	_, err := c.SetQuantity(testCtx(t), connectors.QuantityChange{Line: ln, NewQuantity: 3})
	if !errors.Is(err, connectors.ErrBadRequest) || f.halo.Writes() != 0 {
		t.Errorf("SetQuantity of a fractional line: %v, %d writes", err, f.halo.Writes())
	}
}

// Tokens expire by the clock; the client renews before expiry, and once
// after a 401 when Halo ended a token early.
func TestTokenRenewal(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{TokenLifetime: time.Hour})
	c := f.client(t)
	ctx := testCtx(t)
	if _, err := c.Companies(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Catalog(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.halo.Served(halofake.CallToken); n != 1 {
		t.Errorf("%d token requests for two listings within the hour, want 1", n)
	}
	f.clock.Advance(time.Hour)
	if _, err := c.Companies(ctx); err != nil {
		t.Fatalf("after the token's hour: %v", err)
	}
	if n := f.halo.Served(halofake.CallToken); n != 2 {
		t.Errorf("%d token requests after expiry, want 2", n)
	}
	f.halo.ExpireTokens()
	if _, err := c.Companies(ctx); err != nil {
		t.Fatalf("after Halo ended the token: %v", err)
	}
	if n := f.halo.Served(halofake.CallToken); n != 3 {
		t.Errorf("%d token requests after a 401, want 3", n)
	}
	if n := f.halo.Served(halofake.CallAuthInfo); n != 1 {
		t.Errorf("authinfo asked %d times, want once", n)
	}
}

// A hosted instance refuses a token request without ?tenant=: the error
// names the setting.
func TestHostedInstanceNeedsTenant(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	c := f.client(t, func(cfg *halopsa.Config) { cfg.Tenant = "" })
	_, err := c.Companies(testCtx(t))
	if !errors.Is(err, connectors.ErrUnauthorized) || !strings.Contains(err.Error(), "psa.halopsa.tenant") {
		t.Fatalf("without the tenant: %v", err)
	}
	if strings.Contains(err.Error(), f.world.ClientSecret) {
		t.Error("the error repeats the secret")
	}
}

// An instance without /api/authinfo is signed in at {instance}/auth/token.
func TestAuthInfoMissingFallsBack(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{})
	f.halo.FailNext(halofake.CallAuthInfo, 404, "", 1)
	got, err := f.client(t).Companies(testCtx(t))
	if err != nil || len(got) != len(f.world.Clients) {
		t.Fatalf("Companies: %d, %v", len(got), err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	f := newFake(t, halofake.SmallWorldAt(testNow), halofake.Options{PageSize: 2})
	res, err := f.client(t).Check(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, inv := range f.world.Invoices {
		lines += len(inv.Lines)
	}
	want := "HaloPSA: 5 companies, 5 recurring invoices, " + strconv.Itoa(lines) + " invoice lines"
	if res.String() != want {
		t.Errorf("Check = %q, want %q", res.String(), want)
	}
}

func TestNewNamesTheSetting(t *testing.T) {
	t.Parallel()
	ok := halopsa.Config{URL: "https://yourco.halopsa.com", ClientID: "id", ClientSecret: "s3cr3t-value"}
	for _, tc := range []struct {
		mod  func(*halopsa.Config)
		want string
	}{
		{func(c *halopsa.Config) { c.URL = "" }, "psa.halopsa.url"},
		{func(c *halopsa.Config) { c.URL = "http://yourco.halopsa.com" }, "psa.halopsa.url"},
		{func(c *halopsa.Config) { c.ClientID = " " }, "psa.halopsa.client_id"},
		{func(c *halopsa.Config) { c.ClientSecret = "" }, "SEATS_PSA_HALOPSA_CLIENT_SECRET"},
	} {
		cfg := ok
		tc.mod(&cfg)
		_, err := halopsa.New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "s3cr3t-value") {
			t.Errorf("New: %v, want an error naming %s", err, tc.want)
		}
	}
	if _, err := halopsa.New(halopsa.Config{URL: "yourco.halopsa.com/api/", ClientID: "id", ClientSecret: "x"}); err != nil {
		t.Errorf("a URL copied with /api: %v", err)
	}
}
