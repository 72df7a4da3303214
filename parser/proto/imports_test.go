package proto

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
)

func TestInternalAllowed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path, from string
		want       bool
	}{
		{"example.com/m/api", "", true},
		{"example.com/m/internal/x", "", false},
		{"example.com/m/internal/x", "example.com/m", true},
		{"example.com/m/internal/x", "example.com/m/gen/api", true},
		{"example.com/m/internal/x", "example.com/mx/gen", false},
		{"example.com/m/internal/x", "example.com/other", false},
		{"example.com/m/a/internal", "example.com/m/a/b", true},
		{"example.com/m/a/internal", "example.com/m/b", false},
		{"example.com/m/internal/a/internal/b", "example.com/m/internal/a", true},
		{"example.com/m/internal/a/internal/b", "example.com/m/c", false},
		{"internal/x", "example.com/m", false},
		{"example.com/internals/x", "example.com/other", true},
	} {
		require.Equal(t, c.want, internalAllowed(c.path, c.from), "%s from %q", c.path, c.from)
	}
}

const (
	internalDep = `syntax = "proto3";
package dep;
option go_package = "example.com/m/internal/dep";
message Item { string id = 1; }
`
	usesInternal = `syntax = "proto3";
package api;
option go_package = "example.com/app/api";
import "google/type/date.proto";
import "dep/dep.proto";
service Items { rpc Get(dep.Item) returns (dep.Item); rpc Day(google.type.Date) returns (google.type.Date); }
`
)

// TestImportOfInternalGoPackage checks that an import whose go_package is
// an internal package of another module is a positioned error naming the
// remedy, that it is accepted from inside that module, and that
// GenerateImports generates it into the output package (but never a
// published googleapis file).
func TestImportOfInternalGoPackage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"api.proto": usesInternal, "dep/dep.proto": internalDep})
	load := func(p Params) (*ir.Spec, error) {
		p.ImportPaths, p.Files = []string{dir}, []string{"api.proto"}
		return Load(context.Background(), p)
	}

	_, err := load(Params{GoImportPath: "example.com/app/gen"})
	var perr *Error
	require.ErrorAs(t, err, &perr)
	require.Equal(t, ir.Pos{File: filepath.Join(dir, "api.proto"), Line: 5, Col: 1}, perr.Pos)
	require.ErrorContains(t, err, `dep/dep.proto has go_package "example.com/m/internal/dep", an internal Go package that example.com/app/gen cannot import`)
	require.ErrorContains(t, err, "--generate-imports")

	_, err = load(Params{})
	require.ErrorContains(t, err, "output package whose import path is unknown")

	spec, err := load(Params{GoImportPath: "example.com/m/gen"})
	require.NoError(t, err)
	require.Equal(t, []string{"api.proto"}, spec.Proto.Generate)
	require.Equal(t, "example.com/m/internal/dep", spec.Services[0].Methods[0].Input.ImportPath)

	spec, err = load(Params{GenerateImports: true})
	require.NoError(t, err)
	require.Equal(t, []string{"api.proto", "dep/dep.proto"}, spec.Proto.Generate)
	require.Equal(t, ir.GoIdent{Name: "Item"}, spec.Services[0].Methods[0].Input)
	require.Equal(t, "google.golang.org/genproto/googleapis/type/date", spec.Services[0].Methods[1].Input.ImportPath)
}

// writeFiles writes files (name → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// TestGoPackagesMapFilesWithoutGoPackage checks that two imported files
// without go_package whose declarations clash are an error that names
// them and the remedy, and that mapping them to Go packages (protoc's M
// option) makes the output import them instead.
func TestGoPackagesMapFilesWithoutGoPackage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"errorpb.proto": "syntax = \"proto3\";\npackage errorpb;\nmessage Error { string msg = 1; }\n",
		"rm.proto":      "syntax = \"proto3\";\npackage rm;\nimport \"errorpb.proto\";\nmessage Error { errorpb.Error inner = 1; }\n",
		"svc.proto":     "syntax = \"proto3\";\npackage svc;\nimport \"rm.proto\";\nservice S { rpc Get(rm.Error) returns (rm.Error); }\n",
	})
	load := func(goPackages map[string]string) (*ir.Spec, error) {
		return Load(context.Background(), Params{ImportPaths: []string{dir}, Files: []string{"svc.proto"}, GoPackages: goPackages})
	}
	_, err := load(nil)
	var perr *Error
	require.ErrorAs(t, err, &perr)
	require.Equal(t, ir.Pos{File: filepath.Join(dir, "rm.proto"), Line: 4, Col: 1}, perr.Pos)
	require.ErrorContains(t, err, "rm.proto and errorpb.proto declare no go_package, so they are generated into the output package")
	require.ErrorContains(t, err, "--go-package FILE=IMPORT_PATH")

	spec, err := load(map[string]string{"rm.proto": "example.com/kv/pkg/rm", "errorpb.proto": "example.com/kv/pkg/errorpb;errorpb"})
	require.NoError(t, err)
	require.Equal(t, []string{"svc.proto"}, spec.Proto.Generate)
	require.Equal(t, ir.GoIdent{ImportPath: "example.com/kv/pkg/rm", Name: "Error"}, spec.Services[0].Methods[0].Input)
}

// TestImportWithInvalidGoPackage checks that a direct import whose
// go_package Go code cannot import ("pb") is an error at that option
// naming both remedies, that both remedies work, and that the same file
// imported only indirectly is no obstacle.
func TestImportWithInvalidGoPackage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"dep.proto":  "syntax = \"proto3\";\npackage dep;\noption go_package = \"pb\";\nmessage D {}\n",
		"svc.proto":  "syntax = \"proto3\";\npackage svc;\nimport \"dep.proto\";\nservice S { rpc Get(dep.D) returns (dep.D); }\n",
		"mid.proto":  "syntax = \"proto3\";\npackage mid;\noption go_package = \"example.com/mid\";\nimport \"dep.proto\";\nmessage M { dep.D d = 1; }\n",
		"svc2.proto": "syntax = \"proto3\";\npackage svc2;\nimport \"mid.proto\";\nservice S { rpc Get(mid.M) returns (mid.M); }\n",
	})
	load := func(file string, p Params) (*ir.Spec, error) {
		p.ImportPaths, p.Files = []string{dir}, []string{file}
		return Load(context.Background(), p)
	}
	_, err := load("svc.proto", Params{})
	var perr *Error
	require.ErrorAs(t, err, &perr)
	require.Equal(t, ir.Pos{File: filepath.Join(dir, "dep.proto"), Line: 3, Col: 1}, perr.Pos)
	require.ErrorContains(t, err, `go_package "pb" is no Go import path`)
	require.ErrorContains(t, err, "(imported at svc.proto:3:1)")
	require.ErrorContains(t, err, "--go-package dep.proto=IMPORT_PATH")
	require.ErrorContains(t, err, "--generate-imports")

	spec, err := load("svc.proto", Params{GoPackages: map[string]string{"dep.proto": "example.com/dep;pb"}})
	require.NoError(t, err)
	require.Equal(t, "example.com/dep", spec.Services[0].Methods[0].Input.ImportPath)

	spec, err = load("svc.proto", Params{GenerateImports: true})
	require.NoError(t, err)
	require.Equal(t, []string{"dep.proto", "svc.proto"}, spec.Proto.Generate)

	spec, err = load("svc2.proto", Params{})
	require.NoError(t, err, "an indirect import's go_package never reaches the output")
	require.Equal(t, "example.com/mid", spec.Services[0].Methods[0].Input.ImportPath)
}
