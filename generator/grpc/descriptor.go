package grpc

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// descriptorFile declares the descriptor of a proto package: its gRPC
// services.
func (g *generator) descriptorFile(f *jen.File) {
	var services []gen.ServiceDescriptor
	for _, s := range g.services {
		n := g.names(s)
		var methods []string
		for _, m := range s.Methods {
			methods = append(methods, rpcName(m))
		}
		services = append(services, gen.ServiceDescriptor{
			ServiceName: n.ServiceName, Binding: "grpc", Register: n.Register, NewClient: n.NewClient,
			Stub: ir.StubName(s.Name), NewStub: ir.NewStubName(s.Name), Methods: methods,
		})
	}
	gen.Descriptor(f, g.spec, "proto", services)
}
