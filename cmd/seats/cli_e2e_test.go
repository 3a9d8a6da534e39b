package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestUsageErrorsExitTwo: bad usage of every kind exits 2 and prints the
// command's usage line.
func TestUsageErrorsExitTwo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args  []string
		usage string
	}{
		{[]string{"fly"}, "Usage: seats"},
		{[]string{"consent", "--method", "partner"}, "Usage: seats consent (--tenant ID | --all)"},
		{[]string{"consent", "--all"}, "Usage: seats consent"},
		{[]string{"login", "extra"}, "Usage: seats login"},
		{[]string{"status", "--bogus"}, "Usage: seats status"},
		{[]string{"sandbox", "fly"}, "Usage: seats sandbox"},
		{[]string{"sandbox"}, "Usage: seats sandbox"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := seats(t, t.TempDir(), time.Minute, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.usage) {
				t.Fatalf("exit %d, want %d with %q\n%s", r.code, exitUsage, tt.usage, r.stderr)
			}
		})
	}
}

// TestStatusAndConsentForPeople: plain status lists customers in a table,
// status --json names roles and leaves out zero dates and nulls, consent
// --tenant takes a name or a domain, an ambiguous name lists the
// candidates, and every acting command ends with the next step, spelled
// with --sandbox.
func TestStatusAndConsentForPeople(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if r := seats(t, home, 2*time.Minute, "--sandbox", "login"); r.code != 0 || !strings.Contains(r.stderr, "Next: `seats --sandbox consent --all --method partner`") {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	r := seats(t, home, time.Minute, "--sandbox", "status", "--refresh", "--json")
	if r.code != 0 {
		t.Fatalf("status: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "null") || strings.Contains(r.stdout, "0001-01-01") {
		t.Fatalf("status --json has a null or a zero date:\n%s", r.stdout)
	}
	var status struct {
		CustomerList []struct {
			TenantID      string `json:"tenant_id"`
			Name          string `json:"name"`
			PrimaryDomain string `json:"primary_domain"`
			GDAP          struct {
				Status    string   `json:"status"`
				Roles     []string `json:"roles"`
				RoleNames []string `json:"role_names"`
			} `json:"gdap"`
		} `json:"customer_list"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &status); err != nil {
		t.Fatal(err)
	}
	named := false
	for _, c := range status.CustomerList {
		if len(c.GDAP.Roles) != len(c.GDAP.RoleNames) {
			t.Fatalf("%s: %d roles but %d role names", c.Name, len(c.GDAP.Roles), len(c.GDAP.RoleNames))
		}
		for _, n := range c.GDAP.RoleNames {
			named = named || n == "Privileged Role Administrator"
		}
	}
	if !named {
		t.Fatalf("no customer's roles are named:\n%s", r.stdout)
	}

	r = seats(t, home, time.Minute, "--sandbox", "status")
	header := regexp.MustCompile(`CUSTOMER\s+GDAP\s+ROLES\s+CONSENT\s+REASON`)
	if r.code != 0 || !header.MatchString(r.stderr) || !strings.Contains(r.stderr, status.CustomerList[0].Name) {
		t.Fatalf("plain status has no customer table:\n%s", r.stderr)
	}

	// One customer by its exact name, another by its domain.
	var byName, byDomain string
	for _, c := range status.CustomerList {
		if c.GDAP.Status != "active" {
			continue
		}
		if byName == "" {
			byName = c.Name
		} else if byDomain == "" && c.Name != byName {
			byDomain = c.PrimaryDomain
		}
	}
	for _, who := range []string{byName, byDomain} {
		r = seats(t, home, 2*time.Minute, "--sandbox", "consent", "--tenant", who, "--method", "partner")
		if r.code != 0 && r.code != exitPartial {
			t.Fatalf("consent --tenant %q: exit %d\n%s", who, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "s's ") || !strings.Contains(r.stderr, "seats --sandbox ") {
			t.Fatalf("consent --tenant %q said:\n%s", who, r.stderr)
		}
		if r.code == 0 && !strings.Contains(r.stderr, "Next: `seats --sandbox sync`") {
			t.Fatalf("a successful consent does not end with the next step:\n%s", r.stderr)
		}
	}
	r = seats(t, home, time.Minute, "--sandbox", "consent", "--tenant", "No Such Customer", "--method", "partner")
	if r.code != exitError || !strings.Contains(r.stderr, "seats --sandbox status") {
		t.Fatalf("unknown customer: exit %d\n%s", r.code, r.stderr)
	}
}
