package grpc_test

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/generator/grpc"
	protoparser "github.com/infgen/infgen/parser/proto"
)

var serviceDecl = regexp.MustCompile(`(?m)^service\s+\w+`)

// vetDir returns a new directory inside the module (so that go vet
// resolves imports through its go.mod), removed when the test ends.
func vetDir(t *testing.T) string {
	t.Helper()
	require.NoError(t, os.MkdirAll("testdata", 0o755))
	dir, err := os.MkdirTemp("testdata", "vet-")
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = os.RemoveAll(dir)
		_ = os.Remove("testdata") // only when empty
	})
	return dir
}

// goVet runs go vet on packages given relative to this package's
// directory.
func goVet(t *testing.T, pkgs ...string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err)
	args := []string{"vet"}
	for _, p := range pkgs {
		args = append(args, "./"+filepath.ToSlash(p))
	}
	out, err := exec.Command(goTool, args...).CombinedOutput()
	require.NoError(t, err, "go vet of generated packages failed:\n%s", out)
}

// TestGRPCGeneratedPackagesVet generates a package for every service file
// under /work/shared/specs/proto (googleapis/ as the import root) and vets
// them in one go vet run (the golden packages are vetted by the golden
// harness, generator.TestGolden).
func TestGRPCGeneratedPackagesVet(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and vets ~25 generated packages; skipped with -short")
	}
	specs := filepath.Join("..", "..", "..", "shared", "specs", "proto")
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
	tmp := vetDir(t)
	var pkgs []string
	googleapis := filepath.Join(specs, "googleapis")
	for i, file := range protoFiles {
		// The folder is a subset of googleapis: imports missing from it
		// (google/logging/type/log_severity.proto) come from the files
		// linked into the parser.
		spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{googleapis}, Files: []string{file}})
		require.NoError(t, err, file)
		files, err := grpc.Generate(spec, gen.Options{})
		require.NoError(t, err, file)
		dir := filepath.Join(tmp, fmt.Sprintf("p%02d_%s", i, strings.TrimSuffix(filepath.Base(file), ".proto")))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for _, f := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644))
		}
		pkgs = append(pkgs, dir)
	}
	goVet(t, pkgs...)
}

// audit imports common googleapis files that are not on disk: they come
// from the descriptors linked into the parser.
const audit = `syntax = "proto3";
package audit.v1;
option go_package = "example.com/audit/v1;auditv1";
import "google/api/annotations.proto";
import "google/iam/v1/policy.proto";
import "google/logging/type/log_severity.proto";
import "google/longrunning/operations.proto";
import "google/rpc/status.proto";
import "google/type/money.proto";

message Entry {
  google.logging.type.LogSeverity severity = 1;
  google.rpc.Status status = 2;
  google.type.Money cost = 3;
  google.iam.v1.Policy policy = 4;
}

service Audit {
  rpc Record(Entry) returns (google.rpc.Status) {
    option (google.api.http) = { post: "/v1/entries" body: "*" };
  }
  rpc Export(Entry) returns (google.longrunning.Operation);
}
`

// TestLinkedImportsGenerateAndVet generates the package of a file whose
// googleapis imports are not on disk and runs go vet on it: the linked
// files' go_package import paths must be the real, buildable ones.
func TestLinkedImportsGenerateAndVet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generated package and the genproto packages it imports; skipped with -short")
	}
	t.Parallel()
	src := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "audit.proto"), []byte(audit), 0o644))
	spec, err := protoparser.Load(context.Background(), protoparser.Params{Files: []string{filepath.Join(src, "audit.proto")}})
	require.NoError(t, err)
	files, err := grpc.Generate(spec, gen.Options{})
	require.NoError(t, err)
	out := vetDir(t)
	for _, f := range files {
		require.NoError(t, os.WriteFile(filepath.Join(out, f.Name), f.Content, 0o644))
	}
	pb, err := parser.ParseFile(token.NewFileSet(), filepath.Join(out, "audit.pb.go"), nil, parser.ImportsOnly)
	require.NoError(t, err)
	var imports []string
	for _, imp := range pb.Imports {
		imports = append(imports, strings.Trim(imp.Path.Value, `"`))
	}
	require.Subset(t, imports, []string{
		"cloud.google.com/go/iam/apiv1/iampb",
		"google.golang.org/genproto/googleapis/logging/type",
		"google.golang.org/genproto/googleapis/rpc/status",
		"google.golang.org/genproto/googleapis/type/money",
	})
	goVet(t, out)
}
