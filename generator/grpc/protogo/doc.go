// Package protogo emits the standard protoc-gen-go message code (.pb.go files)
// in-process: it turns file descriptors into a protoc plugin request, runs
// google.golang.org/protobuf/compiler/protogen with the very generator that
// protoc-gen-go uses, and returns the files' contents. No protoc binary and no
// plugin installation are needed, and the output is byte-for-byte what
// protoc-gen-go produces for the same descriptors and import mappings.
//
// Every file listed in Params.Generate is placed in one output Go package;
// every other file resolves to the package named by its go_package option
// (google/protobuf/* to google.golang.org/protobuf/types/known/..., google/api/*
// to google.golang.org/genproto/googleapis/api/..., and so on) unless
// Params.GoPackages maps it elsewhere: the parser resolves every file's Go
// package and the IR carries the result (ir.ProtoFiles.GoPackages), so the
// message code and the identifiers in the IR always agree. One deliberate
// difference from protoc-gen-go: an output file name the Go tool would skip
// or build on one platform only is changed (OutputNames).
package protogo
