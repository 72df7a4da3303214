package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMain lets tests run the real main (exit status included) by
// re-executing the test binary with INFGEN_TEST_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("INFGEN_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs main in a subprocess and returns stderr and the exit code.
func runMain(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "INFGEN_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return stderr.String(), exit.ExitCode()
	}
	require.NoError(t, err)
	return stderr.String(), 0
}

const goodSpec = `openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: [string, integer]}
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func TestGenerateOpenAPIWritesPackageAndWarnings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	spec := writeFile(t, dir, "pets.yaml", goodSpec)
	out := filepath.Join(dir, "gen", "pets")
	stderr, code := runMain(t, "generate", "openapi", spec, "--out", out)
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, regexp.QuoteMeta(spec)+`:1\d:\d+: warning: schema ListPetsResponse allows several types`, stderr)
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Equal(t, []string{"doc.go", "http_client.go", "http_encoding.go", "http_operations.go", "register.go", "service.go", "stub.go", "types.go"}, names)
	doc, err := os.ReadFile(filepath.Join(out, "doc.go"))
	require.NoError(t, err)
	require.Contains(t, string(doc), "\npackage pets\n")

	// A second run replaces the output in place.
	stderr, code = runMain(t, "generate", "openapi", spec, "--out", out, "--package", "petsapi")
	require.Equal(t, 0, code, stderr)
	doc, err = os.ReadFile(filepath.Join(out, "doc.go"))
	require.NoError(t, err)
	require.Contains(t, string(doc), "\npackage petsapi\n")
	leftovers, err := filepath.Glob(filepath.Join(dir, "gen", ".*"))
	require.NoError(t, err)
	require.Empty(t, leftovers, "temporary directories are cleaned up")
}

func TestGenerateOpenAPIBadInputLeavesOutputUntouched(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	require.NoError(t, os.MkdirAll(out, 0o755))
	keep := writeFile(t, out, "keep.go", "package out\n")
	broken := writeFile(t, dir, "broken.yaml", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /a: {get: [}\n")
	dangling := writeFile(t, dir, "dangling.yaml", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"generate", "openapi", broken, "--out", out}, broken + ":4:"},
		{[]string{"generate", "openapi", dangling, "--out", out}, dangling + ":6:15: unresolved $ref"},
		{[]string{"generate", "openapi", filepath.Join(dir, "missing.yaml"), "--out", out}, "no such file"},
		{[]string{"generate", "openapi", broken, "--out", out, "--bogus"}, "unknown flag: --bogus"},
		{[]string{"generate", "openapi", broken}, "missing --out"},
		{[]string{"generate", "openapi"}, "accepts 1 arg"},
	}
	for _, tc := range cases {
		stderr, code := runMain(t, tc.args...)
		require.Equal(t, 1, code, "%v: %s", tc.args, stderr)
		require.Contains(t, stderr, tc.want, "%v", tc.args)
		data, err := os.ReadFile(keep)
		require.NoError(t, err, "output untouched after %v", tc.args)
		require.Equal(t, "package out\n", string(data))
	}
	leftovers, err := filepath.Glob(filepath.Join(dir, ".*"))
	require.NoError(t, err)
	require.Empty(t, leftovers)
}

func TestWriteOutputRefusesDirectoriesWithSubdirectories(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "out", "sub"), 0o755))
	err := writeOutput(filepath.Join(dir, "out"), nil)
	require.ErrorContains(t, err, "subdirectory")
}
