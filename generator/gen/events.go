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

// EventsFile declares, per service, the type whose methods subscribe a
// worker to the completion events of its tasks, with their data typed.
func EventsFile(f *jen.File, services []ServiceDescriptor) {
	for _, s := range services {
		typ := ir.EventsName(s.Service)
		f.Commentf("%s subscribes workers to the events that %s tasks publish", typ, s.Service)
		f.Comment("when workflows run them with outcome events on (worker.Options.OutcomeEvents):")
		f.Comment("one method per operation, with the event's data typed as its result.")
		f.Type().Id(typ).Struct()
		for _, m := range s.Events {
			on := ir.OnCompletedName(m.GoName)
			f.Line()
			f.Commentf("%s subscribes h in w to the event of a completed %s task", on, m.Method)
			f.Commentf("(type %s + %q), whose data is the task's result;", s.ServiceName, ir.EventTypeSuffix(m.Method, ir.OutcomeCompleted))
			f.Comment("see events.Subscribe.")
			f.Func().Params(jen.Id(typ)).Id(on).Params(
				jen.Id("w").Op("*").Qual(PkgWorker, "Worker"),
				jen.Id("h").Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("ev").Op("*").Qual(PkgEvents, "Event"),
					jen.Id("out").Op("*").Add(Ident(m.Output))).Error(),
				jen.Id("opts").Op("...").Qual(PkgEvents, "Option"),
			).Error().Block(
				jen.Return(jen.Qual(PkgEvents, "SubscribeData").Call(jen.Id("w"), eventType(s.ServiceName, m.Method, ir.OutcomeCompleted), jen.Id("h"), jen.Id("opts").Op("..."))),
			)
		}
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
					Field("Subscribe", jen.Lit(ir.EventsName(s.Service)+"."+ir.OnCompletedName(m.GoName))))
			}
			out = append(out, jen.Values(Fields(fields...)...))
		}
	}
	return out
}
