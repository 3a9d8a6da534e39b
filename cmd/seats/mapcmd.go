package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/natefinch/atomic"
	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors/workflow"
	"github.com/seats-msp/seats/reconcile"
)

// Matching is the matching workflow over the store.
func (f *factory) Matching() (*workflow.Matching, error) {
	st, err := f.Store()
	if err != nil {
		return nil, err
	}
	return &workflow.Matching{Keep: st}, nil
}

// mapKind is one kind of mapping file.
type mapKind struct {
	name   string
	export func(w io.Writer, v workflow.MatchView) error
	// imp checks the file against v and returns the mappings to save
	// (only the kind's own field set) and the changes.
	imp func(r io.Reader, v workflow.MatchView) (reconcile.Mappings, []reconcile.MappingChange, error)
}

var mapKinds = []mapKind{
	{
		name:   "accounts",
		export: func(w io.Writer, v workflow.MatchView) error { return reconcile.ExportAccounts(w, v.Accounts) },
		imp: func(r io.Reader, v workflow.MatchView) (reconcile.Mappings, []reconcile.MappingChange, error) {
			ms, changes, err := reconcile.ImportAccounts(r, reconcile.AccountImportInput{Current: v.Accounts,
				DistributorAccounts: v.DistributorAccounts, PSACompanies: v.PSACompanies})
			return reconcile.Mappings{Accounts: ms}, changes, err
		},
	},
	{
		name:   "products",
		export: func(w io.Writer, v workflow.MatchView) error { return reconcile.ExportProducts(w, v.Products) },
		imp: func(r io.Reader, v workflow.MatchView) (reconcile.Mappings, []reconcile.MappingChange, error) {
			ms, changes, err := reconcile.ImportProducts(r, v.Products, v.Catalog)
			return reconcile.Mappings{Products: ms}, changes, err
		},
	},
	{
		name:   "skus",
		export: func(w io.Writer, v workflow.MatchView) error { return reconcile.ExportSkuTies(w, v.Skus) },
		imp: func(r io.Reader, v workflow.MatchView) (reconcile.Mappings, []reconcile.MappingChange, error) {
			ms, changes, err := reconcile.ImportSkuTies(r, v.Skus)
			return reconcile.Mappings{Skus: ms}, changes, err
		},
	},
}

func newMapCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "map",
		Short: "Show, export and import the matches of customers, products and SKUs",
		Long: `Without a subcommand, print how many matches of each kind are mapped, suggested, unmapped and
excluded. 'seats map accounts|products|skus export' writes a CSV of one kind (a blank cell means
unmapped); 'import FILE' reads it back: every row is checked first, and nothing changes unless the
whole file is valid. Imported matches count as made by hand.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := f.Matching()
			if err != nil {
				return err
			}
			v, err := m.Refresh()
			if err != nil {
				return err
			}
			printMapCounts(f.stderr, v)
			return nil
		},
	}
	for _, k := range mapKinds {
		cmd.AddCommand(newMapKindCmd(f, k))
	}
	return cmd
}

func newMapKindCmd(f *factory, k mapKind) *cobra.Command {
	cmd := &cobra.Command{
		Use:   k.name,
		Short: "Export or import the " + k.name + " mapping file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{fmt.Errorf("say export or import: seats map %s export [-o FILE], seats map %s import FILE [--dry-run]", k.name, k.name)}
		},
	}
	var out string
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the " + k.name + " mapping file (CSV) to stdout or -o FILE",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := f.Matching()
			if err != nil {
				return err
			}
			v, err := m.Refresh()
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := k.export(&b, v); err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err := f.stdout.Write(b.Bytes())
				return err
			}
			if err := atomic.WriteFile(out, &b); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			fmt.Fprintf(f.stderr, "Wrote %s.\n", out)
			return nil
		},
	}
	export.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")

	var dryRun bool
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Check and apply a " + k.name + " mapping file (all or nothing)",
		Args:  exactArgs(1, "give the file to import: seats map "+k.name+" import FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read %s: %w", args[0], err)
			}
			m, err := f.Matching()
			if err != nil {
				return err
			}
			v, err := m.Refresh()
			if err != nil {
				return err
			}
			st, err := f.Store()
			if err != nil {
				return err
			}
			// The file is checked against the mappings as they are inside
			// the write, so a match made meanwhile (the wizard) is neither
			// lost nor silently overwritten; --dry-run writes nothing.
			var changes []reconcile.MappingChange
			errDryRun := errors.New("dry run")
			err = st.UpdateMappings(func(mp *reconcile.Mappings) error {
				now := v
				now.Mappings = *mp
				next, ch, err := k.imp(bytes.NewReader(data), now)
				if err != nil {
					return err
				}
				changes = ch
				if dryRun {
					return errDryRun
				}
				if next.Accounts != nil {
					mp.Accounts = next.Accounts
				}
				if next.Products != nil {
					mp.Products = next.Products
				}
				if next.Skus != nil {
					mp.Skus = next.Skus
				}
				return nil
			})
			var ie *reconcile.ImportError
			switch {
			case errors.As(err, &ie):
				return fmt.Errorf("%s: %w", args[0], err)
			case errors.Is(err, errDryRun):
				for _, c := range changes {
					fmt.Fprintln(f.stderr, c.String())
				}
				fmt.Fprintf(f.stderr, "%d change(s); nothing saved (--dry-run).\n", len(changes))
				return nil
			case err != nil:
				return err
			}
			for _, c := range changes {
				fmt.Fprintln(f.stderr, c.String())
			}
			fmt.Fprintf(f.stderr, "%d change(s) saved. Next: %s\n", len(changes), f.hint("reconcile"))
			return nil
		},
	}
	imp.Flags().BoolVar(&dryRun, "dry-run", false, "show what would change, change nothing")
	cmd.AddCommand(export, imp)
	return cmd
}

// exactArgs is cobra.ExactArgs with a message that says what to give.
func exactArgs(n int, msg string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{errors.New(msg)}
		}
		return nil
	}
}

// mapCounts counts one kind's matches by state.
type mapCounts struct{ Mapped, Suggested, Unmapped, Excluded int }

func printMapCounts(w io.Writer, v workflow.MatchView) {
	var acc, prod, sku mapCounts
	for _, a := range v.Accounts {
		switch a.State() {
		case reconcile.StateAuto, reconcile.StateConfirmed:
			acc.Mapped++
		case reconcile.StateSuggested:
			acc.Suggested++
		case reconcile.StateExcluded:
			acc.Excluded++
		default:
			acc.Unmapped++
		}
	}
	for _, p := range v.Products {
		switch {
		case p.Matched():
			prod.Mapped++
		case p.State == reconcile.StateSuggested:
			prod.Suggested++
		default:
			prod.Unmapped++
		}
	}
	for _, t := range v.Skus {
		if t.Tied() {
			sku.Mapped++
		} else {
			sku.Unmapped++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tMAPPED\tSUGGESTED\tUNMAPPED\tEXCLUDED")
	fmt.Fprintf(tw, "accounts\t%d\t%d\t%d\t%d\n", acc.Mapped, acc.Suggested, acc.Unmapped, acc.Excluded)
	fmt.Fprintf(tw, "products\t%d\t%d\t%d\t-\n", prod.Mapped, prod.Suggested, prod.Unmapped)
	fmt.Fprintf(tw, "skus\t%d\t-\t%d\t-\n", sku.Mapped, sku.Unmapped)
	tw.Flush()
}
