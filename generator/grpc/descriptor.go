package grpc

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// descriptorFile declares the descriptor of a proto package: its gRPC
// services.
func (g *generator) descriptorFile(f *jen.File) {
	gen.Descriptor(f, g.spec, "proto", g.descriptors())
}

// eventsFile declares the typed subscriptions to the services' events.
func (g *generator) eventsFile(f *jen.File) {
	gen.EventsFile(f, g.descriptors())
}

func (g *generator) descriptors() []gen.ServiceDescriptor {
	var services []gen.ServiceDescriptor
	for _, s := range g.services {
		n := g.names(s)
		var methods []string
		var events []gen.EventMethod
		for _, m := range s.Methods {
			methods = append(methods, rpcName(m))
			events = append(events, gen.EventMethod{Method: rpcName(m), GoName: m.Name, Output: m.Output})
		}
		services = append(services, gen.ServiceDescriptor{
			ServiceName: n.ServiceName, Binding: "grpc", Register: n.Register, NewClient: n.NewClient,
			Stub: ir.StubName(s.Name), NewStub: ir.NewStubName(s.Name), Methods: methods,
			Service: s.Name, Events: events,
		})
	}
	return services
}
