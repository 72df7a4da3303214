package openapi

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/infgen/infgen/ir"
)

// serviceFile declares ServiceName, the service interface and the input,
// output and error types of its methods.
func (g *generator) serviceFile(f *jen.File) {
	svc := g.svc
	f.Add(comment("ServiceName is the name " + svc.Name + " is registered under in a worker and\naddressed by in workflow stubs."))
	f.Const().Id("ServiceName").Op("=").Lit(svc.FullName)

	f.Add(docComment(svc.Name, "is the API as a Go interface: one method per operation.\nHTTPClient implements it over HTTP; Register hosts any implementation in a worker.", svc.Doc))
	f.Type().Id(svc.Name).InterfaceFunc(func(ig *jen.Group) {
		for _, m := range svc.Methods {
			ig.Add(methodDoc(m))
			ig.Id(m.Name).Params(jen.Id("ctx").Qual(pkgContext, "Context"), jen.Id("in").Op("*").Id(m.Input.Name)).
				Params(jen.Op("*").Id(m.Output.Name), jen.Error())
		}
	})
	for _, m := range svc.Methods {
		g.inputType(f, m)
		g.outputType(f, m)
		g.errorType(f, m)
	}
	g.apiErrorType(f)
	g.errorTypesFunc(f)
}

// methodDoc documents an interface method.
func methodDoc(m ir.Method) jen.Code {
	lead := "calls the operation."
	if b := m.HTTP; b != nil {
		lead = "calls " + b.Method + " " + b.Path + "."
	}
	text := m.Doc
	if m.Deprecated {
		text = strings.TrimSpace(text + "\n\nDeprecated: the operation is deprecated by the API.")
	}
	return docComment(m.Name, lead, text)
}

// inputType declares MethodInput: parameters and body.
func (g *generator) inputType(f *jen.File, m ir.Method) {
	b := m.HTTP
	doc := m.Input.Name + " holds the parameters and body of " + m.Name + "."
	for _, c := range b.Credentials {
		doc += "\n\nThe " + string(c.In) + " parameter " + sanitize(c.Name) + " is not a field: it is a credential, which\nthe HTTP client sends from its configuration (" + ir.OptionName(c.GoName) + ")."
	}
	f.Add(comment(doc))
	tags := inputTags(b)
	f.Type().Id(m.Input.Name).StructFunc(func(sg *jen.Group) {
		for i, p := range b.Params {
			where := fmt.Sprintf("%q %s parameter", p.Name, p.In)
			doc := p.GoName + " is the " + where + "."
			if p.Doc != "" {
				doc = p.Doc + "\n\nThe " + where + "."
			}
			if p.Deprecated {
				doc += "\n\nDeprecated: the parameter is deprecated by the API."
			}
			sg.Add(comment(doc))
			tag, _ := jsonTag(tags[i], !p.Required)
			sg.Id(p.GoName).Add(g.fieldType(p.Type, p.Required)).Tag(tag)
		}
		if b.Body != nil && len(b.Body.Contents) > 0 {
			sg.Add(comment(strings.TrimSpace(b.Body.Doc + "\n\nRequest body (" + b.Body.Contents[0].MediaType + ").")))
			sg.Id(b.Body.GoName).Add(g.fieldType(b.Body.Contents[0].Type, b.Body.Required)).Tag(map[string]string{"json": "body,omitempty"})
		}
		// Like protobuf's DoNotCompare: a comparable input type would have
		// an equality function to compile, per operation (GitHub's inputs:
		// 30-45 MB of its package's compile).
		sg.Line().Id("_").Index(jen.Lit(0)).Func().Params().Comment("not comparable: compare the fields")
	})
}

// inputTags are the json names of input fields: the wire name when unique
// and taggable, the Go name otherwise.
func inputTags(b *ir.HTTPBinding) []string {
	count := map[string]int{"body": 1}
	for _, p := range b.Params {
		count[p.Name]++
	}
	tags := make([]string, len(b.Params))
	for i, p := range b.Params {
		tags[i] = p.Name
		if count[p.Name] > 1 || !validTagName(p.Name) {
			tags[i] = p.GoName
		}
	}
	return tags
}

// bodyField is a field of an output or error type holding a response body.
type bodyField struct {
	name string
	typ  ir.TypeRef
	// statuses are the responses decoded into this field.
	statuses []string
}

// bodyFields groups responses (errors or not) by body type: one Body field
// when all share a type, else BodyNNN per status.
func bodyFields(rs []ir.Response, errors bool) ([]bodyField, map[string]string) {
	var withBody []ir.Response
	for _, r := range rs {
		if r.Error == errors && len(r.Contents) > 0 {
			withBody = append(withBody, r)
		}
	}
	fieldOf := map[string]string{}
	if len(withBody) == 0 {
		return nil, fieldOf
	}
	same := true
	for _, r := range withBody[1:] {
		if !reflect.DeepEqual(r.Contents[0].Type, withBody[0].Contents[0].Type) {
			same = false
		}
	}
	if same {
		bf := bodyField{name: "Body", typ: withBody[0].Contents[0].Type}
		for _, r := range withBody {
			bf.statuses = append(bf.statuses, r.Status)
			fieldOf[r.Status] = "Body"
		}
		return []bodyField{bf}, fieldOf
	}
	var out []bodyField
	for _, r := range withBody {
		name := "Body" + ir.StatusName(r.Status)
		out = append(out, bodyField{name: name, typ: r.Contents[0].Type, statuses: []string{r.Status}})
		fieldOf[r.Status] = name
	}
	return out, fieldOf
}

// outputType declares MethodOutput.
func (g *generator) outputType(f *jen.File, m ir.Method) {
	fields, _ := bodyFields(m.HTTP.Responses, false)
	f.Add(comment(m.Output.Name + " is the successful response of " + m.Name + "."))
	f.Type().Id(m.Output.Name).StructFunc(func(sg *jen.Group) {
		g.statusFields(sg)
		for _, bf := range fields {
			sg.Comment("Body of the " + strings.Join(bf.statuses, ", ") + " response.")
			sg.Id(bf.name).Add(g.fieldType(bf.typ, false)).Tag(map[string]string{"json": ir.LowerGoName(bf.name) + ",omitempty"})
		}
		for _, h := range responseHeaders(m.HTTP) {
			sg.Add(comment(strings.TrimSpace(h.Doc + "\n\nResponse header " + h.Name + ".")))
			sg.Id(h.GoName).Add(g.fieldType(h.Type, false)).Tag(map[string]string{"json": ir.LowerGoName(h.GoName) + ",omitempty"})
		}
	})
}

// responseHeaders lists the declared headers of the success responses, one
// per output field, in field order: the order the responses declare them.
func responseHeaders(b *ir.HTTPBinding) []ir.Param {
	var out []ir.Param
	for _, r := range b.Responses {
		if r.Error {
			continue
		}
		for _, h := range r.Headers {
			if !slices.ContainsFunc(out, func(p ir.Param) bool { return p.GoName == h.GoName }) {
				out = append(out, h)
			}
		}
	}
	return out
}

// statusFields are the status code and headers of outputs and errors.
func (g *generator) statusFields(sg *jen.Group) {
	sg.Comment("StatusCode is the HTTP status of the response.")
	sg.Id("StatusCode").Int().Tag(map[string]string{"json": "statusCode"})
	sg.Comment("Header holds the response headers.")
	sg.Id("Header").Qual(pkgHTTP, "Header").Tag(map[string]string{"json": "header,omitempty"})
}

// hasErrorType reports whether a method declares error responses.
func hasErrorType(m ir.Method) bool {
	for _, r := range m.HTTP.Responses {
		if r.Error {
			return true
		}
	}
	return false
}

// errorType declares MethodError for declared error responses.
func (g *generator) errorType(f *jen.File, m ir.Method) {
	if !hasErrorType(m) {
		return
	}
	name := ir.ErrorName(m.Name)
	fields, _ := bodyFields(m.HTTP.Responses, true)
	f.Add(comment(name + " is a declared error response of " + m.Name + ". Statuses 408, 425,\n429 and 5xx are retried by the runtime; other 4xx are not."))
	f.Type().Id(name).StructFunc(func(sg *jen.Group) {
		g.statusFields(sg)
		sg.Comment("Message is the start of the response body.")
		sg.Id("Message").String().Tag(map[string]string{"json": "message,omitempty"})
		for _, bf := range fields {
			sg.Comment("Body of the " + strings.Join(bf.statuses, ", ") + " response.")
			sg.Id(bf.name).Add(g.fieldType(bf.typ, false)).Tag(map[string]string{"json": ir.LowerGoName(bf.name) + ",omitempty"})
		}
	})
	f.Add(comment("Error describes the failed call."))
	f.Func().Params(jen.Id("e").Op("*").Id(name)).Id("Error").Params().String().Block(
		jen.Return(jen.Qual(pkgHTTPAPI, "ErrorMessage").Call(jen.Lit(m.Name), jen.Id("e").Dot("StatusCode"), jen.Id("e").Dot("Message"))),
	)
}

// errorTypesFunc declares ErrorTypes, the package's error types as they
// cross processes: the method errors, then APIError, each named
// "<service name>.<type>". Register hands them to the worker (which
// records a failure's type and payload) and the stub to every call (so
// that the workflow decodes the failure into its type). The list is built
// once, from a table of examples rather than one generic instantiation per
// type (a large spec has hundreds), and shared by every call.
func (g *generator) errorTypesFunc(f *jen.File) {
	var names []string
	for _, m := range g.svc.Methods {
		if hasErrorType(m) {
			names = append(names, ir.ErrorName(m.Name))
		}
	}
	names = append(names, "APIError")
	f.Add(comment("ErrorTypes lists the error types of " + g.svc.Name + " that reach a workflow typed:\n" +
		"a task failing with one of them is recorded with the type's name and JSON\n" +
		"encoding, and errors.As matches it in the workflow, in any process and on\n" +
		"replay. Register and the stub pass them on; pass them yourself in\n" +
		"workflow.ChildCall.Errors to match them in a child's failure. The list is\n" +
		"built once and shared: do not modify it."))
	f.Func().Id("ErrorTypes").Params().Index().Qual(pkgFailure, "ErrorType").Block(
		jen.Return(jen.Id("errorTypes").Call()),
	)
	f.Line()
	f.Add(comment("errorTypes builds the list of ErrorTypes on first use."))
	f.Var().Id("errorTypes").Op("=").Qual("sync", "OnceValue").Call(
		jen.Func().Params().Index().Qual(pkgFailure, "ErrorType").Block(
			jen.Return(jen.Qual(pkgFailure, "JSONTypes").CallFunc(func(cg *jen.Group) {
				cg.Line().Id("ServiceName")
				for _, n := range names {
					cg.Line().Parens(jen.Op("*").Id(n)).Parens(jen.Nil())
				}
				cg.Line()
			})),
		),
	)
}

// apiErrorType declares APIError, the error of undeclared statuses.
func (g *generator) apiErrorType(f *jen.File) {
	f.Add(comment("APIError is a response with a status the operation does not declare."))
	f.Type().Id("APIError").Struct(
		jen.Comment("Operation is the method that failed."),
		jen.Id("Operation").String().Tag(map[string]string{"json": "operation"}),
		jen.Comment("StatusCode is the HTTP status of the response."),
		jen.Id("StatusCode").Int().Tag(map[string]string{"json": "statusCode"}),
		jen.Comment("Header holds the response headers."),
		jen.Id("Header").Qual(pkgHTTP, "Header").Tag(map[string]string{"json": "header,omitempty"}),
		jen.Comment("Message is the start of the response body."),
		jen.Id("Message").String().Tag(map[string]string{"json": "message,omitempty"}),
	)
	f.Add(comment("Error describes the failed call."))
	f.Func().Params(jen.Id("e").Op("*").Id("APIError")).Id("Error").Params().String().Block(
		jen.Return(jen.Qual(pkgHTTPAPI, "ErrorMessage").Call(jen.Id("e").Dot("Operation"), jen.Id("e").Dot("StatusCode"), jen.Id("e").Dot("Message"))),
	)
}
