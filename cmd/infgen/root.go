package main

import (
	"github.com/spf13/cobra"
)

// newRootCmd builds the infgen command tree.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "infgen",
		Short:         "Generate durable workers and workflow stubs from API descriptions, and operate their workflows",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newGenerateCmd())
	root.AddCommand(newInitCmd())
	root.AddCommand(newWorkflowCmd())
	root.AddCommand(newDeadLettersCmd())
	root.AddCommand(newWorkersCmd())
	root.AddCommand(newScheduleCmd())
	root.AddCommand(newDashboardCmd())
	root.AddCommand(newEventsCmd())
	root.AddCommand(newCheckCmd())
	return root
}

// newGenerateCmd builds `infgen generate`. Each generator adds its own
// subcommand from its own file: generate_openapi.go (newGenerateOpenAPICmd)
// and generate_proto.go (newGenerateProtoCmds, owned by the proto
// generator, which returns `generate proto` and `generate grpc-reflect`).
func newGenerateCmd() *cobra.Command {
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Generate a Go package from an API description",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	gen.AddCommand(newGenerateOpenAPICmd())
	gen.AddCommand(newGenerateProtoCmds()...)
	return gen
}
