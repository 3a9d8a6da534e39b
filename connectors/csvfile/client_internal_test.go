package csvfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
)

func TestNewNeedsAPath(t *testing.T) {
	t.Parallel()
	_, err := New(Config{Path: "  "})
	if err == nil || !strings.Contains(err.Error(), "distributor.csv.path is not set: seats needs the path of the CSV file of the distributor's subscriptions (`seats distributor template` writes an example to start from)") {
		t.Errorf("New without a path: %v", err)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home folder")
	}
	c, err := New(Config{Path: "~/seats/subscriptions.csv"})
	if err != nil || c.Path() != filepath.Join(home, "seats", "subscriptions.csv") {
		t.Errorf("~/ not expanded: %q, %v", c.Path(), err)
	}
}

func TestCheckCounts(t *testing.T) {
	t.Parallel()
	f := newFileFake(t, smallFile)
	got, err := f.client(t).Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s := got.String(); s != "CSV file: 4 accounts, 8 subscriptions" {
		t.Errorf("Check = %q", s)
	}
}

// TestMissingFileSaysWhatToDo: the error names the path, the setting and
// the template command, and is ErrNotFound without a retry.
func TestMissingFileSaysWhatToDo(t *testing.T) {
	t.Parallel()
	f := newFileFake(t, smallFile)
	f.path = filepath.Join(filepath.Dir(f.path), "nope.csv")
	_, err := f.client(t).Accounts(context.Background())
	if connectors.KindOf(err) != connectors.ErrNotFound {
		t.Fatalf("kind %v: %v", connectors.KindOf(err), err)
	}
	for _, want := range []string{f.path, "distributor.csv.path", "seats distributor template"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(f.allWaits()) != 0 {
		t.Errorf("a missing file was tried again")
	}
}

func TestFolderIsNotAFile(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Path: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Subscriptions(context.Background())
	if connectors.KindOf(err) != connectors.ErrBadRequest || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("reading a folder: %v", err)
	}
}

// TestInvalidFileChangesNothing: one bad row refuses the whole file with
// ErrBadResponse, a *FileError naming the path, line and column, and no
// data from either listing or the check.
func TestInvalidFileChangesNothing(t *testing.T) {
	t.Parallel()
	bad := strings.Replace(smallFile, ",25,2.10,", ",\"2,5\",2.10,", 1)
	f := newFileFake(t, bad)
	c := f.client(t)
	ctx := context.Background()
	accounts, aerr := c.Accounts(ctx)
	subs, serr := c.Subscriptions(ctx)
	_, cerr := c.Check(ctx)
	if accounts != nil || subs != nil {
		t.Errorf("a refused file gave %d accounts, %d subscriptions", len(accounts), len(subs))
	}
	for _, err := range []error{aerr, serr, cerr} {
		var fe *FileError
		if connectors.KindOf(err) != connectors.ErrBadResponse || !errors.As(err, &fe) {
			t.Fatalf("kind %v: %v", connectors.KindOf(err), err)
		}
		if len(fe.Problems) != 1 || fe.Problems[0].Line != 3 || fe.Problems[0].Column != "quantity" {
			t.Errorf("problems %+v, want one at line 3, column quantity", fe.Problems)
		}
		if !strings.Contains(err.Error(), f.path+" has a problem") || !strings.Contains(err.Error(), `line 3, column quantity: "2,5" is not a whole number of seats`) {
			t.Errorf("error %q", err)
		}
	}
}

// TestFileChangingWhileReadIsReadAgain: a short read against the file's
// size is tried again, and one that keeps changing is reported.
func TestFileChangingWhileReadIsReadAgain(t *testing.T) {
	t.Parallel()
	f := newFileFake(t, smallFile)
	f.faults.Add(faultFor(faultTruncate, 2))
	subs, err := f.client(t).Subscriptions(context.Background())
	if err != nil || len(subs) != 8 {
		t.Fatalf("after two short reads: %d subscriptions, %v", len(subs), err)
	}
	if w := f.allWaits(); len(w) != 2 || w[0] != retryWaits[0] || w[1] != retryWaits[1] {
		t.Errorf("waits %v, want %v", w, retryWaits)
	}
	f.faults.Add(faultFor(faultTruncate, attempts))
	_, err = f.client(t).Subscriptions(context.Background())
	if connectors.KindOf(err) != connectors.ErrBadResponse || !strings.Contains(err.Error(), "changed while seats read it") {
		t.Errorf("a file that kept changing: %v", err)
	}
}

func TestCancelledBeforeReading(t *testing.T) {
	t.Parallel()
	f := newFileFake(t, smallFile)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.client(t).Accounts(ctx)
	if connectors.KindOf(err) != connectors.ErrCanceled {
		t.Errorf("cancelled: %v", err)
	}
}

// TestIgnoredColumnsReported: the file-level warnings reach the Client.
func TestIgnoredColumnsReported(t *testing.T) {
	t.Parallel()
	f := newFileFake(t, "account_id,account_name,product_name,quantity,colour\nA1,Contoso,P,1,blue\n")
	c := f.client(t)
	if _, err := c.Accounts(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], `"colour"`) {
		t.Errorf("warnings %q", w)
	}
}
