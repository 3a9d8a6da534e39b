package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/csvfile"
	"github.com/seats-msp/seats/connectors/workflow"
)

// TestExplainSaysWhatAndWhatToDo: a chain of wrapped errors comes out as
// one sentence of what happened and one of what to do, with the commands
// spelled as this run was typed; --debug keeps the whole chain.
func TestExplainSaysWhatAndWhatToDo(t *testing.T) {
	t.Parallel()
	gdap := &connectors.Error{Kind: connectors.ErrGDAPRequired, Service: "seats", Op: "consent Contoso",
		Message: "Contoso has GDAP None: partner consent needs an active GDAP relationship"}
	chain := fmt.Errorf("consent 1234: needs active GDAP: %w", gdap)
	signIn := fmt.Errorf("list customers: %w", &connectors.Error{Kind: connectors.ErrSignInRequired, Message: "not signed in: run `seats login`"})
	tests := []struct {
		name       string
		f          factory
		err        error
		want       []string
		notContain []string
	}{
		{"chain", factory{}, chain,
			[]string{"Contoso has GDAP None: partner consent needs an active GDAP relationship.\nCreate or renew the GDAP relationship in Partner Center, then run `seats status --refresh`."},
			[]string{"consent 1234", "needs active GDAP:"}},
		{"sandbox flags in hints", factory{sandbox: true, homeFlag: "/tmp/my home"}, signIn,
			[]string{"Not signed in: run `seats --sandbox --home '/tmp/my home' login`."}, []string{"list customers"}},
		{"debug keeps the chain", factory{debug: true}, chain, []string{"consent 1234: needs active GDAP: ", "Contoso has GDAP None"}, nil},
		{"a CSV file's problems", factory{}, badCSV(t),
			[]string{"line 2, column quantity", "Fix those lines in the file"}, []string{"Try again"}},
		{"plain error", factory{}, errors.New("config.yaml line 3: microsoft.cloud: unknown cloud \"mars\""),
			[]string{"config.yaml line 3: microsoft.cloud: unknown cloud \"mars\"."}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.f.explain(tt.err)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("explain = %q\nwant it to contain %q", got, w)
				}
			}
			for _, w := range tt.notContain {
				if strings.Contains(got, w) {
					t.Errorf("explain = %q\nwant no %q (the raw chain is for --debug)", got, w)
				}
			}
		})
	}
}

func TestWithFlags(t *testing.T) {
	t.Parallel()
	f := &factory{sandbox: true}
	got := f.withFlags("run seats login, then `seats consent --all`; seats' own app; seats --sandbox sync stays")
	want := "run seats --sandbox login, then `seats --sandbox consent --all`; seats' own app; seats --sandbox sync stays"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if plain := (&factory{}).withFlags("run seats login"); plain != "run seats login" {
		t.Fatalf("without flags: %q", plain)
	}
}

// TestConsentPrinterLinesUp: names are padded to the longest, the reason
// follows a dash, and results carry the count so far.
func TestConsentPrinterLinesUp(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	p := newConsentPrinter(&b, []connectors.CustomerStatus{
		{Customer: connectors.Customer{Name: "Contoso"}}, {Customer: connectors.Customer{Name: "Northwind Traders"}}, {Customer: connectors.Customer{Name: "Partners"}},
	})
	p.result(workflow.ConsentResult{Name: "Contoso", Outcome: workflow.OutcomeFailed, Reason: "Partner Center refused consent: the GDAP relationship lacks Privileged Role Administrator"})
	p.result(workflow.ConsentResult{Name: "Northwind Traders", Outcome: workflow.OutcomeSkipped})
	p.result(workflow.ConsentResult{Name: "Partners", Outcome: workflow.OutcomeFailed, Reason: "Microsoft did not answer"})
	p.link(workflow.ConsentResult{Name: "Partners", ConsentURL: "https://login.microsoftonline.com/x/v2.0/adminconsent?client_id=y"})
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("lines %q", lines)
	}
	if i, j := strings.Index(lines[0], "—"), strings.Index(lines[1], "—"); i < 0 || i != j {
		t.Errorf("the reasons do not line up:\n%s", b.String())
	}
	if !strings.HasPrefix(strings.TrimSpace(lines[0]), "[1/3] failed") || !strings.HasPrefix(strings.TrimSpace(lines[1]), "[3/3] failed") {
		t.Errorf("no count:\n%s", b.String())
	}
	if strings.Contains(b.String(), "s's") || !strings.Contains(b.String(), "admin of Partners") {
		t.Errorf("possessive after a name:\n%s", b.String())
	}
}

// badCSV is the error of reading a distributor CSV file with a problem.
func badCSV(t *testing.T) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), "billing.csv")
	if err := os.WriteFile(path, []byte("account_id,account_name,product_name,quantity\nC1,Contoso,Microsoft 365 Business Premium,2.5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := csvfile.New(csvfile.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Accounts(context.Background())
	if err == nil {
		t.Fatal("a file with a fractional quantity was read")
	}
	return err
}
