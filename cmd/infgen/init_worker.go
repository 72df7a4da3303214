package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/generator"
	"github.com/infgen/infgen/runtime/service"
	"github.com/infgen/infgen/templates"
)

// newInitCmd builds `infgen init`, which scaffolds files the user then owns.
func newInitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Scaffold files you then own and edit (a deployable worker)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newInitWorkerCmd())
	return cmd
}

// newInitWorkerCmd builds `infgen init worker`.
func newInitWorkerCmd() *cobra.Command {
	var (
		pkgs, workflows []string
		out, name       string
		force           bool
	)
	cmd := &cobra.Command{
		Use:   "worker --package IMPORT_PATH... [--workflow IMPORT_PATH.Name]... --out DIR",
		Short: "Scaffold a deployable worker (main.go, worker.yaml, Dockerfile) for generated packages",
		Long: `Scaffold a deployable worker hosting the services of generated packages
(infgen generate openapi|proto) and, optionally, workflows.

It writes into DIR: main.go (the worker binary), worker.yaml (service URLs,
concurrency, timeouts, retries), a Dockerfile and a README. The transport and
storage come from environment variables: none set runs the embedded default,
INFGEN_PULSAR_URL plus INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or
INFGEN_MYSQL_DSN runs on Pulsar with that storage (see docs/deploy.md).

--workflow names a workflow's typed reference, a package-level variable
declared with workflow.Define (e.g. github.com/acme/billing/monthly.Workflow),
or a function returning a workflow.Definition. Run it inside the Go module
that holds the packages. An existing non-empty DIR is replaced only with --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(pkgs) == 0 && len(workflows) == 0 {
				return errors.New("nothing to host: give at least one --package or --workflow")
			}
			if err := checkScaffoldTarget(out, force); err != nil {
				return err
			}
			if name == "" {
				abs, err := filepath.Abs(out)
				if err != nil {
					return fmt.Errorf("resolve --out %s: %w", out, err)
				}
				name = filepath.Base(abs)
			}
			w, err := inspectWorker(pkgs, workflows)
			if err != nil {
				return err
			}
			w.name, w.command = name, "infgen init worker "+strings.Join(scaffoldArgs(pkgs, workflows), " ")
			files, err := w.files(out)
			if err != nil {
				return err
			}
			if err := writeOutput(out, files); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "scaffolded %s in %s (main.go, worker.yaml, Dockerfile, README.md)\n", name, out)
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&pkgs, "package", nil, "import path of a generated package whose services the worker hosts (repeatable)")
	cmd.Flags().StringArrayVar(&workflows, "workflow", nil, "IMPORT_PATH.Name of a workflow.Ref variable (or of a func returning a workflow.Definition) to register (repeatable)")
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().StringVar(&name, "name", "", "binary name (default: base name of --out)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing non-empty output directory")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// scaffoldArgs is the reproducible part of the command line (no --out).
func scaffoldArgs(pkgs, workflows []string) []string {
	var args []string
	for _, p := range pkgs {
		args = append(args, "--package", p)
	}
	for _, w := range workflows {
		args = append(args, "--workflow", w)
	}
	return args
}

// checkScaffoldTarget refuses to overwrite a directory the user may have
// edited, unless forced.
func checkScaffoldTarget(out string, force bool) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) || force {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read --out %s: %w", out, err)
	}
	return fmt.Errorf("--out %s is not empty: a scaffold is yours to edit, so it is not overwritten; pass --force to replace it", out)
}

// scaffold is what a worker hosts, as found in the Go packages.
type scaffold struct {
	name, command string
	module        goModule
	services      []scaffoldService
	workflows     []scaffoldWorkflow
}

// scaffoldService is one service of a generated package.
type scaffoldService struct {
	pkg       goPackage
	key       string // configuration key (unique Go package name)
	name      string // routed service name (value of the ServiceName constant)
	register  string // RegisterX
	newClient string // NewHTTPClient or NewXGRPCClient
	grpc      bool
	// hooks are the API's webhooks and callbacks, registered on the
	// configured receiver; callbacks the client option taking it.
	hooks     []service.HookDescriptor
	callbacks string
}

// scaffoldWorkflow is a workflow.Ref variable, or a function returning a
// workflow.Definition.
type scaffoldWorkflow struct {
	pkg   goPackage
	name  string
	isVar bool
	spec  string // as given on the command line
}

// expr is the Go expression of the definition, relative to its package
// ("Workflow", "Definition()").
func (wf scaffoldWorkflow) expr() string {
	if wf.isVar {
		return wf.name
	}
	return wf.name + "()"
}

type goPackage struct{ ImportPath, Name, Dir string }

type goModule struct{ Path, Dir, GoVersion string }

// files renders main.go and the templates.
func (w *scaffold) files(out string) ([]generator.File, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(w.module.Dir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("--out %s is outside the module %s (%s): the worker must be built in the module", out, w.module.Path, w.module.Dir)
	}
	main, err := w.mainFile()
	if err != nil {
		return nil, err
	}
	data := templates.Worker{Name: w.name, Dir: filepath.ToSlash(rel), GoVersion: goMinor(w.module.GoVersion), Command: w.command}
	for _, s := range w.services {
		data.Services = append(data.Services, templates.Service{Key: s.key, Name: s.name, ImportPath: s.pkg.ImportPath, GRPC: s.grpc, EnvURL: s.envURL()})
	}
	for _, wf := range w.workflows {
		data.Workflows = append(data.Workflows, wf.pkg.ImportPath+"."+wf.expr())
	}
	rendered, err := templates.RenderWorker(data)
	if err != nil {
		return nil, err
	}
	files := []generator.File{{Name: "main.go", Content: main}}
	for _, f := range rendered {
		files = append(files, generator.File{Name: f.Name, Content: f.Content})
	}
	return files, nil
}

// envURL is the environment variable overriding the service's URL.
// "featuresAudit" gives INFGEN_FEATURES_AUDIT_URL.
func (s scaffoldService) envURL() string {
	var b strings.Builder
	for i, r := range s.key {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return "INFGEN_" + b.String() + "_URL"
}

// goMinor turns "1.26.8" into "1.26".
func goMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return "1"
	}
	return parts[0] + "." + parts[1]
}
