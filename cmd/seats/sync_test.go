package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/seats-msp/seats/connectors/workflow"
)

func TestSyncSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rep     workflow.SyncReport
		sandbox bool
		want    []string
		not     []string
	}{
		{name: "none Ready says why and what to run", rep: workflow.SyncReport{Customers: 40}, sandbox: true,
			want: []string{"None of the 40 customers is Ready", "`seats --sandbox consent --all --method partner`"}, not: []string{"Read 0 of 0"}},
		{name: "no customers at all", rep: workflow.SyncReport{},
			want: []string{"Partner Center lists no customers", "`seats status`"}},
		{name: "lost customers named with their reasons", rep: workflow.SyncReport{Customers: 3, Tenants: 3, Succeeded: 2, Failed: 1,
			Lost: []workflow.LostCustomer{{TenantID: "t1", Name: "Contoso", Reason: "GDAP is Expired: renew the relationship in Partner Center"}}},
			want: []string{"Lost: Contoso (t1): GDAP is Expired", "Read 2 of 3 Ready customers; 1 failed", "1 customers stopped working"}},
		{name: "interrupted says how many were read", rep: workflow.SyncReport{Customers: 9, Tenants: 9, Succeeded: 4, Interrupted: true},
			want: []string{"Sync interrupted: read 4 of 9", "nothing was marked stale"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			printSyncSummary(&b, tt.rep, tt.sandbox)
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("summary lacks %q:\n%s", w, b.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("summary says %q:\n%s", n, b.String())
				}
			}
		})
	}
}

// TestSyncJSONListsLostAsArray: lost is [] when nobody was lost, never null.
func TestSyncJSONListsLostAsArray(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeJSON(&b, workflow.SyncReport{Lost: []workflow.LostCustomer{}, Results: []workflow.SyncResult{}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"lost": []`) {
		t.Fatalf("JSON:\n%s", b.String())
	}
}
