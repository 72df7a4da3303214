package generator

import (
	"fmt"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/generator/grpc"
	"github.com/infgen/infgen/generator/openapi"
	"github.com/infgen/infgen/ir"
)

// File is one generated file.
type File = gen.File

// Options tune generation.
type Options = gen.Options

// Generate turns spec into the files of one Go package, sorted by name,
// with the generator of the spec's input: generator/openapi for OpenAPI
// specs, generator/grpc for proto specs. It performs no I/O and its output
// is byte-for-byte deterministic.
func Generate(spec *ir.Spec, opts Options) ([]File, error) {
	if spec == nil {
		return nil, fmt.Errorf("generate: nil spec")
	}
	switch spec.Source {
	case ir.SourceProto:
		return grpc.Generate(spec, opts)
	case ir.SourceOpenAPI, "":
		return openapi.Generate(spec, opts)
	}
	return nil, fmt.Errorf("generate: unknown spec source %q", spec.Source)
}
