package openapi

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// descriptorFile declares the descriptor of an OpenAPI package: one HTTP
// service.
func (g *generator) descriptorFile(f *jen.File) {
	gen.Descriptor(f, g.spec, "openapi", g.descriptors())
}

// eventsFile declares the typed subscriptions to the service's events.
func (g *generator) eventsFile(f *jen.File) {
	gen.EventsFile(f, g.descriptors())
}

func (g *generator) descriptors() []gen.ServiceDescriptor {
	svc := g.svc
	methods := make([]string, len(svc.Methods))
	events := make([]gen.EventMethod, len(svc.Methods))
	for i, m := range svc.Methods {
		methods[i] = m.Name
		events[i] = gen.EventMethod{Method: m.Name, GoName: m.Name, Output: m.Output}
	}
	return []gen.ServiceDescriptor{{
		ServiceName: "ServiceName", Binding: "http", Register: "Register", NewClient: "NewHTTPClient",
		Stub: ir.StubName(svc.Name), NewStub: ir.NewStubName(svc.Name), Methods: methods,
		Service: svc.Name, Events: events, Hooks: g.hooks(), CallbacksOption: g.callbacksOptionName(),
	}}
}

// callbacksOptionName is the client option taking the callback receiver,
// or "" when the API declares no callback.
func (g *generator) callbacksOptionName() string {
	if g.hasCallbacks() {
		return callbacksOption
	}
	return ""
}
