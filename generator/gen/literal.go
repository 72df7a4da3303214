package gen

import (
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// Field is one "Name: value" element of a composite literal.
func Field(name string, value jen.Code) jen.Code {
	return jen.Id(name).Op(":").Add(value)
}

// Fields lays out composite literal elements one per line, in the given
// order (jen.Dict would sort them).
func Fields(elems ...jen.Code) []jen.Code {
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

// Ident refers to a Go identifier of the IR: qualified by its import path,
// or unqualified for the generated package itself.
func Ident(id ir.GoIdent) *jen.Statement {
	if id.ImportPath == "" {
		return jen.Id(id.Name)
	}
	return jen.Qual(id.ImportPath, id.Name)
}

// DurationLit renders a duration as readable Go (30 * time.Second).
func DurationLit(d time.Duration) jen.Code {
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}} {
		if d%u.unit == 0 {
			return jen.Lit(int(d/u.unit)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int64(d)))
}

// RetryPolicyLit renders &retry.Policy{…} with the fields that are set.
func RetryPolicyLit(p ir.RetryPolicy) jen.Code {
	fields := jen.Dict{}
	if p.MaxAttempts > 0 {
		fields[jen.Id("MaxAttempts")] = jen.Lit(p.MaxAttempts)
	}
	if p.Initial > 0 {
		fields[jen.Id("Initial")] = DurationLit(p.Initial)
	}
	if p.Multiplier > 0 {
		fields[jen.Id("Multiplier")] = jen.Lit(p.Multiplier)
	}
	if p.Max > 0 {
		fields[jen.Id("Max")] = DurationLit(p.Max)
	}
	if p.Jitter > 0 {
		fields[jen.Id("Jitter")] = jen.Lit(p.Jitter)
	}
	return jen.Op("&").Qual(PkgRetry, "Policy").Values(fields)
}

// CallOptionsDoc documents the opts of a workflow stub method.
const CallOptionsDoc = "opts (workflow.WithTimeout, WithRetry, WithIdempotencyKey, WithMeta,\nWithTags) apply to this call only, over the worker's and the spec's\nsettings, and are recorded with the task."

// StubCall declares the call method of the workflow stub type stub, which
// every stub method calls: one workflow.ExecuteTo (not the generic
// Execute[*Out]: no instantiation per method) with the workflow.Call of
// the service (service, codec and errors are its ServiceName, Codec and
// Errors), not inlined into each of a large spec's methods. The options
// are the stub's (s.opts, in the Call's Options, which the runtime applies
// first), then the call's: no slice is built per call (an inlined
// slices.Concat in each of a thousand methods was a sixth of the compiler's
// memory for a large spec).
func StubCall(f *jen.File, stub string, service, codec, errors jen.Code) {
	f.Comment("call runs method with input in as a task and decodes its result into out.").Line().
		Comment("").Line().
		Comment("//go:noinline").Line().
		Func().Params(jen.Id("s").Op("*").Id(stub)).Id("call").Params(
		jen.Id("ctx").Qual(PkgWorkflow, "Context"), jen.Id("method").String(), jen.Id("in"), jen.Id("out").Any(),
		jen.Id("opts").Index().Qual(PkgWorkflow, "CallOption"),
	).Error().Block(
		jen.Return(jen.Qual(PkgWorkflow, "ExecuteTo").Call(
			jen.Id("ctx"),
			jen.Qual(PkgWorkflow, "Call").Values(Fields(
				Field("Service", service),
				Field("Method", jen.Id("method")),
				Field("Codec", codec),
				Field("Input", jen.Id("in")),
				Field("Errors", errors),
				Field("Options", jen.Id("s").Dot("opts")),
			)...),
			jen.Id("out"),
			jen.Id("opts").Op("..."),
		)),
	)
}

// StubCallBody is the body of a stub method returning out (a pointer
// type): the stub's call of the routed method name method.
func StubCallBody(out jen.Code, method string) []jen.Code {
	return []jen.Code{
		jen.Var().Id("out").Add(out),
		jen.Err().Op(":=").Id("s").Dot("call").Call(jen.Id("ctx"), jen.Lit(method), jen.Id("in"), jen.Op("&").Id("out"), jen.Id("opts")),
		jen.Return(jen.Id("out"), jen.Err()),
	}
}
