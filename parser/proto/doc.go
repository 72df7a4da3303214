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
// every imported file that shares the go_package of a requested one, and
// every imported file that declares no go_package at all. Any other import
// resolves to its go_package, as protoc-gen-go would resolve it.
package proto
