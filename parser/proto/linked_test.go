package proto_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

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

func TestLoadResolvesLinkedGoogleapisImports(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"audit.proto": audit})
	spec, err := protoparser.Load(context.Background(), protoparser.Params{Files: []string{filepath.Join(dir, "audit.proto")}})
	require.NoError(t, err)
	require.Equal(t, []string{"audit.proto"}, spec.Proto.Generate, "linked files are never generated into the output")
	require.Len(t, spec.Services, 1)
	methods := spec.Services[0].Methods
	require.Len(t, methods, 2)
	require.Equal(t, ir.GoIdent{ImportPath: "cloud.google.com/go/longrunning/autogen/longrunningpb", Name: "Operation"}, methods[1].Output)
	require.Equal(t, ir.GoIdent{ImportPath: "google.golang.org/genproto/googleapis/rpc/status", Name: "Status"}, methods[0].Output)
}

func TestLoadPrefersImportPathsOverLinkedFiles(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"svc.proto": `syntax = "proto3";
package svc;
import "google/rpc/status.proto";
service S { rpc Do(google.rpc.Status) returns (google.rpc.Status); }
`,
		"google/rpc/status.proto": `syntax = "proto3";
package google.rpc;
option go_package = "example.com/vendored/status;status";
message Status { int32 code = 1; }
`,
	})
	spec, err := load(t, dir, "svc.proto")
	require.NoError(t, err)
	require.Equal(t, ir.GoIdent{ImportPath: "example.com/vendored/status", Name: "Status"}, spec.Services[0].Methods[0].Input)
}

func TestLoadMissingImportFoundNowhere(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"linkable.proto":  "syntax = \"proto3\";\n\nimport \"google/type/no_such_type.proto\";\nmessage A {}\n",
		"unlinked.proto":  "syntax = \"proto3\";\nimport \"google/api/expr/v1alpha1/syntax.proto\";\nmessage A {}\n",
		"elsewhere.proto": "syntax = \"proto3\";\nimport \"acme/v1/thing.proto\";\nmessage A {}\n",
	})
	cases := map[string]string{
		"linkable.proto":  ":3:8: \"google/type/no_such_type.proto\" not found in import paths " + dir + " or among the googleapis files built into infgen (add the directory holding it with -I)",
		"unlinked.proto":  ":2:8: \"google/api/expr/v1alpha1/syntax.proto\" not found in import paths " + dir + " or among the googleapis files built into infgen (add the directory holding it with -I)",
		"elsewhere.proto": ":2:8: \"acme/v1/thing.proto\" not found in import paths " + dir + " (add the directory holding it with -I)",
	}
	for file, want := range cases {
		_, err := load(t, dir, file)
		require.Error(t, err, file)
		require.Equal(t, filepath.Join(dir, file)+want, err.Error())
		require.True(t, errors.Is(err, fs.ErrNotExist), file)
		var perr *protoparser.Error
		require.ErrorAs(t, err, &perr)
		require.Equal(t, filepath.Join(dir, file), perr.Pos.File)
	}
}

func TestLinkedFiles(t *testing.T) {
	t.Parallel()
	files := protoparser.LinkedFiles()
	for _, want := range []string{
		"google/api/annotations.proto",
		"google/api/field_behavior.proto",
		"google/cloud/location/locations.proto",
		"google/iam/v1/policy.proto",
		"google/logging/type/log_severity.proto",
		"google/longrunning/operations.proto",
		"google/rpc/error_details.proto",
		"google/rpc/status.proto",
		"google/type/date.proto",
		"infgen/options.proto",
	} {
		require.Contains(t, files, want)
	}
	for _, f := range files {
		require.True(t, strings.HasPrefix(f, "google/") || f == "infgen/options.proto", f)
		require.False(t, strings.HasPrefix(f, "google/protobuf/"), "well-known types are resolved by protocompile: %s", f)
	}
}
