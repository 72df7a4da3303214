package openapi

import (
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/generator/gen"
	"github.com/infgen/infgen/ir"
)

// operationsFile declares, per operation, its descriptor and HTTPClient's
// method that calls it.
func (g *generator) operationsFile(f *jen.File) {
	for _, m := range g.svc.Methods {
		g.descriptor(f, m)
		g.operation(f, m)
	}
}

// opVar is the name of an operation's descriptor variable.
func opVar(m ir.Method) string { return "op" + m.Name }

// operation declares one HTTPClient method: the request and response
// plumbing is httpapi.Call's, driven by the operation's descriptor.
func (g *generator) operation(f *jen.File, m ir.Method) {
	b := m.HTTP
	f.Add(comment(m.Name + " calls " + b.Method + " " + sanitize(b.Path) + "."))
	f.Func().Params(jen.Id("c").Op("*").Id("HTTPClient")).Id(m.Name).Params(
		jen.Id("ctx").Qual(pkgContext, "Context"), jen.Id("in").Op("*").Id(m.Input.Name),
	).Params(jen.Op("*").Id(m.Output.Name), jen.Error()).BlockFunc(func(bg *jen.Group) {
		g.fillCallbacks(bg, m)
		bg.Id("out").Op(":=").New(jen.Id(m.Output.Name))
		bg.If(jen.Err().Op(":=").Id("c").Dot("call").Call(jen.Id("ctx"), jen.Op("&").Id(opVar(m)), jen.Id("in"), jen.Id("out")), errNotNil()).Block(
			jen.Return(jen.Nil(), jen.Err()))
		bg.Return(jen.Id("out"), jen.Nil())
	})
}

// descriptor declares an operation's httpapi.Operation: constants only,
// which the compiler emits as data.
func (g *generator) descriptor(f *jen.File, m ir.Method) {
	b := m.HTTP
	f.Add(comment(opVar(m) + " describes " + b.Method + " " + sanitize(b.Path) + " to httpapi.Call."))
	f.Var().Id(opVar(m)).Op("=").Qual(pkgHTTPAPI, "Operation").Values(gen.Fields(fields(
		"Name", jen.Lit(m.Name),
		"Method", httpMethod(b.Method),
		"Path", jen.Lit(b.Path),
		"Params", g.paramsDescriptor(b),
		"Credentials", g.credentialsDescriptor(b),
		"Body", g.bodyDescriptor(b),
		"Accept", litOrNil(acceptHeader(b)),
		"IdempotencyHeader", litOrNil(b.IdempotencyHeader),
		"Security", g.securityDescriptor(b),
		"Responses", g.responsesDescriptor(m),
		"Headers", headersDescriptor(b),
		"Error", errorDescriptor(m),
	)...)...)
}

// list is a slice literal of httpapi's type elem, one element per line.
func list(elem string, entries []jen.Code) jen.Code {
	return jen.Index().Qual(pkgHTTPAPI, elem).Values(gen.Fields(entries...)...)
}

// fields is the key: value elements of a composite literal, in the given
// order, without those whose value is nil.
func fields(kv ...any) []jen.Code {
	var out []jen.Code
	for i := 0; i < len(kv); i += 2 {
		if v, ok := kv[i+1].(jen.Code); ok {
			out = append(out, gen.Field(kv[i].(string), v))
		}
	}
	return out
}

// litOrNil is the literal of s, or nil for "".
func litOrNil(s string) jen.Code {
	if s == "" {
		return nil
	}
	return jen.Lit(s)
}

// location is httpapi's constant for a parameter location.
func location(in ir.ParamLocation) jen.Code {
	return jen.Qual(pkgHTTPAPI, "In"+strings.ToUpper(string(in[:1]))+string(in[1:]))
}

// paramsDescriptor lists an operation's parameters, or nil for none.
func (g *generator) paramsDescriptor(b *ir.HTTPBinding) jen.Code {
	if len(b.Params) == 0 {
		return nil
	}
	var entries []jen.Code
	for _, p := range b.Params {
		// An empty path segment would address another resource
		// (DELETE /invoices/ instead of /invoices/{id}): refuse it.
		kind := g.underlyingKind(p.Type)
		notEmpty := p.In == ir.InPath && p.Style == "simple" && (kind == ir.KindString || kind == ir.KindUUID)
		entries = append(entries, jen.Values(fields(
			"Name", jen.Lit(p.Name),
			"Field", jen.Lit(p.GoName),
			"In", location(p.In),
			"Style", styleCode(p.Style),
			"Explode", trueOrNil(p.Explode),
			"JSON", trueOrNil(p.ContentType != ""),
			"NotEmpty", trueOrNil(notEmpty),
		)...))
	}
	return list("Param", entries)
}

// trueOrNil is true, or nil for false.
func trueOrNil(b bool) jen.Code {
	if !b {
		return nil
	}
	return jen.True()
}

// credentialsDescriptor lists an operation's credential parameters, or nil
// for none.
func (g *generator) credentialsDescriptor(b *ir.HTTPBinding) jen.Code {
	if len(b.Credentials) == 0 {
		return nil
	}
	var entries []jen.Code
	for _, cr := range b.Credentials {
		entries = append(entries, jen.Values(fields(
			"Name", jen.Lit(cr.Name),
			"In", location(cr.In),
			"Key", jen.Lit(g.credentialKey(cr)),
			"Required", trueOrNil(cr.Required),
			"Option", jen.Lit(ir.OptionName(cr.GoName)),
		)...))
	}
	return list("Credential", entries)
}

// bodyDescriptor is an operation's request body, encoded by its first
// media type, or nil for none.
func (g *generator) bodyDescriptor(b *ir.HTTPBinding) jen.Code {
	if b.Body == nil || len(b.Body.Contents) == 0 {
		return nil
	}
	ct := b.Body.Contents[0]
	kind := mediaKindOf(ct.MediaType)
	if kind == mediaRaw && g.underlyingKind(ct.Type) != ir.KindBinary && g.underlyingKind(ct.Type) != ir.KindBytes {
		kind = mediaJSON
	}
	contentType := jen.Code(jen.Lit(sentMediaType(ct.MediaType, kind)))
	if kind == mediaMultipart {
		contentType = nil // with the boundary, from the encoder
	}
	return jen.Op("&").Qual(pkgHTTPAPI, "Body").Values(fields(
		"Field", jen.Lit(b.Body.GoName),
		"ContentType", contentType,
		"Encoding", encoding(kind),
	)...)
}

// encoding is httpapi's constant for a media kind, or nil for JSON (the
// zero value).
func encoding(kind mediaKind) jen.Code {
	name := map[mediaKind]string{mediaForm: "EncodeForm", mediaMultipart: "EncodeMultipart", mediaText: "EncodeText", mediaRaw: "EncodeRaw"}[kind]
	if name == "" {
		return nil
	}
	return jen.Qual(pkgHTTPAPI, name)
}

// securityDescriptor is an operation's security alternatives, or nil
// without security or schemes.
func (g *generator) securityDescriptor(b *ir.HTTPBinding) jen.Code {
	if len(g.spec.SecuritySchemes) == 0 {
		return nil
	}
	return securityAlternatives(b)
}

// responsesDescriptor lists an operation's declared responses with the
// field each body is decoded into.
func (g *generator) responsesDescriptor(m ir.Method) jen.Code {
	rs := m.HTTP.Responses
	if len(rs) == 0 {
		return nil
	}
	_, okOf := bodyFields(rs, false)
	_, errOf := bodyFields(rs, true)
	var entries []jen.Code
	for _, r := range rs {
		field, ok := okOf[r.Status]
		if r.Error {
			field, ok = errOf[r.Status]
		}
		var enc jen.Code
		if ok {
			enc = g.responseEncoding(r.Contents[0])
		}
		entries = append(entries, jen.Values(fields(
			"Status", jen.Lit(r.Status),
			"Error", trueOrNil(r.Error),
			"Field", litOrNil(field),
			"Encoding", enc,
		)...))
	}
	return list("Response", entries)
}

// responseEncoding is how a response body is decoded: text into a string,
// bytes as they are, anything else as JSON (nil).
func (g *generator) responseEncoding(ct ir.Content) jen.Code {
	kind, under := mediaKindOf(ct.MediaType), g.underlyingKind(ct.Type)
	switch {
	case kind == mediaText && under == ir.KindString:
		return encoding(mediaText)
	case (under == ir.KindBinary || under == ir.KindBytes) && kind != mediaJSON:
		return encoding(mediaRaw)
	}
	return nil
}

// headersDescriptor lists the response headers copied into the output, or
// nil for none.
func headersDescriptor(b *ir.HTTPBinding) jen.Code {
	hs := responseHeaders(b)
	if len(hs) == 0 {
		return nil
	}
	var entries []jen.Code
	for _, h := range hs {
		entries = append(entries, jen.Values(fields("Name", jen.Lit(h.Name), "Field", jen.Lit(h.GoName))...))
	}
	return list("Header", entries)
}

// errorDescriptor is the typed nil pointer of an operation's error type,
// or nil for an operation that declares no error response.
func errorDescriptor(m ir.Method) jen.Code {
	if !hasErrorType(m) {
		return nil
	}
	return jen.Parens(jen.Op("*").Id(ir.ErrorName(m.Name))).Parens(jen.Nil())
}

// httpMethod is net/http's constant for an HTTP method (http.MethodGet), or
// a literal for a method net/http does not name.
func httpMethod(method string) jen.Code {
	switch method {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE":
		return jen.Qual(pkgHTTP, "Method"+method[:1]+strings.ToLower(method[1:]))
	}
	return jen.Lit(method)
}

// acceptHeader lists the media types of the declared responses.
func acceptHeader(b *ir.HTTPBinding) string {
	var types []string
	for _, r := range b.Responses {
		for _, c := range r.Contents {
			if !slices.Contains(types, c.MediaType) && !strings.ContainsAny(c.MediaType, "\r\n") {
				types = append(types, c.MediaType)
			}
		}
	}
	return strings.Join(types, ", ")
}

// securityAlternatives is the [][]string literal of an operation's
// security alternatives, or nil without security.
func securityAlternatives(b *ir.HTTPBinding) jen.Code {
	if len(b.Security) == 0 {
		return nil
	}
	return jen.Index().Index().String().ValuesFunc(func(vg *jen.Group) {
		for _, alt := range b.Security {
			vg.ValuesFunc(func(ag *jen.Group) {
				for _, s := range alt.Schemes {
					ag.Lit(s.Name)
				}
			})
		}
	})
}
