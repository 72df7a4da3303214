package openapi

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// compensationMethods declares, for a method whose spec declares a
// compensation (x-infgen-compensate), the stub methods MCompensated (run
// M, then register its compensation in a saga) and MCompensation (the
// compensation of one call, as a workflow.Compensation).
func (g *generator) compensationMethods(f *jen.File, stub string, m ir.Method) {
	c := m.Compensate
	undo := g.svc.MethodByName(c.Method)
	if undo == nil {
		return // the parser checked it
	}
	compensated, compensation := ir.CompensatedName(m.Name), ir.CompensationName(m.Name)
	out := jen.Op("*").Id(m.Output.Name)
	f.Add(comment(compensated + " runs " + m.Name + " and, when it succeeds, adds its\ncompensation to saga (" + c.Method + ", see " + compensation + "), so that\nsaga.Compensate undoes it. opts apply to the " + m.Name + " call as for " + m.Name + "."))
	f.Func().Params(jen.Id("s").Op("*").Id(stub)).Id(compensated).Params(
		jen.Id("ctx").Qual(pkgWorkflow, "Context"), jen.Id("saga").Op("*").Qual(pkgWorkflow, "Saga"),
		jen.Id("in").Op("*").Id(m.Input.Name), jen.Id("opts").Op("...").Qual(pkgWorkflow, "CallOption"),
	).Params(out.Clone(), jen.Error()).Block(
		jen.List(jen.Id("out"), jen.Err()).Op(":=").Id("s").Dot(m.Name).Call(jen.Id("ctx"), jen.Id("in"), jen.Id("opts").Op("...")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("out"), jen.Err())),
		jen.List(jen.Id("undo"), jen.Err()).Op(":=").Id("s").Dot(compensation).Call(jen.Id("in"), jen.Id("out")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("out"), jen.Err())),
		jen.Id("saga").Dot("Add").Call(jen.Id("undo")),
		jen.Return(jen.Id("out"), jen.Nil()),
	)

	var args []string
	for _, a := range c.Args {
		args = append(args, a.Param+" = "+a.Expr.Text)
	}
	doc := compensation + " returns the compensation of a " + m.Name + " call that took in\nand returned out: " + c.Method
	if len(args) > 0 {
		doc += " with " + strings.Join(args, ", ")
	}
	doc += ", as the spec declares.\nIts task runs with the stub's options, then the saga's compensation\noptions and opts; it fails when a value it needs is missing from the call."
	f.Add(comment(doc))
	body := []jen.Code{jen.Id("undo").Op(":=").Op("&").Id(undo.Input.Name).Values()}
	for i, a := range c.Args {
		body = append(body, g.compensationArg(m, *undo, a, i)...)
	}
	body = append(body, jen.Return(jen.Qual(pkgWorkflow, "Compensation").Values(jen.Dict{
		jen.Id("Name"): jen.Id("ServiceName").Op("+").Lit("." + c.Method),
		jen.Id("Start"): jen.Func().Params(jen.Id("ctx").Qual(pkgWorkflow, "Context"), jen.Id("copts").Op("...").Qual(pkgWorkflow, "CallOption")).Qual(pkgWorkflow, "Awaitable").Block(
			jen.Return(jen.Qual(pkgWorkflow, "Async").Call(jen.Id("ctx"), jen.Id("s").Dot(c.Method), jen.Id("undo"), jen.Id("copts").Op("..."))),
		),
		jen.Id("Options"): jen.Id("opts"),
	}), jen.Nil()))
	f.Func().Params(jen.Id("s").Op("*").Id(stub)).Id(compensation).Params(
		jen.Id("in").Op("*").Id(m.Input.Name), jen.Id("out").Op("*").Id(m.Output.Name),
		jen.Id("opts").Op("...").Qual(pkgWorkflow, "CallOption"),
	).Params(jen.Qual(pkgWorkflow, "Compensation"), jen.Error()).Block(body...)
}

// step is one selector of the access path of an expression's value.
type step struct {
	name    string
	pointer bool
}

// compensationArg assigns one argument: nil checks on the way to the
// value, then the assignment to the compensating input's field.
func (g *generator) compensationArg(m, undo ir.Method, a ir.CompensationArg, i int) []jen.Code {
	path, target, targetPtr := g.exprPath(m, a.Expr), "", false
	if a.Param == "body" && undo.HTTP.Body != nil && len(undo.HTTP.Body.Contents) > 0 {
		target, targetPtr = undo.HTTP.Body.GoName, g.pointer(undo.HTTP.Body.Contents[0].Type, undo.HTTP.Body.Required)
	}
	for _, p := range undo.HTTP.Params {
		if p.Name == a.Param {
			target, targetPtr = p.GoName, g.pointer(p.Type, p.Required)
		}
	}
	value := jen.Id(path[0].name)
	var missing []jen.Code
	if path[0].pointer {
		missing = append(missing, jen.Id(path[0].name).Op("==").Nil())
	}
	for j, s := range path[1:] {
		value = value.Clone().Dot(s.name)
		last := j == len(path)-2
		if s.pointer && (!last || !targetPtr) {
			missing = append(missing, value.Clone().Op("==").Nil())
		}
	}
	last := path[len(path)-1].pointer && len(path) > 1
	var code []jen.Code
	if len(missing) > 0 {
		code = append(code, jen.If(orAll(missing)).Block(
			jen.Return(jen.Qual(pkgWorkflow, "Compensation").Values(), jen.Qual(pkgErrors, "New").Call(
				jen.Lit(fmt.Sprintf("compensation of %s: %s is missing", m.Name, a.Expr.Text)))),
		))
	}
	switch {
	case last && !targetPtr:
		code = append(code, jen.Id("undo").Dot(target).Op("=").Op("*").Add(value))
	case !last && targetPtr:
		v := fmt.Sprintf("v%d", i)
		code = append(code, jen.Id(v).Op(":=").Add(value), jen.Id("undo").Dot(target).Op("=").Op("&").Id(v))
	default:
		code = append(code, jen.Id("undo").Dot(target).Op("=").Add(value))
	}
	return code
}

// orAll joins conditions with ||.
func orAll(conds []jen.Code) *jen.Statement {
	s := jen.Add(conds[0])
	for _, c := range conds[1:] {
		s = s.Op("||").Add(c)
	}
	return s
}

// exprPath is the access path of an expression's value from the method's
// input (in) or output (out): the variable, the field holding the
// parameter or body, then one field per JSON pointer token.
func (g *generator) exprPath(m ir.Method, e ir.Expr) []step {
	b := m.HTTP
	var path []step
	var t ir.TypeRef
	switch e.Source {
	case ir.ExprRequestPath, ir.ExprRequestQuery, ir.ExprRequestHeader:
		in := ir.ParamLocation(strings.TrimPrefix(string(e.Source), "request."))
		for _, p := range b.Params {
			if p.In == in && strings.EqualFold(p.Name, e.Name) && (in == ir.InHeader || p.Name == e.Name) {
				return []step{{name: "in", pointer: true}, {name: p.GoName, pointer: g.pointer(p.Type, p.Required)}}
			}
		}
	case ir.ExprRequestBody:
		t = b.Body.Contents[0].Type
		path = []step{{name: "in", pointer: true}, {name: b.Body.GoName, pointer: g.pointer(t, b.Body.Required)}}
	default:
		t, _ = ir.ResponseBody(b)
		path = []step{{name: "out", pointer: true}, {name: "Body", pointer: g.pointer(t, false)}}
	}
	fields, _ := g.spec.FieldPath(t, e.Pointer)
	for _, f := range fields {
		path = append(path, step{name: f.Name, pointer: g.pointer(f.Type, f.Required)})
	}
	return path
}
