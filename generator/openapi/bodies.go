package openapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// mediaKind is how a media type is encoded.
type mediaKind int

const (
	mediaJSON mediaKind = iota
	mediaForm
	mediaMultipart
	mediaText
	mediaRaw
)

func mediaKindOf(mt string) mediaKind {
	mt = strings.ToLower(mt)
	switch {
	case strings.Contains(mt, "json"):
		return mediaJSON
	case mt == "application/x-www-form-urlencoded":
		return mediaForm
	case mt == "multipart/form-data":
		return mediaMultipart
	case strings.HasPrefix(mt, "text/"):
		return mediaText
	}
	return mediaRaw
}

// requestBody encodes in.Body by its first media type.
func (g *generator) requestBody(bg *jen.Group, m ir.Method) {
	b := m.HTTP.Body
	if b == nil || len(b.Contents) == 0 {
		return
	}
	ct := b.Contents[0]
	field := jen.Id("in").Dot(b.GoName)
	value := field.Clone()
	if g.pointer(ct.Type, b.Required) {
		value = jen.Op("*").Add(field.Clone())
	}
	fail := func(what string) jen.Code {
		return jen.If(errNotNil()).Block(jen.Return(jen.Nil(), jen.Qual(pkgService, "Permanent").Call(
			jen.Qual(pkgFmt, "Errorf").Call(jen.Lit(m.Name+": "+what+": %w"), jen.Err()))))
	}
	var stmts []jen.Code
	kind := mediaKindOf(ct.MediaType)
	if kind == mediaRaw && g.underlyingKind(ct.Type) != ir.KindBinary && g.underlyingKind(ct.Type) != ir.KindBytes {
		kind = mediaJSON
	}
	switch kind {
	case mediaJSON:
		stmts = append(stmts,
			jen.Var().Err().Error(),
			jen.List(jen.Id("body"), jen.Err()).Op("=").Qual(pkgHTTPAPI, "JSONBody").Call(jen.Lit(m.Name), field.Clone()),
			jen.If(errNotNil()).Block(jen.Return(jen.Nil(), jen.Err())),
		)
	case mediaForm:
		stmts = append(stmts, jen.Id("body").Op("=").Qual(pkgStrings, "NewReader").Call(jen.Qual(pkgHTTPAPI, "FormBody").Call(field.Clone())))
	case mediaMultipart:
		stmts = append(stmts,
			jen.Var().Err().Error(),
			jen.List(jen.Id("body"), jen.Id("contentType"), jen.Err()).Op("=").Qual(pkgHTTPAPI, "MultipartBody").Call(field.Clone()),
			fail("encode multipart body"),
		)
	case mediaText:
		stmts = append(stmts, jen.Id("body").Op("=").Qual(pkgStrings, "NewReader").Call(jen.Qual(pkgHTTPAPI, "ParamString").Call(value)))
	default:
		stmts = append(stmts, jen.Id("body").Op("=").Qual(pkgBytes, "NewReader").Call(value))
	}
	if kind != mediaMultipart {
		stmts = append(stmts, jen.Id("contentType").Op("=").Lit(sentMediaType(ct.MediaType, kind)))
	}
	if g.pointer(ct.Type, b.Required) || g.nilable(ct.Type) {
		bg.If(field.Clone().Op("!=").Nil()).Block(stmts...)
		return
	}
	bg.Block(stmts...)
}

// sentMediaType is the Content-Type of a request body: the declared media
// type, or for a wildcard ("*/*", "application/*") the type of the
// encoding used.
func sentMediaType(mt string, kind mediaKind) string {
	if !strings.Contains(mt, "*") {
		return mt
	}
	switch kind {
	case mediaJSON:
		return "application/json"
	case mediaText:
		return "text/plain"
	}
	return "application/octet-stream"
}

// statusCond is the switch case condition of a declared status, or nil for
// "default" and unparsable statuses. exact is set for a single status code,
// which a switch on the status code can match by value (cond is then the
// code's literal).
func statusCond(status string, tagged bool) (cond jen.Code, exact bool) {
	code := jen.Id("resp").Dot("StatusCode")
	if len(status) == 3 && strings.HasSuffix(status, "XX") && status[0] >= '1' && status[0] <= '5' {
		return code.Op("/").Lit(100).Op("==").Lit(int(status[0] - '0')), false
	}
	if n, err := strconv.Atoi(status); err == nil && n >= 100 && n <= 599 {
		if tagged {
			return jen.Lit(n), true
		}
		return code.Op("==").Lit(n), true
	}
	return nil, false
}

// is2xx reports a success status: 2XX or a code from 200 to 299.
func is2xx(status string) bool {
	if status == "2XX" {
		return true
	}
	n, err := strconv.Atoi(status)
	return err == nil && n >= 200 && n <= 299
}

// exactStatuses reports whether every declared status with a case is a
// single code, so that the response switch can switch on the code.
// Two spellings of one code ("200", "0200") keep the tagless switch, where
// a repeated condition is legal.
func exactStatuses(rs []ir.Response) bool {
	seen := make(map[int]bool, len(rs))
	for _, r := range rs {
		cond, exact := statusCond(r.Status, true)
		if cond == nil {
			continue
		}
		n, _ := strconv.Atoi(r.Status)
		if !exact || seen[n] {
			return false
		}
		seen[n] = true
	}
	return true
}

// responseSwitch decodes the response by status: declared successes into
// the output, declared errors into MethodError, the rest into APIError.
func (g *generator) responseSwitch(bg *jen.Group, m ir.Method) {
	b := m.HTTP
	tagged := exactStatuses(b.Responses)
	okFields, okOf := bodyFields(b.Responses, false)
	errFields, errOf := bodyFields(b.Responses, true)
	okType, errType := map[string]ir.TypeRef{}, map[string]ir.TypeRef{}
	for _, bf := range okFields {
		okType[bf.name] = bf.typ
	}
	for _, bf := range errFields {
		errType[bf.name] = bf.typ
	}
	errName := ir.ErrorName(m.Name)
	// When no 2xx response has a body to decode, the final "< 300" check
	// answers them all: no case that only returns out.
	bare2xx := true
	for _, r := range b.Responses {
		_, decoded := okOf[r.Status]
		if is2xx(r.Status) && (decoded || r.Error) || r.Status == "default" && !r.Error {
			bare2xx = false // a body to decode, or a success default that would take them
		}
	}
	newError := func() jen.Code {
		return jen.Id("e").Op(":=").Op("&").Id(errName).Values(jen.Dict{
			jen.Id("StatusCode"): jen.Id("resp").Dot("StatusCode"),
			jen.Id("Header"):     jen.Id("resp").Dot("Header"),
			jen.Id("Message"):    jen.Qual(pkgHTTPAPI, "BodySnippet").Call(jen.Id("data")),
		})
	}
	decodeError := func(r ir.Response) []jen.Code {
		if name, ok := errOf[r.Status]; ok {
			return g.decodeInto(m, r.Contents[0], "e", name, errType[name], true)
		}
		return nil
	}
	classify := jen.Return(jen.Nil(), jen.Qual(pkgHTTPAPI, "Classify").Call(jen.Id("resp"), jen.Id("e")))
	sharedErrorCase := func(shared []int) jen.Code {
		var conds, decodes []jen.Code
		for _, i := range shared {
			r := b.Responses[i]
			cond, _ := statusCond(r.Status, true)
			conds = append(conds, cond)
			if d := decodeError(r); d != nil {
				decodes = append(decodes, jen.Case(cond).Block(d...))
			}
		}
		body := []jen.Code{newError()}
		if len(decodes) > 0 {
			body = append(body, jen.Switch(jen.Id("resp").Dot("StatusCode")).Block(decodes...))
		}
		return jen.Case(conds...).Block(append(body, classify)...)
	}
	// With a switch on the code, the declared error statuses share one case
	// (where the first is declared) that builds the error and decodes the
	// status's body: one error value and one return per operation rather
	// than per status (GitHub's 1,223 operations declare 1,964 error statuses).
	var shared []int // indexes of the responses in the shared error case
	if tagged {
		for i, r := range b.Responses {
			if cond, _ := statusCond(r.Status, tagged); r.Error && cond != nil {
				shared = append(shared, i)
			}
		}
		if len(shared) < 2 {
			shared = nil
		}
	}
	var cases []jen.Code
	var deflt []jen.Code
	for i, r := range b.Responses {
		if bare2xx && is2xx(r.Status) {
			continue
		}
		if slices.Contains(shared, i) {
			if i == shared[0] {
				cases = append(cases, sharedErrorCase(shared))
			}
			continue
		}
		var body []jen.Code
		if r.Error {
			body = append(body, newError())
			body = append(body, decodeError(r)...)
			body = append(body, classify)
		} else {
			if name, ok := okOf[r.Status]; ok {
				body = append(body, g.decodeInto(m, r.Contents[0], "out", name, okType[name], false)...)
			}
			body = append(body, jen.Return(jen.Id("out"), jen.Nil()))
		}
		cond, _ := statusCond(r.Status, tagged)
		switch {
		case cond != nil:
			cases = append(cases, jen.Case(cond).Block(body...))
		case r.Status == "default":
			deflt = body
		}
	}
	bg.Id("out").Op(":=").Op("&").Id(m.Output.Name).Values(jen.Dict{
		jen.Id("StatusCode"): jen.Id("resp").Dot("StatusCode"),
		jen.Id("Header"):     jen.Id("resp").Dot("Header"),
	})
	for _, h := range responseHeaders(b) {
		target := jen.Id("out").Dot(h.GoName)
		assign := target.Clone().Op("=").Id("x")
		if g.pointer(h.Type, false) {
			assign = target.Clone().Op("=").Op("&").Id("x")
		}
		get := jen.Id("v").Op(":=").Id("resp").Dot("Header").Dot("Get").Call(jen.Lit(h.Name))
		if h.Type.Kind == ir.KindString {
			// A plain string needs no parsing.
			value := jen.Id("v")
			if g.pointer(h.Type, false) {
				value = jen.Op("&").Id("v")
			}
			bg.If(get, jen.Id("v").Op("!=").Lit("")).Block(target.Clone().Op("=").Add(value))
			continue
		}
		bg.If(get, jen.Id("v").Op("!=").Lit("")).Block(
			jen.Var().Id("x").Add(g.goType(h.Type)),
			jen.If(jen.Qual(pkgHTTPAPI, "ParseHeader").Call(jen.Id("v"), jen.Op("&").Id("x")).Op("==").Nil()).Block(assign),
		)
	}
	if len(cases) > 0 {
		if tagged {
			bg.Switch(jen.Id("resp").Dot("StatusCode")).Block(cases...)
		} else {
			bg.Switch().Block(cases...)
		}
	}
	if deflt != nil {
		if hasErrorDefault(b) {
			bg.If(jen.Id("resp").Dot("StatusCode").Op("<").Lit(300)).Block(jen.Return(jen.Id("out"), jen.Nil()))
		}
		// The last statements of the method: no block needed around them.
		for _, s := range deflt {
			bg.Add(s)
		}
		return
	}
	bg.If(jen.Id("resp").Dot("StatusCode").Op("<").Lit(300)).Block(jen.Return(jen.Id("out"), jen.Nil()))
	bg.Return(jen.Nil(), jen.Id(undeclaredStatusFunc).Call(jen.Lit(m.Name), jen.Id("resp"), jen.Id("data")))
}

// undeclaredStatusFunc is the HTTP client's function that turns a response
// with a status the operation does not declare into an *APIError.
const undeclaredStatusFunc = "undeclaredStatus"

// usesUndeclaredStatus reports whether an operation's response switch ends
// with undeclaredStatusFunc: one without a default response.
func usesUndeclaredStatus(svc ir.Service) bool {
	for _, m := range svc.Methods {
		if !slices.ContainsFunc(m.HTTP.Responses, func(r ir.Response) bool { return r.Status == "default" }) {
			return true
		}
	}
	return false
}

// undeclaredStatus declares undeclaredStatusFunc.
func undeclaredStatus(f *jen.File) {
	f.Add(comment(undeclaredStatusFunc + " is the *APIError of a response to operation op with a status\nthe operation does not declare, classified as retryable or not."))
	f.Func().Id(undeclaredStatusFunc).Params(jen.Id("op").String(), jen.Id("resp").Op("*").Qual(pkgHTTP, "Response"), jen.Id("data").Index().Byte()).Error().Block(
		jen.Return(jen.Qual(pkgHTTPAPI, "Classify").Call(jen.Id("resp"), jen.Op("&").Id("APIError").Values(jen.Dict{
			jen.Id("Operation"):  jen.Id("op"),
			jen.Id("StatusCode"): jen.Id("resp").Dot("StatusCode"),
			jen.Id("Header"):     jen.Id("resp").Dot("Header"),
			jen.Id("Message"):    jen.Qual(pkgHTTPAPI, "BodySnippet").Call(jen.Id("data")),
		}))),
	)
}

// readsBody reports whether responseSwitch reads the response body: to
// decode a declared body, to keep the start of an error body, or in the
// APIError of undeclared statuses (any operation without a default).
func readsBody(b *ir.HTTPBinding) bool {
	_, okOf := bodyFields(b.Responses, false)
	hasDefault := false
	for _, r := range b.Responses {
		cond, _ := statusCond(r.Status, false)
		if cond == nil && r.Status != "default" {
			continue
		}
		hasDefault = hasDefault || r.Status == "default"
		if _, decoded := okOf[r.Status]; r.Error || decoded {
			return true
		}
	}
	return !hasDefault
}

// decodeInto decodes the response body into holder.field. Errors decoding
// an error body are ignored (the error keeps its Message).
func (g *generator) decodeInto(m ir.Method, ct ir.Content, holder, field string, t ir.TypeRef, lenient bool) []jen.Code {
	target := jen.Id(holder).Dot(field)
	kind := mediaKindOf(ct.MediaType)
	switch {
	case kind == mediaText && g.underlyingKind(t) == ir.KindString:
		if g.pointer(t, false) {
			return []jen.Code{jen.Id("s").Op(":=").String().Call(jen.Id("data")), target.Op("=").Op("&").Id("s")}
		}
		return []jen.Code{target.Op("=").String().Call(jen.Id("data"))}
	case g.underlyingKind(t) == ir.KindBinary || g.underlyingKind(t) == ir.KindBytes:
		if kind != mediaJSON {
			return []jen.Code{target.Op("=").Id("data")}
		}
	}
	if kind == mediaRaw {
		// A structured type under a wildcard media type is decoded as JSON.
		kind = mediaJSON
	}
	decode := func(v jen.Code) jen.Code {
		call := jen.Qual(pkgHTTPAPI, "DecodeJSON").Call(jen.Lit(m.Name), jen.Id("data"), v)
		if lenient {
			return jen.Id("_").Op("=").Add(call)
		}
		return jen.If(jen.Err().Op(":=").Add(call), errNotNil()).Block(jen.Return(jen.Nil(), jen.Err()))
	}
	if g.pointer(t, false) {
		if lenient {
			// An error body that is not the declared one (an HTML page from
			// a proxy, say) leaves Body nil; Message keeps its start. One
			// call rather than four lines: a large spec declares thousands
			// of error statuses.
			return []jen.Code{jen.Qual(pkgHTTPAPI, "DecodeErrorBody").Call(jen.Lit(m.Name), jen.Id("data"), jen.Op("&").Add(target))}
		}
		return []jen.Code{
			jen.Id("v").Op(":=").New(g.goType(t)),
			decode(jen.Id("v")),
			jen.If(jen.Len(jen.Id("data")).Op(">").Lit(0)).Block(target.Clone().Op("=").Id("v")),
		}
	}
	return []jen.Code{decode(jen.Op("&").Add(target))}
}

// hasErrorDefault reports a "default" response that is an error.
func hasErrorDefault(b *ir.HTTPBinding) bool {
	for _, r := range b.Responses {
		if r.Status == "default" {
			return r.Error
		}
	}
	return false
}
