package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store"
)

// Exit codes, documented in the README: scripts rely on them.
const (
	exitOK      = 0
	exitError   = 1
	exitUsage   = 2
	exitPartial = 3 // the command ran, but some customers failed (consent, sync)
)

// errPartial marks a command that finished with some customers failed.
var errPartial = errors.New("some customers failed")

// usageError marks bad flags or arguments.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run builds the command tree and executes it. Output for people goes to
// stderr, output for programs (JSON) to stdout.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	f := &factory{stdin: stdin, stdout: stdout, stderr: stderr}
	defer f.Close()
	root := newRootCmd(f)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, connectors.ErrSignInRequired) && f.st != nil {
		// The sign-in is gone: stop naming it in status.
		_ = f.st.ClearAccount()
	}
	if errors.Is(err, errPartial) {
		return exitPartial
	}
	if errors.Is(err, errFindings) {
		return exitFindings
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "seats: %v\nRun 'seats --help' for usage.\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "seats: %s\n", explain(err))
	return exitError
}

// explain adds what to do to the errors people meet most.
func explain(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, store.ErrBusy):
		return msg
	case errors.Is(err, connectors.ErrSignInRequired):
		// The connector's message already says what to do, in one sentence.
		var ce *connectors.Error
		if errors.As(err, &ce) && ce.Message != "" {
			return ce.Message
		}
		return msg + "\nSign in with: seats login"
	case errors.Is(err, connectors.ErrConditionalAccess):
		return msg
	case errors.Is(err, connectors.ErrCanceled):
		return "cancelled"
	}
	return msg
}

// flagErrors turns cobra's flag errors into usage errors (exit 2).
func flagErrors(cmd *cobra.Command, err error) error { return usageError{err} }
