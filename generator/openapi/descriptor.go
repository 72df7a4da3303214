package openapi

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// descriptorFile declares the descriptor of an OpenAPI package: one HTTP
// service.
func (g *generator) descriptorFile(f *jen.File) {
	svc := g.svc
	methods := make([]string, len(svc.Methods))
	for i, m := range svc.Methods {
		methods[i] = m.Name
	}
	gen.Descriptor(f, g.spec, "openapi", []gen.ServiceDescriptor{{
		ServiceName: "ServiceName", Binding: "http", Register: "Register", NewClient: "NewHTTPClient",
		Stub: ir.StubName(svc.Name), NewStub: ir.NewStubName(svc.Name), Methods: methods,
	}})
}
