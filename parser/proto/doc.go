// Package proto reads gRPC service definitions into an ir.Spec, either from
// .proto source files (compiled in-process with bufbuild/protocompile, the
// well-known google/protobuf/* files built in) or from a live server through
// gRPC server reflection (jhump/protoreflect's grpcreflect client).
//
// Imports are looked up in the import paths first, then among the
// well-known files, then among the common googleapis files (google/api,
// google/rpc, google/type, google/logging/type, google/longrunning,
// google/iam/v1, google/cloud/location) whose Go packages this package
// links: their descriptors come from the protobuf Go registry, and they
// resolve to their own go_package. LinkedFiles lists them.
//
// Both paths end in the same place, Build: a set of file descriptors, the
// names of the files the user asked for, and the Go package they go into.
// The spec lists the services of those files (unary and server-streaming
// methods; client- and bidi-streaming ones are skipped with a warning) and
// carries the descriptors as plain data for the .pb.go generator.
//
// Which files are generated into the output package: the requested ones,
// every imported file that shares the go_package of a requested one (or
// the output's import path), and every imported file that declares no
// go_package at all (Params.GoPackages, protoc's M option, gives such a
// file one). Any other import resolves to its go_package, as protoc-gen-go
// would resolve it, unless Params.GenerateImports asks for it to be
// generated too. A standard google/protobuf file read from the import
// paths always takes the go_package of the built-in one.
//
// Real-world files that protoc-gen-go would turn into code that does not
// compile are errors at their position instead: an import whose Go package
// is an internal package of another module or no Go import path at all
// ("pb"), and two generated files declaring one Go identifier.
package proto
