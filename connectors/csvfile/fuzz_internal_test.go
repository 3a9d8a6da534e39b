package csvfile

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seats-msp/seats/connectors"
)

var knownStatuses = []connectors.SubscriptionStatus{
	connectors.StatusActive, connectors.StatusPendingCancel, connectors.StatusSuspended, connectors.StatusCancelled,
	connectors.StatusTrial, connectors.StatusPending, connectors.StatusUnknown,
}

func oneLine(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "\r\n\u2028\u2029") && strings.TrimSpace(s) != ""
}

// FuzzParse: Parse never panics; it either refuses the file with 1 to
// maxProblems one-line problems at a line and column, and no data, or
// returns data that holds together: unique ids, every subscription's
// account listed, whole non-negative quantities, normalised statuses and
// one-line warnings.
func FuzzParse(f *testing.F) {
	f.Add(Template())
	f.Add([]byte(smallFile))
	f.Add(Generate(sampleInput()))
	for _, s := range []string{
		"", "\uFEFF", "account_id\n", "account_id,account_name,product_name,quantity\nA1,Contoso,P,2.5\n",
		"account_id;account_name;product_name;quantity;unit_cost;currency\nA1;C;P;1;\"1,50\";EUR\n",
		"account_id,account_name,product_name,quantity\nA1,\"Con\ntoso\",P,1\n",
		"account_id,account_name,product_name,quantity\nA1,C\"o,P,1\n",
		"account_id,account_name,product_name,quantity,renewal_date,status,term\nA1,C,P,1,03/04/2025,Frozen,P2Y\n",
		"account_id,account_name,product_name,quantity,subscription_id\nA1,C,P,1,csv-1\nA1,C,P,1,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || file != nil {
				t.Fatalf("error %T %v with data %v", err, err, file != nil)
			}
			if len(fe.Problems) == 0 || len(fe.Problems) > maxProblems {
				t.Fatalf("%d problems", len(fe.Problems))
			}
			for _, p := range fe.Problems {
				if p.Line < 1 || !oneLine(p.Message) || !strings.HasPrefix(p.String(), "line ") {
					t.Fatalf("problem %+v", p)
				}
			}
			return
		}
		accounts := map[string]bool{}
		for _, a := range file.Accounts {
			if a.ID == "" || a.Name == "" || accounts[a.ID] {
				t.Fatalf("account %+v empty or listed twice", a)
			}
			accounts[a.ID] = true
		}
		ids := map[string]bool{}
		for _, s := range file.Subscriptions {
			if s.ID == "" || ids[s.ID] || !accounts[s.AccountID] {
				t.Fatalf("subscription %+v: empty id, listed twice or of no account", s)
			}
			ids[s.ID] = true
			if s.Quantity < 0 || s.Quantity > maxQuantity || s.Product.Name == "" || s.Product.ID == "" {
				t.Fatalf("subscription %+v", s)
			}
			if !slices.Contains(knownStatuses, s.Status) || s.Status == connectors.StatusUnknown && (s.RawStatus == "" || len(s.Warnings) == 0) {
				t.Fatalf("status %q raw %q warnings %q", s.Status, s.RawStatus, s.Warnings)
			}
			if !s.Microsoft && (s.SkuID != "" || s.MicrosoftSubscriptionID != "") {
				t.Fatalf("another vendor's subscription carries Microsoft ids: %+v", s)
			}
			if s.UnitCost.Known() && s.UnitCost.Minor < 0 || s.UnitPrice.Known() && s.UnitPrice.Minor < 0 {
				t.Fatalf("negative money %+v", s)
			}
			for _, w := range s.Warnings {
				if !oneLine(w) {
					t.Fatalf("warning %q is not one line", w)
				}
			}
		}
		for _, w := range file.Warnings {
			if !oneLine(w) {
				t.Fatalf("file warning %q is not one line", w)
			}
		}
	})
}
