package cwfake

import (
	"encoding/json"
	"strings"
	"testing"
)

func sampleRow() map[string]any {
	return map[string]any{
		"id":            3001,
		"name":          "Contoso Managed Services",
		"cancelledFlag": false,
		"quantity":      json.Number("2.5"),
		"startDate":     "2024-01-01T00:00:00Z",
		"company":       map[string]any{"id": 250, "identifier": "Contoso", "name": "Contoso Ltd"},
		"types":         []any{map[string]any{"id": 1, "name": "Client"}},
		"_info":         map[string]any{"lastUpdated": "2026-01-02T03:04:05Z"},
	}
}

var sampleFields = fieldSet("id name cancelledFlag dateCancelled quantity startDate endDate company types _info")

func TestConditions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cond string
		want bool
	}{
		{`id=3001`, true},
		{`id = 3001`, true},
		{`id="3001"`, true},
		{`id!=3001`, false},
		{`id<>3001`, false},
		{`id>3000 and id<=3001`, true},
		{`id in (1, 2, 3001)`, true},
		{`id not in (1, 2)`, true},
		{`name="contoso managed services"`, true}, // case-insensitive, as SQL Server compares
		{`name='Contoso Managed Services'`, true},
		{`name like "Contoso%"`, true},
		{`name like "%Managed%"`, true},
		{`name like "*Services"`, true},
		{`name like "Fabrikam%"`, false},
		{`name not like "Fabrikam%"`, true},
		{`name contains "managed"`, true},
		{`cancelledFlag=false`, true},
		{`cancelledFlag=true`, false},
		{`CANCELLEDFLAG=FALSE AND ID=3001`, false}, // field names are case-sensitive; keywords are not
		{`dateCancelled=null`, true},
		{`dateCancelled!=null`, false},
		{`dateCancelled>=[2025-01-01T00:00:00Z]`, false}, // null compares false
		{`startDate<[2025-01-01T00:00:00Z]`, true},
		{`startDate>=[2024-01-01]`, true},
		{`quantity>2`, true},
		{`quantity=2.5`, true},
		{`company/id=250`, true},
		{`company/name like "Contoso%"`, true},
		{`company/missing=null`, true},
		{`_info/lastUpdated>[2026-01-01T00:00:00Z]`, true},
		{`(cancelledFlag=false or dateCancelled>=[2025-03-14T00:00:00Z]) and (endDate=null or endDate>=[2025-03-14T00:00:00Z])`, true},
		{`cancelledFlag=true or id=3001`, true},
		{`not (id=3001)`, false},
		{`not id=1`, true},
	}
	for _, tt := range tests {
		t.Run(tt.cond, func(t *testing.T) {
			t.Parallel()
			known := sampleFields
			if strings.HasPrefix(tt.cond, "CANCELLEDFLAG") {
				_, err := parseConditions(tt.cond, known)
				if err == nil {
					t.Fatalf("%q parsed: a field name in the wrong case must be refused", tt.cond)
				}
				return
			}
			c, err := parseConditions(tt.cond, known)
			if err != nil {
				t.Fatalf("parseConditions(%q): %v", tt.cond, err)
			}
			got, err := c.eval(sampleRow())
			if err != nil {
				t.Fatalf("eval(%q): %v", tt.cond, err)
			}
			if got != tt.want {
				t.Errorf("%q = %v, want %v", tt.cond, got, tt.want)
			}
		})
	}
}

func TestConditionsRefused(t *testing.T) {
	t.Parallel()
	for _, cond := range []string{
		`nosuchfield=1`,
		`id=`,
		`id 3001`,
		`(id=1`,
		`id=1)`,
		`name="unterminated`,
		`startDate>[2024-01-01`,
		`startDate>[yesterday]`,
		`id in 1, 2`,
		`name like 3`,
		`id > null`,
		`cancelledFlag > true`,
		`id=1 and`,
		`! id=1`,
		`id=1 # comment`,
		strings.Repeat("(", 60) + "id=1" + strings.Repeat(")", 60),
		strings.Repeat("id=1 and ", 500) + "id=1",
	} {
		if _, err := parseConditions(cond, sampleFields); err == nil {
			t.Errorf("parseConditions(%q) accepted it", cond)
		}
	}
	// Type errors show when a row is evaluated.
	for _, cond := range []string{`name>3`, `cancelledFlag="x"`, `company=1`, `types/name="Client"`, `startDate=true`, `name>[2024-01-01]`} {
		c, err := parseConditions(cond, sampleFields)
		if err != nil {
			continue
		}
		if _, err := c.eval(sampleRow()); err == nil {
			t.Errorf("%q evaluated without an error", cond)
		}
	}
}

// FuzzConditions: any text is parsed or refused, and a parsed condition
// evaluates or refuses, without panicking.
func FuzzConditions(f *testing.F) {
	for _, s := range []string{
		`id=1`, `name like "a%b%c"`, `(a=1 or b!=null) and not c in (1,"x",[2024-01-01])`,
		`company/id>=250`, `x contains 'y'`, `[`, `"`, `((((`, `id=--1`, `id=1.2.3`, `name like "%%%"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseConditions(s, nil)
		if err != nil {
			return
		}
		_, _ = c.eval(sampleRow())
	})
}

func TestLike(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s, pattern string
		want       bool
	}{
		{"contoso", "contoso", true},
		{"contoso", "con%", true},
		{"contoso", "%oso", true},
		{"contoso", "%nt%", true},
		{"contoso", "c%s%o", true},
		{"contoso", "c%x%o", false},
		{"aa", "%a%a%", true},
		{"a", "%a%a%", false},
		{"", "%", true},
	}
	for _, tt := range tests {
		if got := like(tt.s, tt.pattern); got != tt.want {
			t.Errorf("like(%q, %q) = %v, want %v", tt.s, tt.pattern, got, tt.want)
		}
	}
}
