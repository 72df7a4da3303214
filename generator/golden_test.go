package generator_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/generator"
	"github.com/infgen/infgen/parser/openapi"
)

// The -update flag (go test ./generator -run Golden -update) rewrites
// golden outputs. It is shared with the proto golden test of this package,
// so whichever test file initializes first defines it.
var _ = func() bool {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the expected output of golden cases")
	}
	return true
}()

// updating reports whether -update was given.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// goldenOptions is golden/<case>/options.json.
type goldenOptions struct {
	Package string `json:"package"`
}

// repoRoot is the module root (the parent of generator/).
func repoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	require.NoError(t, err)
	return filepath.Dir(wd)
}

// openAPIGoldenCases lists golden/<case> directories holding an OpenAPI spec
// (cases named proto-* belong to the proto generator).
func openAPIGoldenCases(t testing.TB) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(repoRoot(t), "golden", "*", "spec.*"))
	require.NoError(t, err)
	var cases []string
	for _, d := range dirs {
		c := filepath.Base(filepath.Dir(d))
		if !strings.HasPrefix(c, "proto-") {
			cases = append(cases, c)
		}
	}
	slices.Sort(cases)
	return cases
}

// generateCase parses and generates one golden case.
func generateCase(t testing.TB, dir string) []generator.File {
	t.Helper()
	specs, err := filepath.Glob(filepath.Join(dir, "spec.*"))
	require.NoError(t, err)
	require.Len(t, specs, 1, "a golden case holds exactly one spec.* file")
	var opts goldenOptions
	if data, err := os.ReadFile(filepath.Join(dir, "options.json")); err == nil {
		require.NoError(t, json.Unmarshal(data, &opts), "options.json")
	}
	spec, err := openapi.Parse(context.Background(), specs[0])
	require.NoError(t, err)
	files, err := generator.Generate(spec, generator.Options{Package: opts.Package, Command: "infgen generate openapi"})
	require.NoError(t, err)
	return files
}

// TestGoldenOpenAPI compares the generated output of every golden case with
// golden/<case>/expected; -update rewrites it. Missing, stale and extra
// files fail.
func TestGoldenOpenAPI(t *testing.T) {
	t.Parallel()
	cases := openAPIGoldenCases(t)
	require.NotEmpty(t, cases)
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(repoRoot(t), "golden", c)
			files := generateCase(t, dir)
			expected := filepath.Join(dir, "expected")
			if updating() {
				require.NoError(t, os.RemoveAll(expected))
				require.NoError(t, os.MkdirAll(expected, 0o755))
				for _, f := range files {
					require.NoError(t, os.WriteFile(filepath.Join(expected, f.Name), f.Content, 0o644))
				}
			}
			entries, err := os.ReadDir(expected)
			require.NoError(t, err, "run go test ./generator -run Golden -update")
			var onDisk, generated []string
			for _, e := range entries {
				onDisk = append(onDisk, e.Name())
			}
			for _, f := range files {
				generated = append(generated, f.Name)
				want, err := os.ReadFile(filepath.Join(expected, f.Name))
				require.NoError(t, err, "missing golden file; run with -update")
				require.Equal(t, string(want), string(f.Content), "stale golden file %s; run with -update", f.Name)
			}
			require.Equal(t, generated, onDisk, "extra or missing files in %s", expected)
		})
	}
}

// TestGenerateDeterministic checks that two runs give identical bytes.
func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	for _, c := range openAPIGoldenCases(t) {
		dir := filepath.Join(repoRoot(t), "golden", c)
		require.Equal(t, generateCase(t, dir), generateCase(t, dir), c)
	}
}
