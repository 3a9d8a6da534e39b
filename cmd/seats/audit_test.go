package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
)

func TestAuditListsWritesNewestFirst(t *testing.T) {
	t.Setenv("SEATS_SECRET_BACKEND", "file")
	home := t.TempDir()
	st, err := store.Open(filepath.Join(home, "seats.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	id, err := st.RecordWriteIntent(connectors.PSAWrite{PlanID: "p1", PSA: "connectwise", OSUser: "alex", Customer: "Contoso",
		Product: "Microsoft 365 Business Premium", Line: connectors.LineRef{CompanyID: "19", AgreementID: "7", LineID: "301"},
		Before: 10, After: 12, StartedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RecordWriteOutcome(id, connectors.WriteApplied, "", at.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordFinishedWrite(connectors.PSAWrite{PlanID: "p1", PSA: "connectwise", OSUser: "alex", Customer: "Fabrikam",
		Product: "Exchange Online (Plan 1)", Line: connectors.LineRef{CompanyID: "20", AgreementID: "8", LineID: "302"},
		Before: 5, After: 4, Outcome: connectors.WriteSkipped, Reason: "the line holds 6 now, not 5", StartedAt: at.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--home", home, "audit", "--json"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep auditReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	if len(rep.Writes) != 2 || rep.Writes[0].Customer != "Fabrikam" || rep.Writes[1].Outcome != connectors.WriteApplied {
		t.Errorf("audit JSON = %+v", rep.Writes)
	}

	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"--home", home, "audit"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stderr.String()
	for _, want := range []string{"Fabrikam", "skipped — the line holds 6 now, not 5", "19/7/301", "applied"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "Fabrikam") > strings.Index(out, "Contoso") {
		t.Errorf("not newest first:\n%s", out)
	}
}

func TestAuditEmptySaysWhatToDo(t *testing.T) {
	t.Setenv("SEATS_SECRET_BACKEND", "file")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--home", t.TempDir(), "audit"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "seats reconcile plan") {
		t.Errorf("empty audit: %q", stderr.String())
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"--home", t.TempDir(), "audit", "--json"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatal(code)
	}
	if !strings.Contains(stdout.String(), `"writes": []`) {
		t.Errorf("empty audit JSON must have [] not null: %s", stdout.String())
	}
}
