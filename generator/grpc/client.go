package grpc

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// clientFile declares, per service, the gRPC client implementing it.
func (g *generator) clientFile(f *jen.File) {
	for _, s := range g.services {
		n := g.names(s)
		f.Add(jen.Commentf("%s implements %s by calling the real gRPC server. The task's", n.Client, s.Name).Line().
			Comment("deadline (its timeout) travels as the call's deadline, its idempotency key").Line().
			Comment("(the task id, unless the workflow's call set one) as the \"idempotency-key\"").Line().
			Comment("metadata, and errors are classified by status code for").Line().
			Comment("the runtime: UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED and DEADLINE_EXCEEDED are").Line().
			Comment("retried (after google.rpc.RetryInfo's delay when the server sends one);").Line().
			Comment("INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,").Line().
			Comment("FAILED_PRECONDITION, OUT_OF_RANGE and UNIMPLEMENTED are not.").Line().
			Type().Id(n.Client).Struct(
			jen.Id("conn").Qual(pathGRPC, "ClientConnInterface"),
			jen.Id("opts").Index().Qual(pathGRPC, "CallOption"),
		))
		f.Line()
		f.Add(jen.Commentf("%s returns a client of %s calling the server behind conn; opts", n.NewClient, s.Name).Line().
			Comment("apply to every call. Each call records a client span inside a traced task").Line().
			Comment("attempt's (grpcapi.Traced).").Line().
			Func().Id(n.NewClient).Params(
			jen.Id("conn").Qual(pathGRPC, "ClientConnInterface"),
			jen.Id("opts").Op("...").Qual(pathGRPC, "CallOption"),
		).Op("*").Id(n.Client).Block(
			jen.Return(jen.Op("&").Id(n.Client).Values(gen.Fields(
				gen.Field("conn", jen.Qual(pathAPI, "Traced").Call(jen.Id("conn"))),
				gen.Field("opts", jen.Id("opts")),
			)...)),
		))
		f.Line()
		f.Var().Id("_").Id(s.Name).Op("=").Parens(jen.Op("*").Id(n.Client)).Parens(jen.Nil())
		for _, m := range s.Methods {
			f.Line()
			if m.GRPC.Streaming == ir.StreamServer {
				f.Add(g.streamMethod(n, m))
			} else {
				f.Add(g.unaryMethod(n, m))
			}
		}
		f.Line()
	}
}

func (g *generator) clientSig(n ir.GRPCNames, m ir.Method) *jen.Statement {
	return jen.Func().Params(jen.Id("c").Op("*").Id(n.Client)).Id(m.Name).
		Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("in").Op("*").Add(gen.Ident(m.Input))).
		Params(jen.Op("*").Add(gen.Ident(m.Output)), jen.Error())
}

// unaryMethod calls conn.Invoke.
func (g *generator) unaryMethod(n ir.GRPCNames, m ir.Method) *jen.Statement {
	return docComment(methodDoc(m), "", m.Deprecated).Add(g.clientSig(n, m)).Block(
		jen.Id("out").Op(":=").New(gen.Ident(m.Output)),
		jen.If(
			jen.Err().Op(":=").Id("c").Dot("conn").Dot("Invoke").Call(
				jen.Qual(pathAPI, "OutgoingContext").Call(jen.Id("ctx")), jen.Lit(m.GRPC.FullMethod),
				jen.Id("in"), jen.Id("out"), jen.Id("c").Dot("opts").Op("..."),
			),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Nil(), jen.Qual(pathAPI, "Classify").Call(jen.Err()))),
		jen.Return(jen.Id("out"), jen.Nil()),
	)
}

// streamMethod opens a server stream and collects it into the wrapper.
func (g *generator) streamMethod(n ir.GRPCNames, m ir.Method) *jen.Statement {
	return docComment(methodDoc(m), "The stream is bounded by MaxStreamMessages and MaxStreamBytes.", m.Deprecated).
		Add(g.clientSig(n, m)).Block(
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(pathContext, "WithCancel").Call(jen.Qual(pathAPI, "OutgoingContext").Call(jen.Id("ctx"))),
		jen.Defer().Id("cancel").Call(),
		jen.Id("desc").Op(":=").Op("&").Qual(pathGRPC, "StreamDesc").Values(gen.Fields(
			gen.Field("StreamName", jen.Lit(rpcName(m))),
			gen.Field("ServerStreams", jen.True()),
		)...),
		jen.List(jen.Id("stream"), jen.Err()).Op(":=").Id("c").Dot("conn").Dot("NewStream").Call(
			jen.Id("ctx"), jen.Id("desc"), jen.Lit(m.GRPC.FullMethod), jen.Id("c").Dot("opts").Op("..."),
		),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual(pathAPI, "Classify").Call(jen.Err()))),
		jen.Id("out").Op(":=").New(gen.Ident(m.Output)),
		jen.If(
			jen.Err().Op(":=").Qual(pathAPI, "Collect").Call(
				jen.Id("stream"), jen.Id("in"), jen.Op("&").Id("out").Dot("Messages"), jen.Id("MaxStreamMessages"), jen.Id("MaxStreamBytes"),
			),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("out"), jen.Nil()),
	)
}
