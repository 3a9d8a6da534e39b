package workflow

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/connectwise"
	"github.com/seats-msp/seats/connectors/connectwise/cwfake"
	"github.com/seats-msp/seats/connectors/internal/fakekit"
	"github.com/seats-msp/seats/reconcile"
)

// cwApply is the ConnectWise fake over its small world with a real client
// that may write, and an Applier over an in-memory write log.
type cwApply struct {
	fake    *cwfake.Server
	client  *connectwise.Client
	keep    *memWrites
	applier *Applier
}

func newCWApply(t *testing.T, writeEnabled bool) *cwApply {
	t.Helper()
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	w := cwfake.SmallWorld(now)
	s := cwfake.New(w, cwfake.Options{Now: func() time.Time { return now }})
	srv := fakekit.StartTLS(s)
	t.Cleanup(srv.Close)
	client, err := connectwise.New(connectwise.Config{
		URL: s.Endpoints(srv.URL).URL, CompanyID: w.CompanyID, PublicKey: w.PublicKey, PrivateKey: w.PrivateKey,
		ClientID: "0d8f3c2a-5d59-4f6e-9d1e-1a2b3c4d5e6f", WriteEnabled: writeEnabled, HTTPClient: srv.Client(),
		Now: func() time.Time { return now }, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		t.Fatal(err)
	}
	keep := &memWrites{}
	return &cwApply{fake: s, client: client, keep: keep,
		applier: &Applier{PSA: client, PSAKind: "connectwise", Keep: keep, Who: Who{OSUser: "alex"}}}
}

// planFor plans one line to newQty, as BuildPlan would, from the line as
// the client reads it now.
func (c *cwApply) planFor(t *testing.T, lineID, newQty int) reconcile.Plan {
	t.Helper()
	lines, err := c.client.Lines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.LineID == strconv.Itoa(lineID) {
			return reconcile.Plan{SchemaVersion: reconcile.PlanSchemaVersion, HomeID: "h", PSAKind: "connectwise",
				Changes: []reconcile.PlannedChange{{Customer: "Contoso", Product: "M365 BP", Line: l,
					OldQuantity: l.Quantity, NewQuantity: newQty, Timing: connectors.ApplyAtOnce}}}
		}
	}
	t.Fatalf("no line %d", lineID)
	return reconcile.Plan{}
}

func (c *cwApply) quantity(t *testing.T, lineID int) int {
	t.Helper()
	l, err := c.client.Line(context.Background(), connectors.LineRef{
		CompanyID: strconv.Itoa(cwfake.SmallCompanyContoso), LineID: strconv.Itoa(lineID),
		AgreementID: c.agreementOf(t, lineID)})
	if err != nil {
		t.Fatal(err)
	}
	return l.Quantity
}

func (c *cwApply) agreementOf(t *testing.T, lineID int) string {
	t.Helper()
	for _, ad := range c.fake.World().Additions {
		if ad.ID == lineID {
			return strconv.Itoa(ad.AgreementID)
		}
	}
	t.Fatalf("no addition %d", lineID)
	return ""
}

func TestApplyAgainstConnectWise(t *testing.T) {
	t.Parallel()
	c := newCWApply(t, true)
	plan := c.planFor(t, cwfake.SmallLineWritable, 7)
	res, err := c.applier.Apply(context.Background(), plan, nil, nil)
	if err != nil || len(res) != 1 || res[0].Outcome != connectors.WriteApplied {
		t.Fatalf("apply: %+v, %v", res, err)
	}
	if got := c.quantity(t, cwfake.SmallLineWritable); got != 7 {
		t.Errorf("ConnectWise holds %d, want 7", got)
	}
	// Applied again: nothing is written twice.
	writes := c.fake.Writes()
	if res, _ := c.applier.Apply(context.Background(), plan, nil, nil); res[0].Outcome != connectors.WriteSkipped {
		t.Errorf("second apply: %+v", res)
	}
	if c.fake.Writes() != writes {
		t.Error("the same plan wrote the line twice")
	}
}

func TestApplyAgainstConnectWiseSkipsALineChangedSincePlanned(t *testing.T) {
	t.Parallel()
	c := newCWApply(t, true)
	plan := c.planFor(t, cwfake.SmallLineWritable, 7)
	if !c.fake.ChangeLineBehindYourBack(cwfake.SmallLineWritable, cwfake.Quantity(9)) {
		t.Fatal("could not change the line")
	}
	res, err := c.applier.Apply(context.Background(), plan, nil, nil)
	if err != nil || res[0].Outcome != connectors.WriteSkipped || !strings.Contains(res[0].Reason, "holds 9") {
		t.Fatalf("apply over a changed line: %+v, %v", res, err)
	}
	if c.fake.Writes() != 0 || c.quantity(t, cwfake.SmallLineWritable) != 9 {
		t.Error("a line someone else changed was written")
	}
}

func TestApplyAgainstConnectWiseReadOnly(t *testing.T) {
	t.Parallel()
	c := newCWApply(t, false)
	plan := c.planFor(t, cwfake.SmallLineWritable, 7)
	res, err := c.applier.Apply(context.Background(), plan, nil, nil)
	if err != nil || res[0].Outcome != connectors.WriteFailed || !strings.Contains(res[0].Reason, "psa.write_enabled") {
		t.Fatalf("apply with writes off: %+v, %v", res, err)
	}
	if c.fake.Writes() != 0 {
		t.Error("a request was sent while writes are off")
	}
}

// TestApplyAgainstConnectWiseAfterACrash: a run recorded its intent, the
// write reached ConnectWise, and the run died before recording the
// outcome. The next run settles it by reading the line and writes nothing.
func TestApplyAgainstConnectWiseAfterACrash(t *testing.T) {
	t.Parallel()
	c := newCWApply(t, true)
	plan := c.planFor(t, cwfake.SmallLineWritable, 7)
	ch := plan.Changes[0]
	if _, err := c.keep.RecordWriteIntent(connectors.PSAWrite{PlanID: PlanID(plan), PSA: "connectwise", Line: ch.Line.LineRef,
		Customer: ch.Customer, Product: ch.Product, Before: ch.OldQuantity, After: ch.NewQuantity}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.client.SetQuantity(context.Background(), connectors.QuantityChange{Line: ch.Line, NewQuantity: 7}); err != nil {
		t.Fatal(err) // the write the crashed run sent
	}
	writes := c.fake.Writes()
	settled, err := c.applier.Resolve(context.Background())
	if err != nil || len(settled) != 1 || settled[0].Outcome != connectors.WriteApplied {
		t.Fatalf("resolve: %+v, %v", settled, err)
	}
	res, err := c.applier.Apply(context.Background(), plan, nil, nil)
	if err != nil || res[0].Outcome != connectors.WriteSkipped {
		t.Fatalf("apply after the crash: %+v, %v", res, err)
	}
	if c.fake.Writes() != writes {
		t.Error("the line was written again after the crash")
	}
}

// TestApplyAgainstConnectWiseLostAnswer: ConnectWise takes the write but
// the answer never comes back; the client re-reads and confirms it, and
// it is recorded as applied, once.
func TestApplyAgainstConnectWiseLostAnswer(t *testing.T) {
	t.Parallel()
	c := newCWApply(t, true)
	plan := c.planFor(t, cwfake.SmallLineWritable, 7)
	c.fake.DropAnswerAfterWrite(1)
	res, err := c.applier.Apply(context.Background(), plan, nil, nil)
	if err != nil && !errors.Is(err, connectors.ErrCanceled) {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Outcome != connectors.WriteApplied || c.fake.Applied() != 1 {
		t.Errorf("a lost answer: %+v, %d applied", res, c.fake.Applied())
	}
}
