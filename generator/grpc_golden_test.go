package generator_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/generator"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// grpcGoldenRoot holds the proto golden cases, golden/proto-<case>: the
// input .proto files in input/ (the import root; files directly in it are
// generated) and the committed expected package in out/.
const grpcGoldenRoot = "../golden"

// The golden -update flag may already be defined by the OpenAPI golden
// test of this package; define it only when it is not.
var _ = func() bool {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
	return true
}()

func grpcUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// grpcGoldenCases lists the golden/proto-* directories.
func grpcGoldenCases(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(grpcGoldenRoot, "proto-*"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs, "no golden/proto-* cases found")
	return dirs
}

// fileExists reports whether path names a file.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// grpcGenerateCase generates the package of one golden case.
func grpcGenerateCase(t *testing.T, dir string) []generator.File {
	t.Helper()
	input := filepath.Join(dir, "input")
	targets, err := filepath.Glob(filepath.Join(input, "*.proto"))
	require.NoError(t, err)
	require.NotEmpty(t, targets)
	spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{input}, Files: targets})
	require.NoError(t, err)
	// A case may carry a gRPC service config (--service-config).
	if cfg := filepath.Join(input, "service_config.json"); fileExists(cfg) {
		require.NoError(t, protoparser.ApplyServiceConfig(spec, cfg))
	}
	var rel []string
	for _, f := range targets {
		rel = append(rel, filepath.Join("input", filepath.Base(f)))
	}
	files, err := generator.Generate(spec, generator.Options{Command: "infgen generate proto -I input --out out " + strings.Join(rel, " ")})
	require.NoError(t, err)
	return files
}

func TestGRPCGolden(t *testing.T) {
	t.Parallel()
	for _, dir := range grpcGoldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			files := grpcGenerateCase(t, dir)
			out := filepath.Join(dir, "out")
			if grpcUpdate() {
				require.NoError(t, os.RemoveAll(out))
				require.NoError(t, os.MkdirAll(out, 0o755))
				for _, f := range files {
					require.NoError(t, os.WriteFile(filepath.Join(out, f.Name), f.Content, 0o644))
				}
			}
			want := map[string]bool{}
			for _, f := range files {
				want[f.Name] = true
				got, err := os.ReadFile(filepath.Join(out, f.Name))
				require.NoError(t, err, "missing golden file; run go test ./generator -run Golden -update")
				require.Equal(t, string(got), string(f.Content), "stale golden file %s; run go test ./generator -run Golden -update", f.Name)
			}
			entries, err := os.ReadDir(out)
			require.NoError(t, err)
			for _, e := range entries {
				require.True(t, want[e.Name()], "extra file %s in %s; run go test ./generator -run Golden -update", e.Name(), out)
			}
		})
	}
}

func TestGRPCGenerateDeterministic(t *testing.T) {
	t.Parallel()
	for _, dir := range grpcGoldenCases(t) {
		a, b := grpcGenerateCase(t, dir), grpcGenerateCase(t, dir)
		require.Equal(t, a, b, "two runs over %s differ", dir)
	}
}

// TestGoldenCompiles builds and vets every golden package in one go vet
// run: the expected output must be Go that compiles, not only text that
// matches.
func TestGoldenCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the golden packages; skipped with -short")
	}
	t.Parallel()
	var pkgs []string
	for _, c := range openAPIGoldenCases(t) {
		pkgs = append(pkgs, "./"+filepath.ToSlash(filepath.Join("golden", c, "expected")))
	}
	for _, dir := range grpcGoldenCases(t) {
		pkgs = append(pkgs, "./"+filepath.ToSlash(filepath.Join("golden", filepath.Base(dir), "out")))
	}
	cmd := exec.Command("go", append([]string{"vet"}, pkgs...)...)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go vet of the golden packages:\n%s", out)
}
