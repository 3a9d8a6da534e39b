package main

import (
	"errors"
	"strings"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/connectors/csvfile"
	"github.com/seats-msp/seats/store"
	"github.com/seats-msp/seats/tui/common"
)

// explain says what went wrong in one sentence and what to do in another,
// with every seats command in them spelled the way this run was typed
// (--sandbox, --home). The whole chain of causes is for --debug: it names
// every layer, which helps a bug report and hides the point from a person.
func (f *factory) explain(err error) string {
	if f.debug {
		return f.withFlags(err.Error())
	}
	what := sentence(headline(err))
	do := whatToDo(err)
	if do == "" || strings.Contains(what, "`seats ") || strings.Contains(strings.ToLower(what), do) {
		return f.withFlags(what)
	}
	return f.withFlags(what + "\n" + do)
}

// headline is the one sentence an error carries for people: the message
// of the innermost classified error, else the error's own text.
func headline(err error) string {
	var ce *connectors.Error
	if errors.As(err, &ce) {
		for {
			var inner *connectors.Error
			if ce.Err == nil || !errors.As(ce.Err, &inner) || inner.Message == "" {
				break
			}
			ce = inner
		}
		if ce.Message != "" {
			return ce.Message
		}
	}
	if errors.Is(err, connectors.ErrCanceled) {
		return "cancelled"
	}
	return err.Error()
}

// whatToDo is the one thing to do about an error of this kind, or "".
func whatToDo(err error) string {
	if errors.Is(err, store.ErrBusy) {
		return "Close the other seats (or wait for it), then try again."
	}
	var fileErr *csvfile.FileError
	if errors.As(err, &fileErr) {
		// The problems are the file's, each named by its line and column:
		// trying again as it is changes nothing.
		return "Fix those lines in the file (`seats distributor template` shows the layout), then run the command again."
	}
	switch connectors.KindOf(err) {
	case connectors.ErrSignInRequired:
		return "Sign in with `seats login`."
	case connectors.ErrConditionalAccess:
		return "Sign in with the browser: `seats login --browser`."
	case connectors.ErrGDAPRequired:
		return "Create or renew the GDAP relationship in Partner Center, then run `seats status --refresh`."
	case connectors.ErrForbidden:
		return "Check the account's roles (consent needs Privileged Role Administrator and Application Administrator through GDAP), or sign in with another account (`seats login`)."
	case connectors.ErrConsentRequired:
		return "Consent seats there first: `seats consent --tenant ID --method partner` (or `--method admin`)."
	case connectors.ErrUnavailable:
		return "Check the network connection, then try again."
	case connectors.ErrRateLimited:
		return "Wait a minute, then try again."
	case connectors.ErrBadResponse, connectors.ErrBadRequest:
		return "Try again; if it keeps failing, run the command again with --debug and report the log it names."
	case connectors.ErrNotFound:
		return "Check the name, domain or tenant id with `seats status`."
	}
	return ""
}

// sentence starts s with a capital and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	// A first word that is a file or a setting ("config.yaml", "microsoft.cloud")
	// keeps its case.
	if first, _, _ := strings.Cut(s, " "); !strings.ContainsAny(first, "./`:_") {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// withFlags spells every "seats <command>" in text with the flags this run
// needs to reach the same home (--sandbox, --home), so that copying a hint
// works.
func (f *factory) withFlags(text string) string {
	return common.WithCommand(strings.Trim(f.hint(""), "`"), text)
}
