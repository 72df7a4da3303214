package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// workerFile declares, per service, the function registering an
// implementation in a worker.
func (g *grpcGen) workerFile(f *jen.File) {
	for i, s := range g.services {
		if i > 0 {
			f.Line()
		}
		n := g.names(s)
		f.Add(jen.Commentf("%s registers impl in w as the %s service: one task method per RPC", n.Register, n.ServiceName).Line().
			Comment("(named as in the .proto), payloads in protobuf binary encoding. Pass").Line().
			Commentf("%s(conn) as impl to forward tasks to the real server.", n.NewClient).Line().
			Func().Id(n.Register).Params(
			jen.Id("w").Op("*").Qual(grpcPathWorker, "Worker"),
			jen.Id("impl").Id(s.Name),
			jen.Id("opts").Op("...").Qual(grpcPathWorker, "ServiceOption"),
		).Error().Block(
			jen.Return(jen.Id("w").Dot("RegisterService").Call(
				jen.Qual(grpcPathWorker, "Service").Values(grpcFields(
					grpcField("Name", jen.Id(n.ServiceName)),
					grpcField("Errors", grpcErrorTypes()),
					grpcField("Methods", jen.Index().Qual(grpcPathWorker, "Method").ValuesFunc(func(vg *jen.Group) {
						for _, m := range s.Methods {
							fields := []jen.Code{
								grpcField("Name", jen.Lit(grpcRPCName(m))),
								grpcField("Handler", jen.Qual(grpcPathWorker, "Handle").Call(jen.Qual(grpcPathCodec, "Proto").Values(), jen.Id("impl").Dot(m.Name))),
							}
							if m.Timeout > 0 { // from the gRPC service config
								fields = append(fields, grpcField("Timeout", durationLit(m.Timeout)))
							}
							if m.Retry != nil {
								fields = append(fields, grpcField("Retry", retryPolicyLit(*m.Retry)))
							}
							vg.Line().Values(grpcFields(fields...)...)
						}
						vg.Line()
					})),
				)...),
				jen.Id("opts").Op("..."),
			)),
		))
	}
}

// grpcErrorTypes are the error types of a gRPC service: its status errors,
// which reach the workflow as *grpcapi.StatusError.
func grpcErrorTypes() jen.Code {
	return jen.Index().Qual(grpcPathFailure, "ErrorType").Values(jen.Qual(grpcPathAPI, "StatusErrorType").Call())
}

// stubFile declares, per service, the workflow stub.
func (g *grpcGen) stubFile(f *jen.File) {
	for i, s := range g.services {
		if i > 0 {
			f.Line()
		}
		n := g.names(s)
		stub := ir.StubName(s.Name)
		f.Add(jen.Commentf("%s calls %s from a workflow: each call is a task executed by a worker", stub, s.Name).Line().
			Commentf("where %s is registered (see %s).", n.ServiceName, n.Register).Line().
			Type().Id(stub).Struct(jen.Id("opts").Index().Qual(grpcPathWorkflow, "CallOption")))
		f.Line()
		f.Add(jen.Commentf("%s returns a stub whose calls all use opts; a call's own options", ir.NewStubName(s.Name)).Line().
			Comment("come after them, so they win.").Line().
			Func().Id(ir.NewStubName(s.Name)).Params(jen.Id("opts").Op("...").Qual(grpcPathWorkflow, "CallOption")).
			Id(stub).Block(jen.Return(jen.Id(stub).Values(jen.Id("opts").Op(":").Id("opts")))))
		for _, m := range s.Methods {
			f.Line()
			g.stubMethods(f, s, n, m)
		}
	}
}

func (g *grpcGen) stubMethods(f *jen.File, s ir.Service, n ir.GRPCNames, m ir.Method) {
	stub := ir.StubName(s.Name)
	dispatch := ir.DispatchName(m.Name)
	wctx := jen.Id("ctx").Qual(grpcPathWorkflow, "Context")
	in := jen.Id("in").Op("*").Add(grpcIdent(m.Input))
	out := jen.Op("*").Add(grpcIdent(m.Output))
	opts := jen.Id("opts").Op("...").Qual(grpcPathWorkflow, "CallOption")
	f.Add(grpcDoc(fmt.Sprintf("%s runs %s as a task and waits for its result.\n%s", m.Name, m.GRPC.FullMethod, callOptionsDoc), "", m.Deprecated).
		Func().Params(jen.Id("s").Id(stub)).Id(m.Name).Params(wctx, in, opts).Params(out, jen.Error()).Block(
		jen.Return(jen.Id("s").Dot(dispatch).Call(jen.Id("ctx"), jen.Id("in"), jen.Id("opts").Op("...")).Dot("Await").Call(jen.Id("ctx"))),
	))
	f.Line()
	f.Add(grpcDoc(fmt.Sprintf("%s starts %s as a task and returns at once; Await the result.\nopts apply to this call as for %s.", dispatch, m.GRPC.FullMethod, m.Name), "", m.Deprecated).
		Func().Params(jen.Id("s").Id(stub)).Id(dispatch).
		Params(jen.Id("ctx").Qual(grpcPathWorkflow, "Context"), jen.Id("in").Op("*").Add(grpcIdent(m.Input)), opts.Clone()).
		Qual(grpcPathWorkflow, "Deferred").Types(jen.Op("*").Add(grpcIdent(m.Output))).Block(
		jen.Return(jen.Qual(grpcPathWorkflow, "Dispatch").Types(jen.Op("*").Add(grpcIdent(m.Output))).Call(
			jen.Id("ctx"),
			jen.Qual(grpcPathWorkflow, "Call").Values(grpcFields(
				grpcField("Service", jen.Id(n.ServiceName)),
				grpcField("Method", jen.Lit(grpcRPCName(m))),
				grpcField("Codec", jen.Qual(grpcPathCodec, "Proto").Values()),
				grpcField("Input", jen.Id("in")),
				grpcField("Errors", grpcErrorTypes()),
			)...),
			stubOptions(),
		)),
	))
}
