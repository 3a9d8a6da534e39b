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
	cmd, err := root.ExecuteContextC(ctx)
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
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "seats: %v\nUsage: %s\nRun '%s --help' for more.\n", err, cmd.UseLine(), cmd.CommandPath())
		return exitUsage
	}
	fmt.Fprintf(stderr, "seats: %s\n", f.explain(err))
	return exitError
}

// flagErrors turns cobra's flag errors into usage errors (exit 2).
func flagErrors(cmd *cobra.Command, err error) error { return usageError{err} }

// usageArgs makes a command's argument check a usage error (exit 2): an
// unknown command ("seats fly") and stray arguments are bad usage, not a
// failure. A command with subcommands and no check of its own takes none.
func usageArgs(c *cobra.Command) {
	check := c.Args
	if check == nil {
		check = cobra.NoArgs
	}
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
	c.SetFlagErrorFunc(flagErrors)
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}
