package generator

import (
	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// clientFile declares, per service, the gRPC client implementing it.
func (g *grpcGen) clientFile(f *jen.File) {
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
			jen.Id("conn").Qual(grpcPathGRPC, "ClientConnInterface"),
			jen.Id("opts").Index().Qual(grpcPathGRPC, "CallOption"),
		))
		f.Line()
		f.Add(jen.Commentf("%s returns a client of %s calling the server behind conn; opts", n.NewClient, s.Name).Line().
			Comment("apply to every call.").Line().
			Func().Id(n.NewClient).Params(
			jen.Id("conn").Qual(grpcPathGRPC, "ClientConnInterface"),
			jen.Id("opts").Op("...").Qual(grpcPathGRPC, "CallOption"),
		).Op("*").Id(n.Client).Block(
			jen.Return(jen.Op("&").Id(n.Client).Values(grpcFields(
				grpcField("conn", jen.Id("conn")),
				grpcField("opts", jen.Id("opts")),
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

func (g *grpcGen) clientSig(n ir.GRPCNames, m ir.Method) *jen.Statement {
	return jen.Func().Params(jen.Id("c").Op("*").Id(n.Client)).Id(m.Name).
		Params(jen.Id("ctx").Qual(grpcPathContext, "Context"), jen.Id("in").Op("*").Add(grpcIdent(m.Input))).
		Params(jen.Op("*").Add(grpcIdent(m.Output)), jen.Error())
}

// unaryMethod calls conn.Invoke.
func (g *grpcGen) unaryMethod(n ir.GRPCNames, m ir.Method) *jen.Statement {
	return grpcDoc(grpcMethodDoc(m), "", m.Deprecated).Add(g.clientSig(n, m)).Block(
		jen.Id("out").Op(":=").New(grpcIdent(m.Output)),
		jen.If(
			jen.Err().Op(":=").Id("c").Dot("conn").Dot("Invoke").Call(
				jen.Qual(grpcPathAPI, "OutgoingContext").Call(jen.Id("ctx")), jen.Lit(m.GRPC.FullMethod),
				jen.Id("in"), jen.Id("out"), jen.Id("c").Dot("opts").Op("..."),
			),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Nil(), jen.Qual(grpcPathAPI, "Classify").Call(jen.Err()))),
		jen.Return(jen.Id("out"), jen.Nil()),
	)
}

// streamMethod opens a server stream and collects it into the wrapper.
func (g *grpcGen) streamMethod(n ir.GRPCNames, m ir.Method) *jen.Statement {
	return grpcDoc(grpcMethodDoc(m), "The stream is bounded by MaxStreamMessages and MaxStreamBytes.", m.Deprecated).
		Add(g.clientSig(n, m)).Block(
		jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual(grpcPathContext, "WithCancel").Call(jen.Qual(grpcPathAPI, "OutgoingContext").Call(jen.Id("ctx"))),
		jen.Defer().Id("cancel").Call(),
		jen.Id("desc").Op(":=").Op("&").Qual(grpcPathGRPC, "StreamDesc").Values(grpcFields(
			grpcField("StreamName", jen.Lit(grpcRPCName(m))),
			grpcField("ServerStreams", jen.True()),
		)...),
		jen.List(jen.Id("stream"), jen.Err()).Op(":=").Id("c").Dot("conn").Dot("NewStream").Call(
			jen.Id("ctx"), jen.Id("desc"), jen.Lit(m.GRPC.FullMethod), jen.Id("c").Dot("opts").Op("..."),
		),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Qual(grpcPathAPI, "Classify").Call(jen.Err()))),
		jen.Id("out").Op(":=").New(grpcIdent(m.Output)),
		jen.If(
			jen.Err().Op(":=").Qual(grpcPathAPI, "Collect").Call(
				jen.Id("stream"), jen.Id("in"), jen.Op("&").Id("out").Dot("Messages"), jen.Id("MaxStreamMessages"), jen.Id("MaxStreamBytes"),
			),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("out"), jen.Nil()),
	)
}

// grpcField is one "Name: value" element of a composite literal.
func grpcField(name string, value jen.Code) jen.Code {
	return jen.Id(name).Op(":").Add(value)
}

// grpcFields lays out composite literal elements one per line, in the given
// order (jen.Dict would sort them).
func grpcFields(elems ...jen.Code) []jen.Code {
	out := make([]jen.Code, len(elems))
	for i, e := range elems {
		s := jen.Line().Add(e)
		if i == len(elems)-1 {
			s.Op(",").Line()
		}
		out[i] = s
	}
	return out
}
