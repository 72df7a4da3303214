package openapi_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/generator/openapi"
	"github.com/infgen/infgen/ir"
	oaparser "github.com/infgen/infgen/parser/openapi"
)

// sharedOpenAPISpecs lists ../shared/specs/openapi relative to the repo root.
func sharedOpenAPISpecs(t testing.TB) []string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "specs", "openapi")
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		t.Skipf("no shared specs at %s", dir)
	}
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".yaml", ".yml", ".json":
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// TestGeneratedOpenAPICompiles generates every shared OpenAPI spec into a
// temporary directory inside the module and builds and vets those packages
// in one go vet run (the golden packages are vetted by the golden harness,
// generator.TestGolden).
func TestGeneratedOpenAPICompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated packages; skipped with -short")
	}
	t.Parallel()
	root := repoRoot(t)
	tmp, err := os.MkdirTemp(root, ".infgen-compile-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(tmp) })

	var pkgs []string
	for _, spec := range sharedOpenAPISpecs(t) {
		parsed, err := oaparser.Parse(context.Background(), spec)
		require.NoError(t, err, spec)
		name := ir.PackageName(strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec)))
		files, err := openapi.Generate(parsed, gen.Options{Package: name})
		require.NoError(t, err, spec)
		dir := filepath.Join(tmp, name)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for _, f := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644))
		}
		rel, err := filepath.Rel(root, dir)
		require.NoError(t, err)
		pkgs = append(pkgs, "./"+filepath.ToSlash(rel))
	}
	cmd := exec.Command("go", append([]string{"vet"}, pkgs...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go vet of generated packages:\n%s", out)
}
