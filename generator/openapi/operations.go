package openapi

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// operationsFile declares HTTPClient's method per operation.
func (g *generator) operationsFile(f *jen.File) {
	for _, m := range g.svc.Methods {
		g.operation(f, m)
	}
}

// operation declares one HTTPClient method.
func (g *generator) operation(f *jen.File, m ir.Method) {
	b := m.HTTP
	f.Add(comment(m.Name + " calls " + b.Method + " " + sanitize(b.Path) + "."))
	f.Func().Params(jen.Id("c").Op("*").Id("HTTPClient")).Id(m.Name).Params(
		jen.Id("ctx").Qual(pkgContext, "Context"), jen.Id("in").Op("*").Id(m.Input.Name),
	).Params(jen.Op("*").Id(m.Output.Name), jen.Error()).BlockFunc(func(bg *jen.Group) {
		if len(b.Params) > 0 || b.Body != nil {
			bg.If(jen.Id("in").Op("==").Nil()).Block(jen.Id("in").Op("=").New(jen.Id(m.Input.Name)))
		}
		g.fillCallbacks(bg, m)
		for _, cr := range b.Credentials {
			if cr.Required {
				bg.If(g.credential(cr).Op("==").Lit("")).Block(jen.Return(jen.Nil(), jen.Qual(pkgService, "Permanentf").Call(
					jen.Lit("%s: credential %s (%s) is not configured: pass %s to NewHTTPClient"),
					jen.Lit(m.Name), jen.Lit(cr.Name), jen.Lit(string(cr.In)), jen.Lit(ir.OptionName(cr.GoName)))))
			}
		}
		for _, p := range b.Params {
			// An empty path segment would address another resource
			// (DELETE /invoices/ instead of /invoices/{id}): refuse it.
			if kind := g.underlyingKind(p.Type); p.In == ir.InPath && p.Style == "simple" && (kind == ir.KindString || kind == ir.KindUUID) {
				field := jen.Id("in").Dot(p.GoName)
				if g.pointer(p.Type, p.Required) {
					field = jen.Op("*").Add(field)
				}
				bg.If(field.Clone().Op("==").Lit("")).Block(jen.Return(jen.Nil(), jen.Qual(pkgService, "Permanentf").Call(
					jen.Lit(m.Name+": path parameter "+p.Name+" is empty"))))
			}
		}
		bg.Id("u").Op(":=").Id("c").Dot("baseURL").Op("+").Add(g.pathExpr(b))
		if hasLocation(b, ir.InQuery) || hasCredential(b, ir.InQuery) {
			bg.Id("q").Op(":=").Qual(pkgURL, "Values").Values()
			for _, p := range b.Params {
				if p.In == ir.InQuery {
					g.withParam(bg, p, func(v jen.Code) jen.Code {
						return jen.Qual(pkgHTTPAPI, "AddQuery").Call(jen.Id("q"), styleCode(p.Style), jen.Lit(p.Explode), jen.Lit(p.Name), v)
					})
				}
			}
			g.withCredentials(bg, b, ir.InQuery, func(cr ir.Credential) jen.Code {
				return jen.Id("q").Dot("Set").Call(jen.Lit(cr.Name), jen.Id("v"))
			})
			bg.If(jen.Len(jen.Id("q")).Op(">").Lit(0)).Block(jen.Id("u").Op("+=").Lit("?").Op("+").Id("q").Dot("Encode").Call())
		}
		body, contentType := jen.Nil(), jen.Lit("")
		if b.Body != nil && len(b.Body.Contents) > 0 {
			bg.Var().Id("body").Qual(pkgIO, "Reader")
			bg.Id("contentType").Op(":=").Lit("")
			g.requestBody(bg, m)
			body, contentType = jen.Id("body"), jen.Id("contentType")
		}
		bg.List(jen.Id("req"), jen.Err()).Op(":=").Qual(pkgHTTPAPI, "NewRequest").Call(jen.Id("ctx"), jen.Lit(m.Name),
			httpMethod(b.Method), jen.Id("u"), body, contentType, jen.Lit(acceptHeader(b)))
		bg.If(errNotNil()).Block(jen.Return(jen.Nil(), jen.Err()))
		for _, p := range b.Params {
			switch p.In {
			case ir.InHeader:
				g.withParam(bg, p, func(v jen.Code) jen.Code {
					return jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit(p.Name), jen.Qual(pkgHTTPAPI, "HeaderParam").Call(styleCode(p.Style), jen.Lit(p.Explode), jen.Lit(p.Name), v))
				})
			case ir.InCookie:
				g.withParam(bg, p, func(v jen.Code) jen.Code {
					return jen.Id("req").Dot("AddCookie").Call(jen.Op("&").Qual(pkgHTTP, "Cookie").Values(jen.Dict{
						jen.Id("Name"): jen.Lit(p.Name), jen.Id("Value"): jen.Qual(pkgHTTPAPI, "CookieValue").Call(v),
					}))
				})
			}
		}
		g.withCredentials(bg, b, ir.InHeader, func(cr ir.Credential) jen.Code {
			return jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit(cr.Name), jen.Id("v"))
		})
		if b.IdempotencyHeader != "" {
			bg.If(jen.Id("key").Op(":=").Qual(pkgService, "IdempotencyKey").Call(jen.Id("ctx")), jen.Id("key").Op("!=").Lit("")).Block(
				jen.Id("req").Dot("Header").Dot("Set").Call(jen.Lit(b.IdempotencyHeader), jen.Id("key")),
			)
		}
		if alts := securityAlternatives(b); alts != nil && len(g.spec.SecuritySchemes) > 0 {
			bg.If(jen.Err().Op(":=").Id("c").Dot("authorize").Call(jen.Id("req"), alts), errNotNil()).Block(jen.Return(jen.Nil(), jen.Err()))
		}
		// After authorize, which may have sent a scheme's cookie already.
		g.withCredentials(bg, b, ir.InCookie, func(cr ir.Credential) jen.Code {
			return jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("req").Dot("Cookie").Call(jen.Lit(cr.Name)), errNotNil()).Block(
				jen.Id("req").Dot("AddCookie").Call(jen.Op("&").Qual(pkgHTTP, "Cookie").Values(jen.Dict{
					jen.Id("Name"): jen.Lit(cr.Name), jen.Id("Value"): jen.Id("v"),
				})))
		})
		data := jen.Id("data")
		if !readsBody(b) {
			data = jen.Id("_")
		}
		bg.List(jen.Id("resp"), data, jen.Err()).Op(":=").Qual(pkgHTTPAPI, "Do").Call(jen.Id("c").Dot("client"), jen.Id("req"), jen.Id("c").Dot("header"))
		bg.If(errNotNil()).Block(jen.Return(jen.Nil(), jen.Err()))
		g.responseSwitch(bg, m)
	})
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

// pathExpr builds the request path from the template and path parameters.
func (g *generator) pathExpr(b *ir.HTTPBinding) jen.Code {
	var parts []jen.Code
	rest := b.Path
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		end := strings.IndexByte(rest[max(open, 0):], '}')
		if open < 0 || end < 0 {
			parts = append(parts, jen.Lit(rest))
			break
		}
		end += open
		if open > 0 {
			parts = append(parts, jen.Lit(rest[:open]))
		}
		name := rest[open+1 : end]
		if p, ok := findParam(b, ir.InPath, name); ok {
			parts = append(parts, jen.Qual(pkgHTTPAPI, "PathParam").Call(styleCode(p.Style), jen.Lit(p.Explode), jen.Lit(p.Name), jen.Id("in").Dot(p.GoName)))
		} else {
			parts = append(parts, jen.Lit(rest[open:end+1]))
		}
		rest = rest[end+1:]
	}
	if len(parts) == 0 {
		return jen.Lit("")
	}
	expr := jen.Add(parts[0])
	for _, p := range parts[1:] {
		expr = expr.Op("+").Add(p)
	}
	return expr
}

// hasCredential reports whether any credential travels in location in.
func hasCredential(b *ir.HTTPBinding, in ir.ParamLocation) bool {
	for _, c := range b.Credentials {
		if c.In == in {
			return true
		}
	}
	return false
}

// withCredentials emits, for each credential in location in, use(cred)
// run with v, the configured value, when it is set.
func (g *generator) withCredentials(bg *jen.Group, b *ir.HTTPBinding, in ir.ParamLocation, use func(ir.Credential) jen.Code) {
	for _, cr := range b.Credentials {
		if cr.In == in {
			bg.If(jen.Id("v").Op(":=").Add(g.credential(cr)), jen.Id("v").Op("!=").Lit("")).Block(use(cr))
		}
	}
}

// hasLocation reports whether any parameter travels in location in.
func hasLocation(b *ir.HTTPBinding, in ir.ParamLocation) bool {
	for _, p := range b.Params {
		if p.In == in {
			return true
		}
	}
	return false
}

func findParam(b *ir.HTTPBinding, in ir.ParamLocation, name string) (ir.Param, bool) {
	for _, p := range b.Params {
		if p.In == in && p.Name == name {
			return p, true
		}
	}
	return ir.Param{}, false
}

// withParam emits use(value) guarded by a nil check for optional values,
// unless sending a nil value already sends nothing: a query parameter that
// is a map, or an exploded array (httpapi.AddQuery adds no item for them).
//
// Parameters declared with content instead of a schema are sent as their
// JSON encoding.
func (g *generator) withParam(bg *jen.Group, p ir.Param, use func(v jen.Code) jen.Code) {
	field := jen.Id("in").Dot(p.GoName)
	if p.ContentType != "" {
		inner := use
		use = func(v jen.Code) jen.Code { return inner(jen.Qual(pkgHTTPAPI, "JSONParam").Call(v)) }
	}
	kind := g.underlyingKind(p.Type)
	nilSendsNothing := p.In == ir.InQuery && p.ContentType == "" && (kind == ir.KindMap || kind == ir.KindArray && p.Explode)
	switch {
	case g.pointer(p.Type, p.Required):
		bg.If(field.Clone().Op("!=").Nil()).Block(use(jen.Op("*").Add(field.Clone())))
	case g.nilable(p.Type) && !nilSendsNothing:
		bg.If(field.Clone().Op("!=").Nil()).Block(use(field.Clone()))
	default:
		bg.Add(use(field.Clone()))
	}
}

// acceptHeader lists the media types of the declared responses.
func acceptHeader(b *ir.HTTPBinding) string {
	var types []string
	for _, r := range b.Responses {
		for _, c := range r.Contents {
			if !contains(types, c.MediaType) && !strings.ContainsAny(c.MediaType, "\r\n") {
				types = append(types, c.MediaType)
			}
		}
	}
	return strings.Join(types, ", ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
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
