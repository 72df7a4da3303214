// Package ir is the intermediate representation shared by every infgen
// parser (OpenAPI, proto, gRPC reflection) and the generator.
//
// It is plain data: every collection is a slice kept in a deterministic order
// (so the generated output is byte-for-byte reproducible), there are no maps,
// and nothing points back into kin-openapi or protobuf descriptor types.
// Parsers fill an ir.Spec; generator.Generate turns it into Go files.
//
// Go identifiers are made in exactly one place, names.go: parsers call
// GoName / Scope.Unique so that every name in a Spec is already a valid,
// collision-free Go identifier and the generator never invents names of its
// own from raw spec strings.
//
// compensate.go describes a method's declared compensation (sagas) and
// parses the OpenAPI runtime expressions its arguments are written in;
// suggest.go finds likely compensation pairs in a Spec. Both are pure
// functions of their input. The package imports only the standard library.
package ir
