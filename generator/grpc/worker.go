package grpc

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// workerFile declares, per service, the function registering an
// implementation in a worker.
func (g *generator) workerFile(f *jen.File) {
	for i, s := range g.services {
		if i > 0 {
			f.Line()
		}
		n := g.names(s)
		f.Add(jen.Commentf("%s registers impl in w as the %s service: one task method per RPC", n.Register, n.ServiceName).Line().
			Comment("(named as in the .proto), payloads in protobuf binary encoding. Pass").Line().
			Commentf("%s(conn) as impl to forward tasks to the real server.", n.NewClient).Line().
			Func().Id(n.Register).Params(
			jen.Id("w").Op("*").Qual(gen.PkgWorker, "Worker"),
			jen.Id("impl").Id(s.Name),
			jen.Id("opts").Op("...").Qual(gen.PkgWorker, "ServiceOption"),
		).Error().Block(
			jen.Return(jen.Id("w").Dot("RegisterService").Call(
				jen.Qual(gen.PkgWorker, "Service").Values(gen.Fields(
					gen.Field("Name", jen.Id(n.ServiceName)),
					gen.Field("Errors", errorTypes()),
					gen.Field("Methods", jen.Index().Qual(gen.PkgWorker, "Method").ValuesFunc(func(vg *jen.Group) {
						for _, m := range s.Methods {
							fields := []jen.Code{
								gen.Field("Name", jen.Lit(rpcName(m))),
								gen.Field("Handler", jen.Qual(gen.PkgWorker, "Handle").Call(jen.Qual(gen.PkgCodec, "Proto").Values(), jen.Id("impl").Dot(m.Name))),
							}
							if m.Timeout > 0 { // from the gRPC service config
								fields = append(fields, gen.Field("Timeout", gen.DurationLit(m.Timeout)))
							}
							if m.Retry != nil {
								fields = append(fields, gen.Field("Retry", gen.RetryPolicyLit(*m.Retry)))
							}
							vg.Line().Values(gen.Fields(fields...)...)
						}
						vg.Line()
					})),
				)...),
				jen.Id("opts").Op("..."),
			)),
		))
	}
}

// errorTypes are the error types of a gRPC service: its status errors,
// which reach the workflow as *grpcapi.StatusError.
func errorTypes() jen.Code {
	return jen.Index().Qual(gen.PkgFailure, "ErrorType").Values(jen.Qual(pathAPI, "StatusErrorType").Call())
}

// stubFile declares, per service, the workflow stub.
func (g *generator) stubFile(f *jen.File) {
	for i, s := range g.services {
		if i > 0 {
			f.Line()
		}
		n := g.names(s)
		stub := ir.StubName(s.Name)
		f.Add(jen.Commentf("%s calls %s from a workflow: each call is a task executed by a worker", stub, s.Name).Line().
			Commentf("where %s is registered (see %s).", n.ServiceName, n.Register).Line().
			Type().Id(stub).Struct(jen.Id("opts").Index().Qual(gen.PkgWorkflow, "CallOption")))
		f.Line()
		f.Add(jen.Commentf("%s returns a stub whose calls all use opts; a call's own options", ir.NewStubName(s.Name)).Line().
			Comment("come after them, so they win.").Line().
			Func().Id(ir.NewStubName(s.Name)).Params(jen.Id("opts").Op("...").Qual(gen.PkgWorkflow, "CallOption")).
			Op("*").Id(stub).Block(jen.Return(jen.Op("&").Id(stub).Values(jen.Id("opts").Op(":").Id("opts")))))
		f.Line()
		gen.StubCall(f, stub, jen.Id(n.ServiceName), jen.Qual(gen.PkgCodec, "Proto").Values(), errorTypes())
		for _, m := range s.Methods {
			f.Line()
			g.stubMethods(f, s, n, m)
		}
	}
}

func (g *generator) stubMethods(f *jen.File, s ir.Service, n ir.GRPCNames, m ir.Method) {
	stub := ir.StubName(s.Name)
	wctx := jen.Id("ctx").Qual(gen.PkgWorkflow, "Context")
	in := jen.Id("in").Op("*").Add(gen.Ident(m.Input))
	out := jen.Op("*").Add(gen.Ident(m.Output))
	opts := jen.Id("opts").Op("...").Qual(gen.PkgWorkflow, "CallOption")
	f.Add(docComment(fmt.Sprintf("%s runs %s as a task and waits for its result;\nworkflow.Async(ctx, stub.%s, in) starts it without waiting.\n%s", m.Name, m.GRPC.FullMethod, m.Name, gen.CallOptionsDoc), "", m.Deprecated).
		Func().Params(jen.Id("s").Op("*").Id(stub)).Id(m.Name).Params(wctx, in, opts).Params(out.Clone(), jen.Error()).Block(
		gen.StubCallBody(out.Clone(), rpcName(m))...,
	))
	if m.Compensate != nil {
		g.compensationMethods(f, s, n, m)
	}
}
