package workflow

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/reconcile"
)

// diskFull is what the store says when the disk holding seats.db is full.
var diskFull = &fs.PathError{Op: "write", Path: "seats.db", Err: syscall.ENOSPC}

// fullWrites is a write log on a disk that fills up: intents, outcomes or
// both can no longer be recorded.
type fullWrites struct {
	memWrites
	intents, outcomes bool // which records fail
}

func (f *fullWrites) RecordWriteIntent(w connectors.PSAWrite) (uint64, error) {
	if f.intents {
		return 0, diskFull
	}
	return f.memWrites.RecordWriteIntent(w)
}

func (f *fullWrites) RecordWriteOutcome(id uint64, o connectors.WriteOutcome, reason string, at time.Time) error {
	if f.outcomes {
		return diskFull
	}
	return f.memWrites.RecordWriteOutcome(id, o, reason, at)
}

// TestApplyOnAFullDiskSaysWhatWasWritten: when seats.db cannot record a
// write, apply stops and says whether the PSA took the change.
func TestApplyOnAFullDiskSaysWhatWasWritten(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		keep        *fullWrites
		says        string
		wantWritten int
	}{
		{"before the write", &fullWrites{intents: true},
			"could not record the intent to change Contoso's M365 BP, so nothing was written to the PSA: write seats.db: no space left on device", 0},
		{"after the write", &fullWrites{outcomes: true},
			"could not record the outcome of Contoso's M365 BP (applied): write seats.db: no space left on device; the next apply settles it by reading the line again", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			psa := &memPSA{lines: map[string]connectors.BillingLine{"301": line("301", 10), "302": line("302", 5)}}
			_, err := (&Applier{PSA: psa, PSAKind: "connectwise", Keep: tt.keep}).Apply(context.Background(), testPlan(), nil, nil)
			if err == nil || err.Error() != tt.says || !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("err = %v\nwant %q", err, tt.says)
			}
			if psa.writes != tt.wantWritten {
				t.Errorf("%d writes reached the PSA, want %d", psa.writes, tt.wantWritten)
			}
		})
	}
}

// TestResolveSaysWhichLineItCannotReadAgain: a run was interrupted during
// a write, and the line has since been deleted in the PSA: settling it says
// which change could not be settled, and why.
func TestResolveSaysWhichLineItCannotReadAgain(t *testing.T) {
	t.Parallel()
	keep := &memWrites{}
	if _, err := keep.RecordWriteIntent(connectors.PSAWrite{PSA: "connectwise", Line: line("301", 0).LineRef,
		Before: 10, After: 12, Customer: "Contoso", Product: "M365 BP"}); err != nil {
		t.Fatal(err)
	}
	psa := &memPSA{lines: map[string]connectors.BillingLine{"302": line("302", 5)}} // 301 is gone
	_, err := (&Applier{PSA: psa, PSAKind: "connectwise", Keep: keep}).Resolve(context.Background())
	want := "settle the interrupted change of Contoso's M365 BP: re-read the line: "
	if !strings.HasPrefix(fmtErr(err), want) || !errors.Is(err, connectors.ErrNotFound) {
		t.Errorf("err = %v\nwant it to start %q", err, want)
	}
}

// TestMatchingRefusesWhatTheLastSyncNoLongerHas: the wizard's matching
// screens act on what they show; when the data under them has moved on (a
// sync in another seats), the change is refused with what to do.
func TestMatchingRefusesWhatTheLastSyncNoLongerHas(t *testing.T) {
	t.Parallel()
	keep := matchWorld()
	m := &Matching{Keep: keep}
	if _, err := m.Refresh(); err != nil {
		t.Fatal(err)
	}
	// The PSA has no company like Fabrikam: nothing to confirm.
	_, err := m.ConfirmAccount(tFabrikam, connectors.KindPSA)
	if want := "Fabrikam, Inc. has no PSA suggestion to confirm: pick an account instead"; fmtErr(err) != want {
		t.Errorf("confirming no suggestion: err = %v\nwant %q", err, want)
	}
	// Business Premium is sold on an annual term only.
	_, err = m.SetProduct(reconcile.ProductKey{SkuID: skuBP, Term: connectors.TermMonthly}, "i1")
	if want := "no product Microsoft 365 Business Premium on a monthly term: run a sync first"; fmtErr(err) != want {
		t.Errorf("matching a product no sync saw: err = %v\nwant %q", err, want)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
