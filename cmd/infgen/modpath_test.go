package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOutputImportPath(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("// comment\nmodule \"example.com/app\" // trailing\n\ngo 1.26\n"), 0o644))
	require.Equal(t, "example.com/app", outputImportPath(root))
	require.Equal(t, "example.com/app/gen/api", outputImportPath(filepath.Join(root, "gen", "api")), "the directory need not exist yet")
	require.Empty(t, outputImportPath(filepath.Join(root, "gen", "a,b=c")), "no import path with protoc option separators")

	nested := filepath.Join(root, "tools")
	require.NoError(t, os.MkdirAll(nested, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(nested, "go.mod"), []byte("module example.com/app/tools\n"), 0o644))
	require.Equal(t, "example.com/app/tools/gen", outputImportPath(filepath.Join(nested, "gen")), "the nearest go.mod wins")
}

func TestModulePath(t *testing.T) {
	t.Parallel()
	require.Equal(t, "example.com/x", modulePath("module example.com/x\n"))
	require.Equal(t, "example.com/x", modulePath("module\t\"example.com/x\"\n"))
	require.Empty(t, modulePath("go 1.26\n"))
	require.Empty(t, modulePath("modules example.com/x\n"))
}

// TestGenerateProtoInternalImport checks the CLI end to end: an import of
// another module's internal Go package fails at the import statement with
// the remedy, and --generate-imports then generates a package.
func TestGenerateProtoInternalImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "dep"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dep", "dep.proto"), []byte("syntax = \"proto3\";\npackage dep;\noption go_package = \"example.com/m/internal/dep\";\nmessage Item {}\n"), 0o644))
	api := filepath.Join(dir, "api.proto")
	require.NoError(t, os.WriteFile(api, []byte("syntax = \"proto3\";\npackage api;\nimport \"dep/dep.proto\";\nservice S { rpc Get(dep.Item) returns (dep.Item); }\n"), 0o644))
	out := filepath.Join(dir, "out")
	err := runInfgen(t, "generate", "proto", "-I", dir, "--out", out, api)
	require.ErrorContains(t, err, api+":3:1: dep/dep.proto has go_package \"example.com/m/internal/dep\"")
	require.NoDirExists(t, out)

	require.NoError(t, runInfgen(t, "generate", "proto", "-I", dir, "--generate-imports", "--out", out, api))
	require.FileExists(t, filepath.Join(out, "dep.pb.go"))
	require.FileExists(t, filepath.Join(out, "grpc_client.go"))
}

func TestParseGoPackages(t *testing.T) {
	t.Parallel()
	got, err := parseGoPackages([]string{"a/errorpb.proto=example.com/kv/pkg/errorpb", "b.proto=example.com/b;bpb"})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"a/errorpb.proto": "example.com/kv/pkg/errorpb", "b.proto": "example.com/b;bpb"}, got)
	for _, bad := range []string{"errorpb.proto", "=example.com/x", "x.proto="} {
		_, err := parseGoPackages([]string{bad})
		require.ErrorContains(t, err, "want FILE=IMPORT_PATH", bad)
	}
}
