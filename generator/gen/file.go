package gen

import "github.com/infgen/infgen/ir"

// File is one generated file.
type File struct {
	// Name is the file name relative to the output directory ("types.go").
	Name string
	// Content is the file's content; Go files are gofmt'd.
	Content []byte
}

// Options tune generation.
type Options struct {
	// Package is the Go package name; empty uses spec.Package.
	Package string
	// ImportPath is the import path of the generated package, when known
	// (used by the proto generator for protogen).
	ImportPath string
	// Command is the command line recorded in the generated files' header
	// ("infgen generate openapi petstore.yaml"); empty omits it.
	Command string
}

// Resolve returns o with its defaults filled in for spec: the package
// name is o.Package, else spec.Package, else "api".
func (o Options) Resolve(spec *ir.Spec) Options {
	if o.Package == "" {
		o.Package = spec.Package
	}
	if o.Package == "" {
		o.Package = "api"
	}
	return o
}
