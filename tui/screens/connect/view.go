package connect

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/workflow"
)

// caReason explains AADSTS53003 in one sentence.
const caReason = "A Conditional Access policy in your tenant blocks sign-in with a device code (AADSTS53003)."

// browserWhy says when the browser sign-in is the right choice.
const browserWhy = "for tenants whose Conditional Access blocks device code"

// View implements common.Screen.
func (m *Model) View() string {
	st := m.c.Styles
	title := st.Title.Render("Connect to Microsoft")
	var body []string
	switch m.state {
	case stateChecking:
		body = []string{st.Muted.Render("Looking for a saved sign-in…")}
	case stateSignedIn:
		body = m.signedInView()
	case stateNoApp:
		body = m.noAppView()
	case stateEnterAppID:
		body = []string{
			st.Text.Render("The id of your seats application (Entra admin center, App registrations, Application (client) ID):"),
			"",
			m.appID.View(),
		}
		if m.appErr != "" {
			body = append(body, "", st.Bad.Render("✗ ")+st.Text.Render(m.appErr))
		}
		body = append(body, "", st.Muted.Render("enter saves it in config.yaml · esc goes back"))
	case stateConfirmSwitch:
		body = []string{
			st.Text.Render("Signed in as ") + st.Bold.Render(accountName(m.account)) + st.Text.Render("."),
			"",
			st.Bold.Render("Sign in with another account?") + st.Text.Render(" This sign-in stays until the new one succeeds;"+
				" esc during the new sign-in comes back to it."),
			"",
			st.Key.Render("y") + st.Text.Render(" sign in with another account   ") + st.Key.Render("n") + st.Text.Render(" keep this one"),
		}
	case stateStarting:
		body = []string{
			st.Muted.Render("Asking Microsoft for a sign-in code…"),
			"",
			m.browserHint(false),
		}
	case stateWaiting:
		body = m.waitingView()
	case stateExpired:
		again := "Press " + st.Key.Render("n") + " for a new code"
		if m.c.CanOpenURL() {
			again += ", or " + st.Key.Render("b") + " to sign in with the browser"
		}
		body = []string{
			st.Warn.Render("! The sign-in code expired before the sign-in finished."),
			again + ".",
		}
	case stateCancelled:
		head := "Sign-in cancelled"
		if why := microsoftSays(m.failure); why != "" {
			head = "Sign-in stopped: " + why
		}
		body = []string{
			st.Text.Render(head+" — press ") + st.Key.Render("n") + st.Text.Render(" for a new code."),
			"",
			m.browserHint(false),
		}
	case stateBrowser:
		body = m.browserView()
	case stateFailed:
		body = m.failedView()
	}
	if m.switching && m.state != stateSignedIn {
		body = append(body, "", st.Muted.Render("Switching account: ")+st.Key.Render("esc")+
			st.Muted.Render(" keeps the sign-in of "+accountName(m.previous)+"."))
	}
	lines := append([]string{title, ""}, body...)
	top := m.wrap(strings.Join(lines, "\n"))
	if m.state != stateSignedIn || len(m.forms) == 0 {
		return top
	}
	parts := []string{top}
	for i, f := range m.forms {
		if i == m.front {
			parts = append(parts, "", f.View())
			continue
		}
		// One form at a time: the others are one line each.
		if c, ok := f.Connected(); ok {
			parts = append(parts, st.Good.Render("✓ ")+st.Text.Render(c.Summary))
		} else if m.front < 0 {
			parts = append(parts, st.Warn.Render("○ ")+st.Text.Render(m.titles[i]+": not connected, press ")+st.Key.Render(string(f.ID()[0])))
		}
	}
	return strings.Join(parts, "\n")
}

// nextLine says what enter does now: continue, or connect what is left.
func (m *Model) nextLine() string {
	st := m.c.Styles
	if m.front >= 0 {
		return st.Text.Render("Now connect the sources you chose, below.")
	}
	if len(m.forms) == 0 {
		return "Press " + st.Key.Render("enter") + " to continue to Customers & consent, or " + st.Key.Render("s") + " to switch account."
	}
	return "Press " + st.Key.Render("enter") + " to continue to Customers & consent, " + st.Key.Render("s") + " to switch account, " +
		st.Key.Render("d") + "/" + st.Key.Render("p") + " to change the distributor or PSA connection."
}

func (m *Model) signedInView() []string {
	st := m.c.Styles
	a := m.account
	lines := []string{
		st.Good.Render("✓ Signed in as ") + st.Bold.Render(accountName(a)),
		st.Muted.Render("  Partner tenant  ") + st.Text.Render(orUnknown(a.PartnerTenantID)),
		"",
		m.nextLine(),
	}
	if len(m.checks) > 0 && m.front >= 0 {
		// A form is in front: it needs the room; the checks come back
		// once it is done.
		return lines
	}
	if len(m.checks) > 0 {
		lines = append(lines, "", st.Bold.Render("Ready to work?"))
		for _, c := range compactChecks(m.checks) {
			mark, style := "✓", st.Good
			switch c.Status {
			case workflow.CheckWarn:
				mark, style = "!", st.Warn
			case workflow.CheckFail:
				mark, style = "✗", st.Bad
			}
			lines = append(lines, style.Render(mark+" "+c.Name)+st.Muted.Render(" · ")+st.Text.Render(c.Detail))
			if c.Fix != "" && c.Status != workflow.CheckOK {
				lines = append(lines, st.Muted.Render("  fix: "+m.c.Hint(c.Fix)))
			}
		}
	}
	return lines
}

// compactChecks fits the readiness check to the screen: the sign-in is
// shown above already, skipped checks say nothing, and TLS that works
// everywhere is one line.
func compactChecks(checks []workflow.Check) []workflow.Check {
	var out []workflow.Check
	var tlsOK []string
	for _, c := range checks {
		switch {
		case c.Name == "Sign-in" && c.Status == workflow.CheckOK, c.Status == workflow.CheckSkip:
		case strings.HasPrefix(c.Name, "TLS ") && c.Status == workflow.CheckOK:
			tlsOK = append(tlsOK, strings.TrimPrefix(c.Name, "TLS "))
		default:
			out = append(out, c)
		}
	}
	if len(tlsOK) > 0 {
		out = append(out, workflow.Check{Name: "TLS", Status: workflow.CheckOK, Detail: strings.Join(tlsOK, ", ")})
	}
	return out
}

// noAppView offers the two ways to an application id.
func (m *Model) noAppView() []string {
	st := m.c.Styles
	return []string{
		st.Text.Render("seats signs in as an application registered in your partner tenant, and none is set yet (microsoft.client_id)."),
		"",
		st.Key.Render("c") + "  " + st.Bold.Render("Create the seats application in my partner tenant"),
		st.Muted.Render("   Sign in once as an administrator (Application Administrator, Cloud Application Administrator or" +
			" Global Administrator) through Microsoft Graph Command Line Tools; seats creates the application with" +
			" exactly the permissions it uses, grants admin consent and saves its id."),
		"",
		st.Key.Render("i") + "  " + st.Bold.Render("I have one: enter its id"),
		st.Muted.Render("   An application you registered by hand (see the README, \"Your Microsoft application\")."),
	}
}

func (m *Model) waitingView() []string {
	st := m.c.Styles
	dc := m.code
	var lines []string
	switch {
	case m.height < 20:
	case m.lapsed:
		// The status line says it too, but only for a few seconds.
		lines = append(lines, st.Warn.Render("! "+signInLapsed+"."), "")
	default:
		lines = append(lines, st.Muted.Render("Sign in with an account of your partner tenant (your own, not a customer's)."), "")
	}
	where := "Open"
	if !m.c.CanOpenURL() {
		where = "Open this link on any device"
	}
	if m.appFlow {
		lines = append([]string{st.Text.Render("To create seats' application, sign in as an administrator of your partner tenant" +
			" (Microsoft Graph Command Line Tools asks for Application.ReadWrite.All and DelegatedPermissionGrant.ReadWrite.All)."), ""}, lines...)
	}
	lines = append(lines,
		st.Bold.Render("1. "+where+": ")+st.Link.Render(dc.VerificationURL),
		st.Bold.Render("2. Enter this code:"),
	)

	side := []string{m.countdown()}
	if m.copied {
		side = append(side, st.Text.Render("Sent to your clipboard (OSC 52)"))
	}
	if m.c.CanOpenURL() {
		side = append(side, "", "Press "+st.Key.Render("enter")+" to open the link")
	}
	code := st.Code.Render(spaced(dc.UserCode))
	lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Center, code, "   ", strings.Join(side, "\n")))

	if dc.Message != "" && m.height >= 18 {
		lines = append(lines, "", st.Muted.Render("Microsoft: "+dc.Message))
	}
	if m.appFlow {
		return append(lines, "", st.Text.Render("Waiting for you to sign in; then seats creates the application…"))
	}
	lines = append(lines, "", st.Text.Render("Waiting for you to finish signing in…"), m.browserHint(false))
	return lines
}

func (m *Model) browserView() []string {
	st := m.c.Styles
	return []string{
		st.Text.Render("Signing in with the browser (" + browserWhy + ")…"),
		st.Muted.Render("Finish the sign-in in the browser window that opened on this computer."),
		"",
		"Press " + st.Key.Render("esc") + " to cancel, or " + st.Key.Render("n") + " to use a device code instead.",
	}
}

func (m *Model) failedView() []string {
	st := m.c.Styles
	if m.blockedByCA {
		if !m.c.CanOpenURL() {
			return []string{
				st.Bad.Render("✗ Microsoft refused the device code sign-in."),
				st.Text.Render(caReason),
				"",
				st.Text.Render("No browser can be opened on this machine, so the browser sign-in cannot help here:" +
					" sign in on a computer with a browser (" + m.c.Hint("seats login --browser") + "), or ask your" +
					" Entra admin to let this account use device code."),
				"Or press " + st.Key.Render("n") + " to try a new code.",
			}
		}
		return []string{
			st.Bad.Render("✗ Microsoft refused the device code sign-in."),
			st.Text.Render(caReason),
			"",
			m.browserHint(true),
			"Or press " + st.Key.Render("n") + " to try a new code.",
		}
	}
	if m.appFlow {
		return []string{
			st.Bad.Render("✗ Creating the seats application failed. ") + st.Text.Render(kindSentence(m.failure)),
			"",
			"Press " + st.Key.Render("c") + " to try again, or " + st.Key.Render("i") + " to enter the id of an application you have.",
		}
	}
	reason := "Microsoft did not sign you in."
	if m.failure != nil {
		reason = kindSentence(m.failure)
	}
	again := "Press " + st.Key.Render("n") + " for a new code"
	if m.c.CanOpenURL() {
		again += ", or " + st.Key.Render("b") + " to sign in with the browser (" + browserWhy + ")"
	}
	return []string{
		st.Bad.Render("✗ Sign-in failed. ") + st.Text.Render(reason),
		"",
		again + ".",
	}
}

// browserHint offers b; hot highlights it (and says so in text, for
// NO_COLOR) after a Conditional Access refusal. Where no browser can be
// opened it offers nothing.
func (m *Model) browserHint(hot bool) string {
	st := m.c.Styles
	if !m.c.CanOpenURL() {
		return ""
	}
	if hot {
		return st.Bold.Render("→ Press ") + st.KeyHot.Render(" b ") +
			st.Bold.Render(" to sign in with the browser instead.") + "\n" +
			st.Muted.Render("  The browser sign-in is "+browserWhy+".")
	}
	return st.Muted.Render("Device code blocked? Press ") + st.Key.Render("b") +
		st.Muted.Render(" to sign in with the browser ("+browserWhy+").")
}

func (m *Model) countdown() string {
	st := m.c.Styles
	left := m.remaining()
	if left < 0 {
		left = 0
	}
	text := "Expires in " + clock(left)
	if left < time.Minute {
		return st.Warn.Render("! " + text)
	}
	return st.Text.Render(text)
}

// wrap fits running text to the screen width; lines already narrower are
// left alone, so the code box keeps its shape.
func (m *Model) wrap(s string) string {
	if m.width <= 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if lipgloss.Width(l) > m.width {
			lines[i] = m.c.Styles.Text.Width(m.width).Render(l)
		}
	}
	return strings.Join(lines, "\n")
}

// spaced puts a space between the code's characters so it reads at a glance
// and is hard to mistype.
func spaced(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d/time.Minute), int(d%time.Minute/time.Second))
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// kindSentence says in a few words why a sign-in failed; the error box
// carries the details.
func kindSentence(err error) string {
	switch connectors.KindOf(err) {
	case connectors.ErrUnauthorized:
		return "Microsoft refused the sign-in (declined, or the account cannot use this app)."
	case connectors.ErrForbidden:
		return "The account is not allowed to sign in to this app."
	case connectors.ErrUnavailable:
		return "Microsoft could not be reached."
	case connectors.ErrRateLimited:
		return "Microsoft is throttling sign-ins; wait a minute."
	case connectors.ErrConsentRequired:
		return "The app needs consent in your partner tenant first."
	}
	if msg := microsoftSays(err); msg != "" {
		return msg + "."
	}
	return "The box below says why."
}

// microsoftSays is the service's own one-line explanation in err, if any.
func microsoftSays(err error) string {
	var e *connectors.Error
	if errors.As(err, &e) && e.Message != "" {
		return strings.TrimSuffix(e.Message, ".")
	}
	return ""
}
