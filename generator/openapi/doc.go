// Package openapi generates the Go package of an OpenAPI spec (an ir.Spec
// whose methods have HTTP bindings): the schemas as Go types, the service
// interface, HTTPClient implementing it over HTTP, Register (hosting an
// implementation in a worker), the workflow stub and the package
// descriptor. Generate is a pure function of the IR: no I/O, no global
// state, byte-for-byte deterministic output.
//
// It owns everything specific to HTTP in the generated package: each
// operation's httpapi.Operation (where each input field travels, how the
// body is encoded, which field each declared response fills), the security
// schemes and credentials. The request and response plumbing those
// descriptors drive is runtime/httpapi's Call, written once rather than a
// method body per operation. Files are
// built with dave/jennifer and rendered through generator/gen, whose
// toolkit (rendering, literals, descriptor) it uses rather than copies. Go
// names come from ir.
//
// It must not import a parser (the IR is the only meeting point), the
// runtime packages whose code it emits, generator/grpc, or the dispatcher
// generator; callers normally reach it through generator.Generate.
package openapi
