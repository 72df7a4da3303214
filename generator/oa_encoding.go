package generator

import (
	"github.com/dave/jennifer/jen"
)

const (
	pkgReflect   = "reflect"
	pkgStrconv   = "strconv"
	pkgSort      = "sort"
	pkgBytes     = "bytes"
	pkgBase64    = "encoding/base64"
	pkgMultipart = "mime/multipart"
)

// encodingFile declares the unexported helpers the operations share:
// parameter styles, bodies, error classification.
func (g *oapiGen) encodingFile(f *jen.File) {
	g.errorHelpers(f)
	g.scalarHelpers(f)
	g.styleHelpers(f)
	g.bodyHelpers(f)
	if g.usesResponseHeaders() {
		g.headerValueFunc(f)
	}
}

// usesResponseHeaders reports whether any operation declares typed
// response headers (headerValue is emitted only then).
func (g *oapiGen) usesResponseHeaders() bool {
	for _, m := range g.svc.Methods {
		if len(responseHeaders(m.HTTP)) > 0 {
			return true
		}
	}
	return false
}

// headerValueFunc declares headerValue.
func (g *oapiGen) headerValueFunc(f *jen.File) {
	f.Add(comment("headerValue parses a response header into v (a pointer): strings as they\nare, lists split at commas, other values as JSON."))
	f.Func().Id("headerValue").Params(id("s").String(), id("v").Any()).Error().Block(
		id("rv").Op(":=").Qual(pkgReflect, "ValueOf").Call(id("v")).Dot("Elem").Call(),
		jen.Switch().Block(
			jen.Case(id("rv").Dot("Kind").Call().Op("==").Qual(pkgReflect, "String")).Block(
				id("rv").Dot("SetString").Call(id("s")),
				jen.Return(jen.Nil()),
			),
			jen.Case(id("rv").Dot("Kind").Call().Op("==").Qual(pkgReflect, "Slice").Op("&&").Id("rv").Dot("Type").Call().Dot("Elem").Call().Dot("Kind").Call().Op("!=").Qual(pkgReflect, "Uint8")).Block(
				id("parts").Op(":=").Qual(pkgStrings, "Split").Call(id("s"), jen.Lit(",")),
				id("list").Op(":=").Qual(pkgReflect, "MakeSlice").Call(id("rv").Dot("Type").Call(), jen.Len(id("parts")), jen.Len(id("parts"))),
				jen.For(jen.List(id("i"), id("p")).Op(":=").Range().Id("parts")).Block(
					jen.If(jen.Err().Op(":=").Id("headerValue").Call(jen.Qual(pkgStrings, "TrimSpace").Call(id("p")), id("list").Dot("Index").Call(id("i")).Dot("Addr").Call().Dot("Interface").Call()), errNotNil()).Block(jen.Return(jen.Err())),
				),
				id("rv").Dot("Set").Call(id("list")),
				jen.Return(jen.Nil()),
			),
		),
		jen.If(jen.Qual(pkgJSON, "Unmarshal").Call(jen.Index().Byte().Call(id("s")), id("v")).Op("==").Nil()).Block(jen.Return(jen.Nil())),
		jen.List(id("quoted"), jen.Id("_")).Op(":=").Qual(pkgJSON, "Marshal").Call(id("s")),
		jen.Return(jen.Qual(pkgJSON, "Unmarshal").Call(id("quoted"), id("v"))),
	)
}

func id(s string) *jen.Statement { return jen.Id(s) }

func errNotNil() *jen.Statement { return jen.Err().Op("!=").Nil() }

// errorHelpers: httpErrorMessage, classify, retryAfter, decodeStrict.
func (g *oapiGen) errorHelpers(f *jen.File) {
	f.Add(comment("httpErrorMessage formats the message of an HTTP error."))
	f.Func().Id("httpErrorMessage").Params(id("op").String(), id("status").Int(), id("body").String()).String().Block(
		id("msg").Op(":=").Qual(pkgFmt, "Sprintf").Call(jen.Lit("%s: HTTP %d %s"), id("op"), id("status"), jen.Qual(pkgHTTP, "StatusText").Call(id("status"))),
		jen.If(id("body").Op("!=").Lit("")).Block(id("msg").Op("+=").Lit(": ").Op("+").Id("body")),
		jen.Return(id("msg")),
	)
	f.Add(comment("bodySnippet is the start of a response body, for error messages."))
	f.Func().Id("bodySnippet").Params(id("data").Index().Byte()).String().Block(
		jen.Const().Id("limit").Op("=").Lit(512),
		jen.If(jen.Len(id("data")).Op(">").Id("limit")).Block(jen.Return(jen.String().Call(id("data").Index(jen.Empty(), id("limit"))).Op("+").Lit("…"))),
		jen.Return(jen.String().Call(id("data"))),
	)
	f.Add(comment("classify marks err for the runtime: 408, 425, 429 and 5xx are retryable\n(not before the Retry-After the server sent); other statuses are permanent."))
	f.Func().Id("classify").Params(id("resp").Op("*").Qual(pkgHTTP, "Response"), id("err").Error()).Error().Block(
		jen.Switch(id("code").Op(":=").Id("resp").Dot("StatusCode"), jen.Empty()).Block(
			jen.Case(id("code").Op("==").Lit(408), id("code").Op("==").Lit(425), id("code").Op("==").Lit(429), id("code").Op(">=").Lit(500)).Block(
				jen.Return(jen.Qual(pkgService, "Retryable").Call(id("err"), id("retryAfter").Call(id("resp").Dot("Header").Dot("Get").Call(jen.Lit("Retry-After")), jen.Qual(pkgTime, "Now").Call()))),
			),
		),
		jen.Return(jen.Qual(pkgService, "Permanent").Call(id("err"))),
	)
	f.Add(comment("retryAfter parses a Retry-After header: delay-seconds or an HTTP date."))
	f.Func().Id("retryAfter").Params(id("v").String(), id("now").Qual(pkgTime, "Time")).Qual(pkgTime, "Duration").Block(
		id("v").Op("=").Qual(pkgStrings, "TrimSpace").Call(id("v")),
		jen.If(id("v").Op("==").Lit("")).Block(jen.Return(jen.Lit(0))),
		jen.If(jen.List(id("secs"), jen.Err()).Op(":=").Qual(pkgStrconv, "Atoi").Call(id("v")), jen.Err().Op("==").Nil()).Block(
			jen.If(id("secs").Op("<").Lit(0)).Block(jen.Return(jen.Lit(0))),
			jen.Return(jen.Qual(pkgTime, "Duration").Call(id("secs")).Op("*").Qual(pkgTime, "Second")),
		),
		jen.If(jen.List(id("t"), jen.Err()).Op(":=").Qual(pkgHTTP, "ParseTime").Call(id("v")), jen.Err().Op("==").Nil()).Block(
			jen.If(id("d").Op(":=").Id("t").Dot("Sub").Call(id("now")), id("d").Op(">").Lit(0)).Block(jen.Return(id("d"))),
		),
		jen.Return(jen.Lit(0)),
	)
	f.Add(comment("decodeStrict decodes JSON rejecting unknown object fields."))
	f.Func().Id("decodeStrict").Params(id("data").Index().Byte(), id("v").Any()).Error().Block(
		id("dec").Op(":=").Qual(pkgJSON, "NewDecoder").Call(jen.Qual(pkgBytes, "NewReader").Call(id("data"))),
		id("dec").Dot("DisallowUnknownFields").Call(),
		jen.Return(id("dec").Dot("Decode").Call(id("v"))),
	)
	f.Add(comment("jsonParam is the JSON encoding of a parameter declared with content."))
	f.Func().Id("jsonParam").Params(id("v").Any()).String().Block(
		jen.List(id("b"), jen.Id("_")).Op(":=").Qual(pkgJSON, "Marshal").Call(id("v")),
		jen.Return(jen.String().Call(id("b"))),
	)
	f.Add(comment("decodeJSON decodes a response body; an empty body leaves v alone."))
	f.Func().Id("decodeJSON").Params(id("op").String(), id("data").Index().Byte(), id("v").Any()).Error().Block(
		jen.If(jen.Len(jen.Qual(pkgBytes, "TrimSpace").Call(id("data"))).Op("==").Lit(0)).Block(jen.Return(jen.Nil())),
		jen.If(jen.Err().Op(":=").Qual(pkgJSON, "Unmarshal").Call(id("data"), id("v")), errNotNil()).Block(
			jen.Return(jen.Qual(pkgService, "Permanent").Call(jen.Qual(pkgFmt, "Errorf").Call(jen.Lit("%s: decode response body: %w"), id("op"), jen.Err()))),
		),
		jen.Return(jen.Nil()),
	)
}

// scalarHelpers: paramString and paramParts.
func (g *oapiGen) scalarHelpers(f *jen.File) {
	rv := id("rv")
	f.Add(comment("paramString formats a scalar parameter value."))
	f.Func().Id("paramString").Params(id("v").Any()).String().Block(
		jen.Switch(id("x").Op(":=").Id("v").Assert(jen.Type())).Block(
			jen.Case(jen.String()).Block(jen.Return(id("x"))),
			jen.Case(jen.Qual(pkgTime, "Time")).Block(jen.Return(id("x").Dot("Format").Call(jen.Qual(pkgTime, "RFC3339Nano")))),
			jen.Case(jen.Index().Byte()).Block(jen.Return(jen.Qual(pkgBase64, "StdEncoding").Dot("EncodeToString").Call(id("x")))),
			jen.Case(jen.Qual(pkgJSON, "RawMessage")).Block(jen.Return(jen.String().Call(id("x")))),
			jen.Case(jen.Qual(pkgFmt, "Stringer")).Block(jen.Return(id("x").Dot("String").Call())),
		),
		rv.Clone().Op(":=").Qual(pkgReflect, "ValueOf").Call(id("v")),
		jen.Switch(rv.Clone().Dot("Kind").Call()).Block(
			jen.Case(jen.Qual(pkgReflect, "Pointer"), jen.Qual(pkgReflect, "Interface")).Block(
				jen.If(rv.Clone().Dot("IsNil").Call()).Block(jen.Return(jen.Lit(""))),
				jen.Return(id("paramString").Call(rv.Clone().Dot("Elem").Call().Dot("Interface").Call())),
			),
			jen.Case(jen.Qual(pkgReflect, "String")).Block(jen.Return(rv.Clone().Dot("String").Call())),
			jen.Case(jen.Qual(pkgReflect, "Bool")).Block(jen.Return(jen.Qual(pkgStrconv, "FormatBool").Call(rv.Clone().Dot("Bool").Call()))),
			jen.Case(jen.Qual(pkgReflect, "Int"), jen.Qual(pkgReflect, "Int8"), jen.Qual(pkgReflect, "Int16"), jen.Qual(pkgReflect, "Int32"), jen.Qual(pkgReflect, "Int64")).Block(
				jen.Return(jen.Qual(pkgStrconv, "FormatInt").Call(rv.Clone().Dot("Int").Call(), jen.Lit(10))),
			),
			jen.Case(jen.Qual(pkgReflect, "Uint"), jen.Qual(pkgReflect, "Uint8"), jen.Qual(pkgReflect, "Uint16"), jen.Qual(pkgReflect, "Uint32"), jen.Qual(pkgReflect, "Uint64")).Block(
				jen.Return(jen.Qual(pkgStrconv, "FormatUint").Call(rv.Clone().Dot("Uint").Call(), jen.Lit(10))),
			),
			jen.Case(jen.Qual(pkgReflect, "Float32"), jen.Qual(pkgReflect, "Float64")).Block(
				jen.Return(jen.Qual(pkgStrconv, "FormatFloat").Call(rv.Clone().Dot("Float").Call(), jen.LitRune('f'), jen.Lit(-1), rv.Clone().Dot("Type").Call().Dot("Bits").Call())),
			),
		),
		jen.List(id("b"), jen.Id("_")).Op(":=").Qual(pkgJSON, "Marshal").Call(id("v")),
		jen.Return(jen.String().Call(id("b"))),
	)

	f.Add(comment("paramParts splits an array value into its items, or an object value (a\nstruct or map) into key/value pairs sorted by key."))
	f.Func().Id("paramParts").Params(id("v").Any()).Params(id("list").Index().String(), id("obj").Index().Index(jen.Lit(2)).String()).Block(
		rv.Clone().Op(":=").Qual(pkgReflect, "ValueOf").Call(id("v")),
		jen.For(rv.Clone().Dot("Kind").Call().Op("==").Qual(pkgReflect, "Pointer").Op("&&").Op("!").Add(rv.Clone()).Dot("IsNil").Call()).Block(
			rv.Clone().Op("=").Add(rv.Clone()).Dot("Elem").Call(),
		),
		jen.Switch(rv.Clone().Dot("Kind").Call()).Block(
			jen.Case(jen.Qual(pkgReflect, "Slice"), jen.Qual(pkgReflect, "Array")).Block(
				jen.If(rv.Clone().Dot("Type").Call().Dot("Elem").Call().Dot("Kind").Call().Op("==").Qual(pkgReflect, "Uint8")).Block(jen.Return(jen.Nil(), jen.Nil())),
				id("list").Op("=").Index().String().Values(),
				jen.For(id("i").Op(":=").Range().Add(rv.Clone()).Dot("Len").Call()).Block(
					id("list").Op("=").Append(id("list"), id("paramString").Call(rv.Clone().Dot("Index").Call(id("i")).Dot("Interface").Call())),
				),
				jen.Return(id("list"), jen.Nil()),
			),
			jen.Case(jen.Qual(pkgReflect, "Map"), jen.Qual(pkgReflect, "Struct")).Block(
				jen.If(jen.List(jen.Id("_"), id("isTime")).Op(":=").Add(rv.Clone()).Dot("Interface").Call().Assert(jen.Qual(pkgTime, "Time")), id("isTime")).Block(jen.Return(jen.Nil(), jen.Nil())),
				jen.If(jen.List(jen.Id("_"), id("isDate")).Op(":=").Add(rv.Clone()).Dot("Interface").Call().Assert(jen.Id("Date")), id("isDate")).Block(jen.Return(jen.Nil(), jen.Nil())),
				jen.List(id("b"), jen.Err()).Op(":=").Qual(pkgJSON, "Marshal").Call(id("v")),
				jen.Var().Id("m").Map(jen.String()).Qual(pkgJSON, "RawMessage"),
				jen.If(jen.Err().Op("!=").Nil().Op("||").Qual(pkgJSON, "Unmarshal").Call(id("b"), jen.Op("&").Id("m")).Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Nil())),
				id("keys").Op(":=").Make(jen.Index().String(), jen.Lit(0), jen.Len(id("m"))),
				jen.For(id("k").Op(":=").Range().Id("m")).Block(id("keys").Op("=").Append(id("keys"), id("k"))),
				jen.Qual(pkgSort, "Strings").Call(id("keys")),
				id("obj").Op("=").Index().Index(jen.Lit(2)).String().Values(),
				jen.For(jen.List(jen.Id("_"), id("k")).Op(":=").Range().Id("keys")).Block(
					jen.Var().Id("s").String(),
					jen.If(jen.Qual(pkgJSON, "Unmarshal").Call(id("m").Index(id("k")), jen.Op("&").Id("s")).Op("!=").Nil()).Block(
						id("s").Op("=").String().Call(id("m").Index(id("k"))),
					),
					id("obj").Op("=").Append(id("obj"), jen.Index(jen.Lit(2)).String().Values(id("k"), id("s"))),
				),
				jen.Return(jen.Nil(), id("obj")),
			),
		),
		jen.Return(jen.Nil(), jen.Nil()),
	)
}
