package reconcile

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestParsePlanRefusesANegativeQuantity: BuildPlan never plans a line
// below 0, so a plan file that does was edited, and apply must not send it.
func TestParsePlanRefusesANegativeQuantity(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "plan_at_once_json.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParsePlan(data); err != nil {
		t.Fatalf("the golden plan is refused: %v", err)
	}
	edited := bytes.Replace(data, []byte(`"newQuantity": `), []byte(`"newQuantity": -`), 1)
	if bytes.Equal(edited, data) {
		t.Fatal("the golden plan has no newQuantity to edit")
	}
	p, err := ParsePlan(edited)
	if err == nil || err.Error() != `not a valid plan file: it sets -6 seats of "Microsoft 365 Business Premium" for "Contoso", and a quantity is 0 or more: make a new plan` || !reflect.DeepEqual(p, Plan{}) {
		t.Errorf("ParsePlan of a negative quantity = %+v, %v", p.Changes, err)
	}
}

// FuzzParsePlan feeds the plan parser any bytes, as `seats reconcile apply`
// reads a file a person may have edited: it never panics; it refuses with
// no plan, or accepts a plan of this schema version whose changes never go
// below 0 seats, that renders as text, and that survives writing and
// reading again unchanged.
func FuzzParsePlan(f *testing.F) {
	for _, name := range []string{"plan_at_once_json.golden", "plan_from_date_json.golden"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"schemaVersion":1}`,
		`{"schemaVersion":1,"changes":[{"newQuantity":-1,"monthlyAmount":{"minor":1.5,"currency":"USD"}}]}`,
		`{"schemaVersion":1,"changes":[{"oldQuantity":99999999999999999999,"monthlyAmount":{"minor":5}}]}`,
		`{"schemaVersion":1,"createdAt":"0001-01-01T00:00:00+05:00","effectiveDate":"9999-12-31T23:59:59-23:59","timing":"surprise"}`,
		`{"schemaVersion":1,"homeId":"\u001b[2J","changes":null,"newLines":[{}],"skipped":[{}]}`,
		`{"schemaVersion":2}`, `{"schemaVersion":"1"}`, `{"schemaVersion":1,"x":1}`, `{"schemaVersion":1}{}`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePlan(data)
		if err != nil {
			if !reflect.DeepEqual(p, Plan{}) {
				t.Fatalf("refused (%v) but returned a plan", err)
			}
			return
		}
		if p.SchemaVersion != PlanSchemaVersion {
			t.Fatalf("accepted schema version %d", p.SchemaVersion)
		}
		for _, c := range p.Changes {
			if c.NewQuantity < 0 {
				t.Fatalf("accepted a change to %d seats", c.NewQuantity)
			}
		}
		_ = p.Text()
		var once bytes.Buffer
		if err := p.WriteJSON(&once); err != nil {
			return // a time JSON cannot write (a zone beyond ±24h) is refused when written
		}
		back, err := ParsePlan(once.Bytes())
		if err != nil {
			t.Fatalf("a plan seats wrote is refused: %v\n%s", err, once.String())
		}
		var twice bytes.Buffer
		if err := back.WriteJSON(&twice); err != nil || twice.String() != once.String() {
			t.Fatalf("plan does not survive a round trip: %v\n%s\n%s", err, once.String(), twice.String())
		}
	})
}
