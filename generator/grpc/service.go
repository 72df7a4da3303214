package grpc

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// serviceFile declares, per service, the routed name and the interface.
func (g *generator) serviceFile(f *jen.File) {
	for _, s := range g.services {
		n := g.names(s)
		f.Add(jen.Commentf("%s is the name workers and workflows route %s tasks by: the fully", n.ServiceName, s.Name).Line().
			Comment("qualified proto service name.").Line().
			Const().Id(n.ServiceName).Op("=").Lit(s.FullName))
		f.Line()
		doc := fmt.Sprintf("%s is the gRPC service %s.", s.Name, s.FullName)
		f.Add(docNotice(doc, s.Doc, s.Deprecated, "Deprecated: the proto service is marked deprecated.").Type().Id(s.Name).InterfaceFunc(func(ig *jen.Group) {
			for _, m := range s.Methods {
				ig.Add(docComment(methodDoc(m), m.Doc, m.Deprecated).Id(m.Name).
					Params(jen.Id("ctx").Qual(pathContext, "Context"), jen.Id("in").Op("*").Add(gen.Ident(m.Input))).
					Params(jen.Op("*").Add(gen.Ident(m.Output)), jen.Error()))
			}
		}))
		f.Line()
	}
	if g.hasStreams() {
		f.Add(jen.Comment("MaxStreamMessages bounds how many messages the task of a server-streaming RPC").Line().
			Comment("collects; a longer stream fails the task permanently.").Line().
			Const().Id("MaxStreamMessages").Op("=").Lit(10000))
		f.Line()
		f.Add(jen.Comment("MaxStreamBytes bounds the encoded size of the messages the task of a").Line().
			Comment("server-streaming RPC collects (it must fit in one task result); a larger").Line().
			Comment("stream fails the task permanently.").Line().
			Const().Id("MaxStreamBytes").Op("=").Lit(4).Op("<<").Lit(20))
	}
}

// methodDoc is the first line of a method's doc comment.
func methodDoc(m ir.Method) string {
	if m.GRPC.Streaming == ir.StreamServer {
		return fmt.Sprintf("%s calls the server-streaming RPC %s and returns every streamed message.", m.Name, m.GRPC.FullMethod)
	}
	return fmt.Sprintf("%s calls the RPC %s.", m.Name, m.GRPC.FullMethod)
}
