package workflow

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
)

// WriteKeeper records PSA writes: the intent before a write is sent, its
// outcome after; the store satisfies it.
type WriteKeeper interface {
	RecordWriteIntent(w connectors.PSAWrite) (uint64, error)
	RecordWriteOutcome(id uint64, outcome connectors.WriteOutcome, reason string, at time.Time) error
	RecordFinishedWrite(w connectors.PSAWrite) (uint64, error)
	PSAWrites(pendingOnly bool) ([]connectors.PSAWrite, error)
}

// Who did it: recorded with every write.
type Who struct {
	OSUser           string
	MicrosoftAccount string
}

// Applier writes an approved plan to the PSA, one line at a time: each line
// is re-read first and left alone if it moved; the intent is recorded before
// the write and the outcome after it, so a crash in between is settled by
// Resolve on the next run, and nothing is ever written twice.
type Applier struct {
	PSA     connectors.QuantityWriter
	PSAKind string
	Keep    WriteKeeper
	Who     Who
	Now     func() time.Time
}

// ApplyResult is one planned change's outcome.
type ApplyResult struct {
	Change  reconcile.PlannedChange `json:"change"`
	Outcome connectors.WriteOutcome `json:"outcome"`
	Reason  string                  `json:"reason,omitempty"`
}

// ApplyProgress is called after each change, never concurrently.
type ApplyProgress func(done, total int, r ApplyResult)

// PlanID names a plan in the audit log: a digest of its content, so the same
// plan file applied twice is recognised.
func PlanID(p reconcile.Plan) string {
	var b bytes.Buffer
	_ = p.WriteJSON(&b)
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:6])
}

// Resolve settles every intent left pending by a run that ended between a
// write and its outcome: the line is re-read, and the intent is recorded as
// applied when the line holds the new quantity, failed when it still holds
// the old one, and unconfirmed when it holds neither (someone else changed
// it; a person must look). Nothing is written to the PSA.
func (a *Applier) Resolve(ctx context.Context) ([]connectors.PSAWrite, error) {
	pending, err := a.Keep.PSAWrites(true)
	if err != nil {
		return nil, err
	}
	var settled []connectors.PSAWrite
	for _, w := range pending {
		if w.PSA != "" && a.PSAKind != "" && w.PSA != a.PSAKind {
			continue // another PSA's intent: this connector cannot read its line
		}
		live, err := a.PSA.Line(ctx, w.Line)
		if err != nil {
			return settled, fmt.Errorf("settle the interrupted change of %s's %s: re-read the line: %w", w.Customer, w.Product, err)
		}
		switch live.Quantity {
		case w.After:
			w.Outcome, w.Reason = connectors.WriteApplied, "applied; confirmed by re-reading the line after an interrupted run"
		case w.Before:
			w.Outcome, w.Reason = connectors.WriteFailed, "not applied: the run was interrupted before the PSA took the change"
		default:
			w.Outcome, w.Reason = connectors.WriteUnconfirmed, fmt.Sprintf("the line holds %d now, neither %d nor %d: someone changed it; check it in the PSA", live.Quantity, w.Before, w.After)
		}
		if err := a.Keep.RecordWriteOutcome(w.ID, w.Outcome, w.Reason, a.now()); err != nil {
			return settled, err
		}
		settled = append(settled, w)
	}
	return settled, nil
}

// Apply writes the plan's changes whose indexes are in only (all when only
// is nil). Changes this plan already applied are not written again. It
// returns every change's result; the error is for what stops the whole run
// (the store, a cancelled context), never for one line.
func (a *Applier) Apply(ctx context.Context, p reconcile.Plan, only []int, progress ApplyProgress) ([]ApplyResult, error) {
	planID := PlanID(p)
	done, err := a.appliedLines(planID)
	if err != nil {
		return nil, err
	}
	indexes := only
	if indexes == nil {
		for i := range p.Changes {
			indexes = append(indexes, i)
		}
	}
	var results []ApplyResult
	for n, i := range indexes {
		if i < 0 || i >= len(p.Changes) {
			return results, fmt.Errorf("the plan has no change %d", i+1)
		}
		if err := ctx.Err(); err != nil {
			return results, &connectors.Error{Kind: connectors.ErrCanceled, Service: "seats", Op: "apply", Err: err}
		}
		c := p.Changes[i]
		var r ApplyResult
		if done[lineKey(c.Line.LineRef)] {
			r = ApplyResult{Change: c, Outcome: connectors.WriteSkipped, Reason: "already applied by an earlier run of this plan"}
		} else {
			r, err = a.applyOne(ctx, planID, c)
			if err != nil {
				return results, err
			}
		}
		results = append(results, r)
		if progress != nil {
			progress(n+1, len(indexes), r)
		}
	}
	return results, nil
}

// appliedLines are the lines this plan already changed.
func (a *Applier) appliedLines(planID string) (map[string]bool, error) {
	writes, err := a.Keep.PSAWrites(false)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, w := range writes {
		if w.PlanID == planID && w.Outcome == connectors.WriteApplied {
			out[lineKey(w.Line)] = true
		}
	}
	return out, nil
}

func lineKey(r connectors.LineRef) string {
	return r.CompanyID + "\x00" + r.AgreementID + "\x00" + r.LineID
}

func (a *Applier) applyOne(ctx context.Context, planID string, c reconcile.PlannedChange) (ApplyResult, error) {
	w := connectors.PSAWrite{PlanID: planID, PSA: a.PSAKind, OSUser: a.Who.OSUser, MicrosoftAccount: a.Who.MicrosoftAccount,
		TenantID: c.TenantID, Customer: c.Customer, SkuID: c.SkuID, Product: c.Product, Term: connectors.Term(c.Term),
		Line: c.Line.LineRef, ItemID: c.Line.ItemID, Before: c.OldQuantity, After: c.NewQuantity,
		Timing: c.Timing, EffectiveDate: c.EffectiveDate, StartedAt: a.now()}
	finish := func(outcome connectors.WriteOutcome, reason string) (ApplyResult, error) {
		w.Outcome, w.Reason, w.FinishedAt = outcome, reason, a.now()
		_, err := a.Keep.RecordFinishedWrite(w)
		return ApplyResult{Change: c, Outcome: outcome, Reason: reason}, err
	}

	live, err := a.PSA.Line(ctx, c.Line.LineRef)
	if err != nil {
		if ctx.Err() != nil {
			return ApplyResult{}, &connectors.Error{Kind: connectors.ErrCanceled, Service: "seats", Op: "apply", Err: ctx.Err()}
		}
		return finish(connectors.WriteFailed, "could not re-read the line: "+err.Error())
	}
	switch {
	case live.Quantity == c.NewQuantity && live.Quantity != c.OldQuantity:
		return finish(connectors.WriteSkipped, fmt.Sprintf("the line already holds %d", live.Quantity))
	case live.Quantity != c.OldQuantity:
		return finish(connectors.WriteSkipped, fmt.Sprintf("the line holds %d now, not %d as planned: someone changed it; make a new plan", live.Quantity, c.OldQuantity))
	case c.Line.Version != "" && live.Version != c.Line.Version:
		return finish(connectors.WriteSkipped, "the line was edited since the plan was made; make a new plan")
	}

	id, err := a.Keep.RecordWriteIntent(w)
	if err != nil {
		return ApplyResult{}, fmt.Errorf("could not record the intent to change %s's %s, so nothing was written to the PSA: %w", c.Customer, c.Product, err)
	}
	res, werr := a.PSA.SetQuantity(ctx, connectors.QuantityChange{Line: live, NewQuantity: c.NewQuantity, EffectiveDate: c.EffectiveDate})
	outcome, reason := connectors.WriteApplied, ""
	switch kind := connectors.KindOf(werr); {
	case werr == nil:
		if res.Timing == connectors.ApplyFromDate && !res.EffectiveDate.IsZero() {
			reason = "applies from " + res.EffectiveDate.Format(time.DateOnly) + "; cannot be undone"
		}
	case kind == connectors.ErrConflict:
		outcome, reason = connectors.WriteSkipped, "the line changed while seats was writing; nothing was written: make a new plan"
	case kind == connectors.ErrUnconfirmed:
		outcome, reason = connectors.WriteUnconfirmed, werr.Error()
	case kind == connectors.ErrWriteDisabled:
		outcome, reason = connectors.WriteFailed, "writes are turned off (psa.write_enabled is false): nothing was sent"
	case errors.Is(werr, context.Canceled) || ctx.Err() != nil:
		// Leave the intent pending: whether the PSA took it is settled by
		// Resolve on the next run, by re-reading the line.
		return ApplyResult{Change: c, Outcome: connectors.WritePending, Reason: "interrupted"},
			&connectors.Error{Kind: connectors.ErrCanceled, Service: "seats", Op: "apply", Err: werr}
	default:
		outcome, reason = connectors.WriteFailed, strings.TrimSpace(werr.Error())
	}
	if err := a.Keep.RecordWriteOutcome(id, outcome, reason, a.now()); err != nil {
		return ApplyResult{}, fmt.Errorf("could not record the outcome of %s's %s (%s): %w; the next apply settles it by reading the line again", c.Customer, c.Product, outcome, err)
	}
	return ApplyResult{Change: c, Outcome: outcome, Reason: reason}, nil
}

func (a *Applier) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// ErrPlanRefused wraps every reason a whole plan is refused before anything
// is written.
var ErrPlanRefused = errors.New("plan refused")

// CheckPlan refuses a plan that belongs to another home, or whose numbers a
// newer sync changed: then every change it would make is recomputed from
// what the store holds now, and a change that no longer comes out the same
// (other than those this plan already applied) refuses the whole plan.
func (r *Reporting) CheckPlan(p reconcile.Plan, homeID string, keep WriteKeeper) error {
	if p.SchemaVersion != reconcile.PlanSchemaVersion {
		return fmt.Errorf("%w: its schema version %d is not one this seats knows (%d)", ErrPlanRefused, p.SchemaVersion, reconcile.PlanSchemaVersion)
	}
	if p.HomeID != homeID {
		return fmt.Errorf("%w: it was made for another seats home; make a plan here with `seats reconcile plan`", ErrPlanRefused)
	}
	current, err := r.Plan(PlanOptions{HomeID: homeID, PSAKind: p.PSAKind, Timing: p.Timing, EffectiveDate: p.EffectiveDate})
	if err != nil {
		return err
	}
	if !newerSnapshots(p.Snapshots, current.Snapshots) {
		return nil
	}
	applied := map[string]bool{}
	if keep != nil {
		writes, err := keep.PSAWrites(false)
		if err != nil {
			return err
		}
		for _, w := range writes {
			if w.PlanID == PlanID(p) && w.Outcome == connectors.WriteApplied {
				applied[lineKey(w.Line)] = true
			}
		}
	}
	now := map[string]reconcile.PlannedChange{}
	for _, c := range current.Changes {
		now[lineKey(c.Line.LineRef)] = c
	}
	for _, c := range p.Changes {
		if applied[lineKey(c.Line.LineRef)] {
			continue
		}
		n, ok := now[lineKey(c.Line.LineRef)]
		if !ok || n.OldQuantity != c.OldQuantity || n.NewQuantity != c.NewQuantity {
			return fmt.Errorf("%w: a newer sync changed the numbers it was computed from (%s, %s); make a new plan with `seats reconcile plan`", ErrPlanRefused, c.Customer, c.Product)
		}
	}
	return nil
}

// newerSnapshots reports whether any snapshot now is newer than the one the
// plan used (or new since).
func newerSnapshots(planned, now []reconcile.PlanSnapshot) bool {
	key := func(s reconcile.PlanSnapshot) string {
		return s.Source + "\x00" + s.Kind + "\x00" + strings.ToLower(s.TenantID)
	}
	was := map[string]time.Time{}
	for _, s := range planned {
		was[key(s)] = s.TakenAt
	}
	for _, s := range now {
		t, ok := was[key(s)]
		if !ok || s.TakenAt.After(t) {
			return true
		}
	}
	return false
}
