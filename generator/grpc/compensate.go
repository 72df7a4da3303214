package grpc

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// compensationMethods declares, for an rpc whose proto declares a
// compensation ((infgen.compensate)), the stub methods MCompensated (run
// M, then register its compensation in a saga) and MCompensation (the
// compensation of one call, as a workflow.Compensation).
func (g *generator) compensationMethods(f *jen.File, s ir.Service, n ir.GRPCNames, m ir.Method) {
	c := m.Compensate
	undo := s.MethodByName(c.Method)
	if undo == nil {
		return // the parser checked it
	}
	stub := ir.StubName(s.Name)
	compensated, compensation := ir.CompensatedName(m.Name), ir.CompensationName(m.Name)
	wf := func(name string) *jen.Statement { return jen.Qual(gen.PkgWorkflow, name) }
	out := jen.Op("*").Add(gen.Ident(m.Output))
	f.Line()
	f.Add(docComment(compensated+" runs "+m.Name+" and, when it succeeds, adds its\ncompensation to saga ("+c.Method+", see "+compensation+"), so that\nsaga.Compensate undoes it. opts apply to the "+m.Name+" call as for "+m.Name+".", "", false).
		Func().Params(jen.Id("s").Op("*").Id(stub)).Id(compensated).Params(
		jen.Id("ctx").Add(wf("Context")), jen.Id("saga").Op("*").Add(wf("Saga")),
		jen.Id("in").Op("*").Add(gen.Ident(m.Input)), jen.Id("opts").Op("...").Add(wf("CallOption")),
	).Params(out.Clone(), jen.Error()).Block(
		jen.List(jen.Id("out"), jen.Err()).Op(":=").Id("s").Dot(m.Name).Call(jen.Id("ctx"), jen.Id("in"), jen.Id("opts").Op("...")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("out"), jen.Err())),
		jen.List(jen.Id("undo"), jen.Err()).Op(":=").Id("s").Dot(compensation).Call(jen.Id("in"), jen.Id("out")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("out"), jen.Err())),
		jen.Id("saga").Dot("Add").Call(jen.Id("undo")),
		jen.Return(jen.Id("out"), jen.Nil()),
	))

	var args []string
	for _, a := range c.Args {
		args = append(args, a.Param+" = "+a.Expr.Text)
	}
	doc := compensation + " returns the compensation of a " + m.Name + " call that took in\nand returned out: " + c.Method
	if len(args) > 0 {
		doc += " with " + strings.Join(args, ", ")
	}
	doc += ", as the proto declares.\nIts task runs with the stub's options, then the saga's compensation\noptions and opts; it fails when a string it needs is empty."
	body := []jen.Code{jen.Id("undo").Op(":=").Op("&").Add(gen.Ident(undo.Input)).Values()}
	for i, a := range c.Args {
		value := jen.Id(sourceVar(a))
		for _, getter := range a.GoSource {
			value = value.Dot(getter).Call()
		}
		v := fmt.Sprintf("v%d", i)
		body = append(body, jen.Id(v).Op(":=").Add(value))
		if a.GoString && !a.GoPointer {
			body = append(body, jen.If(jen.Id(v).Op("==").Lit("")).Block(jen.Return(wf("Compensation").Values(),
				jen.Qual("errors", "New").Call(jen.Lit(fmt.Sprintf("compensation of %s: %s is empty", m.Name, a.Expr.Text))))))
		}
		if a.GoPointer {
			body = append(body, jen.Id("undo").Dot(a.GoTarget).Op("=").Op("&").Id(v))
		} else {
			body = append(body, jen.Id("undo").Dot(a.GoTarget).Op("=").Id(v))
		}
	}
	body = append(body, jen.Return(wf("Compensation").Values(jen.Dict{
		jen.Id("Name"): jen.Id(n.ServiceName).Op("+").Lit("." + c.Method),
		jen.Id("Start"): jen.Func().Params(jen.Id("ctx").Add(wf("Context")), jen.Id("copts").Op("...").Add(wf("CallOption"))).Add(wf("Awaitable")).Block(
			jen.Return(jen.Qual(gen.PkgWorkflow, "Async").Call(jen.Id("ctx"), jen.Id("s").Dot(c.Method), jen.Id("undo"), jen.Id("copts").Op("..."))),
		),
		jen.Id("Options"): jen.Id("opts"),
	}), jen.Nil()))
	f.Line()
	f.Add(docComment(doc, "", false).
		Func().Params(jen.Id("s").Op("*").Id(stub)).Id(compensation).Params(
		jen.Id("in").Op("*").Add(gen.Ident(m.Input)), jen.Id("out").Op("*").Add(gen.Ident(m.Output)),
		jen.Id("opts").Op("...").Add(wf("CallOption")),
	).Params(wf("Compensation"), jen.Error()).Block(body...))
}

// sourceVar is the variable an argument's value is read from.
func sourceVar(a ir.CompensationArg) string {
	if a.Expr.Source == ir.ExprRequestBody {
		return "in"
	}
	return "out"
}
