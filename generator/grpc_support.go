package generator

import (
	"github.com/dave/jennifer/jen"
)

// supportFile declares the unexported helpers the clients share: outgoing
// metadata, error classification and stream collection.
func (g *grpcGen) supportFile(f *jen.File) {
	ctx := jen.Id("ctx").Qual(grpcPathContext, "Context")
	f.Add(jen.Comment("grpcOutgoing adds the task id to ctx's outgoing metadata as \"idempotency-key\",").Line().
		Comment("so that the server can make retried calls take effect once.").Line().
		Func().Id("grpcOutgoing").Params(ctx).Qual(grpcPathContext, "Context").Block(
		jen.If(jen.Id("key").Op(":=").Qual(grpcPathService, "IdempotencyKey").Call(jen.Id("ctx")), jen.Id("key").Op("!=").Lit("")).Block(
			jen.Return(jen.Qual(grpcPathMetadata, "AppendToOutgoingContext").Call(jen.Id("ctx"), jen.Lit("idempotency-key"), jen.Id("key"))),
		),
		jen.Return(jen.Id("ctx")),
	))
	f.Line()
	codes := func(names ...string) []jen.Code {
		out := make([]jen.Code, len(names))
		for i, n := range names {
			out[i] = jen.Qual(grpcPathCodes, n)
		}
		return out
	}
	f.Add(jen.Comment("grpcError classifies a gRPC error for the runtime: transient status codes are").Line().
		Comment("retryable (after the server's google.rpc.RetryInfo delay, if any), codes that").Line().
		Comment("retrying cannot fix are permanent, and other errors keep the runtime's default").Line().
		Comment("(retried). The status stays reachable with status.FromError.").Line().
		Func().Id("grpcError").Params(jen.Err().Error()).Error().Block(
		jen.List(jen.Id("st"), jen.Id("ok")).Op(":=").Qual(grpcPathStatus, "FromError").Call(jen.Err()),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Err())),
		jen.Switch(jen.Id("st").Dot("Code").Call()).Block(
			jen.Case(codes("Unavailable", "ResourceExhausted", "Aborted", "DeadlineExceeded")...).Block(
				jen.Return(jen.Qual(grpcPathService, "Retryable").Call(jen.Err(), jen.Id("grpcRetryDelay").Call(jen.Id("st")))),
			),
			jen.Case(codes("InvalidArgument", "NotFound", "AlreadyExists", "PermissionDenied",
				"FailedPrecondition", "OutOfRange", "Unimplemented")...).Block(
				jen.Return(jen.Qual(grpcPathService, "Permanent").Call(jen.Err())),
			),
		),
		jen.If(jen.Id("d").Op(":=").Id("grpcRetryDelay").Call(jen.Id("st")), jen.Id("d").Op(">").Lit(0)).Block(
			jen.Return(jen.Qual(grpcPathService, "Retryable").Call(jen.Err(), jen.Id("d"))),
		),
		jen.Return(jen.Err()),
	))
	f.Line()
	f.Add(jen.Comment("grpcRetryDelay returns the delay of the status's google.rpc.RetryInfo detail,").Line().
		Comment("or 0 when it has none.").Line().
		Func().Id("grpcRetryDelay").Params(jen.Id("st").Op("*").Qual(grpcPathStatus, "Status")).Qual("time", "Duration").Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("d")).Op(":=").Range().Id("st").Dot("Details").Call()).Block(
			jen.If(
				jen.List(jen.Id("info"), jen.Id("ok")).Op(":=").Id("d").Assert(jen.Op("*").Qual(grpcPathDetails, "RetryInfo")),
				jen.Id("ok").Op("&&").Id("info").Dot("GetRetryDelay").Call().Op("!=").Nil(),
			).Block(jen.Return(jen.Id("info").Dot("GetRetryDelay").Call().Dot("AsDuration").Call())),
		),
		jen.Return(jen.Lit(0)),
	))
	if g.hasStreams() {
		f.Line()
		g.collectFunc(f)
	}
}

// collectFunc declares grpcCollect, which drains a server stream.
func (g *grpcGen) collectFunc(f *jen.File) {
	f.Add(jen.Comment("grpcCollect sends in on a server stream and appends every message it receives").Line().
		Comment("to *dst, failing permanently past MaxStreamMessages messages or").Line().
		Comment("MaxStreamBytes encoded bytes.").Line().
		Func().Id("grpcCollect").Types(
		jen.Id("T").Any(),
		jen.Id("P").Interface(jen.Op("*").Id("T"), jen.Qual(grpcPathProto, "Message")),
	).Params(
		jen.Id("stream").Qual(grpcPathGRPC, "ClientStream"),
		jen.Id("in").Qual(grpcPathProto, "Message"),
		jen.Id("dst").Op("*").Index().Id("P"),
	).Error().Block(
		jen.If(jen.Err().Op(":=").Id("stream").Dot("SendMsg").Call(jen.Id("in")), jen.Err().Op("!=").Nil().Op("&&").Op("!").Qual("errors", "Is").Call(jen.Err(), jen.Qual("io", "EOF"))).Block(
			jen.Return(jen.Id("grpcError").Call(jen.Err())),
		),
		jen.If(jen.Err().Op(":=").Id("stream").Dot("CloseSend").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id("grpcError").Call(jen.Err())),
		),
		jen.Id("size").Op(":=").Lit(0),
		jen.For().Block(
			jen.Id("m").Op(":=").Id("P").Call(jen.New(jen.Id("T"))),
			jen.Err().Op(":=").Id("stream").Dot("RecvMsg").Call(jen.Id("m")),
			jen.If(jen.Qual("errors", "Is").Call(jen.Err(), jen.Qual("io", "EOF"))).Block(jen.Return(jen.Nil())),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("grpcError").Call(jen.Err()))),
			jen.Id("size").Op("+=").Qual(grpcPathProto, "Size").Call(jen.Id("m")),
			jen.If(jen.Len(jen.Op("*").Id("dst")).Op(">=").Id("MaxStreamMessages").Op("||").Id("size").Op(">").Id("MaxStreamBytes")).Block(
				jen.Return(jen.Qual(grpcPathService, "Permanentf").Call(
					jen.Lit("server stream exceeds %d messages or %d bytes (MaxStreamMessages, MaxStreamBytes)"),
					jen.Id("MaxStreamMessages"), jen.Id("MaxStreamBytes"),
				)),
			),
			jen.Op("*").Id("dst").Op("=").Append(jen.Op("*").Id("dst"), jen.Id("m")),
		),
	))
}
