package generator_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/generator"
	"github.com/infgen/infgen/generator/internal/goldenflag"
	"github.com/infgen/infgen/ir"
	oaparser "github.com/infgen/infgen/parser/openapi"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// The golden cases of both generators, one folder each, same layout:
//
//	golden/<case>/input/        the spec: spec.yaml, spec.yml or spec.json for
//	                            OpenAPI (with any file it references), or
//	                            .proto files (input/ is the import root; the
//	                            files directly in it are generated)
//	golden/<case>/options.json  optional: {"package": "name", "serviceConfig":
//	                            "input/service_config.json", "operations": [...],
//	                            "tags": [...]}
//	golden/<case>/expected/     the expected package, or
//	golden/<case>/error.txt     the expected error (invalid input), its
//	                            positions relative to the case folder
//
// go test ./generator/... -run Golden -update rewrites expected/ or
// error.txt (whichever the input now yields, removing the other).
const goldenRoot = "../golden"

// goldenOptions is golden/<case>/options.json.
type goldenOptions struct {
	// Package is the Go package name (Options.Package).
	Package string `json:"package"`
	// ServiceConfig is a gRPC service config applied to a proto spec
	// (infgen generate proto --service-config), relative to the case.
	ServiceConfig string `json:"serviceConfig"`
	// Operations and Tags select operations of an OpenAPI spec (infgen
	// generate openapi --operations, --tags).
	Operations []string `json:"operations"`
	Tags       []string `json:"tags"`
}

// goldenCase is one golden/<case> folder.
type goldenCase struct {
	name, dir string
	source    ir.Source
	// inputs are the spec files given to the parser: the OpenAPI document,
	// or the .proto files to generate.
	inputs []string
	opts   goldenOptions
}

// goldenCases lists and loads every golden/<case>, sorted by name.
func goldenCases(t testing.TB) []goldenCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(goldenRoot, "*", "input"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs, "no golden/<case>/input folders")
	var cases []goldenCase
	for _, input := range dirs {
		dir := filepath.Dir(input)
		c := goldenCase{name: filepath.Base(dir), dir: dir}
		if data, err := os.ReadFile(filepath.Join(dir, "options.json")); err == nil {
			require.NoError(t, json.Unmarshal(data, &c.opts), "%s/options.json", c.name)
		}
		specs, err := filepath.Glob(filepath.Join(input, "spec.*"))
		require.NoError(t, err)
		protos, err := filepath.Glob(filepath.Join(input, "*.proto"))
		require.NoError(t, err)
		switch {
		case len(specs) == 1 && len(protos) == 0:
			c.source, c.inputs = ir.SourceOpenAPI, specs
		case len(specs) == 0 && len(protos) > 0:
			c.source, c.inputs = ir.SourceProto, protos
		default:
			t.Fatalf("golden/%s/input must hold one spec.* (OpenAPI) or .proto files, not both", c.name)
		}
		cases = append(cases, c)
	}
	slices.SortFunc(cases, func(a, b goldenCase) int { return strings.Compare(a.name, b.name) })
	return cases
}

// command is the command line recorded in the generated headers.
func (c goldenCase) command() string {
	if c.source == ir.SourceOpenAPI {
		return "infgen generate openapi"
	}
	args := []string{"infgen generate proto -I input --out expected"}
	for _, f := range c.inputs {
		args = append(args, filepath.ToSlash(filepath.Join("input", filepath.Base(f))))
	}
	return strings.Join(args, " ")
}

// generate parses the case's input and generates its package.
func (c goldenCase) generate() ([]generator.File, error) {
	ctx := context.Background()
	var spec *ir.Spec
	var err error
	switch c.source {
	case ir.SourceOpenAPI:
		var opts []oaparser.Option
		if len(c.opts.Operations) > 0 || len(c.opts.Tags) > 0 {
			opts = append(opts, oaparser.SelectOperations(c.opts.Operations, c.opts.Tags))
		}
		spec, err = oaparser.Parse(ctx, c.inputs[0], opts...)
	case ir.SourceProto:
		spec, err = protoparser.Load(ctx, protoparser.Params{ImportPaths: []string{filepath.Join(c.dir, "input")}, Files: c.inputs})
		if err == nil && c.opts.ServiceConfig != "" {
			err = protoparser.ApplyServiceConfig(spec, filepath.Join(c.dir, c.opts.ServiceConfig))
		}
	}
	if err != nil {
		return nil, err
	}
	return generator.Generate(spec, generator.Options{Package: c.opts.Package, Command: c.command()})
}

// errorText is an error as error.txt holds it: paths relative to the case
// folder, one trailing newline.
func (c goldenCase) errorText(err error) string {
	text := err.Error()
	abs, _ := filepath.Abs(c.dir)
	for _, prefix := range []string{abs, c.dir} {
		text = strings.ReplaceAll(text, prefix+string(filepath.Separator), "")
	}
	return text + "\n"
}

// TestGolden generates every golden case and compares the result with
// its expected/ package or its error.txt: a missing, stale or extra file
// fails. -update rewrites them. Then it builds and vets every expected
// package in one go vet run (skipped with -short): the expected output
// must be Go that compiles, not only text that matches.
func TestGolden(t *testing.T) {
	t.Parallel()
	cases := goldenCases(t)
	t.Run("case", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.compare(t)
			})
		}
	})
	t.Run("compiles", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds the golden packages; skipped with -short")
		}
		var pkgs []string
		for _, c := range cases {
			if _, err := os.Stat(filepath.Join(c.dir, "expected")); err == nil {
				pkgs = append(pkgs, filepath.ToSlash(filepath.Join(c.dir, "expected")))
			}
		}
		require.NotEmpty(t, pkgs)
		out, err := exec.Command("go", append([]string{"vet"}, pkgs...)...).CombinedOutput()
		require.NoError(t, err, "go vet of the golden packages:\n%s", out)
	})
}

// compare checks (with -update: rewrites) the case's expected output.
func (c goldenCase) compare(t *testing.T) {
	files, err := c.generate()
	expected, errFile := filepath.Join(c.dir, "expected"), filepath.Join(c.dir, "error.txt")
	if goldenflag.Update() {
		require.NoError(t, os.RemoveAll(expected))
		require.NoError(t, os.RemoveAll(errFile))
		if err != nil {
			require.NoError(t, os.WriteFile(errFile, []byte(c.errorText(err)), 0o644))
		} else {
			require.NoError(t, os.MkdirAll(expected, 0o755))
			for _, f := range files {
				require.NoError(t, os.WriteFile(filepath.Join(expected, f.Name), f.Content, 0o644))
			}
		}
	}
	const hint = "; run go test ./generator -run Golden -update"
	want, readErr := os.ReadFile(errFile)
	_, statErr := os.Stat(expected)
	switch {
	case readErr == nil && statErr == nil:
		t.Fatalf("golden/%s holds both expected/ and error.txt", c.name)
	case readErr == nil:
		require.Error(t, err, "golden/%s/error.txt expects an error%s", c.name, hint)
		require.Equal(t, string(want), c.errorText(err), "stale golden/%s/error.txt%s", c.name, hint)
		return
	case !errors.Is(readErr, fs.ErrNotExist):
		require.NoError(t, readErr)
	}
	require.NoError(t, err, "golden/%s", c.name)
	entries, err := os.ReadDir(expected)
	require.NoError(t, err, "golden/%s has no expected/%s", c.name, hint)
	var onDisk, generated []string
	for _, e := range entries {
		onDisk = append(onDisk, e.Name())
	}
	for _, f := range files {
		generated = append(generated, f.Name)
		want, err := os.ReadFile(filepath.Join(expected, f.Name))
		require.NoError(t, err, "missing golden file%s", hint)
		require.Equal(t, string(want), string(f.Content), "stale golden file %s%s", f.Name, hint)
	}
	require.Equal(t, generated, onDisk, "extra or missing files in %s%s", expected, hint)
}

// TestGoldenDeterministic checks that two runs give identical bytes.
func TestGoldenDeterministic(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases(t) {
		a, errA := c.generate()
		b, errB := c.generate()
		require.Equal(t, a, b, c.name)
		require.Equal(t, fmt.Sprint(errA), fmt.Sprint(errB), c.name)
	}
}
