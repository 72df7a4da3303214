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

// StubOptions is the options of one stub call: the stub's (s.opts, in the
// workflow.Call's Options, which the runtime applies first), then the
// call's (opts). No slice is built in the stub: an inlined slices.Concat in
// each of a thousand methods was a sixth of the compiler's memory for a
// large spec.
func StubOptions() jen.Code {
	return jen.Id("opts").Op("...")
}
