package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors"
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
