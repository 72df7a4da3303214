package proto_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/infgen/infgen/ir"
	protoparser "github.com/infgen/infgen/parser/proto"
)

// TestLoadTypeNamedLikeAMethod: rpc Register(Register) names the message
// Register, although protoc's scoping finds the method first and rejects
// the file; infgen links it, with the message, keeps the method's name and
// warns at each reference how to write it for protoc too.
func TestLoadTypeNamedLikeAMethod(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"reg.proto": `syntax = "proto3";
package t;
option go_package = "example.com/t";
message Register { string name = 1; }
service Svc { rpc Register(Register) returns (Register); }
`,
		"a/x.proto": `syntax = "proto3";
package a.b;
option go_package = "example.com/ab";
import "a/y.proto";
service Svc {
  rpc Get(Get) returns (Get.Inner);
  rpc Other(Get) returns (Other);
}
message Other {}
`,
		"a/y.proto": `syntax = "proto3";
package a;
option go_package = "example.com/a";
message Get { message Inner {} }
`,
	})

	spec, err := load(t, dir, filepath.Join(dir, "reg.proto"))
	require.NoError(t, err)
	m := spec.Services[0].Methods[0]
	require.Equal(t, "Register", m.Name)
	require.Equal(t, "/t.Svc/Register", m.GRPC.FullMethod)
	require.Equal(t, ir.GoIdent{Name: "Register"}, m.Input, "the message of the generated package")
	require.Equal(t, m.Input, m.Output)
	file := filepath.Join(dir, "reg.proto")
	require.Equal(t, []ir.Warning{
		{Pos: ir.Pos{File: file, Line: 5, Col: 28}, Message: `method Svc.Register: the request type Register is also the name of a method of the service, so protoc rejects this file ("Register" is not a message type); infgen resolves it to the message t.Register: write t.Register to keep the file valid for protoc`},
		{Pos: ir.Pos{File: file, Line: 5, Col: 47}, Message: `method Svc.Register: the response type Register is also the name of a method of the service, so protoc rejects this file ("Register" is not a message type); infgen resolves it to the message t.Register: write t.Register to keep the file valid for protoc`},
	}, spec.Warnings)

	// The message in an enclosing package, a qualified name through a
	// method's name (which protoc already resolves), another method's name.
	spec, err = load(t, dir, "a/x.proto")
	require.NoError(t, err)
	byName := map[string]ir.Method{}
	for _, m := range spec.Services[0].Methods {
		byName[m.Name] = m
	}
	require.Equal(t, "Get", byName["Get"].Input.Name)
	require.Equal(t, "Get_Inner", byName["Get"].Output.Name)
	require.Equal(t, "/a.b.Svc/Other", byName["Other"].GRPC.FullMethod)
	require.Equal(t, "Other", byName["Other"].Output.Name)
	require.Len(t, spec.Warnings, 3)
	require.Contains(t, spec.Warnings[0].Message, "resolves it to the message a.Get: write a.Get")
	require.Contains(t, spec.Warnings[2].Message, "resolves it to the message a.b.Other: write a.b.Other")
}

// TestLoadMethodNameIsNotAType: a type that only a method has that name is
// still an error at its position.
func TestLoadMethodNameIsNotAType(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"bad.proto": `syntax = "proto3";
package t;
message Reply {}
service Svc {
  rpc Ping(Reply) returns (Reply);
  rpc Pong(Ping) returns (Reply);
}
`})
	_, err := load(t, dir, "bad.proto")
	require.Error(t, err)
	var pe *protoparser.Error
	require.ErrorAs(t, err, &pe)
	require.Equal(t, ir.Pos{File: filepath.Join(dir, "bad.proto"), Line: 6, Col: 12}, pe.Pos, err.Error())
	require.ErrorContains(t, err, "Ping")
}

func TestLoadMethodNameIsNotATypeItself(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"bad.proto": "syntax = \"proto3\";\npackage t;\nservice Svc { rpc Ping(Ping) returns (Ping); }\n"})
	_, err := load(t, dir, "bad.proto")
	require.ErrorContains(t, err, "bad.proto:3:24: method t.Svc.Ping: invalid request type: t.Svc.Ping is a method, not a message")
	require.NotContains(t, err.Error(), "unshadowed")
}
