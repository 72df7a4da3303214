package grpc_test

import (
	"context"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/generator/grpc"
	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// goldenRoot holds the golden cases, whose inputs some tests reuse.
const goldenRoot = "../../golden"

func TestGRPCGenerateWithoutUsableServices(t *testing.T) {
	t.Parallel()
	_, err := grpc.Generate(&ir.Spec{Source: ir.SourceProto, Package: "x"}, gen.Options{})
	require.ErrorContains(t, err, "no descriptors")

	spec, err := protoparser.Load(context.Background(), protoparser.Params{
		ImportPaths: []string{filepath.Join(goldenRoot, "proto-routeguide", "input")},
		Files:       []string{"route_guide.proto"},
	})
	require.NoError(t, err)
	// Only the client- and bidi-streaming kinds left: no service code.
	for i := range spec.Services {
		for j := range spec.Services[i].Methods {
			spec.Services[i].Methods[j].GRPC.Streaming = ir.StreamBidi
		}
	}
	files, err := grpc.Generate(spec, gen.Options{})
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{"doc.go", "route_guide.pb.go", "route_guide_stream.pb.go"}, names, "message types only")
}

func TestGRPCGenerateHonoursPackageOption(t *testing.T) {
	t.Parallel()
	spec, err := protoparser.Load(context.Background(), protoparser.Params{
		ImportPaths: []string{filepath.Join(goldenRoot, "proto-routeguide", "input")},
		Files:       []string{"route_guide.proto"},
		Package:     "guide",
	})
	require.NoError(t, err)
	require.Equal(t, "guide", spec.Package)
	files, err := grpc.Generate(spec, gen.Options{})
	require.NoError(t, err)
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, f.Name)
		require.Regexp(t, `(?m)^package guide$`, string(f.Content), f.Name)
	}
	require.Equal(t, []string{"descriptor.go", "doc.go", "events.go", "grpc_client.go", "register.go", "route_guide.pb.go", "route_guide_stream.pb.go", "service.go", "stub.go"}, names)
}

func TestGRPCImportsNamedLikeLocalsAreAliased(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.proto"), []byte("syntax = \"proto3\";\npackage x;\noption go_package = \"example.com/in;in\";\nmessage Req {}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "y.proto"), []byte("syntax = \"proto3\";\npackage y;\nimport \"x.proto\";\nservice S { rpc M(x.Req) returns (x.Req); }\n"), 0o644))
	spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{dir}, Files: []string{"y.proto"}})
	require.NoError(t, err)
	files, err := grpc.Generate(spec, gen.Options{})
	require.NoError(t, err)
	for _, f := range files {
		if f.Name != "grpc_client.go" {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f.Name, f.Content, parser.ImportsOnly)
		require.NoError(t, err)
		aliases := map[string]string{}
		for _, imp := range parsed.Imports {
			if imp.Name != nil {
				aliases[imp.Path.Value] = imp.Name.Name
			}
		}
		require.Equal(t, "inpb", aliases[`"example.com/in"`], "the parameter in would shadow package in")
		return
	}
	t.Fatal("no grpc_client.go generated")
}

// TestGRPCDeprecatedNoticeOnce checks that a deprecated RPC whose comment
// already has a "Deprecated:" paragraph gets no second one, and that one
// without gets the generated notice.
func TestGRPCDeprecatedNoticeOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d.proto"), []byte(`syntax = "proto3";
package d;
message M {}
service S {
  // Old does things.
  //
  // Deprecated: use New.
  rpc Old(M) returns (M) { option deprecated = true; }
  // Older does things.
  rpc Older(M) returns (M) { option deprecated = true; }
}
`), 0o644))
	spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{dir}, Files: []string{"d.proto"}})
	require.NoError(t, err)
	files, err := grpc.Generate(spec, gen.Options{})
	require.NoError(t, err)
	for _, f := range files {
		if f.Name != "service.go" {
			continue
		}
		src := string(f.Content)
		require.Contains(t, src, "\t// Old does things.\n\t//\n\t// Deprecated: use New.\n\tOld(")
		require.Contains(t, src, "\t// Older does things.\n\t//\n\t// Deprecated: the proto method is marked deprecated.\n\tOlder(")
		return
	}
	t.Fatal("no service.go generated")
}

// TestGRPCOutputIsGofmtStable checks that proto comments with lists and
// indented lines come out as gofmt leaves them (gofmt reformats doc
// comments), so that gofmt -l is silent on generated packages.
func TestGRPCOutputIsGofmtStable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "l.proto"), []byte(`syntax = "proto3";
package l;
message M {}
// Log keeps entries in two modes:
//  - For a normal log, new leaf entries are queued up for subsequent
//    inclusion in the log.
//  - For a pre-ordered log, entries are integrated in order.
// Example:
//     curl -X POST /v1/entries
service Log {
  // Add adds:
  //  * one entry
  //  * or none
  rpc Add(M) returns (M);
}
`), 0o644))
	spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{dir}, Files: []string{"l.proto"}})
	require.NoError(t, err)
	files, err := grpc.Generate(spec, gen.Options{})
	require.NoError(t, err)
	for _, f := range files {
		formatted, err := format.Source(f.Content)
		require.NoError(t, err, f.Name)
		require.Equal(t, string(formatted), string(f.Content), "%s is not gofmt-stable", f.Name)
	}
}

// TestGRPCDeprecatedService checks that a service marked deprecated gets
// the notice on its interface.
func TestGRPCDeprecatedService(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.proto"), []byte(`syntax = "proto3";
package s;
message M {}
// Legacy serves the old API.
service Legacy {
  option deprecated = true;
  rpc Get(M) returns (M);
}
`), 0o644))
	spec, err := protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{dir}, Files: []string{"s.proto"}})
	require.NoError(t, err)
	require.True(t, spec.Services[0].Deprecated)
	files, err := grpc.Generate(spec, gen.Options{})
	require.NoError(t, err)
	for _, f := range files {
		if f.Name == "service.go" {
			require.Contains(t, string(f.Content), "// Legacy serves the old API.\n//\n// Deprecated: the proto service is marked deprecated.\ntype Legacy interface")
			return
		}
	}
	t.Fatal("no service.go generated")
}
