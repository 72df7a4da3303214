package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/infgen/infgen/generator"
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
		Use:   "worker --package IMPORT_PATH... [--workflow IMPORT_PATH.Func]... --out DIR",
		Short: "Scaffold a deployable worker (main.go, worker.yaml, Dockerfile) for generated packages",
		Long: `Scaffold a deployable worker hosting the services of generated packages
(infgen generate openapi|proto) and, optionally, workflows.

It writes into DIR: main.go (the worker binary), worker.yaml (service URLs,
concurrency, timeouts, retries), a Dockerfile and a README. The transport and
storage come from environment variables: none set runs the embedded default,
INFGEN_PULSAR_URL plus INFGEN_POSTGRES_DSN, INFGEN_REDIS_ADDR or
INFGEN_MYSQL_DSN runs on Pulsar with that storage (see docs/deploy.md).

--workflow names a function returning a workflow.Definition, e.g.
github.com/acme/billing/monthly.Definition. Run it inside the Go module
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
	cmd.Flags().StringArrayVar(&workflows, "workflow", nil, "IMPORT_PATH.Func returning a workflow.Definition to register (repeatable)")
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
}

// scaffoldWorkflow is a function returning a workflow.Definition.
type scaffoldWorkflow struct {
	pkg  goPackage
	fn   string
	spec string // as given on the command line
}

type goPackage struct{ ImportPath, Name, Dir string }

type goModule struct{ Path, Dir, GoVersion string }

// inspectWorker resolves the packages with the go command and finds their
// services and the workflow functions.
func inspectWorker(pkgs, workflows []string) (*scaffold, error) {
	mod, err := currentModule()
	if err != nil {
		return nil, err
	}
	w := &scaffold{module: mod}
	keys := map[string]int{}
	for _, path := range pkgs {
		p, err := listPackage(path)
		if err != nil {
			return nil, err
		}
		svcs, err := findServices(p)
		if err != nil {
			return nil, err
		}
		for _, s := range svcs {
			s.key = p.Name
			if keys[p.Name]++; keys[p.Name] > 1 {
				s.key = p.Name + strconv.Itoa(keys[p.Name])
			}
			w.services = append(w.services, s)
		}
	}
	for _, spec := range workflows {
		i := strings.LastIndex(spec, ".")
		if i <= 0 || strings.HasSuffix(spec[:i], "/") {
			return nil, fmt.Errorf("--workflow %q: want IMPORT_PATH.Func, e.g. github.com/acme/billing/monthly.Definition", spec)
		}
		p, err := listPackage(spec[:i])
		if err != nil {
			return nil, err
		}
		if err := findDefinitionFunc(p, spec[i+1:]); err != nil {
			return nil, fmt.Errorf("--workflow %s: %w", spec, err)
		}
		w.workflows = append(w.workflows, scaffoldWorkflow{pkg: p, fn: spec[i+1:], spec: spec})
	}
	return w, nil
}

// goList runs the go command and returns its trimmed output.
func goList(args ...string) (string, error) {
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

func currentModule() (goModule, error) {
	out, err := goList("-m", "-f", "{{.Path}}\t{{.Dir}}\t{{.GoVersion}}")
	if err != nil {
		return goModule{}, fmt.Errorf("run infgen init worker inside the Go module that holds the packages: %w", err)
	}
	f := strings.Split(out, "\t")
	if len(f) != 3 {
		return goModule{}, fmt.Errorf("go list -m: unexpected output %q (is this a go.work workspace? run it in one module)", out)
	}
	return goModule{Path: f[0], Dir: f[1], GoVersion: f[2]}, nil
}

func listPackage(path string) (goPackage, error) {
	out, err := goList("-f", "{{.ImportPath}}\t{{.Name}}\t{{.Dir}}", path)
	if err != nil {
		return goPackage{}, err
	}
	f := strings.Split(out, "\t")
	if len(f) != 3 {
		return goPackage{}, fmt.Errorf("go list %s: unexpected output %q", path, out)
	}
	return goPackage{ImportPath: f[0], Name: f[1], Dir: f[2]}, nil
}

// parsePackage parses the non-test Go files of p.
func parsePackage(p goPackage) ([]*ast.File, error) {
	matches, err := filepath.Glob(filepath.Join(p.Dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, m := range matches {
		if strings.HasSuffix(m, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, m, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", m, err)
		}
		files = append(files, f)
	}
	return files, nil
}

var registerName = regexp.MustCompile(`^Register(\w*)$`)

// findServices finds the services of a generated package: each RegisterX
// function, its client constructor and its ServiceName constant.
func findServices(p goPackage) ([]scaffoldService, error) {
	files, err := parsePackage(p)
	if err != nil {
		return nil, err
	}
	funcs, consts := map[string]bool{}, map[string]string{}
	var registers []string
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					funcs[d.Name.Name] = true
					if registerName.MatchString(d.Name.Name) {
						registers = append(registers, d.Name.Name)
					}
				}
			case *ast.GenDecl:
				collectStringConsts(d, consts)
			}
		}
	}
	var out []scaffoldService
	for _, reg := range registers {
		x := registerName.FindStringSubmatch(reg)[1]
		s := scaffoldService{pkg: p, register: reg, name: consts[x+"ServiceName"]}
		switch {
		case funcs["New"+x+"GRPCClient"]:
			s.newClient, s.grpc = "New"+x+"GRPCClient", true
		case x == "" && funcs["NewHTTPClient"]:
			s.newClient = "NewHTTPClient"
		default:
			continue
		}
		if s.name == "" {
			return nil, fmt.Errorf("package %s: %s has no %sServiceName constant: is it generated by infgen?", p.ImportPath, reg, x)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("package %s has no generated service (Register with NewHTTPClient or NewGRPCClient): generate it with infgen generate openapi|proto first", p.ImportPath)
	}
	return out, nil
}

func collectStringConsts(d *ast.GenDecl, into map[string]string) {
	if d.Tok != token.CONST {
		return
	}
	for _, spec := range d.Specs {
		vs := spec.(*ast.ValueSpec)
		for i, n := range vs.Names {
			if i < len(vs.Values) {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if v, err := strconv.Unquote(lit.Value); err == nil {
						into[n.Name] = v
					}
				}
			}
		}
	}
}

// findDefinitionFunc checks that p declares func fn() with one result.
func findDefinitionFunc(p goPackage, fn string) error {
	files, err := parsePackage(p)
	if err != nil {
		return err
	}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Name.Name != fn {
				continue
			}
			if fd.Type.Params.NumFields() != 0 || fd.Type.Results.NumFields() != 1 {
				return fmt.Errorf("%s must take no arguments and return a workflow.Definition", fn)
			}
			return nil
		}
	}
	return fmt.Errorf("package %s has no function %s", p.ImportPath, fn)
}

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
		data.Workflows = append(data.Workflows, wf.spec)
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
func (s scaffoldService) envURL() string {
	return "INFGEN_" + strings.ToUpper(s.key) + "_URL"
}

// goMinor turns "1.26.8" into "1.26".
func goMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return "1"
	}
	return parts[0] + "." + parts[1]
}
