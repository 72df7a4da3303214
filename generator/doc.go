// Package generator is the one entry point of code generation: Generate
// turns an ir.Spec into the files of one Go package, choosing the generator
// of the spec's input by spec.Source.
//
// The work is done below it, one job per package:
//
//   - generator/openapi: an OpenAPI spec (HTTP binding) → types, service
//     interface, HTTP client, worker registration, workflow stub;
//   - generator/grpc: a proto spec (gRPC binding) → the protoc-gen-go
//     message code (generator/grpc/protogo) and the service interfaces,
//     gRPC clients, registration and stubs;
//   - generator/gen: the toolkit both build on (files, rendering and
//     formatting, composite literals, the descriptor file, the version).
//
// Generation is a pure function: no I/O, no global state, and
// byte-for-byte deterministic output. Go code is built with dave/jennifer,
// never with text templates. Go names come from ir (ir/names.go).
//
// This package only dispatches; it must not grow generation code of its
// own. Nothing under generator/ imports a parser: the IR is the only
// meeting point.
package generator
