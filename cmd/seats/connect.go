package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/seats-msp/seats/connectors"
	"github.com/seats-msp/seats/store/config"
)

func newConnectCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connect",
		Short: "Connect the distributor or the PSA (without the wizard)",
		Long: `Connect a distributor or a PSA from the command line, for scripts and servers: the same as the
wizard's Connect step. seats tests the connection before it saves anything. Settings go to
config.yaml; the secret goes to the secret store (OS keyring, or <home>/secrets), never to
config.yaml. The secret is never a flag: give it on stdin with --secret-stdin, in its
environment variable (then it is not stored), or type it when asked.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to connect: seats connect distributor, or seats connect psa")}
		},
	}
	cmd.AddCommand(newConnectSideCmd(f, connectors.KindDistributor), newConnectSideCmd(f, connectors.KindPSA))
	return cmd
}

// connectOptions are one `seats connect <side>` run's flags.
type connectOptions struct {
	kind        string
	secretStdin bool
	values      map[string]*string // flag name -> its value, for the flags given
}

func newConnectSideCmd(f *factory, side connectors.ConnectorKind) *cobra.Command {
	o := &connectOptions{values: map[string]*string{}}
	names := sourceNames(side)
	cmd := &cobra.Command{
		Use:   strings.ToLower(sourceSide(side)),
		Short: "Connect the " + sourceSide(side) + " (" + strings.Join(names, ", ") + ")",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name := range o.values {
				if !cmd.Flags().Changed(name) {
					delete(o.values, name)
				}
			}
			return runConnect(cmd.Context(), f, side, o)
		},
	}
	cmd.Flags().StringVar(&o.kind, "kind", "", "which "+sourceSide(side)+": "+strings.Join(names, ", "))
	cmd.Flags().BoolVar(&o.secretStdin, "secret-stdin", false, "read the secrets from stdin, one a line, in the order the kind asks for them")
	// One flag per setting name; kinds that share a name (--url, --client-id)
	// share the flag, and its help lists each kind's key.
	var order []string
	help := map[string][]string{}
	for _, k := range sourceKinds {
		if k.side != side {
			continue
		}
		for _, fld := range k.fields {
			if _, seen := help[fld.flag]; !seen {
				order = append(order, fld.flag)
			}
			help[fld.flag] = append(help[fld.flag], k.name+": "+fld.label+" ("+fld.key+"), "+fld.help)
		}
	}
	for _, name := range order {
		v := new(string)
		o.values[name] = v
		cmd.Flags().StringVar(v, name, "", strings.Join(help[name], "; "))
	}
	return cmd
}

func runConnect(ctx context.Context, f *factory, side connectors.ConnectorKind, o *connectOptions) error {
	cfg, err := f.Config(ctx)
	if err != nil {
		return err
	}
	k, err := pickKind(cfg, side, o.kind)
	if err != nil {
		return err
	}
	in := bufio.NewReader(f.stdin)
	interactive := isTerminal(f.stdin) && !o.secretStdin

	values := k.values(cfg)
	changes := map[string]any{}
	if o.kind != "" || cfg.String(sideKey(side)) != k.name {
		changes[sideKey(side)] = k.name
	}
	for name := range o.values {
		if !slices.ContainsFunc(k.fields, func(fld sourceField) bool { return fld.flag == name }) {
			return usageError{fmt.Errorf("--%s is not a setting of %s (it takes %s)", name, displayName(k), flagList(k))}
		}
	}
	for _, fld := range k.fields {
		if v, given := o.values[fld.flag]; given {
			values[fld.key] = strings.TrimSpace(*v)
			changes[fld.key] = values[fld.key]
		}
		if values[fld.key] != "" || fld.optional {
			continue
		}
		if !interactive {
			return usageError{fmt.Errorf("%s is not set: give --%s or set %s in %s", fld.key, fld.flag, fld.key, config.FileName)}
		}
		v, err := prompt(in, f.stderr, fld.label+" ("+fld.help+"): ")
		if err != nil {
			return err
		}
		values[fld.key], changes[fld.key] = v, v
	}

	secrets, err := f.Secrets()
	if err != nil {
		return err
	}
	secretValues := map[string]string{}
	var typed []string         // secret keys given on stdin or at the prompt: stored once proven
	var fromElsewhere []string // where the others came from, for the last lines
	for _, sec := range k.secrets {
		value, from, err := connectSecret(f, sec, o, in, secrets, interactive)
		if err != nil {
			return err
		}
		secretValues[sec.key] = value
		if from == "stdin" || from == "prompt" {
			typed = append(typed, sec.key)
		} else {
			note := from
			if sec.rotating {
				note += "; the one it was exchanged for is kept in the " + f.SecretsBackend()
			}
			fromElsewhere = append(fromElsewhere, strings.ToLower(sec.label)+" ("+note+")")
		}
	}

	before := storedRotating(k, secrets)
	client, err := f.buildSource(ctx, k, values, secretValues)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.stderr, "Testing the connection to %s...\n", displayName(k))
	summary, err := checkSource(ctx, client)
	if err != nil {
		return err
	}
	replaced := replacedSince(secrets, before)

	// Proven: now keep it.
	if len(changes) > 0 {
		if err := cfg.Save(changes); err != nil {
			return fmt.Errorf("the connection works, but its settings could not be saved: %w", err)
		}
	}
	for _, key := range typed {
		if replaced[key] {
			continue // the test spent it; the client kept the one it got for it
		}
		if err := secrets.Set(key, []byte(secretValues[key])); err != nil {
			return fmt.Errorf("the connection works, but the secret could not be stored: %w", err)
		}
	}
	st, err := f.Store()
	if err != nil {
		return err
	}
	if err := recordConnection(st, side, k.name, summary); err != nil {
		return err
	}
	fmt.Fprintf(f.stderr, "Connected. %s\n", summary)
	if len(typed) > 0 {
		if len(typed) == 1 {
			fmt.Fprintf(f.stderr, "The secret is kept in the %s.\n", f.SecretsBackend())
		} else {
			fmt.Fprintf(f.stderr, "The %d secrets are kept in the %s.\n", len(typed), f.SecretsBackend())
		}
	}
	if len(fromElsewhere) > 0 {
		fmt.Fprintf(f.stderr, "Used as found: the %s.\n", strings.Join(fromElsewhere, ", the "))
	}
	fmt.Fprintf(f.stderr, "Next: %s reads it with Microsoft.\n", f.hint("sync"))
	return nil
}

// sideKey is the config key that chooses a side's kind.
func sideKey(side connectors.ConnectorKind) string {
	if side == connectors.KindPSA {
		return config.KeyPSAKind
	}
	return config.KeyDistributorKind
}

// pickKind chooses the kind to connect: --kind, else the configured one,
// else the only one this build knows.
func pickKind(cfg *config.Config, side connectors.ConnectorKind, flag string) (sourceKind, error) {
	names := sourceNames(side)
	name := flag
	if name == "" {
		name = cfg.String(sideKey(side))
	}
	if name == "" && len(names) == 1 {
		name = names[0]
	}
	if name == "" {
		return sourceKind{}, usageError{fmt.Errorf("say which %s with --kind (%s)", sourceSide(side), strings.Join(names, ", "))}
	}
	k, ok := lookupSource(side, name)
	if !ok {
		return sourceKind{}, usageError{fmt.Errorf("--kind %s: seats knows the %ss %s", name, sourceSide(side), strings.Join(names, ", "))}
	}
	return k, nil
}

// connectSecret gets one secret to test: from stdin (one line per secret,
// in the kind's order), the environment, a masked prompt, or (re-testing a
// connection) the secret store. from says which; only what came from stdin
// or the prompt is stored afterwards.
func connectSecret(f *factory, sec sourceSecret, o *connectOptions, in *bufio.Reader, secrets secretGetter, interactive bool) (value, from string, err error) {
	if o.secretStdin {
		line, err := in.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", "", fmt.Errorf("could not read the %s from stdin: %w", strings.ToLower(sec.label), err)
		}
		if line = strings.TrimRight(line, "\r\n"); line == "" {
			return "", "", usageError{fmt.Errorf("--secret-stdin: stdin held no %s (give each secret on a line of its own)", strings.ToLower(sec.label))}
		}
		return line, "stdin", nil
	}
	if v := os.Getenv(sec.env()); v != "" && !sec.rotating {
		return v, "env " + sec.env(), nil
	}
	if interactive {
		file := f.stdin.(*os.File)
		fmt.Fprintf(f.stderr, "%s (typed, not shown): ", sec.label)
		b, err := term.ReadPassword(int(file.Fd()))
		fmt.Fprintln(f.stderr)
		if err != nil {
			return "", "", fmt.Errorf("read the %s: %w", strings.ToLower(sec.label), err)
		}
		if len(b) == 0 {
			return "", "", fmt.Errorf("no %s typed: nothing was changed", strings.ToLower(sec.label))
		}
		return string(b), "prompt", nil
	}
	if v, from, err := resolveSecret(sec, secrets); err == nil {
		return v, from, nil
	}
	return "", "", usageError{fmt.Errorf("the %s is needed: pipe it with --secret-stdin or set %s", strings.ToLower(sec.label), sec.env())}
}

// storedRotating reads the stored value of each rotating secret of k ("" when
// none), before a connection test.
func storedRotating(k sourceKind, secrets secretGetter) map[string]string {
	out := map[string]string{}
	for _, sec := range k.secrets {
		if sec.rotating && secrets != nil {
			v, _ := secrets.Get(sec.key)
			out[sec.key] = string(v)
		}
	}
	return out
}

// replacedSince names the rotating secrets whose stored value changed
// since before: the connection test exchanged the one given (TD SYNNEX's
// refresh token works once) and the client kept the new one itself. Storing
// the given one after the test would put back a used-up token, and the next
// sync would fail.
func replacedSince(secrets secretGetter, before map[string]string) map[string]bool {
	out := map[string]bool{}
	for key, was := range before {
		if v, err := secrets.Get(key); err == nil && string(v) != was {
			out[key] = true
		}
	}
	return out
}

// checkSource runs a client's test call, or reads everything where the
// kind has no cheap check, and returns the line people see.
func checkSource(ctx context.Context, client any) (string, error) {
	switch c := client.(type) {
	case connectors.DistributorChecker:
		res, err := c.Check(ctx)
		if err != nil {
			return "", err
		}
		return res.String(), nil
	case connectors.PSAChecker:
		res, err := c.Check(ctx)
		if err != nil {
			return "", err
		}
		return res.String(), nil
	case connectors.Distributor:
		accounts, err := c.Accounts(ctx)
		if err != nil {
			return "", err
		}
		subs, err := c.Subscriptions(ctx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d accounts, %d subscriptions", len(accounts), len(subs)), nil
	}
	return "", fmt.Errorf("seats cannot test a %T", client)
}

func displayName(k sourceKind) string { return connectors.Default.DisplayName(k.name, "") }

// prompt asks for one line.
func prompt(in *bufio.Reader, out io.Writer, question string) (string, error) {
	fmt.Fprint(out, question)
	line, err := in.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return "", errors.New("nothing typed: nothing was changed")
	}
	return line, nil
}

// osUser is the operating-system user, for the record of who connected or
// wrote.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, name := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return "unknown"
}

// flagList names the flags a kind takes, for messages.
func flagList(k sourceKind) string {
	if len(k.fields) == 0 {
		return "no settings"
	}
	var out []string
	for _, fld := range k.fields {
		out = append(out, "--"+fld.flag)
	}
	return strings.Join(out, ", ")
}
