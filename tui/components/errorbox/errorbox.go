// Package errorbox is the wizard's one error box: it turns a failed
// operation into what failed, why, and what to do, from the error's kind
// (connectors.KindOf) rather than from the API that answered.
package errorbox

import (
	"errors"
	"regexp"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
)

// Explanation is what the box says about one failure.
type Explanation struct {
	What   string // "Load customers failed"
	Why    string // what happened, in one sentence
	Do     string // one action the user can take, in one sentence
	Detail string // the whole chain of causes, redacted; shown only with --debug
}

// Explain turns an ErrMsg into its Explanation. Why is the error's own
// one sentence where it has one that says more than its kind (a refusal
// naming the missing role, a GDAP that ended), else the kind's plain
// words; the chain of wrapped causes goes to Detail.
func Explain(e common.ErrMsg) Explanation {
	what := e.Op
	if what == "" {
		what = "Something"
	}
	ex := Explanation{What: what + " failed"}
	why, do := advice(e.Err)
	if e.Err != nil {
		ex.Detail = Redact(e.Err.Error())
	}
	own := ownSentence(e.Err)
	switch {
	case own != "":
		ex.Why = own
	case why != "":
		ex.Why = why
	default:
		ex.Why = ex.Detail
	}
	ex.Do = do
	return ex
}

// ownSentence is the message of the innermost classified error, when its
// kind is one whose message is specific (who refused what, which role is
// missing); "" for kinds whose service text is raw (throttling, outages).
func ownSentence(err error) string {
	var ce *connectors.Error
	if !errors.As(err, &ce) {
		return ""
	}
	for {
		var inner *connectors.Error
		if ce.Err == nil || !errors.As(ce.Err, &inner) || inner.Message == "" {
			break
		}
		ce = inner
	}
	switch ce.Kind {
	case connectors.ErrRateLimited, connectors.ErrUnavailable, connectors.ErrBadResponse:
		return ""
	}
	msg := strings.TrimSpace(Redact(ce.Message))
	if msg == "" {
		return ""
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// advice maps an error to a plain-language cause and one thing to do.
func advice(err error) (why, do string) {
	if errors.Is(err, store.ErrBusy) {
		return "Another seats is busy with this home.",
			"Close the other seats (or wait for it to finish), then try again."
	}
	switch connectors.KindOf(err) {
	case connectors.ErrSignInRequired:
		return "The sign-in to Microsoft is missing or has expired.",
			"Sign in again: run seats login, or on Connect press s (switch account)."
	case connectors.ErrConditionalAccess:
		return "A Conditional Access policy blocked this way of signing in.",
			"Press b to sign in with the browser instead."
	case connectors.ErrConsentRequired:
		return "seats has not been consented in this tenant yet.",
			"On Customers & consent, select the customer and press c (or a for every eligible customer)."
	case connectors.ErrForbidden:
		return "You are signed in, but the account lacks a role this needs.",
			"Check the GDAP roles (Privileged Role Administrator and Application Administrator for consent), or switch account."
	case connectors.ErrUnauthorized:
		return "Microsoft refused the credentials.",
			"Sign in again: on Connect press s to switch account."
	case connectors.ErrRateLimited:
		return "Microsoft is throttling requests and the retries ran out.",
			"Wait a minute, then try again."
	case connectors.ErrUnavailable:
		return "The service or the network did not answer.",
			"Check the connection, then try again (r refreshes)."
	case connectors.ErrBadResponse:
		return "The service answered with something seats cannot read.",
			"Try again; if it keeps failing, run seats with --debug and report the log."
	case connectors.ErrBadRequest:
		return "The service rejected the request.",
			"Try again; if it keeps failing, run seats with --debug and report the log."
	case connectors.ErrGDAPRequired:
		return "This needs an active GDAP relationship with the customer.",
			"Create or renew the GDAP relationship in Partner Center, then press r to refresh."
	case connectors.ErrNotFound:
		return "It does not exist, or this account cannot see it.",
			"Refresh (r) and check the customer still exists in Partner Center."
	case connectors.ErrCanceled:
		return "It was cancelled.", "Start it again when you are ready."
	}
	return "", "Try again; if it keeps failing, run seats with --debug and report the log."
}

// secretPatterns find things that look like credentials. Connector errors
// never carry them by contract; this is a second line of defence, because
// an error box is exactly what people screenshot.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9\-._~+/]+=*`),
	regexp.MustCompile(`(?i)((?:access_token|refresh_token|id_token|client_secret|password|device_code|assertion)["']?\s*[=:]\s*["']?)[^\s&"',}]+`),
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`),
}

// Redact replaces anything in s that looks like a token or secret with
// "[redacted]".
func Redact(s string) string {
	for _, re := range secretPatterns {
		if re.NumSubexp() > 0 {
			s = re.ReplaceAllString(s, "${1}[redacted]")
		} else {
			s = re.ReplaceAllString(s, "[redacted]")
		}
	}
	return s
}

// Model holds the error on show, if any.
type Model struct {
	styles  *common.Styles
	dismiss key.Binding
	err     *common.ErrMsg
	debug   bool
	hint    func(string) string
}

// SetDebug makes the box show the whole chain of causes (--debug).
func (m *Model) SetDebug(on bool) { m.debug = on }

// SetHint rewrites the commands the box names ("run seats login") the way
// the user started seats (with --sandbox, --home).
func (m *Model) SetHint(hint func(string) string) { m.hint = hint }

// New returns an empty error box.
func New(styles *common.Styles, dismiss key.Binding) Model {
	return Model{styles: styles, dismiss: dismiss}
}

// Set shows e, replacing any error on show.
func (m *Model) Set(e common.ErrMsg) { m.err = &e }

// Clear hides the box.
func (m *Model) Clear() { m.err = nil }

// Visible reports whether an error is on show.
func (m Model) Visible() bool { return m.err != nil }

// Err returns the error on show.
func (m Model) Err() (common.ErrMsg, bool) {
	if m.err == nil {
		return common.ErrMsg{}, false
	}
	return *m.err, true
}

// HandleKey dismisses the box on any key. It reports whether the key was
// used up: esc only closes the box, any other key closes it and still goes
// on to the screen (so "press b" works straight from the box).
func (m *Model) HandleKey(msg tea.KeyMsg) (consumed bool) {
	if m.err == nil {
		return false
	}
	m.err = nil
	return key.Matches(msg, m.dismiss)
}

// View renders the box at width, or "" when there is nothing to show.
func (m Model) View(width int) string {
	if m.err == nil {
		return ""
	}
	st := m.styles.ErrorBox
	ex := Explain(*m.err)
	inner := width - st.Box.GetHorizontalFrameSize()
	if inner < 20 {
		inner = 20
	}
	line := func(label, text string) string {
		// Joined side by side so wrapped lines hang under the text.
		return lipgloss.JoinHorizontal(lipgloss.Top, st.Label.Render(label), st.Text.Width(inner-len(label)).Render(text))
	}
	if m.hint != nil {
		ex.Why, ex.Do = m.hint(ex.Why), m.hint(ex.Do)
	}
	parts := []string{st.Title.Render("✗ " + ex.What)}
	if ex.Why != "" {
		parts = append(parts, line("Why: ", ex.Why))
	}
	if ex.Do != "" {
		parts = append(parts, line("Do:  ", ex.Do))
	}
	if m.debug && ex.Detail != "" && ex.Detail != ex.Why {
		parts = append(parts, line("Log: ", ex.Detail))
	}
	parts = append(parts, st.Hint.Render("esc dismiss · any other key dismisses and goes on"))
	return st.Box.Width(width - st.Box.GetHorizontalBorderSize()).Render(strings.Join(parts, "\n"))
}
