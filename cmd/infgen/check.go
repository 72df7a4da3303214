package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/contract"
)

// newCheckCmd builds `infgen check`: contract diffs of two versions of a
// spec, the workflows in flight they would break, and a replay of running
// workflows against new workflow code. It exits 1 on a breaking change,
// 2 on a usage or input error, 0 otherwise.
func newCheckCmd() *cobra.Command {
	check := &cobra.Command{
		Use:   "check",
		Short: "Tell whether a new version of a spec (or of workflow code) breaks callers or running workflows",
		Long: "Exits with status 1 when the change breaks, 2 when the check cannot run\n" +
			"(usage, unreadable spec), 0 otherwise; see docs/check.md.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	check.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return withExit(exitUsage, err)
	})
	check.AddCommand(newCheckOpenAPICmd(), newCheckProtoCmd(), newCheckReplayCmd())
	return check
}

// checkFlags are the flags every spec check shares.
type checkFlags struct {
	format string
}

func (f *checkFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text or json")
}

func (f *checkFlags) validate() error {
	if f.format != "text" && f.format != "json" {
		return usageError("--format %q: want text or json", f.format)
	}
	return nil
}

// twoSpecs accepts exactly OLD and NEW, as a usage error otherwise.
func twoSpecs(cmd *cobra.Command, args []string) error {
	if len(args) != 2 {
		return withHint(usageError("%s takes two specs, the old and the new; got %d argument(s)", strings.TrimPrefix(cmd.CommandPath(), "infgen "), len(args)),
			"usage: %s", cmd.UseLine())
	}
	return nil
}

// report writes r in the chosen format and returns the error that makes
// the command exit 1 when it holds a breaking change.
func (f *checkFlags) report(w io.Writer, r *contract.Report, oldSpec, newSpec string) error {
	var err error
	if f.format == "json" {
		err = r.WriteJSON(w)
	} else {
		err = r.WriteText(w)
	}
	if err != nil {
		return err
	}
	if r.Breaking() {
		return &exitError{code: exitFailure, err: fmt.Errorf("%d breaking change(s) from %s to %s", r.Count(contract.Error), oldSpec, newSpec)}
	}
	return nil
}

// newCheckOpenAPICmd builds `infgen check openapi OLD NEW`.
func newCheckOpenAPICmd() *cobra.Command {
	var (
		flags    checkFlags
		inFlight inFlightFlags
	)
	cmd := &cobra.Command{
		Use:   "openapi OLD NEW [--format text|json] [--db FILE | --admin ADDR | --in-flight]",
		Short: "List the changes from one OpenAPI document to another, breaking ones as errors",
		Long: "Compares two versions of an OpenAPI document (3.0, 3.1, or Swagger 2.0) with\n" +
			"oasdiff's breaking-change rules: a removed operation, a new required parameter\n" +
			"or request property, a changed type, a narrowed request enum, a removed\n" +
			"response code are errors; compatible changes are listed as infos. A change\n" +
			"of a response, or a removed or renamed operation, names the outcome events\n" +
			"it touches (events: …), and is at least a warning when it breaks their\n" +
			"subscribers.\n\n" +
			"With --db (or --admin, or --in-flight and the environment the ops commands\n" +
			"use), the recorded task inputs and answers of every unfinished workflow are\n" +
			"validated against NEW too: each one that does not fit is an error naming the\n" +
			"workflow and its step.",
		Args: twoSpecs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := flags.validate(); err != nil {
				return err
			}
			r, err := contract.OpenAPI(cmd.Context(), args[0], args[1])
			if err != nil {
				return withExit(exitUsage, err)
			}
			if inFlight.wanted() {
				p, err := contract.OpenAPIPayloads(cmd.Context(), args[0], args[1])
				if err != nil {
					return withExit(exitUsage, err)
				}
				if err := inFlight.check(cmd, p, r); err != nil {
					return withExit(exitUsage, err)
				}
			}
			return flags.report(cmd.OutOrStdout(), r, args[0], args[1])
		},
	}
	flags.register(cmd)
	inFlight.register(cmd)
	return cmd
}

// newCheckProtoCmd builds `infgen check proto [-I DIR]... OLD NEW`.
func newCheckProtoCmd() *cobra.Command {
	var (
		flags       checkFlags
		importPaths []string
		inFlight    inFlightFlags
	)
	cmd := &cobra.Command{
		Use:   "proto [-I DIR]... OLD.proto NEW.proto [--format text|json] [--db FILE | --admin ADDR | --in-flight]",
		Short: "List the changes from one version of a .proto file to another, breaking ones as errors",
		Long: "Compiles both files in-process (imports from the -I directories, then each\n" +
			"file's own directory; google/protobuf and the common googleapis files are\n" +
			"built in) and compares their descriptors with buf-style breaking rules:\n" +
			"deleted or renumbered fields, changed field types, deleted methods or\n" +
			"services, changed streaming are errors; additions are infos. A change of a\n" +
			"message a task answers with names the outcome events it touches.\n\n" +
			"With --db (or --admin, or --in-flight), the recorded task payloads of every\n" +
			"unfinished workflow are decoded with NEW's descriptors too.",
		Args: twoSpecs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := flags.validate(); err != nil {
				return err
			}
			r, err := contract.Proto(cmd.Context(), importPaths, args[0], args[1])
			if err != nil {
				return withExit(exitUsage, err)
			}
			if inFlight.wanted() {
				p, err := contract.ProtoPayloads(cmd.Context(), importPaths, args[0], args[1])
				if err != nil {
					return withExit(exitUsage, err)
				}
				if err := inFlight.check(cmd, p, r); err != nil {
					return withExit(exitUsage, err)
				}
			}
			return flags.report(cmd.OutOrStdout(), r, args[0], args[1])
		},
	}
	cmd.Flags().StringArrayVarP(&importPaths, "proto_path", "I", nil, "directory to search for imports (repeatable)")
	flags.register(cmd)
	inFlight.register(cmd)
	return cmd
}
