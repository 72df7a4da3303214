package openapi

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// registerFile declares Register, which hosts an implementation in a worker,
// over a table of the methods with their method expressions: static data
// rather than one function registering them all (for a spec of a thousand
// operations that one function was a fifth of the compiler's memory) or a
// closure per method (three compiled functions each, 100 MB for GitHub's).
func (g *generator) registerFile(f *jen.File) {
	svc := g.svc
	f.Add(comment("Register hosts impl (usually an *HTTPClient) in w under ServiceName, one\ntask handler per method, with payloads encoded as JSON and failures of the\nErrorTypes recorded with their type."))
	f.Func().Id("Register").Params(
		jen.Id("w").Op("*").Qual(pkgWorker, "Worker"),
		jen.Id("impl").Id(svc.Name),
		jen.Id("opts").Op("...").Qual(pkgWorker, "ServiceOption"),
	).Error().Block(
		jen.If(jen.Id("impl").Op("==").Nil()).Block(
			jen.Return(jen.Qual(pkgErrors, "New").Call(jen.Lit("register "+svc.Name+": nil implementation"))),
		),
		jen.Id("ms").Op(":=").Make(jen.Index().Qual(pkgWorker, "Method"), jen.Len(jen.Id("methods"))),
		jen.For(jen.List(jen.Id("i"), jen.Id("m")).Op(":=").Range().Id("methods")).Block(
			jen.List(jen.Id("h"), jen.Err()).Op(":=").Qual(pkgWorker, "HandleMethod").Call(jen.Qual(pkgCodec, "JSON").Values(), jen.Id("impl"), jen.Id("m").Dot("call")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Id("ms").Index(jen.Id("i")).Op("=").Id("m").Dot("Method"),
			jen.Id("ms").Index(jen.Id("i")).Dot("Handler").Op("=").Id("h"),
		),
		jen.Return(jen.Id("w").Dot("RegisterService").Call(
			jen.Qual(pkgWorker, "Service").Values(jen.Dict{
				jen.Id("Name"):    jen.Id("ServiceName"),
				jen.Id("Errors"):  jen.Id("ErrorTypes").Call(),
				jen.Id("Methods"): jen.Id("ms"),
			}),
			jen.Id("opts").Op("..."),
		)),
	)
	f.Line()
	f.Add(comment("methods are the methods of " + svc.Name + " with their settings from the\nspec, and the method expression that Register's task handler calls."))
	f.Var().Id("methods").Op("=").Index().Struct(
		jen.Qual(pkgWorker, "Method"),
		jen.Id("call").Any().Comment("func("+svc.Name+", context.Context, *<Op>Input) (*<Op>Output, error)"),
	).ValuesFunc(func(vg *jen.Group) {
		for _, m := range svc.Methods {
			fields := jen.Dict{jen.Id("Name"): jen.Lit(m.Name)}
			if m.Timeout > 0 {
				fields[jen.Id("Timeout")] = gen.DurationLit(m.Timeout)
			}
			if m.Retry != nil {
				fields[jen.Id("Retry")] = gen.RetryPolicyLit(*m.Retry)
			}
			vg.Line().Values(jen.Dict{
				jen.Id("Method"): jen.Qual(pkgWorker, "Method").Values(fields),
				jen.Id("call"):   jen.Id(svc.Name).Dot(m.Name),
			})
		}
		vg.Line()
	})
}

// stubFile declares the workflow stub.
func (g *generator) stubFile(f *jen.File) {
	svc := g.svc
	stub := ir.StubName(svc.Name)
	f.Add(comment(stub + " calls " + svc.Name + " from a workflow: each method runs as a durable\ntask on a worker where the service is registered. Methods block the workflow\nuntil the result is known; workflow.Async(ctx, stub.Method, in) returns at once with a Deferred."))
	f.Type().Id(stub).Struct(jen.Id("opts").Index().Qual(pkgWorkflow, "CallOption"))
	f.Add(comment(ir.NewStubName(svc.Name) + " returns a stub whose calls all use opts; a call's own options\ncome after them, so they win."))
	f.Func().Id(ir.NewStubName(svc.Name)).Params(jen.Id("opts").Op("...").Qual(pkgWorkflow, "CallOption")).Op("*").Id(stub).Block(
		jen.Return(jen.Op("&").Id(stub).Values(jen.Dict{jen.Id("opts"): jen.Id("opts")})),
	)
	gen.StubCall(f, stub, jen.Id("ServiceName"), jen.Qual(pkgCodec, "JSON").Values(), jen.Id("ErrorTypes").Call())
	for _, m := range svc.Methods {
		out := jen.Op("*").Id(m.Output.Name)
		f.Add(comment(m.Name + " runs " + svc.Name + "." + m.Name + " as a task and waits for its result;\n" +
			"workflow.Async(ctx, stub." + m.Name + ", in) starts it without waiting.\n" + gen.CallOptionsDoc))
		f.Func().Params(jen.Id("s").Op("*").Id(stub)).Id(m.Name).Params(
			jen.Id("ctx").Qual(pkgWorkflow, "Context"), jen.Id("in").Op("*").Id(m.Input.Name),
			jen.Id("opts").Op("...").Qual(pkgWorkflow, "CallOption"),
		).Params(out.Clone(), jen.Error()).Block(
			gen.StubCallBody(out.Clone(), m.Name)...,
		)
		if m.Compensate != nil {
			g.compensationMethods(f, stub, m)
		}
		if len(m.Callbacks) > 0 {
			g.stubCalls(f, stub, m)
		}
	}
}
