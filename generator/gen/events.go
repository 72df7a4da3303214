package gen

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// PkgEvents is the runtime package of CloudEvents subscriptions.
const PkgEvents = "github.com/infgen/infgen/runtime/events"

// EventMethod is a method whose task outcomes a service publishes.
type EventMethod struct {
	Method string     // the routed method name
	GoName string     // the Go method name
	Output ir.GoIdent // the result type (used as a pointer)
}

// outcomes are the task outcomes published as events.
var outcomes = []string{ir.OutcomeCompleted, ir.OutcomeFailed}

// eventType is the expression of an event type: the service's routed name
// constant + ".<method>.<outcome>".
func eventType(serviceName, method, outcome string) jen.Code {
	return jen.Id(serviceName).Op("+").Lit(ir.EventTypeSuffix(method, outcome))
}

// EventsFile declares, per service, the variable whose fields are the
// completion events of its tasks as events.Typed values, their data typed
// as the methods' results: data rather than a subscription method per
// operation, which a compiler would have to compile a thousand of for a
// large API.
func EventsFile(f *jen.File, services []ServiceDescriptor) {
	for _, s := range services {
		name := ir.EventsName(s.Service)
		example := "MethodCompleted"
		if len(s.Events) > 0 {
			example = ir.CompletedName(s.Events[0].GoName)
		}
		f.Commentf("%s are the events that %s tasks publish", name, s.Service)
		f.Comment("when workflows run them with outcome events on (worker.Options.OutcomeEvents):")
		f.Comment("one per operation, with the event's data typed as its result. Subscribe")
		f.Commentf("with events.On(w, %s.%s, h).", name, example)
		var fields, values []jen.Code
		for i, m := range s.Events {
			field := ir.CompletedName(m.GoName)
			typ := func() *jen.Statement { return jen.Qual(PkgEvents, "Typed").Types(jen.Op("*").Add(Ident(m.Output))) }
			if i > 0 {
				fields = append(fields, jen.Line())
			}
			fields = append(fields,
				jen.Commentf("%s is the event of a completed %s task", field, m.Method),
				jen.Commentf("(type %s + %q), whose data is the task's result.", s.ServiceName, ir.EventTypeSuffix(m.Method, ir.OutcomeCompleted)),
				jen.Id(field).Add(typ()),
			)
			values = append(values, Field(field, typ().Values(jen.Id("Type").Op(":").Add(eventType(s.ServiceName, m.Method, ir.OutcomeCompleted)))))
		}
		f.Var().Id(name).Op("=").Struct(fields...).Values(Fields(values...)...)
		f.Line()
	}
}

// eventDescriptors are the descriptor's entries of a service's events.
func eventDescriptors(s ServiceDescriptor) []jen.Code {
	var out []jen.Code
	for _, m := range s.Events {
		for _, o := range outcomes {
			fields := []jen.Code{
				Field("Type", eventType(s.ServiceName, m.Method, o)),
				Field("Method", jen.Lit(m.Method)),
				Field("Outcome", jen.Lit(o)),
			}
			if o == ir.OutcomeCompleted {
				data := m.Output.Name
				if m.Output.ImportPath != "" {
					data = m.Output.ImportPath + "." + data
				}
				fields = append(fields, Field("Data", jen.Lit(data)),
					Field("Subscribe", jen.Lit(ir.EventsName(s.Service)+"."+ir.CompletedName(m.GoName))))
			}
			out = append(out, jen.Values(Fields(fields...)...))
		}
	}
	return out
}
