package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newGenerateOpenAPICmd builds `infgen generate openapi SPEC --out DIR`.
func newGenerateOpenAPICmd() *cobra.Command {
	var out, pkg string
	cmd := &cobra.Command{
		Use:   "openapi SPEC --out DIR [--package NAME]",
		Short: "Generate a Go service package from an OpenAPI 3.0/3.1 document",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("not implemented yet")
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().StringVar(&pkg, "package", "", "Go package name (default: derived from --out)")
	return cmd
}
