package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/natefinch/atomic"
	"github.com/spf13/cobra"

	"github.com/seats-msp/seats/connectors/csvfile"
	"github.com/seats-msp/seats/store/config"
)

func newDistributorCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "distributor",
		Short: "Help with the distributor (the CSV file's layout)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: seats distributor template")}
		},
	}
	var out string
	var force bool
	template := &cobra.Command{
		Use:   "template",
		Short: "Write an example distributor CSV file, for distributor.kind csv",
		Long: `Write an example of the CSV file seats reads when the distributor has no API (distributor.kind
csv): the header with every column seats knows and a few rows. Fill it from your distributor's
invoice or export, then connect it with 'seats connect distributor --kind csv --path FILE'.
Every problem in a file is reported with its line and column, and a file with a problem
changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data := csvfile.Template()
			if out == "" || out == "-" {
				_, err := f.stdout.Write(data)
				return err
			}
			if _, err := os.Stat(out); err == nil && !force {
				return usageError{fmt.Errorf("%s exists: give --force to replace it, or another --output", out)}
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if err := atomic.WriteFile(out, bytes.NewReader(data)); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			fmt.Fprintf(f.stderr, "Wrote %s. Fill it in, then: %s\n", out, f.hint("connect distributor --kind csv --path "+out))
			fmt.Fprintf(f.stderr, "(%s takes the file's path.)\n", config.KeyCSVPath)
			return nil
		},
	}
	template.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	template.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	cmd.AddCommand(template)
	return cmd
}
