package main

import (
	"fmt"
	"go/token"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/generator"
	"github.com/infgen/infgen/ir"
	"github.com/infgen/infgen/parser/openapi"
)

// newGenerateOpenAPICmd builds `infgen generate openapi SPEC --out DIR`.
func newGenerateOpenAPICmd() *cobra.Command {
	var out, pkg, service string
	var allowDuplicateIDs, suggest bool
	var selectIDs, selectTags []string
	cmd := &cobra.Command{
		Use:   "openapi SPEC --out DIR [--package NAME] [--service NAME] [--operations ID,...] [--tags TAG,...] [--suggest-compensations]",
		Short: "Generate a Go service package from an OpenAPI 3.0/3.1 document",
		Long: `Generate a Go service package from an OpenAPI 3.0/3.1 document (YAML or JSON);
Swagger 2.0 documents are converted to OpenAPI 3.0 first.

The package holds the API's types, the service interface, an HTTP client
implementing it, Register (worker registration) and the workflow stub.
Warnings about constructs generated loosely are printed to stderr with
their position. On any error the output directory is left untouched.

--operations and --tags generate only some operations (by operationId or
method name, and by tag), with the operations that compensate them and the
types they use: a package for the calls a workflow makes to a large API.
Names stay those of the whole document.

Compensations (x-infgen-compensate) become stub methods that run an
operation and register its undo in a workflow.Saga; --suggest-compensations
lists the likely pairs and the extension to add, and generates nothing.

Use it from go generate:

  //go:generate go run github.com/infgen/infgen/cmd/infgen generate openapi api.yaml --out ./api`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" && !suggest {
				return fmt.Errorf("missing --out DIR: say where to write the generated package")
			}
			if pkg != "" && (!token.IsIdentifier(pkg) || token.IsKeyword(pkg)) {
				return fmt.Errorf("invalid --package %q: want a Go package name such as billing", pkg)
			}
			var opts []openapi.Option
			if service != "" {
				opts = append(opts, openapi.WithServiceName(service))
			}
			if allowDuplicateIDs {
				opts = append(opts, openapi.AllowDuplicateOperationIDs())
			}
			if len(selectIDs) > 0 || len(selectTags) > 0 {
				opts = append(opts, openapi.SelectOperations(selectIDs, selectTags))
			}
			spec, err := openapi.Parse(cmd.Context(), args[0], opts...)
			if err != nil {
				return compensationHint(err)
			}
			printWarnings(cmd, spec.Warnings)
			if len(selectIDs) == 0 && len(selectTags) == 0 {
				printSizeNote(cmd, args[0], spec)
			}
			if suggest {
				printSuggestions(cmd.OutOrStdout(), spec)
				return nil
			}
			if pkg == "" {
				pkg = packageFromDir(out)
			}
			files, err := generator.Generate(spec, generator.Options{
				Package: pkg,
				Command: "infgen generate openapi",
			})
			if err != nil {
				return err
			}
			return writeOutput(out, files)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().StringVar(&pkg, "package", "", "Go package name (default: the base name of --out)")
	cmd.Flags().StringVar(&service, "service", "", "service name (default: derived from info.title)")
	cmd.Flags().BoolVar(&allowDuplicateIDs, "allow-duplicate-operation-ids", false,
		"accept repeated operationIds (invalid OpenAPI) with a warning: the later operation gets a numbered method name")
	cmd.Flags().StringSliceVar(&selectIDs, "operations", nil,
		"generate only these operations (operationIds or method names, comma-separated), with their compensations and the types they use")
	cmd.Flags().StringSliceVar(&selectTags, "tags", nil,
		"generate only the operations with one of these tags (comma-separated); combines with --operations")
	cmd.Flags().BoolVar(&suggest, "suggest-compensations", false, suggestFlagDoc)
	return cmd
}

// packageFromDir derives a package name from the output directory.
func packageFromDir(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return ir.PackageName(filepath.Base(abs))
}

// largeAPI is the number of operations above which generate suggests
// generating only the operations the workflows call: the Go compiler needs
// about 150 MB and 0.45 MB per operation of one generated package (GitHub's
// 1,223 operations: 674–715 MB; its 204 of tag repos: 237 MB;
// docs/benchmarks.md).
const largeAPI = 500

// printSizeNote tells, on stderr, that a spec of more than largeAPI
// operations makes a package that is heavy to compile, and how to generate
// part of it.
func printSizeNote(cmd *cobra.Command, path string, spec *ir.Spec) {
	n := 0
	for _, s := range spec.Services {
		n += len(s.Methods)
	}
	if n <= largeAPI {
		return
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "%s: note: %d operations in one package: compiling it takes about %d MB of memory; "+
		"--tags or --operations generates only those your workflows call (docs/generate-openapi.md#part-of-a-large-api)\n",
		path, n, (150+n*45/100+25)/50*50)
}

// printWarnings writes warnings to stderr as file:line:col: warning: msg.
func printWarnings(cmd *cobra.Command, ws []ir.Warning) {
	for _, w := range ws {
		fmt.Fprintln(cmd.ErrOrStderr(), w.Pos.String()+": warning: "+strings.TrimSpace(w.Message))
	}
}
