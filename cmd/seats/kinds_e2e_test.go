package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// finding is a finding as reconcile --format json prints it, reduced to
// what must come out alike whichever distributor the numbers came from.
type finding struct {
	Customer      string `json:"customer"`
	Kind          string `json:"kind"`
	Product       string `json:"product"`
	Term          string `json:"term"`
	Quantity      int    `json:"quantity"`
	MonthlyAmount string `json:"monthlyAmount"`
}

func (f finding) String() string {
	return fmt.Sprintf("%s | %s | %s | %s | %d | %s", f.Customer, f.Kind, f.Product, f.Term, f.Quantity, f.MonthlyAmount)
}

// kindsFlow is a sandbox home signed in, its customers consented, driven by
// the built binary with the sources' secrets from the sandbox (as a server
// would have them in its environment).
type kindsFlow struct {
	t    *testing.T
	home string
}

func newKindsFlow(t *testing.T) *kindsFlow {
	t.Helper()
	f := &kindsFlow{t: t, home: t.TempDir()}
	startServe(t, f.home)
	f.must("login")
	if r := f.run(nil, "consent", "--all", "--method", "partner"); r.code != 0 && r.code != exitPartial {
		t.Fatalf("consent: exit %d\n%s", r.code, r.stderr)
	}
	return f
}

func (f *kindsFlow) run(env []string, args ...string) result {
	f.t.Helper()
	return seatsWith(f.t, f.home, "", env, append([]string{"--sandbox"}, args...)...)
}

func (f *kindsFlow) must(args ...string) result {
	f.t.Helper()
	r := f.run(nil, args...)
	if r.code != 0 {
		f.t.Fatalf("seats %v: exit %d\n%s", args, r.code, r.stderr)
	}
	return r
}

// findings syncs every source and returns the findings, sorted.
func (f *kindsFlow) findings() []string {
	f.t.Helper()
	f.must("sync")
	r := f.must("reconcile", "--format", "json")
	var out struct {
		Findings []finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		f.t.Fatalf("reconcile --format json: %v\n%s", err, r.stdout)
	}
	var s []string
	for _, x := range out.Findings {
		s = append(s, x.String())
	}
	slices.Sort(s)
	return s
}

// Every distributor kind serves the same customers and subscriptions in the
// sandbox, in its own API's shapes: the findings (customer, kind, product,
// term, quantity and money) come out the same whichever one is connected,
// switching from one to the next on the same home. Microsoft direct bill is
// the tenants' own subscriptions, so it has no Microsoft/distributor
// mismatch by nature.
func TestSandboxEveryDistributorKind(t *testing.T) {
	t.Parallel()
	f := newKindsFlow(t)
	f.must("connect", "psa", "--kind", "connectwise")
	f.must("connect", "distributor", "--kind", "pax8")
	want := f.findings()
	if len(want) == 0 {
		t.Fatal("Pax8 gave no findings to compare with")
	}
	for _, kind := range []string{"sherweb", "tdsynnex", "csv"} {
		r := f.must("connect", "distributor", "--kind", kind)
		if !strings.Contains(r.stderr, "Connected.") {
			t.Fatalf("connect %s:\n%s", kind, r.stderr)
		}
		if got := f.findings(); !slices.Equal(got, want) {
			t.Errorf("%s: findings differ from Pax8's.\n got:\n  %s\nwant:\n  %s", kind, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
	// TD SYNNEX's refresh token rotated at every use: the next run reads the
	// newest from the secret store, not the used-up seed of the environment.
	f.must("connect", "distributor", "--kind", "tdsynnex")
	f.must("connect", "distributor", "--kind", "partnercenter")
	direct := f.findings()
	if len(direct) == 0 {
		t.Fatal("Microsoft direct bill gave no findings")
	}
	for _, s := range direct {
		if strings.Contains(s, "| microsoft_distributor_mismatch |") {
			t.Errorf("direct bill reads the tenants' own subscriptions; a mismatch cannot be: %s", s)
		}
	}
}

// A plan made and applied with each PSA changes the fake's quantities as
// planned, and the next sync shows no billing finding left. Autotask's plan
// says when its changes apply and that they cannot be undone.
func TestSandboxPlanAndApplyWithEveryPSA(t *testing.T) {
	t.Parallel()
	f := newKindsFlow(t)
	f.must("connect", "distributor", "--kind", "pax8")
	writes := []string{"SEATS_PSA_WRITE_ENABLED=true"}
	for _, kind := range []string{"autotask", "halopsa"} {
		f.must("connect", "psa", "--kind", kind)
		before := f.findings()
		if !slices.ContainsFunc(before, billing) {
			t.Fatalf("%s: no billing finding to correct:\n%s", kind, strings.Join(before, "\n"))
		}
		text := f.must("reconcile", "plan")
		if kind == "autotask" && !(strings.Contains(text.stdout+text.stderr, "Autotask applies the changes from") &&
			strings.Contains(text.stdout+text.stderr, "cannot be undone")) {
			t.Errorf("the Autotask plan does not state its effective date and that it cannot be undone:\n%s%s", text.stdout, text.stderr)
		}
		plan := t.TempDir() + "/plan.json"
		f.must("reconcile", "plan", "-o", plan)
		if r := f.run(writes, "reconcile", "apply", plan, "--yes"); r.code != 0 || !strings.Contains(r.stderr, "Every change applied") {
			t.Fatalf("%s: apply: exit %d\n%s", kind, r.code, r.stderr)
		}
		if left := slices.DeleteFunc(f.findings(), func(s string) bool { return !billing(s) }); len(left) > 0 {
			t.Errorf("%s: billing findings left after the plan was applied:\n%s", kind, strings.Join(left, "\n"))
		}
	}
}

// billing reports whether a finding is one a PSA change corrects.
func billing(s string) bool {
	return strings.Contains(s, "| under_billed |") || strings.Contains(s, "| over_billed |")
}
