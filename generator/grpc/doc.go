// Package grpc generates the Go package of a proto spec (an ir.Spec whose
// methods have gRPC bindings): the protoc-gen-go message code, produced
// in-process by its subpackage protogo, and, with dave/jennifer, the
// service interfaces, the gRPC clients implementing them, worker
// registration, workflow stubs and the package descriptor. Generate is a
// pure function of the IR: no I/O, no global state, byte-for-byte
// deterministic output.
//
// It owns everything specific to gRPC: unary and server-streaming calls,
// status classification, the per-service names of packages with several
// services. Files are rendered through generator/gen, whose toolkit
// (rendering, literals, descriptor) it uses rather than copies. Go names
// come from ir; the Go packages of imported proto files come from
// ir.ProtoFiles.GoPackages, as the parser resolved them.
//
// It must not import a parser (the IR is the only meeting point), the
// runtime packages whose code it emits, generator/openapi, or the
// dispatcher generator; callers normally reach it through
// generator.Generate.
package grpc
