package generator

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

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
func grpcGenerateCase(t *testing.T, dir string) []File {
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
	files, err := Generate(spec, Options{Command: "infgen generate proto -I input --out out " + strings.Join(rel, " ")})
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

var serviceDecl = regexp.MustCompile(`(?m)^service\s+\w+`)

// TestGRPCGeneratedPackagesVet generates a package for every service file
// under ../../shared/specs/proto (googleapis/ as the import root) and vets
// them, with the golden packages, in one go vet run.
func TestGRPCGeneratedPackagesVet(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and vets ~25 generated packages; skipped with -short")
	}
	specs := filepath.Join("..", "..", "shared", "specs", "proto")
	if _, err := os.Stat(specs); err != nil {
		t.Skipf("spec folder %s not present: %v", specs, err)
	}
	var protoFiles []string
	require.NoError(t, filepath.WalkDir(specs, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".proto") {
			return err
		}
		src, err := os.ReadFile(path)
		if err == nil && serviceDecl.Match(src) {
			protoFiles = append(protoFiles, path)
		}
		return err
	}))
	require.NotEmpty(t, protoFiles)
	require.NoError(t, os.MkdirAll("testdata", 0o755))
	tmp, err := os.MkdirTemp("testdata", "vet-")
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = os.RemoveAll(tmp)
		_ = os.Remove("testdata") // only when empty
	})

	pkgs := []string{}
	for _, dir := range grpcGoldenCases(t) {
		pkgs = append(pkgs, "./"+filepath.ToSlash(filepath.Join("golden", filepath.Base(dir), "out")))
	}
	googleapis := filepath.Join(specs, "googleapis")
	for i, file := range protoFiles {
		// The folder is a subset of googleapis: imports missing from it
		// (google/logging/type/log_severity.proto) come from the files
		// linked into the parser.
		spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{googleapis}, Files: []string{file}})
		require.NoError(t, err, file)
		files, err := Generate(spec, Options{})
		require.NoError(t, err, file)
		dir := filepath.Join(tmp, fmt.Sprintf("p%02d_%s", i, strings.TrimSuffix(filepath.Base(file), ".proto")))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for _, f := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644))
		}
		pkgs = append(pkgs, "./"+filepath.ToSlash(filepath.Join("generator", dir)))
	}
	goTool, err := exec.LookPath("go")
	require.NoError(t, err)
	cmd := exec.Command(goTool, append([]string{"vet"}, pkgs...)...)
	cmd.Dir = ".."
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go vet of generated packages failed:\n%s", out)
}
