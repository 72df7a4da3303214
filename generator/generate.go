package generator

import (
	"fmt"

	"github.com/infgen/infgen/ir"
)

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

// Generate turns spec into the files of one Go package, sorted by name. It
// performs no I/O and its output is byte-for-byte deterministic.
//
// OpenAPI specs are generated here; proto specs by generateGRPC (grpc.go,
// owned by the proto generator).
func Generate(spec *ir.Spec, opts Options) ([]File, error) {
	if spec == nil {
		return nil, fmt.Errorf("generate: nil spec")
	}
	if opts.Package == "" {
		opts.Package = spec.Package
	}
	if opts.Package == "" {
		opts.Package = "api"
	}
	switch spec.Source {
	case ir.SourceProto:
		return generateGRPC(spec, opts)
	case ir.SourceOpenAPI, "":
		return generateOpenAPI(spec, opts)
	}
	return nil, fmt.Errorf("generate: unknown spec source %q", spec.Source)
}
