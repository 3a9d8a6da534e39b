package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
)

// TestJSONListsAreNeverNull: nil lists anywhere in a report print as [],
// and the value given is left as it was.
func TestJSONListsAreNeverNull(t *testing.T) {
	t.Parallel()
	type inner struct {
		Names []string `json:"names"`
		Skip  []string `json:"skip,omitempty"`
	}
	type report struct {
		Results []workflow.ConsentResult `json:"results"`
		Inner   *inner                   `json:"inner"`
		ByKind  map[string]inner         `json:"by_kind"`
		Account *connectors.Account      `json:"account"`
		When    time.Time                `json:"when"`
		Raw     []byte                   `json:"raw"`
		hidden  []string
	}
	in := report{Inner: &inner{}, ByKind: map[string]inner{"a": {}}}
	var buf bytes.Buffer
	if err := writeJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"results": []`, `"names": []`, `"account": null`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s:\n%s", want, out)
		}
	}
	if strings.Count(out, "null") != 1 || strings.Contains(out, `"skip"`) {
		t.Errorf("want only the absent account as null, and omitted lists still omitted:\n%s", out)
	}
	if in.Inner.Names != nil || in.Results != nil {
		t.Error("writeJSON changed the value it printed")
	}
}
