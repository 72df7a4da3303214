package proto_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// writeTree writes files (name → content) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

func load(t *testing.T, dir string, files ...string) (*ir.Spec, error) {
	t.Helper()
	return protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{dir}, Files: files})
}

const greeter = `syntax = "proto3";
package demo.v1;
option go_package = "example.com/demo/v1;demov1";
import "google/protobuf/empty.proto";
import "types.proto";
// Greeter greets.
service Greeter {
  // SayHello says hello.
  rpc SayHello(HelloRequest) returns (HelloReply);
  rpc Ping(google.protobuf.Empty) returns (google.protobuf.Empty);
  rpc Watch(HelloRequest) returns (stream HelloReply);
  rpc Upload(stream HelloRequest) returns (HelloReply);
  rpc Chat(stream HelloRequest) returns (stream HelloReply);
}
`

const types = `syntax = "proto3";
package demo.v1;
option go_package = "example.com/demo/v1;demov1";
import "ext/money.proto";
message HelloRequest { string name = 1; ext.Money tip = 2; }
message HelloReply { string message = 1; }
`

const money = `syntax = "proto3";
package ext;
option go_package = "example.com/ext;extpb";
message Money { int64 units = 1; }
`

func TestLoadServicesMethodsAndGoIdents(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"greeter.proto": greeter, "types.proto": types, "ext/money.proto": money})
	spec, err := load(t, dir, filepath.Join(dir, "greeter.proto"))
	require.NoError(t, err)
	require.Equal(t, ir.SourceProto, spec.Source)
	require.Equal(t, "demov1", spec.Package)
	require.Equal(t, []string{"greeter.proto"}, spec.Files)
	require.Len(t, spec.Services, 1)
	s := spec.Services[0]
	require.Equal(t, "Greeter", s.Name)
	require.Equal(t, "demo.v1.Greeter", s.FullName)
	require.Equal(t, "Greeter greets.", s.Doc)

	var names []string
	for _, m := range s.Methods {
		names = append(names, m.Name)
	}
	require.Equal(t, []string{"SayHello", "Ping", "Watch"}, names, "declaration order; client and bidi streaming skipped")
	say, ping, watch := s.Methods[0], s.Methods[1], s.Methods[2]
	require.Equal(t, ir.GoIdent{ImportPath: "google.golang.org/protobuf/types/known/emptypb", Name: "Empty"}, ping.Input)
	require.Equal(t, ir.GoIdent{Name: "HelloRequest"}, say.Input, "types.proto shares the go_package: generated alongside")
	require.Equal(t, ir.GoIdent{Name: "HelloReply"}, say.Output)
	require.Equal(t, "SayHello says hello.", say.Doc)
	require.Equal(t, ir.Pos{File: "greeter.proto", Line: 9, Col: 3}, say.Pos)
	require.Equal(t, &ir.GRPCBinding{FullMethod: "/demo.v1.Greeter/SayHello", Streaming: ir.StreamNone, ProtoFile: "greeter.proto"}, say.GRPC)
	require.Equal(t, ir.StreamServer, watch.GRPC.Streaming)
	require.Equal(t, ir.GoIdent{Name: "WatchStream"}, watch.Output, "server streams are collected in a wrapper message")

	require.Equal(t, []string{"greeter.proto", "greeter_stream.proto", "types.proto"}, spec.Proto.Generate,
		"ext/money.proto has its own go_package and is imported, not generated")
	require.Len(t, spec.Warnings, 2)
	require.Equal(t, filepath.Join(dir, "greeter.proto")+":12:3: client-streaming method demo.v1.Greeter.Upload skipped: only unary and server-streaming methods become tasks", spec.Warnings[0].String())
	require.Contains(t, spec.Warnings[1].Message, "bidi-streaming method demo.v1.Greeter.Chat skipped")
}

func TestLoadNamesAvoidProtoGoNames(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"svc.proto": `syntax = "proto3";
package a;
import "other.proto";
service Thing { rpc Get(b.Thing) returns (b.ThingStub); rpc DispatchGet(b.Thing) returns (b.Thing); rpc get(b.Thing) returns (b.Thing); }
`,
		"other.proto": `syntax = "proto3";
package b;
message Thing {}
message ThingStub {}
`,
	})
	spec, err := load(t, dir, "svc.proto")
	require.NoError(t, err)
	require.Equal(t, "a", spec.Package)
	s := spec.Services[0]
	require.Equal(t, "Thing2", s.Name, "message Thing and its stub name ThingStub are taken")
	var names []string
	for _, m := range s.Methods {
		names = append(names, m.Name)
	}
	require.Equal(t, []string{"Get", "DispatchGet2", "Get3"}, names, "Get2 would make DispatchGet2 twice")
	require.Equal(t, []string{"other.proto", "svc.proto"}, spec.Proto.Generate, "files without go_package are generated into the output")
}

func TestLoadErrorsCarryPositions(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"syntax.proto":  "syntax = \"proto3\";\nmessage A {\n  string name = 1\n}\n",
		"unknown.proto": "syntax = \"proto3\";\nmessage A {\n  Missing m = 1;\n}\n",
		"import.proto":  "syntax = \"proto3\";\nimport \"nope/missing.proto\";\nmessage A {}\n",
		"enum.proto":    "syntax = \"proto3\";\nenum E { E_ONE = 1; }\n",
	})
	cases := map[string]string{
		"syntax.proto":  filepath.Join(dir, "syntax.proto") + ":4:1: syntax error",
		"unknown.proto": filepath.Join(dir, "unknown.proto") + ":3:3: field A.m: unknown type Missing",
		"import.proto":  filepath.Join(dir, "import.proto") + `:2:8: "nope/missing.proto" not found in import paths`,
		"enum.proto":    filepath.Join(dir, "enum.proto") + ":2:18: enum E: proto3 requires that first value of enum have numeric value zero",
	}
	for file, want := range cases {
		_, err := load(t, dir, file)
		require.Error(t, err, file)
		require.Contains(t, err.Error(), want)
		var perr *protoparser.Error
		require.ErrorAs(t, err, &perr)
		require.NotZero(t, perr.Pos.Line)
	}
	_, err := load(t, dir, "import.proto")
	require.True(t, errors.Is(err, fs.ErrNotExist))
}

func TestLoadMissingFileAndNoService(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"msgs.proto": "syntax = \"proto3\";\nmessage A {}\n"})
	_, err := load(t, dir, "absent.proto")
	require.ErrorContains(t, err, "absent.proto")
	require.ErrorContains(t, err, "-I")
	spec, err := load(t, dir, "msgs.proto")
	require.NoError(t, err)
	require.Empty(t, spec.Services)
	require.Equal(t, []string{"msgs.proto"}, spec.Proto.Generate)
	require.Len(t, spec.Warnings, 1)
	require.Contains(t, spec.Warnings[0].Message, "only the message types are generated")
	_, err = protoparser.Load(context.Background(), protoparser.Params{})
	require.ErrorContains(t, err, "no .proto files")
}

func TestLoadEditionsAndProto2(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"ed.proto": `edition = "2023";
package ed;
import "p2.proto";
message Req { string id = 1; p2.Old old = 2; }
service Svc { rpc Do(Req) returns (p2.Old); }
`,
		"p2.proto": `syntax = "proto2";
package p2;
message Old { required int32 n = 1 [default = 7]; extensions 10 to 20; }
extend Old { optional string tag = 10; }
`,
	})
	spec, err := load(t, dir, "ed.proto")
	require.NoError(t, err)
	require.Equal(t, ir.GoIdent{Name: "Old"}, spec.Services[0].Methods[0].Output)
}

func TestLoadFixedNamesAndGoIdentifierClashes(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"register.proto": `syntax = "proto3";
package r;
message M {}
service Register { rpc Do(M) returns (M); }
`,
		"taken.proto": `syntax = "proto3";
package t;
message Register {}
service Svc { rpc Do(Register) returns (Register); }
`,
		"bounds.proto": `syntax = "proto3";
package t;
message MaxStreamMessages {}
service Svc { rpc Do(MaxStreamMessages) returns (stream MaxStreamMessages); }
`,
		"a.proto": `syntax = "proto3";
package a;
import "b.proto";
message Request {}
service A { rpc Do(Request) returns (b.Request); }
`,
		"b.proto": `syntax = "proto3";
package b;
message Request {}
`,
	})
	spec, err := load(t, dir, "register.proto")
	require.NoError(t, err)
	require.Equal(t, "Register2", spec.Services[0].Name, "the single-service package declares func Register")

	spec, err = load(t, dir, "taken.proto")
	require.NoError(t, err, "a message Register makes the single service use per-service names")
	require.True(t, spec.Proto.QualifiedNames)
	require.Equal(t, "RegisterSvc", ir.GRPCNamesOf(spec, spec.Services[0].Name).Register)

	_, err = load(t, dir, "bounds.proto")
	require.ErrorContains(t, err, "bounds.proto:3:1: t.MaxStreamMessages has the Go name MaxStreamMessages")

	_, err = load(t, dir, "a.proto")
	var perr *protoparser.Error
	require.ErrorAs(t, err, &perr)
	require.Equal(t, ir.Pos{File: filepath.Join(dir, "a.proto"), Line: 4, Col: 1}, perr.Pos)
	require.ErrorContains(t, err, "a.Request and b.Request (b.proto:3:1) both become the Go identifier Request")
}

func TestLoadForeignPackageImportingFileWithoutGoPackage(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"t.proto": `syntax = "proto3";
package t;
import "a.proto";
service S { rpc Do(a.A) returns (a.A); }
`,
		"a.proto": `syntax = "proto3";
package a;
option go_package = "example.com/a";
import "c.proto";
message A { c.C c = 1; }
`,
		"c.proto": `syntax = "proto3";
package c;
message C {}
`,
	})
	spec, err := load(t, dir, "t.proto")
	require.NoError(t, err)
	require.Equal(t, []string{"t.proto"}, spec.Proto.Generate, "c.proto belongs to a's package, not to the output")
	require.Equal(t, ir.GoIdent{ImportPath: "example.com/a", Name: "A"}, spec.Services[0].Methods[0].Input)
}

func TestLoadWithoutImportPathsUsesTheFilesDirectory(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"api/greeter.proto": greeter, "api/types.proto": types, "api/ext/money.proto": money})
	spec, err := protoparser.Load(context.Background(), protoparser.Params{Files: []string{filepath.Join(dir, "api", "greeter.proto")}})
	require.NoError(t, err)
	require.Equal(t, []string{"greeter.proto"}, spec.Files)
}

// TestLoadInputMistakesAreExplained checks the errors for a directory given
// as a file and for an import path that does not exist.
func TestLoadInputMistakesAreExplained(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"c.proto": "syntax = \"proto3\";\nimport \"missing/x.proto\";\nmessage C {}\n"})
	_, err := load(t, dir, dir)
	require.ErrorContains(t, err, dir+" is a directory: give the .proto files to generate")

	missing := filepath.Join(dir, "nope")
	_, err = protoparser.Load(context.Background(), protoparser.Params{ImportPaths: []string{missing, dir}, Files: []string{"c.proto"}})
	require.ErrorContains(t, err, "c.proto:2:8: \"missing/x.proto\" not found in import paths "+missing+" (which does not exist), "+dir+" (add the directory holding it with -I)")
}

// TestLoadMissingOptionsImportNamesItsModule checks that a missing import
// of a well-known third-party options file says which module ships it.
func TestLoadMissingOptionsImportNamesItsModule(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"g.proto": "syntax = \"proto3\";\nimport \"gogoproto/gogo.proto\";\nmessage G {}\n"})
	_, err := load(t, dir, "g.proto")
	require.ErrorContains(t, err, "g.proto:2:8: \"gogoproto/gogo.proto\" not found in import paths "+dir+" (it is shipped by github.com/gogo/protobuf")
	require.ErrorContains(t, err, "go mod download -json MODULE")
}
