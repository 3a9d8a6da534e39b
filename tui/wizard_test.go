package tui

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/microsoft"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
	"github.com/seats-msp/seats/tui/tuitest"
)

// The tests in this file run the root with the real screens on fakes of
// the dependencies.

type signedInSession struct{}

var partner = connectors.Account{Username: "alex@msp.example", Name: "Alex Admin", PartnerTenantID: "7d3c6a52-1f7e-4c1b-9a54-0c7f5e2b9d11"}

func (signedInSession) Account(context.Context) (connectors.Account, bool, error) {
	return partner, true, nil
}
func (signedInSession) StartDeviceCode(context.Context) (*microsoft.DeviceCode, error) {
	return nil, &connectors.Error{Kind: connectors.ErrBadRequest, Message: "not expected in this test"}
}
func (signedInSession) WaitDeviceCode(ctx context.Context, _ *microsoft.DeviceCode) (connectors.Account, error) {
	<-ctx.Done()
	return connectors.Account{}, &connectors.Error{Kind: connectors.ErrCanceled}
}
func (signedInSession) SignInBrowser(context.Context) (connectors.Account, error) {
	return partner, nil
}
func (signedInSession) SignOut(context.Context) error { return nil }

type simpleCustomers struct {
	mu   sync.Mutex
	list []connectors.CustomerStatus
}

func (s *simpleCustomers) Statuses() ([]connectors.CustomerStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.list), nil
}
func (s *simpleCustomers) Refresh(context.Context) ([]connectors.CustomerStatus, error) {
	return s.Statuses()
}
func (s *simpleCustomers) ConsentPartner(_ context.Context, tenantID string) (connectors.CustomerStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.list {
		if s.list[i].TenantID == tenantID {
			s.list[i].Consent = connectors.ConsentRecord{TenantID: tenantID, State: connectors.ConsentReady, Method: connectors.ConsentByPartner}
			return s.list[i], nil
		}
	}
	return connectors.CustomerStatus{}, &connectors.Error{Kind: connectors.ErrNotFound}
}
func (s *simpleCustomers) AdminConsentURL(tenantID string) string {
	return "https://login.microsoftonline.com/" + tenantID + "/adminconsent"
}
func (s *simpleCustomers) WaitAdminConsent(ctx context.Context, _ string) (connectors.CustomerStatus, error) {
	<-ctx.Done()
	return connectors.CustomerStatus{}, &connectors.Error{Kind: connectors.ErrCanceled}
}

func world() []connectors.CustomerStatus {
	active := connectors.GDAPSummary{Status: connectors.GDAPActive, EndsAt: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
		Roles: []string{connectors.RolePrivilegedRoleAdministrator, connectors.RoleApplicationAdministrator, connectors.RoleGlobalReader}}
	mk := func(id, name, domain string, g connectors.GDAPSummary) connectors.CustomerStatus {
		return connectors.CustomerStatus{Customer: connectors.Customer{TenantID: id, Name: name, PrimaryDomain: domain}, GDAP: g,
			Consent: connectors.ConsentRecord{TenantID: id, State: connectors.ConsentNone}}
	}
	return []connectors.CustomerStatus{
		mk("t-contoso", "Contoso Ltd", "contoso.onmicrosoft.com", active),
		mk("t-fabrikam", "Fabrikam Inc", "fabrikam.com", active),
		mk("t-wingtip", "Wingtip Toys", "wingtiptoys.com", connectors.GDAPSummary{Status: connectors.GDAPNone}),
	}
}

func newWizard(t *testing.T, p *fakeProgress, sandbox bool) (Model, *simpleCustomers) {
	t.Helper()
	customers := &simpleCustomers{list: world()}
	c, _ := tuitest.NewCommon(t, common.Deps{
		Session: signedInSession{}, Customers: customers, Progress: p, Sandbox: sandbox,
		OpenURL: func(string) error { return nil },
	})
	return New(c, Options{}), customers
}

// TestWizardFirstHalf walks Connect and Customers & consent as a user
// would, then starts again and checks it resumes with everything kept.
func TestWizardFirstHalf(t *testing.T) {
	t.Parallel()
	p := &fakeProgress{}
	m, _ := newWizard(t, p, true)
	d := tuitest.NewDriver(t, m)
	root := func() Model { return d.Model().(Model) }
	view := func() string { return ansi.Strip(root().View()) }
	d.Send(tuitestSize(100, 30))
	d.Init()
	d.Until("signed in shown", func() bool { return strings.Contains(view(), "✓ Signed in as Alex Admin") })

	d.Press("enter")
	d.Until("customers loaded", func() bool { return strings.Contains(view(), "3 customers") })
	if root().Current() != common.ScreenConsent {
		t.Fatalf("current %v", root().Current())
	}

	d.Press("enter")
	d.Until("the gate refused", func() bool {
		return strings.Contains(view(), "Continue needs at least one Ready customer: consent one with c, or all eligible with a")
	})
	if root().Done(common.ScreenConsent) {
		t.Fatal("consent done without a Ready customer")
	}

	d.Press("c", "b")
	d.Until("Contoso Ready", func() bool { return strings.Contains(view(), "✓ Ready: seats can read its licences") })
	d.Press("enter")
	d.Until("the what's next panel", func() bool { return strings.Contains(view(), "Customers & consent is done") })
	// The save runs in a command; the status says so once it is done.
	d.Until("the progress saved", func() bool { return strings.Contains(view(), "Customers & consent done; progress saved") })
	if got := p.last(); got.Current != "consent" || !slices.Equal(got.Done, []string{"connect", "consent"}) {
		t.Errorf("saved %+v", got)
	}
	d.Press("ctrl+c")

	again, _ := newWizard(t, p, true)
	if again.Current() != common.ScreenConsent || !again.Done(common.ScreenConnect) || !again.Done(common.ScreenConsent) {
		t.Errorf("the next run resumed at %v with connect done %v, consent done %v",
			again.Current(), again.Done(common.ScreenConnect), again.Done(common.ScreenConsent))
	}
}

// TestWizardFitsTheTerminal checks every frame fills the terminal exactly
// and no line is wider than it, at the sizes the README promises.
func TestWizardFitsTheTerminal(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {100, 30}, {200, 60}} {
		for _, step := range []string{"connect", "consent"} {
			t.Run(step+"_"+itoa(size[0])+"x"+itoa(size[1]), func(t *testing.T) {
				t.Parallel()
				m, _ := newWizard(t, &fakeProgress{saved: store.WizardProgress{Current: step, Done: []string{"connect"}}}, true)
				d := tuitest.NewDriver(t, m)
				d.Send(tuitestSize(size[0], size[1]))
				d.Init()
				want := map[string]string{"connect": "Signed in as", "consent": "3 customers"}[step]
				d.Until(want, func() bool { return strings.Contains(ansi.Strip(d.Model().View()), want) })
				// With the error box open too.
				d.Send(common.ErrMsg{Screen: common.ScreenConsent, Op: "Load customers from Partner Center",
					Err: &connectors.Error{Kind: connectors.ErrRateLimited, Service: "partner center", Status: 429}})
				for _, phase := range []string{"with error box", "without"} {
					v := ansi.Strip(d.Model().View())
					lines := strings.Split(v, "\n")
					if len(lines) != size[1] {
						t.Errorf("%s: %d lines, want %d:\n%s", phase, len(lines), size[1], v)
					}
					for _, l := range lines {
						if w := ansi.StringWidth(l); w > size[0] {
							t.Errorf("%s: line of %d cells: %q", phase, w, l)
						}
					}
					d.Press("esc")
				}
			})
		}
	}
}

// TestGolden pins whole frames of the wizard.
func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		width, height int
		step          string
		waitFor       string
	}{
		{"connect_signed_in_80x24", 80, 24, "connect", "Signed in as"},
		{"consent_100x30", 100, 30, "consent", "3 customers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, _ := newWizard(t, &fakeProgress{saved: store.WizardProgress{Current: tt.step, Done: []string{"connect"}}}, true)
			tm := tuitest.NewTestModel(t, m, tt.width, tt.height)
			want := []string{tt.waitFor}
			if tt.step == "consent" {
				// The refresh's result shows for a few seconds; wait for it
				// so that the frame is the same on every run.
				want = append(want, "Loaded 3 customers")
			}
			tuitest.WaitForText(t, tm, want...)
			tuitest.RequireGolden(t, tuitest.FinalView(t, tm))
		})
	}
}

// TestNewProgramDrawsToOutput runs the wizard's program: it draws to
// c.Output (the lock the copies share) even when opts name another output.
func TestNewProgramDrawsToOutput(t *testing.T) {
	t.Parallel()
	c, out := tuitest.NewCommon(t, common.Deps{
		Session: signedInSession{}, Customers: &simpleCustomers{list: world()}, Progress: &fakeProgress{},
	})
	p := NewProgram(c, Options{}, tea.WithInput(nil), tea.WithoutSignalHandler(), tea.WithOutput(io.Discard))
	type result struct {
		m   tea.Model
		err error
	}
	ran := make(chan result, 1)
	go func() {
		m, err := p.Run()
		ran <- result{m, err}
	}()
	p.Send(tuitestSize(100, 30)) // the output is no terminal: give the size
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Signed in as") {
		if time.Now().After(deadline) {
			p.Kill()
			t.Fatalf("the wizard did not draw to c.Output; it holds %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Send(tuitest.Key("q"))
	r := <-ran
	if r.err != nil {
		t.Fatal(r.err)
	}
	if _, ok := r.m.(Model); !ok {
		t.Errorf("the final model is %T, want tui.Model", r.m)
	}
}
