package workflow

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
)

// memWrites is an in-memory WriteKeeper.
type memWrites struct {
	mu     sync.Mutex
	writes []connectors.PSAWrite
}

func (m *memWrites) RecordWriteIntent(w connectors.PSAWrite) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.ID, w.Outcome = uint64(len(m.writes)+1), connectors.WritePending
	m.writes = append(m.writes, w)
	return w.ID, nil
}

func (m *memWrites) RecordWriteOutcome(id uint64, o connectors.WriteOutcome, reason string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.writes[id-1].Outcome, m.writes[id-1].Reason, m.writes[id-1].FinishedAt = o, reason, at
	return nil
}

func (m *memWrites) RecordFinishedWrite(w connectors.PSAWrite) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.ID = uint64(len(m.writes) + 1)
	m.writes = append(m.writes, w)
	return w.ID, nil
}

func (m *memWrites) PSAWrites(pendingOnly bool) ([]connectors.PSAWrite, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []connectors.PSAWrite
	for i := len(m.writes) - 1; i >= 0; i-- {
		if !pendingOnly || m.writes[i].Outcome == connectors.WritePending {
			out = append(out, m.writes[i])
		}
	}
	return out, nil
}

// memPSA is an in-memory QuantityWriter with its own lines; it counts
// writes so tests can prove nothing is written twice.
type memPSA struct {
	mu       sync.Mutex
	lines    map[string]connectors.BillingLine
	writes   int
	disabled bool
	failWith error
}

func (p *memPSA) Line(_ context.Context, ref connectors.LineRef) (connectors.BillingLine, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.lines[ref.LineID]
	if !ok {
		return l, &connectors.Error{Kind: connectors.ErrNotFound, Service: "psa", Op: "read line " + ref.LineID}
	}
	return l, nil
}

func (p *memPSA) Timing() connectors.ApplyTiming { return connectors.ApplyAtOnce }

func (p *memPSA) SetQuantity(_ context.Context, c connectors.QuantityChange) (connectors.WriteResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.disabled {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrWriteDisabled, Service: "psa"}
	}
	if p.failWith != nil {
		return connectors.WriteResult{}, p.failWith
	}
	l := p.lines[c.Line.LineID]
	if l.Quantity != c.Line.Quantity {
		return connectors.WriteResult{}, &connectors.Error{Kind: connectors.ErrConflict, Service: "psa"}
	}
	p.writes++
	l.Quantity = c.NewQuantity
	p.lines[c.Line.LineID] = l
	return connectors.WriteResult{Line: l, Timing: connectors.ApplyAtOnce, Undoable: true}, nil
}

func line(id string, qty int) connectors.BillingLine {
	return connectors.BillingLine{LineRef: connectors.LineRef{CompanyID: "19", AgreementID: "7", LineID: id}, Quantity: qty,
		Billed: true, AgreementState: connectors.AgreementActive, ItemID: "i1"}
}

func testPlan() reconcile.Plan {
	return reconcile.Plan{SchemaVersion: reconcile.PlanSchemaVersion, HomeID: "h", PSAKind: "connectwise",
		Changes: []reconcile.PlannedChange{
			{Customer: "Contoso", Product: "M365 BP", Line: line("301", 10), OldQuantity: 10, NewQuantity: 12, Timing: connectors.ApplyAtOnce},
			{Customer: "Fabrikam", Product: "M365 BP", Line: line("302", 5), OldQuantity: 5, NewQuantity: 4, Timing: connectors.ApplyAtOnce},
		}}
}

func TestApplyWholePlanThenNeverTwice(t *testing.T) {
	t.Parallel()
	psa := &memPSA{lines: map[string]connectors.BillingLine{"301": line("301", 10), "302": line("302", 5)}}
	keep := &memWrites{}
	a := &Applier{PSA: psa, PSAKind: "connectwise", Keep: keep, Who: Who{OSUser: "alex"}}
	var seen int
	res, err := a.Apply(context.Background(), testPlan(), nil, func(done, total int, r ApplyResult) { seen = done })
	if err != nil {
		t.Fatal(err)
	}
	if seen != 2 || len(res) != 2 || res[0].Outcome != connectors.WriteApplied || res[1].Outcome != connectors.WriteApplied {
		t.Fatalf("results %+v (progress %d)", res, seen)
	}
	if psa.lines["301"].Quantity != 12 || psa.lines["302"].Quantity != 4 || psa.writes != 2 {
		t.Errorf("PSA lines %+v after %d writes", psa.lines, psa.writes)
	}
	// The same plan again writes nothing.
	res, err = a.Apply(context.Background(), testPlan(), nil, nil)
	if err != nil || psa.writes != 2 {
		t.Fatalf("second apply wrote (%d writes), err %v", psa.writes, err)
	}
	for _, r := range res {
		if r.Outcome != connectors.WriteSkipped || !strings.Contains(r.Reason, "already applied") {
			t.Errorf("second apply: %+v", r)
		}
	}
	audit, _ := keep.PSAWrites(false)
	if audit[len(audit)-1].OSUser != "alex" || audit[len(audit)-1].Before != 10 || audit[len(audit)-1].After != 12 {
		t.Errorf("audit entry = %+v", audit[len(audit)-1])
	}
}

func TestApplySkipsALineSomeoneChanged(t *testing.T) {
	t.Parallel()
	psa := &memPSA{lines: map[string]connectors.BillingLine{"301": line("301", 11), "302": line("302", 5)}}
	a := &Applier{PSA: psa, Keep: &memWrites{}}
	res, err := a.Apply(context.Background(), testPlan(), []int{0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Outcome != connectors.WriteSkipped || !strings.Contains(res[0].Reason, "holds 11 now, not 10") {
		t.Errorf("result %+v", res)
	}
	if psa.writes != 0 {
		t.Error("a changed line was written")
	}
}

func TestApplyWithWritesDisabledSendsNothingAndSaysWhy(t *testing.T) {
	t.Parallel()
	psa := &memPSA{disabled: true, lines: map[string]connectors.BillingLine{"301": line("301", 10), "302": line("302", 5)}}
	res, err := (&Applier{PSA: psa, Keep: &memWrites{}}).Apply(context.Background(), testPlan(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome != connectors.WriteFailed || !strings.Contains(res[0].Reason, "psa.write_enabled") || psa.writes != 0 {
		t.Errorf("%+v, %d writes", res, psa.writes)
	}
}

func TestResolveSettlesAnInterruptedWrite(t *testing.T) {
	t.Parallel()
	// A run recorded three intents and died before their outcomes: one
	// reached the PSA, one did not, one line was then changed by a person.
	psa := &memPSA{lines: map[string]connectors.BillingLine{"301": line("301", 12), "302": line("302", 5), "303": line("303", 9)}}
	keep := &memWrites{}
	for _, w := range []connectors.PSAWrite{
		{Line: line("301", 0).LineRef, Before: 10, After: 12, Customer: "Contoso"},
		{Line: line("302", 0).LineRef, Before: 5, After: 4, Customer: "Fabrikam"},
		{Line: line("303", 0).LineRef, Before: 7, After: 8, Customer: "Litware"},
	} {
		if _, err := keep.RecordWriteIntent(w); err != nil {
			t.Fatal(err)
		}
	}
	a := &Applier{PSA: psa, Keep: keep}
	settled, err := a.Resolve(context.Background())
	if err != nil || len(settled) != 3 {
		t.Fatalf("settled %+v, %v", settled, err)
	}
	want := map[string]connectors.WriteOutcome{"Contoso": connectors.WriteApplied, "Fabrikam": connectors.WriteFailed, "Litware": connectors.WriteUnconfirmed}
	for _, w := range settled {
		if w.Outcome != want[w.Customer] {
			t.Errorf("%s settled as %s, want %s (%s)", w.Customer, w.Outcome, want[w.Customer], w.Reason)
		}
	}
	if psa.writes != 0 {
		t.Error("settling wrote to the PSA")
	}
	if pending, _ := keep.PSAWrites(true); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
}

func TestApplyInterruptedDuringAWriteLeavesItPending(t *testing.T) {
	t.Parallel()
	psa := &memPSA{failWith: context.Canceled, lines: map[string]connectors.BillingLine{"301": line("301", 10), "302": line("302", 5)}}
	keep := &memWrites{}
	_, err := (&Applier{PSA: psa, Keep: keep}).Apply(context.Background(), testPlan(), nil, nil)
	if !errors.Is(err, connectors.ErrCanceled) {
		t.Fatalf("err = %v, want cancelled", err)
	}
	pending, _ := keep.PSAWrites(true)
	if len(pending) != 1 || pending[0].Before != 10 {
		t.Errorf("pending = %+v; want the one interrupted write, for Resolve", pending)
	}
}

func TestPlanIDIsStable(t *testing.T) {
	t.Parallel()
	if PlanID(testPlan()) != PlanID(testPlan()) {
		t.Error("one plan, two ids")
	}
	other := testPlan()
	other.Changes[0].NewQuantity = 13
	if PlanID(other) == PlanID(testPlan()) {
		t.Error("two plans, one id")
	}
}

func TestCheckPlanRefusesAnotherHomeAndUnknownSchema(t *testing.T) {
	t.Parallel()
	r := &Reporting{Keep: matchWorld()}
	p := testPlan()
	if err := r.CheckPlan(p, "another-home", nil); !errors.Is(err, ErrPlanRefused) || err.Error() != "plan refused: it was made for another seats home; make a plan here with `seats reconcile plan`" {
		t.Errorf("another home: %v", err)
	}
	p.SchemaVersion = 99
	if err := r.CheckPlan(p, "h", nil); !errors.Is(err, ErrPlanRefused) || !strings.Contains(err.Error(), "schema version 99") {
		t.Errorf("unknown schema: %v", err)
	}
}

func TestCheckPlanRefusesAPlanANewerSyncChanged(t *testing.T) {
	t.Parallel()
	keep := matchWorld()
	keep.customers[0].Consent.State = connectors.ConsentReady
	keep.customers[0].GDAP.Status = connectors.GDAPActive
	keep.licences[0].TakenAt = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	keep.dist.TakenAt = keep.licences[0].TakenAt
	keep.psa.TakenAt = keep.licences[0].TakenAt
	keep.psa.Lines = []connectors.BillingLine{{LineRef: connectors.LineRef{CompanyID: "19", AgreementID: "7", LineID: "301"},
		ItemID: "i1", Quantity: 7, Billed: true, AgreementState: connectors.AgreementActive,
		UnitPrice: connectors.Money{Minor: 2640, Currency: "USD"}}}
	if _, err := (&Matching{Keep: keep}).Refresh(); err != nil {
		t.Fatal(err)
	}
	r := &Reporting{Keep: keep, Now: func() time.Time { return time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC) }}
	p, err := r.Plan(PlanOptions{HomeID: "h", PSAKind: "connectwise", Timing: connectors.ApplyAtOnce})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 || p.Changes[0].OldQuantity != 7 || p.Changes[0].NewQuantity != 10 {
		t.Fatalf("plan = %+v; want 7 -> 10 (billed 7, bought 10)", p.Changes)
	}
	if err := r.CheckPlan(p, "h", nil); err != nil {
		t.Fatalf("a fresh plan was refused: %v", err)
	}
	// A newer sync read the same numbers: still good.
	keep.psa.TakenAt = keep.psa.TakenAt.Add(time.Hour)
	if err := r.CheckPlan(p, "h", nil); err != nil {
		t.Errorf("a newer sync with the same numbers refused the plan: %v", err)
	}
	// A newer sync saw the distributor at 11: the plan's 7 -> 10 is stale.
	keep.dist.Subscriptions[0].Quantity = 11
	keep.dist.TakenAt = keep.dist.TakenAt.Add(time.Hour)
	if err := r.CheckPlan(p, "h", nil); !errors.Is(err, ErrPlanRefused) || !strings.Contains(err.Error(), "newer sync") {
		t.Errorf("stale plan: %v", err)
	}
}
