package proto_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// oldDescriptor is a vendored copy of descriptor.proto as gogo/protobuf
// ships it: an old go_package that protoc-gen-go rejects as an import path.
const oldDescriptor = `syntax = "proto2";
package google.protobuf;
option go_package = "descriptor";
message MethodOptions { optional bool deprecated = 33; extensions 1000 to max; }
`

const withOptions = `syntax = "proto3";
package opts.v1;
option go_package = "example.com/opts/v1;optsv1";
import "google/protobuf/descriptor.proto";
extend google.protobuf.MethodOptions { string route = 50001; }
message Req {}
service Routed { rpc Get(Req) returns (Req) { option (route) = "/get"; } }
`

// TestStandardFileCopiesGetTheRealGoPackage checks that a copy of a
// standard google/protobuf file on the import paths keeps its content but
// takes the go_package of the built-in file, with a warning at the copy.
func TestStandardFileCopiesGetTheRealGoPackage(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"routed.proto":                     withOptions,
		"google/protobuf/descriptor.proto": oldDescriptor,
	})
	spec, err := load(t, dir, filepath.Join(dir, "routed.proto"))
	require.NoError(t, err)
	require.Len(t, spec.Services, 1)

	var set descriptorpb.FileDescriptorSet
	require.NoError(t, proto.UnmarshalOptions{Resolver: (*protoregistry.Types)(nil)}.Unmarshal(spec.Proto.FileDescriptorSet, &set))
	var goPackage string
	for _, f := range set.GetFile() {
		if f.GetName() == "google/protobuf/descriptor.proto" {
			goPackage = f.GetOptions().GetGoPackage()
		}
	}
	require.Equal(t, "google.golang.org/protobuf/types/descriptorpb", goPackage)
	require.NotContains(t, spec.Proto.Generate, "google/protobuf/descriptor.proto")

	require.Len(t, spec.Warnings, 1)
	require.Equal(t, filepath.Join(dir, "google", "protobuf", "descriptor.proto"), spec.Warnings[0].Pos.File)
	require.Contains(t, spec.Warnings[0].Message, `"google.golang.org/protobuf/types/descriptorpb"`)
}

// TestStandardFileCopyWithSameGoPackageIsQuiet checks that a vendored copy
// declaring the real go_package is used silently (it is the same file).
func TestStandardFileCopyWithSameGoPackageIsQuiet(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"routed.proto": withOptions,
		"google/protobuf/descriptor.proto": `syntax = "proto2";
package google.protobuf;
option go_package = "google.golang.org/protobuf/types/descriptorpb";
message MethodOptions { extensions 1000 to max; }
`,
	})
	spec, err := load(t, dir, filepath.Join(dir, "routed.proto"))
	require.NoError(t, err)
	require.Empty(t, spec.Warnings)
}

// TestExtendedDescriptorProtoIsUsed checks that a project's own
// descriptor.proto (here without go_package, adding a field to
// EnumOptions, as protocompile's test data does) is compiled as protoc
// would, while the Go code still refers to descriptorpb.
func TestExtendedDescriptorProtoIsUsed(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"google/protobuf/descriptor.proto": `syntax = "proto2";
package google.protobuf;
message EnumOptions { optional string foo = 100; extensions 1000 to max; }
message MethodOptions { extensions 1000 to max; }
`,
		"e.proto": `syntax = "proto2";
package e;
import "google/protobuf/descriptor.proto";
enum Color { option foo = "x"; RED = 0; }
message M { optional Color c = 1; }
service S { rpc Get(M) returns (M); }
`,
	})
	spec, err := load(t, dir, "e.proto")
	require.NoError(t, err)
	require.Equal(t, []string{"e.proto"}, spec.Proto.Generate)
	require.Len(t, spec.Warnings, 1)
	require.Contains(t, spec.Warnings[0].Message, "descriptorpb")
}
