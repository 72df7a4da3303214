// Package generator turns an ir.Spec into the files of one Go package: types,
// the service interface, its HTTP implementation, worker registration and
// workflow stubs. Generate is a pure function: no I/O, no global state, and
// byte-for-byte deterministic output. Go code is built with dave/jennifer,
// never with text templates.
package generator
